// OpenAI's chat completions as the text analyser: the transcript goes in a user message with
// each segment's start time, and the answer is held to a JSON schema: {title, summary,
// keywords, language} for a summary, {titles} for the titles of spans (one per span, in order).
#include <cmath>
#include <cstdio>

#include "runtime/ai/http/answer.h"
#include "runtime/ai/http/chat.h"
#include "runtime/ai/http/providers.h"

namespace wfc::ai::http {
namespace {

/// "1:02:03" or "2:03".
std::string clock(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  }
  return text;
}

Json string_array() { return Json{{"type", "array"}, {"items", {{"type", "string"}}}}; }

Json object_schema(Json properties) {
  Json required = Json::array();
  for (const auto& [key, value] : properties.items()) required.push_back(key);
  return Json{{"type", "object"},
              {"properties", std::move(properties)},
              {"required", std::move(required)},
              {"additionalProperties", false}};
}

Json messages(const std::string& system, const std::string& user) {
  return Json::array(
      {{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}});
}

class OpenAiTextAnalyser final : public TextAnalyser {
 public:
  explicit OpenAiTextAnalyser(ProviderConfig config) : config_(std::move(config)) {}
  std::string name() const override { return "openai"; }

  Outcome<Summary> summarize(const Transcript& transcript, const Call& call) override {
    Summary summary;
    summary.language = transcript.language;
    if (transcript.text().empty()) return summary;  // nothing was said: nothing to summarize
    std::string user;
    if (!transcript.language.empty()) user += "Language: " + transcript.language + "\n";
    user += "Transcript (each line starts at the time in brackets):\n";
    for (const Segment& s : transcript.segments) {
      if (!s.text.empty()) user += "[" + clock(s.start) + "] " + s.text + "\n";
    }
    Json schema = object_schema({{"title", {{"type", "string"}}},
                                 {"summary", {{"type", "string"}}},
                                 {"keywords", string_array()},
                                 {"language", {{"type", "string"}}}});
    Endpoint e = endpoint(config_, "/v1/chat/completions");
    auto answer = chat_json(
        e, model(),
        messages("You summarize transcripts of audio and video. Answer with a short title (at "
                 "most ten words), a summary of one paragraph, three to ten keywords, all in the "
                 "transcript's language, and that language as a BCP 47 code such as \"en\".",
                 user),
        "summary", std::move(schema), call);
    if (failed(answer)) return std::get<Failure>(answer);
    const Json& json = std::get<Json>(answer);
    AnswerReader reader(e);
    summary.title = reader.string(json, "title", "");
    summary.summary = reader.string(json, "summary", "");
    const Json* keywords = reader.array(json, "keywords", "");
    for (std::size_t i = 0; keywords != nullptr && i < keywords->size(); ++i) {
      if (!(*keywords)[i].is_string()) {
        reader.missing("'keywords[" + std::to_string(i) + "]' (a string)");
        break;
      }
      summary.keywords.push_back((*keywords)[i].get<std::string>());
    }
    std::string language = reader.string(json, "language", "");
    if (auto f = reader.failure()) return *f;
    if (!language.empty()) summary.language = language_code(language);
    return summary;
  }

  Outcome<std::vector<std::string>> titles(const Transcript& transcript,
                                           std::span<const Section> spans,
                                           const Call& call) override {
    if (spans.empty()) return std::vector<std::string>{};
    // Each segment goes to the span its middle falls in.
    std::vector<std::string> texts(spans.size());
    for (const Segment& s : transcript.segments) {
      double middle = (s.start + s.end) / 2;
      for (std::size_t i = 0; i < spans.size(); ++i) {
        if (middle >= spans[i].start && (middle < spans[i].end || i + 1 == spans.size())) {
          if (!texts[i].empty()) texts[i] += ' ';
          texts[i] += s.text;
          break;
        }
      }
    }
    std::string user = "Write exactly " + std::to_string(spans.size()) +
                       " titles, one for each of these sections, in order.\n";
    if (!transcript.language.empty()) user += "Language: " + transcript.language + "\n";
    for (std::size_t i = 0; i < spans.size(); ++i) {
      user += "\nSection " + std::to_string(i + 1) + " [" + clock(spans[i].start) + "–" +
              clock(spans[i].end) + "]: " + (texts[i].empty() ? "(no speech)" : texts[i]) + "\n";
    }
    Endpoint e = endpoint(config_, "/v1/chat/completions");
    auto answer = chat_json(
        e, model(),
        messages("You title the sections of a transcript of audio or video, as chapter titles: "
                 "each at most eight words, in the transcript's language, saying what that "
                 "section is about.",
                 user),
        "titles", object_schema({{"titles", string_array()}}), call);
    if (failed(answer)) return std::get<Failure>(answer);
    AnswerReader reader(e);
    const Json* list = reader.array(std::get<Json>(answer), "titles", "");
    std::vector<std::string> out;
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
      if (!(*list)[i].is_string()) {
        reader.missing("'titles[" + std::to_string(i) + "]' (a string)");
        break;
      }
      out.push_back((*list)[i].get<std::string>());
    }
    if (auto f = reader.failure()) return *f;
    if (out.size() != spans.size()) {
      return invalid(e, std::to_string(spans.size()) + " titles (it gave " +
                            std::to_string(out.size()) + " for " + std::to_string(spans.size()) +
                            " sections)");
    }
    return out;
  }

 private:
  std::string model() const { return config_.model.empty() ? "gpt-4o-mini" : config_.model; }

  ProviderConfig config_;
};

}  // namespace

std::shared_ptr<TextAnalyser> make_http_text_analyser(const ProviderConfig& config) {
  if (config.provider == "openai") return std::make_shared<OpenAiTextAnalyser>(config);
  return nullptr;
}

}  // namespace wfc::ai::http
