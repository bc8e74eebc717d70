// The HTTP frame classifiers. Both send each frame as a JPEG data URL, one request per frame
// (a moderation request with several images answers one result for them all), at 512 × 512
// (what OpenAI's low-detail vision works at; the operator scales to it).
//   openai-moderation  POST {base}/v1/moderations: results[0].category_scores, the provider's
//                      categories as they come ("sexual", "violence", "violence/graphic", …)
//   openai-vision      chat completions held to {nudity, sexual, violence, gore}, each 0–1
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runtime/ai/http/answer.h"
#include "runtime/ai/http/chat.h"
#include "runtime/ai/http/providers.h"

namespace wfc::ai::http {
namespace {

constexpr int kSide = 512;

std::string data_url(const Frame& frame) { return "data:image/jpeg;base64," + base64(frame.jpeg); }

float score(double x) { return std::isfinite(x) ? static_cast<float>(std::clamp(x, 0.0, 1.0)) : 0; }

Failure no_jpeg(const Frame& frame) {
  char text[96];
  std::snprintf(text, sizeof text, "the frame at %.3f s was given without its JPEG", frame.time);
  return Failure{"engine_failed", text};
}

/// The frames one by one through `classify_one`, with progress.
template <class F>
Outcome<std::vector<Scores>> each_frame(std::span<const Frame> frames, const Call& call,
                                        F classify_one) {
  std::vector<Scores> out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].jpeg.empty()) return no_jpeg(frames[i]);
    Outcome<Scores> scores = classify_one(frames[i]);
    if (failed(scores)) return std::get<Failure>(scores);
    out.push_back(std::move(std::get<Scores>(scores)));
    if (call.progress) call.progress(static_cast<double>(i + 1) / frames.size());
  }
  return out;
}

class ModerationClassifier final : public FrameClassifier {
 public:
  explicit ModerationClassifier(ProviderConfig config) : config_(std::move(config)) {}
  std::string name() const override { return "openai-moderation"; }
  std::pair<int, int> frame_size() const override { return {kSide, kSide}; }
  bool wants_jpeg() const override { return true; }

  Outcome<std::vector<Scores>> classify(std::span<const Frame> frames, const Call& call) override {
    Endpoint e = endpoint(config_, "/v1/moderations");
    std::string model = config_.model.empty() ? "omni-moderation-latest" : config_.model;
    return each_frame(frames, call, [&](const Frame& frame) -> Outcome<Scores> {
      Json body = {
          {"model", model},
          {"input",
           Json::array({{{"type", "image_url"}, {"image_url", {{"url", data_url(frame)}}}}})}};
      auto answer = post_json(e, body, call);
      if (failed(answer)) return std::get<Failure>(answer);
      AnswerReader reader(e);
      const Json* results = reader.array(std::get<Json>(answer), "results", "");
      if (results != nullptr && results->empty()) reader.missing("'results[0]' (an object)");
      if (auto f = reader.failure()) return *f;
      const Json* categories = reader.object((*results)[0], "category_scores", "results[0]");
      if (auto f = reader.failure()) return *f;
      Scores scores;
      for (const auto& [category, value] : categories->items()) {
        if (!value.is_number()) {
          reader.missing("'results[0].category_scores." + category + "' (a number)");
          break;
        }
        scores.classes.emplace_back(category, score(value.get<double>()));
      }
      if (auto f = reader.failure()) return *f;
      return scores;
    });
  }

 private:
  ProviderConfig config_;
};

class VisionClassifier final : public FrameClassifier {
 public:
  explicit VisionClassifier(ProviderConfig config) : config_(std::move(config)) {}
  std::string name() const override { return "openai-vision"; }
  std::pair<int, int> frame_size() const override { return {kSide, kSide}; }
  bool wants_jpeg() const override { return true; }

  Outcome<std::vector<Scores>> classify(std::span<const Frame> frames, const Call& call) override {
    static constexpr const char* kClasses[] = {"nudity", "sexual", "violence", "gore"};
    Endpoint e = endpoint(config_, "/v1/chat/completions");
    std::string model = config_.model.empty() ? "gpt-4o-mini" : config_.model;
    Json properties = Json::object();
    Json required = Json::array();
    for (const char* c : kClasses) {
      properties[c] = {{"type", "number"}};
      required.push_back(c);
    }
    Json schema = {{"type", "object"},
                   {"properties", properties},
                   {"required", required},
                   {"additionalProperties", false}};
    return each_frame(frames, call, [&](const Frame& frame) -> Outcome<Scores> {
      Json messages = Json::array(
          {{{"role", "system"},
            {"content",
             "You rate pictures for content moderation. For the picture, give each of nudity, "
             "sexual (sexual activity or suggestiveness), violence and gore a probability from 0 "
             "to 1 that the picture shows it."}},
           {{"role", "user"},
            {"content",
             Json::array({{{"type", "image_url"},
                           {"image_url", {{"url", data_url(frame)}, {"detail", "low"}}}}})}}});
      auto answer = chat_json(e, model, std::move(messages), "frame_scores", schema, call);
      if (failed(answer)) return std::get<Failure>(answer);
      AnswerReader reader(e);
      Scores scores;
      for (const char* c : kClasses) {
        scores.classes.emplace_back(c, score(reader.number(std::get<Json>(answer), c, "")));
      }
      if (auto f = reader.failure()) return *f;
      return scores;
    });
  }

 private:
  ProviderConfig config_;
};

}  // namespace

std::shared_ptr<FrameClassifier> make_http_classifier(const ProviderConfig& config) {
  if (config.provider == "openai-moderation") {
    return std::make_shared<ModerationClassifier>(config);
  }
  if (config.provider == "openai-vision") return std::make_shared<VisionClassifier>(config);
  return nullptr;
}

}  // namespace wfc::ai::http
