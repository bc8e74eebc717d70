// The six intelligence and track kinds run in the fused pass on the local engines: each output's
// shape as ittybit gives it, the subtitle cue rules on a real transcription, chapter boundaries at
// the generated cuts, one transcription for every output that shares it, and an input without
// speech, without sound, or in a language the local recognizer does not know.
#include <catch2/catch.hpp>
#include <regex>

#include "runtime/ai/http/providers.h"
#include "tests/unit/test_ai.h"
#include "tests/unit/test_http_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::kTalkSeconds;
using wfc::test::local_engines;
using wfc::test::output_json;
using wfc::test::run_ai_pass;

const wfc::media::OutputResult& ok(const wfc::media::PassResult& r, size_t i) {
  const auto& out = r.outputs.at(i);
  INFO(out.id << ": " << (out.error ? out.error->kind + ": " + out.error->message : ""));
  REQUIRE_FALSE(out.error);
  REQUIRE_FALSE(out.files.empty());
  return out;
}

// "00:00:01.500" or "00:00:01,500" → 1.5
double cue_time(const std::string& s) {
  int h, m, sec, ms;
  REQUIRE(sscanf(s.c_str(), "%d:%d:%d%*c%d", &h, &m, &sec, &ms) == 4);
  return h * 3600 + m * 60 + sec + ms / 1000.0;
}

struct Cue {
  double start, end;
  std::vector<std::string> lines;
};

// The cues of a WebVTT or SubRip file, as a player reads them.
std::vector<Cue> parse_cues(const std::string& text) {
  std::vector<Cue> cues;
  std::istringstream in(text);
  std::string line;
  std::regex timing(R"(^(\d\d:\d\d:\d\d[.,]\d\d\d) --> (\d\d:\d\d:\d\d[.,]\d\d\d))");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, timing)) continue;
    Cue c{cue_time(m[1]), cue_time(m[2]), {}};
    while (std::getline(in, line) && !line.empty()) c.lines.push_back(line);
    cues.push_back(c);
  }
  return cues;
}

}  // namespace

TEST_CASE("speech, subtitles, summary and outline of a clip with speech", "[ai][kinds]") {
  auto r = run_ai_pass(wfc::test::talk_clip(),
                       {{"speech", "speech", json::object()},
                        {"subs", "subtitles", json::object()},
                        {"summary", "summary", json::object()},
                        {"outline", "outline", json::object()}},
                       *local_engines());

  json speech = output_json("speech", ok(r, 0));
  CHECK(speech["kind"] == "speech");
  CHECK(speech["language"] == "en");
  CHECK(speech["languages"] == json::array({"en"}));
  CHECK(speech["speakers"].is_array());
  REQUIRE(speech["text"].is_string());
  CHECK_FALSE(speech["text"].get<std::string>().empty());
  REQUIRE(speech["timeline"].size() >= 3);  // one passage per scene at least
  double previous = 0;
  for (const json& seg : speech["timeline"]) {
    INFO(seg.dump());
    double start = seg["start"], end = seg["end"];
    CHECK(start >= previous - 1e-6);
    CHECK(start < end);
    CHECK(end <= kTalkSeconds + 0.1);
    CHECK(seg.contains("speaker"));
    CHECK(seg["confidence"].get<double>() >= 0);
    CHECK(seg["confidence"].get<double>() <= 1);
    for (const json& w : seg["words"]) {
      CHECK(w["start"].get<double>() >= start - 1e-6);
      CHECK(w["end"].get<double>() <= end + 1e-6);
      CHECK_FALSE(w["word"].get<std::string>().empty());
    }
    previous = end;
  }
  // Every word is heard while a passage is spoken, none in the silences between them (times
  // count from the input's start, across the pauses the recognizer cuts at).
  auto spoken = wfc::test::talk_speech_spans();
  for (const json& seg : speech["timeline"]) {
    for (const json& w : seg["words"]) {
      double mid = (w["start"].get<double>() + w["end"].get<double>()) / 2;
      bool inside = false;
      for (auto [from, to] : spoken) inside |= mid >= from - 0.3 && mid <= to + 0.3;
      INFO(w.dump() << " at " << mid);
      CHECK(inside);
    }
  }

  std::string vtt = wfc::test::slurp_file(wfc::test::output_path("subs", ok(r, 1)));
  CHECK(vtt.rfind("WEBVTT", 0) == 0);
  std::vector<Cue> cues = parse_cues(vtt);
  REQUIRE_FALSE(cues.empty());
  for (size_t i = 0; i < cues.size(); ++i) {
    INFO("cue " << i);
    CHECK(cues[i].lines.size() >= 1);
    CHECK(cues[i].lines.size() <= 2);
    for (const std::string& l : cues[i].lines) CHECK(l.size() <= 42);
    CHECK(cues[i].end - cues[i].start <= 7.0 + 1e-3);
    CHECK(cues[i].end > cues[i].start);
    if (i > 0) CHECK(cues[i].start >= cues[i - 1].end - 1e-3);
  }
  CHECK(r.outputs[1].files[0]["type"] == "text/vtt");
  CHECK(r.outputs[1].files[0]["kind"] == "track");

  json summary = output_json("summary", ok(r, 2));
  CHECK(summary["kind"] == "summary");
  CHECK_FALSE(summary["title"].get<std::string>().empty());
  CHECK_FALSE(summary["summary"].get<std::string>().empty());
  CHECK_FALSE(summary["keywords"].empty());
  CHECK(summary["language"] == "en");

  json outline = output_json("outline", ok(r, 3));
  CHECK(outline["kind"] == "outline");
  REQUIRE_FALSE(outline["timeline"].empty());
  CHECK(outline["timeline"][0]["start"] == 0);
  CHECK(outline["timeline"].back()["end"].get<double>() == Approx(kTalkSeconds).margin(0.2));
  for (const json& s : outline["timeline"]) CHECK_FALSE(s["title"].get<std::string>().empty());
}

TEST_CASE("chapters start within 1 s of the scene cuts, in every format", "[ai][kinds]") {
  auto r = run_ai_pass(wfc::test::talk_clip(),
                       {{"ch_json", "chapters", {{"format", "json"}}},
                        {"ch_vtt", "chapters", {{"format", "vtt"}}},
                        {"ch_srt", "chapters", {{"format", "srt"}}}},
                       *local_engines());
  json chapters = output_json("ch_json", ok(r, 0))["chapters"];
  INFO(chapters.dump(2));
  REQUIRE(chapters.size() >= 3);
  for (double cut : wfc::test::kTalkCuts) {
    bool found = false;
    for (const json& c : chapters) found |= std::abs(c["start"].get<double>() - cut) <= 1.0;
    CHECK(found);
  }
  for (size_t i = 0; i < chapters.size(); ++i) {
    CHECK(chapters[i]["index"] == i + 1);
    CHECK(chapters[i]["end"].get<double>() - chapters[i]["start"].get<double>() >= 5 - 1e-6);
    CHECK_FALSE(chapters[i]["title"].get<std::string>().empty());
    if (i > 0) CHECK(chapters[i]["start"] == chapters[i - 1]["end"]);
  }
  // The tracks hold the same chapters, as players read them.
  for (size_t o : {1, 2}) {
    auto cues = parse_cues(
        wfc::test::slurp_file(wfc::test::output_path(o == 1 ? "ch_vtt" : "ch_srt", ok(r, o))));
    REQUIRE(cues.size() == chapters.size());
    for (size_t i = 0; i < cues.size(); ++i) {
      CHECK(cues[i].start == Approx(chapters[i]["start"].get<double>()).margin(0.001));
      CHECK(cues[i].lines.at(0) == chapters[i]["title"]);
    }
  }
  CHECK(r.outputs[2].files[0]["type"] == "application/x-subrip");
}

TEST_CASE("nsfw of a video and of an image: ittybit's shape, nothing flagged in test patterns",
          "[ai][kinds]") {
  for (const fs::path& input : {wfc::test::talk_clip(), wfc::test::sample("still.png")}) {
    INFO(input);
    auto r = run_ai_pass(input, {{"nsfw", "nsfw", json::object()}}, *local_engines());
    json v = output_json("nsfw", ok(r, 0));
    INFO(v.dump(2));
    CHECK(v["kind"] == "nsfw");
    CHECK(v["nudity"] == false);
    CHECK(v["sexual"] == false);
    CHECK(v["violence"].is_null());  // the local model cannot judge it, and says so
    CHECK(v["gore"].is_null());
    CHECK(v["description"].get<std::string>().find("Violence and gore not judged") !=
          std::string::npos);
    CHECK(v["categories"].is_array());
    CHECK(v["timeline"].is_array());
    CHECK(v["scores"].is_object());
  }
}

namespace {

// Counts the transcriptions the pass asks of the real recognizer.
class CountingTranscriber : public wfc::ai::Transcriber {
 public:
  explicit CountingTranscriber(std::shared_ptr<wfc::ai::Transcriber> real) : real_(real) {}
  std::string name() const override { return real_->name(); }
  wfc::ai::Outcome<wfc::ai::Transcript> transcribe(const wfc::ai::TranscribeRequest& r) override {
    ++calls;
    return real_->transcribe(r);
  }
  std::atomic<int> calls{0};

 private:
  std::shared_ptr<wfc::ai::Transcriber> real_;
};

}  // namespace

TEST_CASE("outputs that share the transcript are served by one transcription", "[ai][kinds]") {
  auto counting = std::make_shared<CountingTranscriber>(local_engines()->transcriber);
  wfc::ai::Engines engines = *local_engines();
  engines.transcriber = counting;
  std::vector<wfc::test::OutputDecl> outputs = {{"sp", "speech", json::object()},
                                                {"su", "subtitles", {{"format", "srt"}}},
                                                {"sm", "summary", json::object()},
                                                {"ch", "chapters", json::object()}};
  auto shared = run_ai_pass(wfc::test::talk_clip(), outputs, engines, true);
  for (size_t i = 0; i < outputs.size(); ++i) ok(shared, i);
  CHECK(counting->calls == 1);
  // Without the plan's sharing, each transcribes for itself (and gets the same words).
  counting->calls = 0;
  auto alone = run_ai_pass(wfc::test::talk_clip(), outputs, engines, false);
  for (size_t i = 0; i < outputs.size(); ++i) ok(alone, i);
  CHECK(counting->calls == 4);
}

TEST_CASE("no speech is a result, not a failure; an unknown language is a clear error",
          "[ai][kinds]") {
  // A video without sound, and a tone.
  for (const char* name : {"cut.mp4", "tone.wav"}) {
    INFO(name);
    auto r =
        run_ai_pass(wfc::test::sample(name),
                    {{"speech", "speech", json::object()}, {"summary", "summary", json::object()}},
                    *local_engines());
    json speech = output_json("speech", ok(r, 0));
    CHECK(speech["timeline"].empty());
    CHECK(speech["text"] == "");
    CHECK(speech["description"] == "no speech was found in the input");
    json summary = output_json("summary", ok(r, 1));
    CHECK(summary["summary"] == "");
    CHECK(summary["description"] == "no speech was found in the input");
  }
  auto r = run_ai_pass(wfc::test::talk_clip(), {{"fr", "speech", {{"language", "fr"}}}},
                       *local_engines());
  REQUIRE(r.outputs[0].error);
  CHECK(r.outputs[0].error->kind == "language_unsupported");
  CHECK(r.outputs[0].error->message.find("WFC_AI_TRANSCRIBE_PROVIDER") != std::string::npos);
  CHECK_FALSE(fs::exists(wfc::test::media_dir() / "out-fr" / "fr.json"));
}

TEST_CASE("an intelligence output without engines fails clearly", "[ai][kinds]") {
  wfc::media::PassSpec spec;
  spec.input = wfc::test::sample("av.mp4");
  for (const char* kind : {"speech", "subtitles", "outline", "chapters"}) {
    spec.outputs.push_back(wfc::test::output(kind, kind, json::object(), wfc::test::out_dir(kind)));
    spec.outputs.back().shares = "transcript";
  }
  auto r = wfc::media::run_pass(spec);
  for (const auto& out : r.outputs) {  // every sharer, not only the first, says why
    INFO(out.id);
    REQUIRE(out.error);
    CHECK(out.error->kind == "engine_unavailable");
    CHECK_FALSE(out.error->message.empty());
  }
}

TEST_CASE("nsfw on a moderation provider: JPEG frames of the pass, its categories in the result",
          "[ai][kinds]") {
  // An OpenAI-compatible moderation endpoint that calls every picture sexual.
  wfc::test::HttpServer provider;
  std::atomic<int> pictures{0};
  std::atomic<bool> all_jpeg{true};
  provider.server().Post(
      "/v1/moderations", [&](const httplib::Request& req, httplib::Response& res) {
        json body = json::parse(req.body);
        for (const json& in : body["input"]) {
          std::string url = in["image_url"]["url"];
          // A JPEG starts with FF D8 FF, which base64 writes as "/9j/".
          if (url.rfind("data:image/jpeg;base64,/9j/", 0) != 0) all_jpeg = false;
          ++pictures;
        }
        res.set_content(R"({"results": [{"flagged": true, "category_scores": {"sexual": 0.92,
        "violence": 0.01, "violence/graphic": 0.0}}]})",
                        "application/json");
      });
  provider.start();
  wfc::ai::ProviderConfig config;
  config.provider = "openai-moderation";
  config.base_url = provider.url("");
  wfc::ai::Engines engines = *local_engines();
  engines.classifier = wfc::ai::http::make_http_classifier(config);
  REQUIRE(engines.classifier);
  auto r = run_ai_pass(wfc::test::talk_clip(), {{"nsfw_p", "nsfw", json::object()}}, engines);
  json v = output_json("nsfw_p", ok(r, 0));
  INFO(v.dump(2));
  CHECK(all_jpeg);
  // About one frame a second of the 24 s clip, and its two cuts.
  CHECK(pictures >= 24);
  CHECK(pictures <= 30);
  CHECK(v["sexual"] == true);
  CHECK(v["violence"] == false);  // a provider judges it
  CHECK(v["gore"] == false);
  REQUIRE_FALSE(v["timeline"].empty());
  CHECK(v["timeline"][0]["start"] == 0);
}
