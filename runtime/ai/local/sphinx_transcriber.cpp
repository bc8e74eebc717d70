// pocketsphinx behind the Transcriber interface (sphinx_transcriber.h): the decoder pool, one
// utterance per piece of audio, and the words of its best path with their posteriors.
#include "runtime/ai/local/sphinx_transcriber.h"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/ai/pauses.h"

namespace wfc::ai {
namespace {

constexpr double kMaxPiece = 30;        // seconds of audio decoded as one utterance
constexpr double kPhraseGap = 0.5;      // a silence this long between words starts a new Segment
constexpr double kProgressEvery = 0.2;  // seconds between progress reports at most

/// ps_init and cmd_ln share sphinxbase's global state (its log file): one at a time.
std::mutex& init_mutex() {
  static std::mutex m;
  return m;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_english(const std::string& language) {
  std::string l = lower(language);
  return l.empty() || l == "en" || l.starts_with("en-") || l.starts_with("en_");
}

/// Silence and noise markers of the dictionary (<s>, </s>, <sil>, [NOISE], ++NOISE++).
bool is_filler(const std::string& w) {
  return w.empty() || w[0] == '<' || w[0] == '[' || w[0] == '+';
}

/// "read(2)" → "read": the dictionary's alternate pronunciations are the same word.
std::string plain_word(std::string w) {
  if (!w.empty() && w.back() == ')') {
    size_t open = w.rfind('(');
    if (open != std::string::npos && open > 0) w.erase(open);
  }
  return w;
}

/// Decodes samples [chunk.begin, chunk.end) as one utterance; words timed from the audio's start.
Outcome<std::vector<Word>> decode(ps_decoder_t* ps, const Audio& audio, const Chunk& chunk) {
  const int16_t* data = audio.samples.data() + chunk.begin;
  size_t count = chunk.end - chunk.begin;
  if (ps_start_utt(ps) < 0 || ps_process_raw(ps, data, count, FALSE, TRUE) < 0 ||
      ps_end_utt(ps) < 0) {
    return Failure{"engine_failed", "pocketsphinx could not decode the audio at " +
                                        std::to_string(chunk.begin / Audio::kRate) + " s"};
  }
  double frate = cmd_ln_int32_r(ps_get_config(ps), "-frate");
  if (frate <= 0) frate = 100;
  double offset = static_cast<double>(chunk.begin) / Audio::kRate;
  logmath_t* lmath = ps_get_logmath(ps);
  std::vector<Word> words;
  for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
    std::string w = ps_seg_word(seg);
    if (is_filler(w)) continue;
    int sf = 0, ef = 0;
    ps_seg_frames(seg, &sf, &ef);
    int32 ascr = 0, lscr = 0, lback = 0;
    double p = logmath_exp(lmath, ps_seg_prob(seg, &ascr, &lscr, &lback));
    Word word;
    word.word = plain_word(std::move(w));
    word.start = offset + sf / frate;
    word.end = offset + (ef + 1) / frate;
    word.confidence = std::clamp(p, 0.0, 1.0);
    words.push_back(std::move(word));
  }
  return words;
}

/// The words of the pieces, in order, grouped into phrases at silences of kPhraseGap.
std::vector<Segment> phrases(std::vector<std::vector<Word>>& pieces) {
  std::vector<Segment> out;
  for (std::vector<Word>& words : pieces) {
    Segment* current = nullptr;
    for (Word& w : words) {
      if (current == nullptr || w.start - current->words.back().end >= kPhraseGap) {
        current = &out.emplace_back();
      }
      current->words.push_back(std::move(w));
    }
  }
  for (Segment& s : out) {
    s.start = s.words.front().start;
    s.end = s.words.back().end;
    double sum = 0;
    for (const Word& w : s.words) {
      if (!s.text.empty()) s.text += ' ';
      s.text += w.word;
      sum += w.confidence;
    }
    s.confidence = sum / static_cast<double>(s.words.size());
  }
  return out;
}

}  // namespace

SphinxTranscriber::SphinxTranscriber(std::string model_dir) : model_dir_(std::move(model_dir)) {}

SphinxTranscriber::~SphinxTranscriber() {
  for (ps_decoder_t* ps : idle_) ps_free(ps);
}

Outcome<std::shared_ptr<SphinxTranscriber>> SphinxTranscriber::open(std::string model_dir) {
  namespace fs = std::filesystem;
  for (const char* file : {"en-us/mdef", "cmudict-en-us.dict", "en-us.lm.bin"}) {
    fs::path path = fs::path(model_dir) / file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return Failure{"model_missing", "the speech model is not installed: " + path.string() +
                                          " is missing (Debian's pocketsphinx-en-us package "
                                          "installs it in " +
                                          std::string(kSphinxModelDir) + ")"};
    }
  }
  return std::make_shared<SphinxTranscriber>(std::move(model_dir));
}

size_t SphinxTranscriber::decoders() const {
  std::lock_guard lock(mutex_);
  return created_;
}

Outcome<ps_decoder_t*> SphinxTranscriber::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      ps_decoder_t* ps = idle_.back();
      idle_.pop_back();
      return ps;
    }
  }
  ps_decoder_t* ps = nullptr;
  {
    std::lock_guard lock(init_mutex());
    err_set_logfp(nullptr);  // pocketsphinx logs every step of its work on stderr otherwise
    std::string hmm = model_dir_ + "/en-us", dict = model_dir_ + "/cmudict-en-us.dict",
                lm = model_dir_ + "/en-us.lm.bin";
    // Noise removal keeps noise statistics from one utterance to the next: without it a piece's
    // words do not depend on which decoder of the pool had which pieces before (and the WER on
    // the LibriVox clips is the same, 28.2%). Silence removal drops the frames its voice
    // detector calls silent before decoding, so a word's frame index would no longer be its
    // time: a piece with a pause inside it came out with every word after the pause too early.
    cmd_ln_t* config =
        cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict", dict.c_str(), "-lm",
                    lm.c_str(), "-remove_noise", "no", "-remove_silence", "no", nullptr);
    if (config != nullptr) {
      ps = ps_init(config);
      cmd_ln_free_r(config);  // the decoder holds its own reference
    }
  }
  if (ps == nullptr) {
    return Failure{"engine_failed", "pocketsphinx could not load its model from " + model_dir_};
  }
  std::lock_guard lock(mutex_);
  ++created_;
  return ps;
}

void SphinxTranscriber::release(ps_decoder_t* ps) {
  std::lock_guard lock(mutex_);
  idle_.push_back(ps);
}

Outcome<Transcript> SphinxTranscriber::transcribe(const TranscribeRequest& request) {
  if (!is_english(request.language)) {
    return Failure{"language_unsupported",
                   "language '" + request.language +
                       "': the local recognizer knows English only; set "
                       "WFC_AI_TRANSCRIBE_PROVIDER (docs/ai.md) to a provider that knows '" +
                       request.language + "'"};
  }
  const Call& call = request.call;
  auto cancelled = [&] { return call.cancel != nullptr && call.cancel->load(); };
  if (cancelled()) return Failure{"cancelled", "the transcription was cancelled"};

  Transcript out;
  out.language = "en";
  out.engine = name();
  if (request.audio == nullptr) return out;
  const Audio& audio = *request.audio;
  std::vector<Chunk> chunks = split_at_pauses(audio, kMaxPiece);
  if (chunks.empty()) return out;

  double total = 0;
  for (const Chunk& c : chunks) total += static_cast<double>(c.end - c.begin);
  std::vector<std::vector<Word>> pieces(chunks.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards failure, done, last_report and the progress callback
  std::optional<Failure> failure;
  double done = 0;
  auto last_report = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  auto fail = [&](Failure f) {
    std::lock_guard lock(mutex);
    if (!failure) failure = std::move(f);
    stop = true;
  };

  auto work = [&] {
    ps_decoder_t* ps = nullptr;
    while (!stop) {
      if (cancelled()) {
        fail(Failure{"cancelled", "the transcription was cancelled"});
        break;
      }
      size_t i = next++;
      if (i >= chunks.size()) break;
      if (ps == nullptr) {
        Outcome<ps_decoder_t*> d = acquire();
        if (failed(d)) {
          fail(std::get<Failure>(std::move(d)));
          break;
        }
        ps = std::get<ps_decoder_t*>(d);
      }
      Outcome<std::vector<Word>> words = decode(ps, audio, chunks[i]);
      if (failed(words)) {
        fail(std::get<Failure>(std::move(words)));
        break;
      }
      pieces[i] = std::get<std::vector<Word>>(std::move(words));
      std::lock_guard lock(mutex);
      done += static_cast<double>(chunks[i].end - chunks[i].begin);
      auto now = std::chrono::steady_clock::now();
      if (call.progress &&
          (now - last_report >= std::chrono::duration<double>(kProgressEvery) || done >= total)) {
        last_report = now;
        call.progress(done / total);
      }
    }
    if (ps != nullptr) release(ps);
  };

  size_t threads = std::clamp<size_t>(call.threads, 1, chunks.size());
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (failure) return *failure;

  out.segments = phrases(pieces);
  return out;
}

}  // namespace wfc::ai
