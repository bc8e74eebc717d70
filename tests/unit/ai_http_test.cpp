// The HTTP providers of the intelligence engines (runtime/ai/http/) against stub providers on
// 127.0.0.1: each request's shape as the provider's API defines it, each answer parsed into the
// engine's values, and each way a provider can fail reported with the kind and message a task
// shows.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/ai/http/client.h"
#include "runtime/ai/http/providers.h"
#include "tests/unit/test_http_server.h"

namespace wfc::ai::http {
namespace {

using nlohmann::json;

constexpr const char* kKey = "sk-test-secret-123";

/// A provider stub: every POST is recorded and answered by `answer` (status, body); it can hold
/// an answer back until the test ends, as a provider that never answers.
class Stub {
 public:
  using Answer = std::function<std::pair<int, std::string>(const httplib::Request&)>;

  explicit Stub(Answer answer) : answer_(std::move(answer)) {
    server_.server().Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(req);
      }
      if (stall_) {
        for (int i = 0; i < 5000 && !release_; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
      auto [status, body] = answer_(req);
      res.status = status;
      res.set_content(body, "application/json");
    });
    server_.start();
  }
  ~Stub() { release_ = true; }

  /// Holds every answer back (up to 5 s, or until the stub is destroyed).
  void stall() { stall_ = true; }
  std::string base() const { return server_.url(""); }
  std::vector<httplib::Request> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  Answer answer_;
  std::atomic<bool> stall_{false}, release_{false};
  std::mutex mutex_;
  std::vector<httplib::Request> requests_;
  test::HttpServer server_;
};

ProviderConfig config(const std::string& provider, const std::string& base,
                      std::string key = kKey) {
  ProviderConfig c;
  c.provider = provider;
  c.base_url = base;
  c.api_key = std::move(key);
  c.timeout = std::chrono::milliseconds(10000);
  return c;
}

/// Two seconds of a 440 Hz tone, made here.
Audio tone() {
  Audio audio;
  for (int i = 0; i < 2 * Audio::kRate; ++i) {
    audio.samples.push_back(
        static_cast<int16_t>(8000 * std::sin(2 * M_PI * 440 * i / double(Audio::kRate))));
  }
  return audio;
}

uint32_t le32(const std::string& s, std::size_t at) {
  return static_cast<uint8_t>(s[at]) | static_cast<uint8_t>(s[at + 1]) << 8 |
         static_cast<uint8_t>(s[at + 2]) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3])) << 24;
}
uint16_t le16(const std::string& s, std::size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(s[at]) | static_cast<uint8_t>(s[at + 1]) << 8);
}

/// The uploaded file is the audio as 16-bit PCM mono 16 kHz WAV, every sample as sent.
void check_wav(const std::string& wav, const Audio& audio) {
  REQUIRE(wav.size() == 44 + 2 * audio.samples.size());
  CHECK(wav.substr(0, 4) == "RIFF");
  CHECK(le32(wav, 4) == wav.size() - 8);
  CHECK(wav.substr(8, 8) == "WAVEfmt ");
  CHECK(le16(wav, 20) == 1);      // PCM
  CHECK(le16(wav, 22) == 1);      // mono
  CHECK(le32(wav, 24) == 16000);  // rate
  CHECK(le16(wav, 34) == 16);     // bits
  CHECK(wav.substr(36, 4) == "data");
  CHECK(le32(wav, 40) == 2 * audio.samples.size());
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, audio.samples.size() - 1}) {
    CHECK(static_cast<int16_t>(le16(wav, 44 + 2 * i)) == audio.samples[i]);
  }
}

std::vector<std::string> form_values(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  auto [begin, end] = req.files.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second.content);
  return out;
}

/// A chat completion whose message content is `content`.
std::string chat_answer(const json& content) {
  return json{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"choices",
       {{{"index", 0},
         {"message", {{"role", "assistant"}, {"content", content.dump()}, {"refusal", nullptr}}},
         {"finish_reason", "stop"}}}}}
      .dump();
}

Transcript some_transcript() {
  Transcript t;
  t.language = "en";
  t.segments.push_back({0.0, 4.0, "", "Welcome to the cooking show.", 0.9, {}});
  t.segments.push_back({12.0, 16.0, "", "Today we bake bread with rye flour.", 0.9, {}});
  t.segments.push_back({70.0, 75.0, "", "Now the dough rests for an hour.", 0.9, {}});
  return t;
}

Frame frame(std::string jpeg, double time = 0) {
  Frame f;
  f.time = time;
  f.jpeg = std::move(jpeg);
  return f;
}

/// Runs the engine `provider` names against `base` with `call`: the failure, or none.
std::optional<Failure> run(const ProviderConfig& c, const Call& call) {
  Audio audio = tone();
  if (auto t = make_http_transcriber(c)) {
    TranscribeRequest request;
    request.audio = &audio;
    request.call = call;
    auto out = t->transcribe(request);
    return failed(out) ? std::optional(std::get<Failure>(out)) : std::nullopt;
  }
  if (auto a = make_http_text_analyser(c)) {
    auto out = a->summarize(some_transcript(), call);
    return failed(out) ? std::optional(std::get<Failure>(out)) : std::nullopt;
  }
  auto k = make_http_classifier(c);
  REQUIRE(k);
  std::vector<Frame> frames{frame("foobar")};
  auto out = k->classify(frames, call);
  return failed(out) ? std::optional(std::get<Failure>(out)) : std::nullopt;
}

// Each role's providers, with the text role's `openai` told apart from the transcriber's.
struct Kind {
  std::string provider;
  bool text = false;
};
const Kind kKinds[] = {
    {"openai"}, {"whisper.cpp"}, {"openai", true}, {"openai-moderation"}, {"openai-vision"}};

ProviderConfig config_for(const Kind& kind, const std::string& base) {
  ProviderConfig c = config(kind.provider, base);
  return c;
}

/// run() for a Kind (the text analyser is built directly, as `openai` also names a transcriber).
std::optional<Failure> run_kind(const Kind& kind, const ProviderConfig& c, const Call& call) {
  if (!kind.text) return run(c, call);
  auto out = make_http_text_analyser(c)->summarize(some_transcript(), call);
  return failed(out) ? std::optional(std::get<Failure>(out)) : std::nullopt;
}

}  // namespace

TEST_CASE("base64 follows RFC 4648's test vectors", "[ai][http]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("Whisper's language names become BCP 47 codes", "[ai][http]") {
  CHECK(language_code("english") == "en");
  CHECK(language_code("Portuguese") == "pt");
  CHECK(language_code("javanese") == "jv");
  CHECK(language_code("de") == "de");
  CHECK(language_code("klingon") == "klingon");
}

TEST_CASE("openai transcriber: request shape and verbose_json parsed", "[ai][http]") {
  Stub stub([](const httplib::Request&) {
    json answer = {{"task", "transcribe"},
                   {"language", "english"},
                   {"duration", 2.0},
                   {"text", "Hello there. Good bye."},
                   {"segments",
                    {{{"id", 0},
                      {"start", 0.0},
                      {"end", 1.0},
                      {"text", " Hello there."},
                      {"avg_logprob", -0.1}},
                     {{"id", 1},
                      {"start", 1.0},
                      {"end", 2.0},
                      {"text", " Good bye."},
                      {"avg_logprob", 0.5}}}},  // above 0: clamped to a confidence of 1
                   {"words",
                    {{{"word", "Hello"}, {"start", 0.1}, {"end", 0.4}},
                     {{"word", "there"}, {"start", 0.5}, {"end", 0.9}},
                     {{"word", "Good"}, {"start", 1.1}, {"end", 1.4}},
                     {{"word", "bye"}, {"start", 1.5}, {"end", 1.9}}}}};
    return std::pair{200, answer.dump()};
  });
  auto transcriber = make_http_transcriber(config("openai", stub.base()));
  REQUIRE(transcriber);
  CHECK(transcriber->name() == "openai");
  Audio audio = tone();
  TranscribeRequest request;
  request.audio = &audio;
  request.language = "en";
  request.filename = "talk.mp4";
  auto out = transcriber->transcribe(request);
  REQUIRE_FALSE(failed(out));
  const Transcript& t = std::get<Transcript>(out);
  CHECK(t.engine == "openai");
  CHECK(t.language == "en");
  REQUIRE(t.segments.size() == 2);
  CHECK(t.segments[0].text == "Hello there.");
  CHECK(t.segments[0].end == Approx(1.0));
  CHECK(t.segments[0].confidence == Approx(std::exp(-0.1)));
  CHECK(t.segments[1].confidence == Approx(1.0));
  REQUIRE(t.segments[0].words.size() == 2);
  REQUIRE(t.segments[1].words.size() == 2);
  CHECK(t.segments[0].words[1].word == "there");
  CHECK(t.segments[1].words[0].word == "Good");
  CHECK(t.segments[1].words[0].start == Approx(1.1));
  CHECK(t.text() == "Hello there. Good bye.");

  auto requests = stub.requests();
  REQUIRE(requests.size() == 1);
  const auto& req = requests[0];
  CHECK(req.path == "/v1/audio/transcriptions");
  CHECK(req.get_header_value("Authorization") == std::string("Bearer ") + kKey);
  CHECK(form_values(req, "model") == std::vector<std::string>{"whisper-1"});
  CHECK(form_values(req, "response_format") == std::vector<std::string>{"verbose_json"});
  CHECK(form_values(req, "timestamp_granularities[]") ==
        std::vector<std::string>{"word", "segment"});
  CHECK(form_values(req, "language") == std::vector<std::string>{"en"});
  REQUIRE(req.has_file("file"));
  CHECK(req.get_file_value("file").filename == "audio.wav");
  check_wav(req.get_file_value("file").content, audio);
}

TEST_CASE("openai transcriber: a configured model is sent, no language when detecting",
          "[ai][http]") {
  Stub stub([](const httplib::Request&) {
    return std::pair{200, json{{"language", "german"}, {"segments", json::array()}}.dump()};
  });
  ProviderConfig c = config("openai", stub.base());
  c.model = "gpt-4o-transcribe";
  Audio audio = tone();
  TranscribeRequest request;
  request.audio = &audio;
  auto out = make_http_transcriber(c)->transcribe(request);
  REQUIRE_FALSE(failed(out));
  CHECK(std::get<Transcript>(out).language == "de");
  CHECK(std::get<Transcript>(out).segments.empty());
  auto req = stub.requests().at(0);
  CHECK(form_values(req, "model") == std::vector<std::string>{"gpt-4o-transcribe"});
  CHECK_FALSE(req.has_file("language"));
}

TEST_CASE("transcribers: long audio goes in 10-minute parts, times shifted back", "[ai][http]") {
  // Each part answers one segment over its whole length, a word at its start.
  Stub stub([](const httplib::Request& req) {
    const std::string& wav = req.get_file_value("file").content;
    double seconds = (wav.size() - 44) / 2.0 / Audio::kRate;
    json answer = {{"language", "english"},
                   {"segments", {{{"start", 0.0}, {"end", seconds}, {"text", " part"}}}},
                   {"words", {{{"word", "part"}, {"start", 0.5}, {"end", 1.0}}}}};
    return std::pair{200, answer.dump()};
  });
  Audio audio;
  audio.samples.assign(static_cast<std::size_t>(605 * Audio::kRate), 100);
  std::vector<double> progress;
  TranscribeRequest request;
  request.audio = &audio;
  request.call.progress = [&](double p) { progress.push_back(p); };
  auto out = make_http_transcriber(config("openai", stub.base()))->transcribe(request);
  REQUIRE_FALSE(failed(out));
  const auto& segments = std::get<Transcript>(out).segments;
  REQUIRE(stub.requests().size() == 2);
  REQUIRE(segments.size() == 2);
  CHECK(segments[0].end == Approx(600));
  CHECK(segments[1].start == Approx(600));
  CHECK(segments[1].end == Approx(605));
  REQUIRE(segments[1].words.size() == 1);
  CHECK(segments[1].words[0].start == Approx(600.5));
  CHECK(progress == std::vector<double>{0.5, 1.0});
}

TEST_CASE("whisper.cpp transcriber: request shape and the server's verbose_json", "[ai][http]") {
  // The shape of whisper.cpp's examples/server/server.cpp: each segment's "words" are its tokens
  // (a token without a leading space continues the word before), with a probability each.
  Stub stub([](const httplib::Request&) {
    json answer = {
        {"task", "transcribe"},
        {"language", "english"},
        {"duration", 2.0},
        {"text", " Hello, world.\n"},
        {"segments",
         {{{"id", 0},
           {"text", " Hello, world."},
           {"start", 0.0},
           {"end", 1.8},
           {"tokens", {1, 2, 3, 4, 5}},
           {"words",
            {{{"word", " Hello"},
              {"start", 0.0},
              {"end", 0.5},
              {"t_dtw", -1},
              {"probability", 0.9}},
             {{"word", ","}, {"start", 0.5}, {"end", 0.6}, {"t_dtw", -1}, {"probability", 0.7}},
             {{"word", " wor"}, {"start", 0.7}, {"end", 1.0}, {"t_dtw", -1}, {"probability", 0.6}},
             {{"word", "ld"}, {"start", 1.0}, {"end", 1.3}, {"t_dtw", -1}, {"probability", 0.8}},
             {{"word", "."}, {"start", 1.3}, {"end", 1.4}, {"t_dtw", -1}, {"probability", 1.0}}}},
           {"temperature", 0.0},
           {"avg_logprob", -0.2}}}}};
    return std::pair{200, answer.dump()};
  });
  auto transcriber = make_http_transcriber(config("whisper.cpp", stub.base(), ""));
  REQUIRE(transcriber);
  CHECK(transcriber->name() == "whisper.cpp");
  Audio audio = tone();
  TranscribeRequest request;
  request.audio = &audio;
  auto out = transcriber->transcribe(request);
  REQUIRE_FALSE(failed(out));
  const Transcript& t = std::get<Transcript>(out);
  CHECK(t.engine == "whisper.cpp");
  CHECK(t.language == "en");
  REQUIRE(t.segments.size() == 1);
  const Segment& s = t.segments[0];
  CHECK(s.text == "Hello, world.");
  CHECK(s.end == Approx(1.8));
  CHECK(s.confidence == Approx(std::exp(-0.2)));
  REQUIRE(s.words.size() == 2);
  CHECK(s.words[0].word == "Hello,");
  CHECK(s.words[0].end == Approx(0.6));
  CHECK(s.words[0].confidence == Approx(0.8));
  CHECK(s.words[1].word == "world.");
  CHECK(s.words[1].start == Approx(0.7));
  CHECK(s.words[1].end == Approx(1.4));
  CHECK(s.words[1].confidence == Approx(0.8));

  auto req = stub.requests().at(0);
  CHECK(req.path == "/inference");
  CHECK_FALSE(req.has_header("Authorization"));  // no key configured
  CHECK(form_values(req, "response_format") == std::vector<std::string>{"verbose_json"});
  CHECK(form_values(req, "temperature").size() == 1);
  CHECK_FALSE(req.has_file("language"));
  check_wav(req.get_file_value("file").content, audio);
}

TEST_CASE("whisper.cpp transcriber: the server's error answered with status 200", "[ai][http]") {
  Stub stub([](const httplib::Request&) {
    return std::pair{200, std::string(R"({"error":"failed to read WAV file"})")};
  });
  Audio audio = tone();
  TranscribeRequest request;
  request.audio = &audio;
  auto out = make_http_transcriber(config("whisper.cpp", stub.base()))->transcribe(request);
  REQUIRE(failed(out));
  CHECK(std::get<Failure>(out).kind == "provider_failed");
  CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("failed to read WAV file"));
}

TEST_CASE("openai text analyser: summary request and answer", "[ai][http]") {
  Stub stub([](const httplib::Request&) {
    return std::pair{200, chat_answer({{"title", "Baking rye bread"},
                                       {"summary", "A cooking show bakes rye bread."},
                                       {"keywords", {"bread", "rye", "baking"}},
                                       {"language", "en"}})};
  });
  auto analyser = make_http_text_analyser(config("openai", stub.base()));
  REQUIRE(analyser);
  auto out = analyser->summarize(some_transcript(), Call{});
  REQUIRE_FALSE(failed(out));
  const Summary& s = std::get<Summary>(out);
  CHECK(s.title == "Baking rye bread");
  CHECK(s.summary == "A cooking show bakes rye bread.");
  CHECK(s.keywords == std::vector<std::string>{"bread", "rye", "baking"});
  CHECK(s.language == "en");

  auto req = stub.requests().at(0);
  CHECK(req.path == "/v1/chat/completions");
  CHECK(req.get_header_value("Authorization") == std::string("Bearer ") + kKey);
  json body = json::parse(req.body);
  CHECK(body["model"] == "gpt-4o-mini");
  CHECK(body["response_format"]["type"] == "json_schema");
  CHECK(body["response_format"]["json_schema"]["strict"] == true);
  CHECK(body["response_format"]["json_schema"]["name"].is_string());
  json schema = body["response_format"]["json_schema"]["schema"];
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["required"] == json{"title", "summary", "keywords", "language"});
  CHECK(schema["properties"]["keywords"]["type"] == "array");
  REQUIRE(body["messages"].size() == 2);
  CHECK(body["messages"][0]["role"] == "system");
  std::string user = body["messages"][1]["content"];
  CHECK_THAT(user, Catch::Contains("[0:12] Today we bake bread with rye flour."));
  CHECK_THAT(user, Catch::Contains("[1:10] Now the dough rests for an hour."));
}

TEST_CASE("openai text analyser: titles, one per span", "[ai][http]") {
  std::atomic<int> count{2};
  Stub stub([&](const httplib::Request&) {
    json titles = json::array();
    for (int i = 0; i < count; ++i) titles.push_back("Part " + std::to_string(i + 1));
    return std::pair{200, chat_answer({{"titles", titles}})};
  });
  auto analyser = make_http_text_analyser(config("openai", stub.base()));
  std::vector<Section> spans{{0, 60, ""}, {60, 120, ""}};
  auto out = analyser->titles(some_transcript(), spans, Call{});
  REQUIRE_FALSE(failed(out));
  CHECK(std::get<std::vector<std::string>>(out) == std::vector<std::string>{"Part 1", "Part 2"});
  json body = json::parse(stub.requests().at(0).body);
  CHECK(body["response_format"]["json_schema"]["schema"]["required"] == json{"titles"});
  std::string user = body["messages"][1]["content"];
  CHECK_THAT(user, Catch::Contains("exactly 2 titles"));
  CHECK_THAT(user, Catch::Contains("Section 2 [1:00–2:00]: Now the dough rests for an hour."));

  SECTION("a different count of titles is provider_invalid") {
    count = 3;
    auto wrong = analyser->titles(some_transcript(), spans, Call{});
    REQUIRE(failed(wrong));
    CHECK(std::get<Failure>(wrong).kind == "provider_invalid");
    CHECK_THAT(std::get<Failure>(wrong).message, Catch::Contains("it gave 3 for 2 sections"));
  }
}

TEST_CASE("openai text analyser: refusals and answers that break the schema", "[ai][http]") {
  std::string answer;
  Stub stub([&](const httplib::Request&) { return std::pair{200, answer}; });
  auto analyser = make_http_text_analyser(config("openai", stub.base()));
  auto summarize = [&] { return analyser->summarize(some_transcript(), Call{}); };

  SECTION("a refusal is provider_failed with its text") {
    answer = json{{"choices",
                   {{{"message",
                      {{"role", "assistant"},
                       {"content", nullptr},
                       {"refusal", "I can't help with that."}}}}}}}
                 .dump();
    auto out = summarize();
    REQUIRE(failed(out));
    CHECK(std::get<Failure>(out).kind == "provider_failed");
    CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("I can't help with that."));
  }
  SECTION("content that is not JSON is provider_invalid") {
    answer = json{{"choices",
                   {{{"message", {{"content", "Sure! Here is"}}}, {"finish_reason", "length"}}}}}
                 .dump();
    auto out = summarize();
    REQUIRE(failed(out));
    CHECK(std::get<Failure>(out).kind == "provider_invalid");
    CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("length limit"));
  }
  SECTION("a missing field is named") {
    answer = chat_answer({{"title", "t"}, {"summary", "s"}, {"language", "en"}});
    auto out = summarize();
    REQUIRE(failed(out));
    CHECK(std::get<Failure>(out).kind == "provider_invalid");
    CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("'keywords'"));
  }
  SECTION("no choices") {
    answer = json{{"choices", json::array()}}.dump();
    auto out = summarize();
    REQUIRE(failed(out));
    CHECK(std::get<Failure>(out).kind == "provider_invalid");
    CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("choices[0]"));
  }
}

TEST_CASE("openai-moderation classifier: one image per request, categories as they come",
          "[ai][http]") {
  std::atomic<int> n{0};
  Stub stub([&](const httplib::Request&) {
    double sexual = n++ == 0 ? 0.9 : 0.01;
    json answer = {{"id", "modr-1"},
                   {"model", "omni-moderation-2024-09-26"},
                   {"results",
                    {{{"flagged", sexual > 0.5},
                      {"category_scores",
                       {{"sexual", sexual}, {"violence", 0.2}, {"violence/graphic", 0.05}}}}}}};
    return std::pair{200, answer.dump()};
  });
  auto classifier = make_http_classifier(config("openai-moderation", stub.base()));
  REQUIRE(classifier);
  CHECK(classifier->wants_jpeg());
  CHECK(classifier->frame_size() == std::pair{512, 512});
  std::vector<Frame> frames{frame("foobar", 0), frame("foo", 1)};
  auto out = classifier->classify(frames, Call{});
  REQUIRE_FALSE(failed(out));
  const auto& scores = std::get<std::vector<Scores>>(out);
  REQUIRE(scores.size() == 2);
  REQUIRE(scores[0].classes.size() == 3);
  CHECK(scores[0].classes[0].first == "sexual");
  CHECK(scores[0].classes[2].first == "violence/graphic");
  CHECK(scores[0].score("sexual").value() == Approx(0.9));
  CHECK(scores[1].score("sexual").value() == Approx(0.01));
  CHECK(scores[1].score("violence").value() == Approx(0.2));

  auto requests = stub.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/v1/moderations");
  CHECK(requests[0].get_header_value("Authorization") == std::string("Bearer ") + kKey);
  json body = json::parse(requests[0].body);
  CHECK(body["model"] == "omni-moderation-latest");
  REQUIRE(body["input"].size() == 1);
  CHECK(body["input"][0]["type"] == "image_url");
  CHECK(body["input"][0]["image_url"]["url"] == "data:image/jpeg;base64,Zm9vYmFy");
  CHECK(json::parse(requests[1].body)["input"][0]["image_url"]["url"] ==
        "data:image/jpeg;base64,Zm9v");
}

TEST_CASE("openai-moderation classifier: an answer without category scores", "[ai][http]") {
  Stub stub([](const httplib::Request&) {
    return std::pair{200, json{{"results", {{{"flagged", false}}}}}.dump()};
  });
  std::vector<Frame> frames{frame("foobar")};
  auto out = make_http_classifier(config("openai-moderation", stub.base()))->classify(frames, {});
  REQUIRE(failed(out));
  CHECK(std::get<Failure>(out).kind == "provider_invalid");
  CHECK_THAT(std::get<Failure>(out).message, Catch::Contains("'results[0].category_scores'"));
}

TEST_CASE("openai-vision classifier: the image and a schema of four scores", "[ai][http]") {
  bool drop_gore = false;
  Stub stub([&](const httplib::Request&) {
    json content = {{"nudity", 0.1}, {"sexual", 0.05}, {"violence", 0.7}};
    if (!drop_gore) content["gore"] = 1.5;  // out of range: clamped
    return std::pair{200, chat_answer(content)};
  });
  auto classifier = make_http_classifier(config("openai-vision", stub.base()));
  REQUIRE(classifier);
  CHECK(classifier->wants_jpeg());
  std::vector<Frame> frames{frame("foobar")};
  auto out = classifier->classify(frames, Call{});
  REQUIRE_FALSE(failed(out));
  const Scores& s = std::get<std::vector<Scores>>(out).at(0);
  REQUIRE(s.classes.size() == 4);
  CHECK(s.classes[0].first == "nudity");
  CHECK(s.score("violence").value() == Approx(0.7));
  CHECK(s.score("gore").value() == Approx(1.0));

  json body = json::parse(stub.requests().at(0).body);
  CHECK(body["model"] == "gpt-4o-mini");
  json schema = body["response_format"]["json_schema"]["schema"];
  CHECK(schema["required"] == json{"nudity", "sexual", "violence", "gore"});
  CHECK(schema["properties"]["gore"]["type"] == "number");
  json image = body["messages"][1]["content"][0];
  CHECK(image["type"] == "image_url");
  CHECK(image["image_url"]["url"] == "data:image/jpeg;base64,Zm9vYmFy");

  drop_gore = true;
  auto missing = classifier->classify(frames, Call{});
  REQUIRE(failed(missing));
  CHECK(std::get<Failure>(missing).kind == "provider_invalid");
  CHECK_THAT(std::get<Failure>(missing).message, Catch::Contains("'gore'"));
}

TEST_CASE("every provider: HTTP errors are provider_failed with the provider's message",
          "[ai][http]") {
  for (const Kind& kind : kKinds) {
    DYNAMIC_SECTION(kind.provider << (kind.text ? " (text)" : "")) {
      SECTION("401 with an OpenAI error body, which echoes the key") {
        Stub stub([](const httplib::Request&) {
          json error = {{"error",
                         {{"message", std::string("Incorrect API key provided: ") + kKey + "."},
                          {"type", "invalid_request_error"},
                          {"code", "invalid_api_key"}}}};
          return std::pair{401, error.dump()};
        });
        auto f = run_kind(kind, config_for(kind, stub.base()), Call{});
        REQUIRE(f);
        CHECK(f->kind == "provider_failed");
        CHECK_THAT(f->message, Catch::Contains("401") && Catch::Contains("Incorrect API key"));
        CHECK_THAT(f->message, !Catch::Contains(kKey));
      }
      SECTION("500 with a body that is not JSON") {
        Stub stub([](const httplib::Request&) {
          return std::pair{500, std::string("upstream exploded\n") + std::string(500, 'x')};
        });
        auto f = run_kind(kind, config_for(kind, stub.base()), Call{});
        REQUIRE(f);
        CHECK(f->kind == "provider_failed");
        CHECK_THAT(f->message, Catch::Contains("500") && Catch::Contains("upstream exploded"));
        CHECK(f->message.size() < 400);  // the body's start, not all of it
      }
      SECTION("a 2xx answer that is not JSON") {
        Stub stub([](const httplib::Request&) { return std::pair{200, std::string("<html>")}; });
        auto f = run_kind(kind, config_for(kind, stub.base()), Call{});
        REQUIRE(f);
        CHECK(f->kind == "provider_invalid");
        CHECK_THAT(f->message, Catch::Contains("not a JSON object"));
      }
      SECTION("a JSON answer without the fields the API promises") {
        Stub stub([](const httplib::Request&) { return std::pair{200, std::string("{}")}; });
        auto f = run_kind(kind, config_for(kind, stub.base()), Call{});
        REQUIRE(f);
        CHECK(f->kind == "provider_invalid");
        CHECK_THAT(f->message, Catch::Contains("answered without '"));
      }
    }
  }
}

TEST_CASE("every provider: no answer within the timeout is provider_timeout", "[ai][http]") {
  for (const Kind& kind : kKinds) {
    DYNAMIC_SECTION(kind.provider << (kind.text ? " (text)" : "")) {
      Stub stub([](const httplib::Request&) { return std::pair{200, std::string("{}")}; });
      stub.stall();
      ProviderConfig c = config_for(kind, stub.base());
      c.timeout = std::chrono::milliseconds(300);
      auto f = run_kind(kind, c, Call{});
      REQUIRE(f);
      CHECK(f->kind == "provider_timeout");
      CHECK_THAT(f->message, Catch::Contains(kind.provider + " at " + stub.base()) &&
                                 Catch::Contains("did not answer within 0.3 s"));
    }
  }
}

TEST_CASE("every provider: nothing listening is provider_failed", "[ai][http]") {
  // A bound socket that never listens: connections to its port are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  std::string base = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  for (const Kind& kind : kKinds) {
    DYNAMIC_SECTION(kind.provider << (kind.text ? " (text)" : "")) {
      auto f = run_kind(kind, config_for(kind, base), Call{});
      REQUIRE(f);
      CHECK(f->kind == "provider_failed");
      CHECK_THAT(f->message, Catch::Contains("could not be reached") && Catch::Contains(base));
    }
  }
  ::close(fd);
}

TEST_CASE("every provider: a cancelled call stops waiting", "[ai][http]") {
  for (const Kind& kind : kKinds) {
    DYNAMIC_SECTION(kind.provider << (kind.text ? " (text)" : "")) {
      Stub stub([](const httplib::Request&) { return std::pair{200, std::string("{}")}; });
      stub.stall();
      std::atomic<bool> cancel{false};
      Call call;
      call.cancel = &cancel;
      std::thread canceller([&] {
        // Cancel once the request has reached the provider.
        for (int i = 0; i < 5000 && stub.requests().empty(); ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        cancel = true;
      });
      ProviderConfig c = config_for(kind, stub.base());
      c.timeout = std::chrono::milliseconds(60000);
      auto f = run_kind(kind, c, call);
      canceller.join();
      REQUIRE(f);
      CHECK(f->kind == "cancelled");
    }
  }
}

}  // namespace wfc::ai::http
