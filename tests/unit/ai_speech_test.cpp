// The local speech recognizer (pocketsphinx on Debian's en-us model) and the pause detection it
// cuts long recordings with: word error rate on the LibriVox clips of pocketsphinx-testdata,
// timed words across a cut, pauses and cuts on tone patterns generated here.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "runtime/ai/local/sphinx_transcriber.h"
#include "runtime/ai/pauses.h"

using namespace wfc::ai;

namespace {

const std::string kLibrivox = "/usr/share/pocketsphinx/test/data/librivox/";

/// A 16 kHz mono 16-bit WAV file's samples (the test data's format); fails the test otherwise.
std::vector<int16_t> read_wav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() >= 12);
  REQUIRE(bytes.compare(0, 4, "RIFF") == 0);
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
    return v;
  };
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>(static_cast<uint8_t>(bytes[at]) |
                                 (static_cast<uint8_t>(bytes[at + 1]) << 8));
  };
  bool format_ok = false;
  for (size_t at = 12; at + 8 <= bytes.size();) {
    std::string id = bytes.substr(at, 4);
    size_t size = u32(at + 4);
    if (id == "fmt ") {
      format_ok =
          u16(at + 8) == 1 && u16(at + 10) == 1 && u32(at + 12) == 16000 && u16(at + 22) == 16;
    } else if (id == "data") {
      REQUIRE(format_ok);
      size = std::min(size, bytes.size() - at - 8);
      std::vector<int16_t> samples(size / 2);
      for (size_t i = 0; i < samples.size(); ++i) {
        samples[i] = static_cast<int16_t>(u16(at + 8 + 2 * i));
      }
      return samples;
    }
    at += 8 + size + (size & 1);
  }
  FAIL("no data chunk in " << path);
  return {};
}

struct Clip {
  std::string id;
  std::vector<std::string> reference;  // lower-case words
};

/// The LibriVox clips and their reference words, from `fileids` and `transcription`.
std::vector<Clip> librivox() {
  std::ifstream ids(kLibrivox + "fileids"), text(kLibrivox + "transcription");
  REQUIRE(ids.good());
  REQUIRE(text.good());
  std::vector<Clip> clips;
  std::string id, line;
  while (std::getline(ids, id) && std::getline(text, line)) {
    Clip c{id, {}};
    std::istringstream words(line);
    for (std::string w; words >> w;) {
      if (w == "<s>" || w == "</s>" || w.front() == '(') continue;
      for (char& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.reference.push_back(w);
    }
    clips.push_back(std::move(c));
  }
  REQUIRE(clips.size() == 5);
  return clips;
}

std::vector<std::string> words_of(const Transcript& t) {
  std::vector<std::string> out;
  for (const Segment& s : t.segments) {
    for (const Word& w : s.words) {
      std::string lw = w.word;
      for (char& ch : lw) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back(lw);
    }
  }
  return out;
}

/// Word-level edit distance (substitutions, insertions, deletions).
size_t edit_distance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::shared_ptr<SphinxTranscriber> transcriber() {
  static std::shared_ptr<SphinxTranscriber> shared = [] {
    auto t = SphinxTranscriber::open();
    REQUIRE_FALSE(failed(t));
    return std::get<std::shared_ptr<SphinxTranscriber>>(t);
  }();
  return shared;
}

Transcript transcribe_ok(const Audio& audio, Call call = {}) {
  TranscribeRequest r;
  r.audio = &audio;
  r.call = std::move(call);
  Outcome<Transcript> t = transcriber()->transcribe(r);
  if (failed(t)) FAIL(std::get<Failure>(t).kind << ": " << std::get<Failure>(t).message);
  return std::get<Transcript>(std::move(t));
}

/// Appends `seconds` of a tone (amplitude `amp`) or, with amp 0, of digital silence.
void append(Audio& a, double seconds, double amp, double hz = 440) {
  size_t n = static_cast<size_t>(std::lround(seconds * Audio::kRate));
  size_t base = a.samples.size();
  for (size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(base + i) / Audio::kRate;
    a.samples.push_back(static_cast<int16_t>(std::lround(amp * std::sin(2 * M_PI * hz * t))));
  }
}

/// Adds uniform noise of amplitude `amp` to every sample (a fixed seed: the same every run).
void add_noise(Audio& a, int amp) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> d(-amp, amp);
  for (int16_t& s : a.samples) s = static_cast<int16_t>(std::clamp(s + d(rng), -32768, 32767));
}

void scale(Audio& a, double factor) {
  for (int16_t& s : a.samples) s = static_cast<int16_t>(std::lround(s * factor));
}

}  // namespace

TEST_CASE("pauses between tone bursts, loud or quiet, with or without noise", "[ai][speech]") {
  // Bursts of two loudnesses; gaps at odd places (not on 10 ms frames).
  Audio clean;
  std::vector<Pause> truth;
  double t = 0;
  auto burst = [&](double s, double amp) {
    append(clean, s, amp);
    t += s;
  };
  auto gap = [&](double s) {
    truth.push_back({t, t + s});
    append(clean, s, 0);
    t += s;
  };
  burst(1.2345, 8000);
  gap(0.6);
  burst(0.8, 3000);
  gap(0.333);
  burst(2.0, 8000);
  gap(1.5);
  burst(0.7, 3000);
  gap(0.05);  // too short to be asked for
  burst(0.9, 8000);

  auto check = [&](const Audio& audio) {
    std::vector<Pause> found = find_pauses(audio, 0.25);
    REQUIRE(found.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(found[i].start == Approx(truth[i].start).margin(0.05));
      CHECK(found[i].end == Approx(truth[i].end).margin(0.05));
    }
    // The short gap is there when asked for.
    std::vector<Pause> all = find_pauses(audio, 0.03);
    REQUIRE(all.size() == 4);
    CHECK(all[3].start == Approx(truth[3].start).margin(0.05));
  };
  SECTION("digital silence") { check(clean); }
  SECTION("background noise 35 dB below the bursts") {
    Audio noisy = clean;
    add_noise(noisy, 250);
    check(noisy);
  }
  SECTION("the same, 40 dB quieter") {
    Audio quiet = clean;
    add_noise(quiet, 250);
    scale(quiet, 0.01);
    check(quiet);
  }
}

TEST_CASE("find_pauses: all silence is one pause, a steady sound none", "[ai][speech]") {
  Audio silence;
  append(silence, 3.0, 0);
  std::vector<Pause> p = find_pauses(silence, 0.5);
  REQUIRE(p.size() == 1);
  CHECK(p[0].start == 0);
  CHECK(p[0].end == Approx(3.0));

  Audio steady;
  append(steady, 3.0, 5000);
  add_noise(steady, 2000);
  CHECK(find_pauses(steady, 0.02).empty());
  CHECK(find_pauses(Audio{}, 0.1).empty());
}

TEST_CASE("split_at_pauses cuts in silence, at most 30 s a chunk", "[ai][speech]") {
  // 95 s: bursts of 0.4–3 s with gaps of 0.15–0.8 s, and 35 s of silence in the middle.
  Audio audio;
  std::vector<std::pair<size_t, size_t>> bursts;  // samples
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> burst_len(0.4, 3.0), gap_len(0.15, 0.8), amp(2000, 9000);
  auto speech = [&](double until) {
    while (audio.seconds() < until) {
      size_t b = audio.samples.size();
      append(audio, burst_len(rng), amp(rng), 300);
      bursts.emplace_back(b, audio.samples.size());
      append(audio, gap_len(rng), 0);
    }
  };
  speech(40);
  double silence_from = audio.seconds();
  append(audio, 35, 0);
  double silence_to = audio.seconds();
  speech(95);
  add_noise(audio, 60);

  std::vector<Chunk> chunks = split_at_pauses(audio);
  REQUIRE(chunks.size() >= 3);
  for (size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i].end > chunks[i].begin);
    CHECK(chunks[i].end - chunks[i].begin <= 30u * Audio::kRate);
    if (i > 0) CHECK(chunks[i].begin >= chunks[i - 1].end);
    // No chunk is all silence: each holds (part of) a burst.
    bool sound = false;
    for (auto [b, e] : bursts) sound = sound || (b < chunks[i].end && e > chunks[i].begin);
    CHECK(sound);
  }
  // Every burst lies whole inside one chunk: no cut in the sound.
  for (auto [b, e] : bursts) {
    bool inside = false;
    for (const Chunk& c : chunks) inside = inside || (c.begin <= b && e <= c.end);
    CHECK(inside);
  }
  // The long silence is left out but for the 0.25 s kept at each side.
  for (const Chunk& c : chunks) {
    double b = static_cast<double>(c.begin) / Audio::kRate;
    double e = static_cast<double>(c.end) / Audio::kRate;
    CHECK((e <= silence_from + 0.3 || b >= silence_to - 0.3));
  }
}

TEST_CASE("split_at_pauses takes the longest pause late in the window", "[ai][speech]") {
  // Short gaps every 2 s, one of 1 s ending at 21 s: the first cut is in it.
  Audio audio;
  while (audio.seconds() < 20) {
    append(audio, 1.8, 6000);
    append(audio, 0.2, 0);
  }
  append(audio, 1.0, 0);
  while (audio.seconds() < 48) {
    append(audio, 1.8, 6000);
    append(audio, 0.2, 0);
  }
  std::vector<Chunk> chunks = split_at_pauses(audio);
  REQUIRE(chunks.size() == 2);
  double cut = static_cast<double>(chunks[0].end) / Audio::kRate;
  CHECK(cut > 19.8);
  CHECK(cut < 21.0);
  CHECK(static_cast<double>(chunks[1].begin) / Audio::kRate < 21.0);
}

TEST_CASE("split_at_pauses hard-cuts a 40 s sound with no pause", "[ai][speech]") {
  Audio audio;
  append(audio, 40, 7000);
  add_noise(audio, 3000);
  std::vector<Chunk> chunks = split_at_pauses(audio);
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].begin == 0);
  CHECK(chunks[0].end == 30u * Audio::kRate);
  CHECK(chunks[1].begin == 30u * Audio::kRate);
  CHECK(chunks[1].end == audio.samples.size());

  Audio silence;
  append(silence, 70, 0);
  CHECK(split_at_pauses(silence).empty());
}

TEST_CASE("pocketsphinx: word error rate on the LibriVox clips", "[ai][speech]") {
  std::vector<Clip> clips = librivox();
  std::vector<Transcript> results(clips.size());
  // Two callers at once share the transcriber (and its pool of decoders).
  auto run = [&](size_t first) {
    for (size_t i = first; i < clips.size(); i += 2) {
      Audio a{read_wav(kLibrivox + clips[i].id + ".wav")};
      results[i] = transcribe_ok(a);
    }
  };
  std::thread other(run, 1);
  run(0);
  other.join();
  CHECK(transcriber()->decoders() <= 2);

  size_t errors = 0, words = 0;
  std::string heard_all;  // shown when the rate is too high
  for (size_t i = 0; i < clips.size(); ++i) {
    CHECK(results[i].engine == "pocketsphinx");
    CHECK(results[i].language == "en");
    std::vector<std::string> heard = words_of(results[i]);
    size_t e = edit_distance(clips[i].reference, heard);
    heard_all += clips[i].id + ": " + results[i].text() + "\n";
    errors += e;
    words += clips[i].reference.size();
    for (const Segment& s : results[i].segments) {
      CHECK(s.confidence >= 0);
      CHECK(s.confidence <= 1);
      CHECK(s.speaker.empty());
    }
  }
  double wer = static_cast<double>(errors) / static_cast<double>(words);
  WARN("pocketsphinx WER on the 5 LibriVox clips: " << errors << "/" << words << " = " << 100 * wer
                                                    << "%");
  INFO(heard_all);
  CHECK(wer <= 0.30);

  // A decoder's history does not change what it hears: the first clip again, on a used decoder.
  Audio again{read_wav(kLibrivox + clips[0].id + ".wav")};
  CHECK(transcribe_ok(again).text() == results[0].text());
}

TEST_CASE("pocketsphinx: timed words across a cut", "[ai][speech]") {
  // Clip 0880 (3 s), 28 s of silence, clip 0930 (3.3 s): two pieces, the second from ~31 s.
  Audio audio{read_wav(kLibrivox + "sense_and_sensibility_01_austen_64kb-0880.wav")};
  double first_end = audio.seconds();
  audio.samples.resize(audio.samples.size() + 28 * Audio::kRate, 0);
  double second_start = audio.seconds();
  std::vector<int16_t> second =
      read_wav(kLibrivox + "sense_and_sensibility_01_austen_64kb-0930.wav");
  audio.samples.insert(audio.samples.end(), second.begin(), second.end());

  std::vector<double> progress;
  std::mutex m;
  Call call;
  call.threads = 2;
  call.progress = [&](double f) {
    std::lock_guard lock(m);
    progress.push_back(f);
  };
  Transcript t = transcribe_ok(audio, call);
  REQUIRE(t.segments.size() >= 2);
  std::vector<std::string> early, late;
  double previous = -1;
  for (const Segment& s : t.segments) {
    CHECK(s.start <= s.end);
    CHECK_FALSE(s.text.empty());
    REQUIRE_FALSE(s.words.empty());
    for (const Word& w : s.words) {
      CHECK(w.start >= previous);
      CHECK(w.start < w.end);
      CHECK(w.start >= s.start);
      CHECK(w.end <= s.end);
      CHECK(w.end <= audio.seconds());
      CHECK(w.word.find('(') == std::string::npos);
      CHECK(w.confidence >= 0);
      CHECK(w.confidence <= 1);
      previous = w.start;
      // No word in the silence: each is in the first clip or the second.
      bool in_first = w.end <= first_end + 0.1;
      bool in_second = w.start >= second_start - 0.1;
      CHECK((in_first || in_second));
      (in_first ? early : late).push_back(w.word);
    }
  }
  // Each clip is heard where it is: mostly its own words.
  CHECK(edit_distance({"he", "was", "not", "an", "ill", "disposed", "young", "man"}, early) <= 3);
  CHECK(edit_distance({"he", "might", "even", "have", "been", "made", "amiable", "himself"},
                      late) <= 3);
  REQUIRE_FALSE(progress.empty());
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == Approx(1.0));
}

TEST_CASE("pocketsphinx: cancelling stops between pieces", "[ai][speech]") {
  Audio audio{read_wav(kLibrivox + "sense_and_sensibility_01_austen_64kb-0880.wav")};
  audio.samples.resize(audio.samples.size() + 28 * Audio::kRate, 0);
  std::vector<int16_t> second =
      read_wav(kLibrivox + "sense_and_sensibility_01_austen_64kb-0930.wav");
  audio.samples.insert(audio.samples.end(), second.begin(), second.end());

  std::atomic<bool> cancel{false};
  std::vector<double> progress;
  TranscribeRequest r;
  r.audio = &audio;
  r.call.cancel = &cancel;
  r.call.progress = [&](double f) {
    progress.push_back(f);
    cancel = true;  // after the first piece
  };
  Outcome<Transcript> t = transcriber()->transcribe(r);
  REQUIRE(failed(t));
  CHECK(std::get<Failure>(t).kind == "cancelled");
  REQUIRE(progress.size() == 1);
  CHECK(progress[0] < 1.0);

  // Cancelled before it starts.
  Outcome<Transcript> again = transcriber()->transcribe(r);
  REQUIRE(failed(again));
  CHECK(std::get<Failure>(again).kind == "cancelled");
  CHECK(progress.size() == 1);
}

TEST_CASE("pocketsphinx: silence, languages, a missing model", "[ai][speech]") {
  Audio silence;
  append(silence, 5, 0);
  add_noise(silence, 3);  // dither
  for (const char* language : {"", "en", "EN-gb", "en-US"}) {
    TranscribeRequest r;
    r.audio = &silence;
    r.language = language;
    Outcome<Transcript> t = transcriber()->transcribe(r);
    REQUIRE_FALSE(failed(t));
    CHECK(std::get<Transcript>(t).segments.empty());
    CHECK(std::get<Transcript>(t).engine == "pocketsphinx");
  }

  TranscribeRequest french;
  french.audio = &silence;
  french.language = "fr";
  Outcome<Transcript> t = transcriber()->transcribe(french);
  REQUIRE(failed(t));
  CHECK(std::get<Failure>(t).kind == "language_unsupported");
  CHECK_THAT(std::get<Failure>(t).message,
             Catch::Contains("WFC_AI_TRANSCRIBE_PROVIDER") && Catch::Contains("'fr'"));

  auto missing = SphinxTranscriber::open("/nonexistent/model");
  REQUIRE(failed(missing));
  CHECK(std::get<Failure>(missing).kind == "model_missing");
  CHECK_THAT(std::get<Failure>(missing).message, Catch::Contains("pocketsphinx-en-us"));
}
