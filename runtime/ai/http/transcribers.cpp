// The HTTP transcribers: OpenAI's transcriptions API and the whisper.cpp server. Both take the
// audio as a WAV file in a multipart form and answer Whisper's verbose_json: segments with
// times, text and avg_logprob. OpenAI lists the words apart, at the top level (timestamp
// granularity "word"); whisper.cpp lists each segment's tokens as its "words" (a token that does
// not start with a space continues the previous word), each with a probability. Long audio goes
// in chunks of kChunkSeconds (OpenAI refuses files over 25 MB), their times shifted back.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <utility>

#include "runtime/ai/http/answer.h"
#include "runtime/ai/http/client.h"
#include "runtime/ai/http/providers.h"

namespace wfc::ai::http {
namespace {

constexpr double kChunkSeconds = 600;  // 19.2 MB of WAV
constexpr double kShortest = 0.1;      // OpenAI refuses shorter audio; it holds no speech anyway

// Whisper's languages by the names its servers answer (whisper.cpp's g_lang, OpenAI's
// verbose_json), with their codes (Whisper's "jw" is BCP 47's "jv").
constexpr std::pair<std::string_view, std::string_view> kLanguages[] = {
    {"english", "en"},        {"chinese", "zh"},     {"german", "de"},        {"spanish", "es"},
    {"russian", "ru"},        {"korean", "ko"},      {"french", "fr"},        {"japanese", "ja"},
    {"portuguese", "pt"},     {"turkish", "tr"},     {"polish", "pl"},        {"catalan", "ca"},
    {"dutch", "nl"},          {"arabic", "ar"},      {"swedish", "sv"},       {"italian", "it"},
    {"indonesian", "id"},     {"hindi", "hi"},       {"finnish", "fi"},       {"vietnamese", "vi"},
    {"hebrew", "he"},         {"ukrainian", "uk"},   {"greek", "el"},         {"malay", "ms"},
    {"czech", "cs"},          {"romanian", "ro"},    {"danish", "da"},        {"hungarian", "hu"},
    {"tamil", "ta"},          {"norwegian", "no"},   {"thai", "th"},          {"urdu", "ur"},
    {"croatian", "hr"},       {"bulgarian", "bg"},   {"lithuanian", "lt"},    {"latin", "la"},
    {"maori", "mi"},          {"malayalam", "ml"},   {"welsh", "cy"},         {"slovak", "sk"},
    {"telugu", "te"},         {"persian", "fa"},     {"latvian", "lv"},       {"bengali", "bn"},
    {"serbian", "sr"},        {"azerbaijani", "az"}, {"slovenian", "sl"},     {"kannada", "kn"},
    {"estonian", "et"},       {"macedonian", "mk"},  {"breton", "br"},        {"basque", "eu"},
    {"icelandic", "is"},      {"armenian", "hy"},    {"nepali", "ne"},        {"mongolian", "mn"},
    {"bosnian", "bs"},        {"kazakh", "kk"},      {"albanian", "sq"},      {"swahili", "sw"},
    {"galician", "gl"},       {"marathi", "mr"},     {"punjabi", "pa"},       {"sinhala", "si"},
    {"khmer", "km"},          {"shona", "sn"},       {"yoruba", "yo"},        {"somali", "so"},
    {"afrikaans", "af"},      {"occitan", "oc"},     {"georgian", "ka"},      {"belarusian", "be"},
    {"tajik", "tg"},          {"sindhi", "sd"},      {"gujarati", "gu"},      {"amharic", "am"},
    {"yiddish", "yi"},        {"lao", "lo"},         {"uzbek", "uz"},         {"faroese", "fo"},
    {"haitian creole", "ht"}, {"pashto", "ps"},      {"turkmen", "tk"},       {"nynorsk", "nn"},
    {"maltese", "mt"},        {"sanskrit", "sa"},    {"luxembourgish", "lb"}, {"myanmar", "my"},
    {"tibetan", "bo"},        {"tagalog", "tl"},     {"malagasy", "mg"},      {"assamese", "as"},
    {"tatar", "tt"},          {"hawaiian", "haw"},   {"lingala", "ln"},       {"hausa", "ha"},
    {"bashkir", "ba"},        {"javanese", "jv"},    {"sundanese", "su"},     {"cantonese", "yue"},
};

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

double clamp01(double x) { return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0; }

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xFFFF));
  put16(out, static_cast<uint16_t>(v >> 16));
}

/// What one verbose_json answer held, its times from the start of the audio it was sent.
struct Parsed {
  std::string language;
  std::vector<Segment> segments;
};

/// A segment's confidence from its avg_logprob (Whisper's mean token log probability).
std::optional<double> logprob_confidence(AnswerReader& reader, const Json& segment) {
  auto logprob = reader.optional_number(segment, "avg_logprob");
  if (!logprob) return std::nullopt;
  return clamp01(std::exp(*logprob));
}

/// The base of both transcribers: chunking, the form, the answer's segments.
class WhisperApiTranscriber : public Transcriber {
 public:
  explicit WhisperApiTranscriber(ProviderConfig config) : config_(std::move(config)) {}

  Outcome<Transcript> transcribe(const TranscribeRequest& request) override {
    Transcript transcript;
    transcript.engine = name();
    transcript.language = request.language;
    if (request.audio == nullptr) return Failure{"engine_failed", "no audio was given"};
    const Audio& audio = *request.audio;
    if (audio.seconds() < kShortest) return transcript;
    const std::size_t chunk = static_cast<std::size_t>(kChunkSeconds * Audio::kRate);
    const std::size_t chunks = (audio.samples.size() + chunk - 1) / chunk;
    for (std::size_t i = 0; i < chunks; ++i) {
      Audio part;
      std::size_t begin = i * chunk;
      std::size_t end = std::min(audio.samples.size(), begin + chunk);
      part.samples.assign(audio.samples.begin() + static_cast<std::ptrdiff_t>(begin),
                          audio.samples.begin() + static_cast<std::ptrdiff_t>(end));
      if (i > 0 && part.seconds() < kShortest) break;
      Endpoint e = endpoint(config_, path());
      auto answer = post_form(e, form(part, request), request.call);
      if (failed(answer)) return std::get<Failure>(answer);
      auto parsed = parse(e, std::get<Json>(answer));
      if (failed(parsed)) return std::get<Failure>(parsed);
      Parsed& p = std::get<Parsed>(parsed);
      double offset = static_cast<double>(begin) / Audio::kRate;
      for (Segment& s : p.segments) {
        s.start += offset;
        s.end += offset;
        for (Word& w : s.words) {
          w.start += offset;
          w.end += offset;
        }
        transcript.segments.push_back(std::move(s));
      }
      if (!p.language.empty() && (i == 0 || transcript.language.empty())) {
        transcript.language = language_code(p.language);
      }
      if (request.call.progress) request.call.progress(static_cast<double>(i + 1) / chunks);
    }
    return transcript;
  }

 protected:
  virtual std::string path() const = 0;
  virtual std::vector<FormPart> form(const Audio& audio, const TranscribeRequest& request) = 0;
  virtual Outcome<Parsed> parse(const Endpoint& e, const Json& answer) = 0;

  /// The audio as a file named audio.wav (the input's own name would misstate the format).
  static FormPart wav_part(const Audio& audio) {
    return FormPart{"file", wav_file(audio), "audio.wav", "audio/wav"};
  }

  /// Each segment's start, end, text and confidence; words are the caller's.
  static std::vector<Segment> read_segments(AnswerReader& reader, const Json& answer,
                                            const Json** items) {
    std::vector<Segment> out;
    *items = reader.array(answer, "segments", "");
    if (*items == nullptr) return out;
    for (std::size_t i = 0; i < (*items)->size(); ++i) {
      const Json& s = (**items)[i];
      std::string path = "segments[" + std::to_string(i) + "]";
      Segment segment;
      segment.start = reader.number(s, "start", path);
      segment.end = reader.number(s, "end", path);
      segment.text = trim(reader.string(s, "text", path));
      segment.confidence = logprob_confidence(reader, s).value_or(0.0);
      out.push_back(std::move(segment));
    }
    return out;
  }

  ProviderConfig config_;
};

class OpenAiTranscriber final : public WhisperApiTranscriber {
 public:
  using WhisperApiTranscriber::WhisperApiTranscriber;
  std::string name() const override { return "openai"; }

 protected:
  std::string path() const override { return "/v1/audio/transcriptions"; }

  std::vector<FormPart> form(const Audio& audio, const TranscribeRequest& request) override {
    std::vector<FormPart> parts{
        wav_part(audio), field("model", config_.model.empty() ? "whisper-1" : config_.model),
        field("response_format", "verbose_json"), field("timestamp_granularities[]", "word"),
        field("timestamp_granularities[]", "segment")};
    if (!request.language.empty()) parts.push_back(field("language", request.language));
    return parts;
  }

  Outcome<Parsed> parse(const Endpoint& e, const Json& answer) override {
    AnswerReader reader(e);
    Parsed parsed;
    const Json* items = nullptr;
    parsed.segments = read_segments(reader, answer, &items);
    parsed.language = reader.string(answer, "language", "");
    // Words come apart from the segments; each goes to the segment its middle falls in (else the
    // nearest), with that segment's confidence since OpenAI gives words none.
    auto words_it = answer.find("words");
    if (words_it != answer.end() && !words_it->is_null()) {
      const Json* words = reader.array(answer, "words", "");
      for (std::size_t i = 0; words != nullptr && i < words->size(); ++i) {
        const Json& w = (*words)[i];
        std::string path = "words[" + std::to_string(i) + "]";
        Word word;
        word.word = trim(reader.string(w, "word", path));
        word.start = reader.number(w, "start", path);
        word.end = reader.number(w, "end", path);
        if (parsed.segments.empty()) {
          reader.missing("'segments' for its words");
          break;
        }
        double middle = (word.start + word.end) / 2;
        std::size_t best = 0;
        double best_distance = HUGE_VAL;
        for (std::size_t k = 0; k < parsed.segments.size(); ++k) {
          const Segment& s = parsed.segments[k];
          double distance = middle < s.start ? s.start - middle
                            : middle > s.end ? middle - s.end
                                             : 0;
          if (distance < best_distance) {
            best_distance = distance;
            best = k;
          }
        }
        word.confidence = parsed.segments[best].confidence;
        parsed.segments[best].words.push_back(std::move(word));
      }
    }
    if (auto f = reader.failure()) return *f;
    return parsed;
  }
};

class WhisperCppTranscriber final : public WhisperApiTranscriber {
 public:
  using WhisperApiTranscriber::WhisperApiTranscriber;
  std::string name() const override { return "whisper.cpp"; }

 protected:
  std::string path() const override { return "/inference"; }

  std::vector<FormPart> form(const Audio& audio, const TranscribeRequest& request) override {
    std::vector<FormPart> parts{wav_part(audio), field("response_format", "verbose_json"),
                                field("temperature", "0.0")};
    if (!request.language.empty()) parts.push_back(field("language", request.language));
    return parts;
  }

  Outcome<Parsed> parse(const Endpoint& e, const Json& answer) override {
    AnswerReader reader(e);
    Parsed parsed;
    const Json* items = nullptr;
    parsed.segments = read_segments(reader, answer, &items);
    parsed.language = reader.string(answer, "language", "");
    for (std::size_t i = 0; items != nullptr && i < parsed.segments.size(); ++i) {
      const Json& s = (*items)[i];
      Segment& segment = parsed.segments[i];
      std::string path = "segments[" + std::to_string(i) + "]";
      auto tokens_it = s.find("words");
      if (tokens_it == s.end() || tokens_it->is_null()) continue;  // a segment of no tokens
      const Json* tokens = reader.array(s, "words", path);
      double probability_sum = 0;
      std::vector<int> pieces;  // tokens per word, for the word's mean probability
      for (std::size_t k = 0; tokens != nullptr && k < tokens->size(); ++k) {
        const Json& t = (*tokens)[k];
        std::string token_path = path + ".words[" + std::to_string(k) + "]";
        std::string text = reader.string(t, "word", token_path);
        double start = reader.number(t, "start", token_path);
        double end = reader.number(t, "end", token_path);
        double p = clamp01(reader.optional_number(t, "probability").value_or(0.0));
        probability_sum += p;
        bool continues = !segment.words.empty() && !text.empty() &&
                         !std::isspace(static_cast<unsigned char>(text.front()));
        if (continues) {
          Word& w = segment.words.back();
          w.word += text;
          w.end = end;
          w.confidence += p;
          ++pieces.back();
          continue;
        }
        std::string word = trim(text);
        if (word.empty()) continue;
        segment.words.push_back(Word{start, end, word, p});
        pieces.push_back(1);
      }
      for (std::size_t k = 0; k < segment.words.size(); ++k) {
        segment.words[k].confidence /= pieces[k];
      }
      if (!logprob_confidence(reader, s) && tokens != nullptr && !tokens->empty()) {
        segment.confidence = probability_sum / static_cast<double>(tokens->size());
      }
    }
    if (auto f = reader.failure()) return *f;
    return parsed;
  }
};

}  // namespace

std::string wav_file(const Audio& audio) {
  const uint32_t data_bytes = static_cast<uint32_t>(audio.samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  put32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  put32(out, 16);                // fmt chunk size
  put16(out, 1);                 // PCM
  put16(out, 1);                 // mono
  put32(out, Audio::kRate);      // sample rate
  put32(out, Audio::kRate * 2);  // byte rate
  put16(out, 2);                 // block align
  put16(out, 16);                // bits per sample
  out += "data";
  put32(out, data_bytes);
  for (int16_t s : audio.samples) put16(out, static_cast<uint16_t>(s));
  return out;
}

std::string language_code(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [full, code] : kLanguages) {
    if (lower == full) return std::string(code);
  }
  return lower;
}

std::shared_ptr<Transcriber> make_http_transcriber(const ProviderConfig& config) {
  if (config.provider == "openai") return std::make_shared<OpenAiTranscriber>(config);
  if (config.provider == "whisper.cpp") return std::make_shared<WhisperCppTranscriber>(config);
  return nullptr;
}

}  // namespace wfc::ai::http
