// The local nsfw classifier (nsfwjs's MobileNetV2 converted to ONNX, on OpenCV DNN) against
// TensorFlow.js's own scores, and the nsfw result made from per-frame scores.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/ai/local/nsfw_classifier.h"
#include "runtime/ai/nsfw_report.h"
#include "tests/unit/test_cli.h"

namespace {

using wfc::ai::Call;
using wfc::ai::Frame;
using wfc::ai::NsfwClassifier;
using wfc::ai::Scores;
using Json = nlohmann::json;

constexpr int kSize = NsfwClassifier::kSize;

/// The reference pictures of tools/models/nsfw-dump.js, byte for byte (keep the two in step).
Frame picture(const std::string& name) {
  Frame f;
  f.width = f.height = kSize;
  f.rgb.resize(static_cast<size_t>(kSize) * kSize * 3);
  uint32_t state = 2463534242u;  // xorshift32 for "noise"
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return static_cast<int>(state & 255);
  };
  for (int y = 0; y < kSize; ++y) {
    for (int x = 0; x < kSize; ++x) {
      int r = 0, g = 0, b = 0;
      if (name == "gradient") {
        r = x * 255 / 223, g = y * 255 / 223, b = (x + y) * 255 / 446;
      } else if (name == "checkerboard") {
        bool on = (x / 28 + y / 28) % 2 == 1;
        r = on ? 235 : 30, g = on ? 200 : 30, b = on ? 170 : 60;
      } else if (name == "skin_disc") {
        int d2 = (x - 112) * (x - 112) + (y - 112) * (y - 112), s = d2 / 256;
        bool in = d2 < 80 * 80;
        r = in ? 230 - s : 40, g = in ? 180 - s : 60, b = in ? 150 - s : 40;
      } else if (name == "noise") {
        r = next(), g = next(), b = next();
      } else {
        FAIL("unknown picture " << name);
      }
      uint8_t* p = &f.rgb[(static_cast<size_t>(y) * kSize + x) * 3];
      p[0] = r, p[1] = g, p[2] = b;
    }
  }
  return f;
}

Frame uniform(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  Frame f;
  f.width = width, f.height = height;
  for (int i = 0; i < width * height; ++i) f.rgb.insert(f.rgb.end(), {r, g, b});
  return f;
}

/// The installed classifier; the test fails (does not skip) when it is not installed, since
/// tools/install-deps (part of `make test`) converts it.
std::unique_ptr<NsfwClassifier> installed() {
  auto opened = NsfwClassifier::open();
  if (auto* failure = std::get_if<wfc::ai::Failure>(&opened)) {
    FAIL("the nsfw model is not installed (" << failure->kind << ": " << failure->message
                                             << "): run tools/install-deps");
  }
  return std::move(std::get<std::unique_ptr<NsfwClassifier>>(opened));
}

std::vector<Scores> classify(NsfwClassifier& c, const std::vector<Frame>& frames, Call call = {}) {
  auto out = c.classify(frames, call);
  if (auto* failure = std::get_if<wfc::ai::Failure>(&out)) {
    FAIL(failure->kind << ": " << failure->message);
  }
  return std::get<std::vector<Scores>>(out);
}

}  // namespace

TEST_CASE("the converted nsfwjs model scores the reference pictures as TensorFlow.js does",
          "[ai][nsfw]") {
  auto classifier = installed();
  CHECK(classifier->name() == "nsfwjs");
  CHECK(classifier->frame_size() == std::pair{224, 224});
  std::filesystem::path dir = std::filesystem::path(classifier->model_path()).parent_path();
  std::ifstream in(dir / "reference.json");
  REQUIRE(in.good());
  Json reference = Json::parse(in);
  std::vector<std::string> classes(std::begin(NsfwClassifier::kClasses),
                                   std::end(NsfwClassifier::kClasses));
  CHECK(reference["classes"].get<std::vector<std::string>>() == classes);

  std::vector<Frame> frames;
  for (const Json& p : reference["pictures"]) frames.push_back(picture(p["name"]));
  REQUIRE(frames.size() >= 4);
  // All at once (one batch) and one by one: the same scores.
  std::vector<Scores> batch = classify(*classifier, frames);
  REQUIRE(batch.size() == frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    const Json& expected = reference["pictures"][i]["scores"];
    INFO("picture " << reference["pictures"][i]["name"]);
    std::vector<Scores> single = classify(*classifier, {frames[i]});
    REQUIRE(batch[i].classes.size() == 5);
    float sum = 0;
    for (size_t c = 0; c < 5; ++c) {
      INFO("class " << classes[c]);
      CHECK(batch[i].classes[c].first == classes[c]);
      CHECK(batch[i].classes[c].second == Approx(expected[c].get<double>()).margin(1e-4));
      CHECK(single[0].classes[c].second == Approx(expected[c].get<double>()).margin(1e-4));
      sum += batch[i].classes[c].second;
    }
    CHECK(sum == Approx(1.0).margin(1e-4));
  }
}

TEST_CASE("the nsfw classifier scales other sizes, runs from several threads and stops",
          "[ai][nsfw]") {
  auto classifier = installed();
  // A uniform picture stays the same colour when scaled: the same scores at any size.
  std::vector<Scores> at224 = classify(*classifier, {uniform(224, 224, 200, 150, 120)});
  std::vector<Scores> other = classify(*classifier, {uniform(320, 180, 200, 150, 120)});
  for (size_t c = 0; c < 5; ++c) {
    CHECK(other[0].classes[c].second == Approx(at224[0].classes[c].second).margin(1e-5));
  }

  // Two calls at once give what one call alone gives.
  std::vector<Frame> frames = {picture("gradient"), picture("noise"), picture("checkerboard")};
  std::vector<Scores> alone = classify(*classifier, frames);
  std::vector<Scores> first, second;
  std::thread a([&] { first = std::get<std::vector<Scores>>(classifier->classify(frames, {})); });
  std::thread b([&] { second = std::get<std::vector<Scores>>(classifier->classify(frames, {})); });
  a.join();
  b.join();
  REQUIRE(first.size() == 3);
  REQUIRE(second.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    for (size_t c = 0; c < 5; ++c) {
      CHECK(first[i].classes[c].second == Approx(alone[i].classes[c].second).margin(1e-6));
      CHECK(second[i].classes[c].second == Approx(alone[i].classes[c].second).margin(1e-6));
    }
  }

  // More frames than one batch: each scored as alone, progress rising to 1.
  std::vector<Frame> many;
  for (int i = 0; i < 11; ++i) many.push_back(frames[i % 3]);
  std::vector<double> progress;
  Call call;
  call.progress = [&](double p) { progress.push_back(p); };
  std::vector<Scores> scored = classify(*classifier, many, call);
  REQUIRE(scored.size() == 11);
  for (size_t i = 0; i < 11; ++i) {
    for (size_t c = 0; c < 5; ++c) {
      CHECK(scored[i].classes[c].second == Approx(alone[i % 3].classes[c].second).margin(1e-6));
    }
  }
  REQUIRE(progress.size() >= 2);
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == 1.0);

  // A cancelled call fails `cancelled`; a frame whose bytes do not match its size fails.
  std::atomic<bool> cancel{true};
  call.cancel = &cancel;
  auto cancelled = classifier->classify(frames, call);
  REQUIRE(wfc::ai::failed(cancelled));
  CHECK(std::get<wfc::ai::Failure>(cancelled).kind == "cancelled");
  Frame broken = picture("gradient");
  broken.rgb.resize(100);
  auto bad = classifier->classify(std::vector<Frame>{broken}, {});
  REQUIRE(wfc::ai::failed(bad));
  CHECK(std::get<wfc::ai::Failure>(bad).kind == "engine_failed");
}

TEST_CASE("the nsfw classifier without its model fails model_missing naming install-deps",
          "[ai][nsfw]") {
  wfc::test::TempDir empty;
  auto opened = NsfwClassifier::open(empty.path().string());
  REQUIRE(wfc::ai::failed(opened));
  const auto& failure = std::get<wfc::ai::Failure>(opened);
  CHECK(failure.kind == "model_missing");
  CHECK_THAT(failure.message, Catch::Contains("tools/install-deps"));
  CHECK_THAT(failure.message, Catch::Contains(empty.path().string()));

  // A file that is not a model: engine_failed, telling how to convert it again.
  wfc::test::TempDir broken;
  broken.write(wfc::ai::nsfw_model_subdir() + "/nsfw_mobilenet_v2.onnx", "not a model");
  auto unreadable = NsfwClassifier::open(broken.path().string());
  REQUIRE(wfc::ai::failed(unreadable));
  CHECK(std::get<wfc::ai::Failure>(unreadable).kind == "engine_failed");
  CHECK_THAT(std::get<wfc::ai::Failure>(unreadable).message, Catch::Contains("nsfw-convert"));
}

namespace {

Scores nsfwjs(float drawing, float hentai, float neutral, float porn, float sexy) {
  return Scores{{{"Drawing", drawing},
                 {"Hentai", hentai},
                 {"Neutral", neutral},
                 {"Porn", porn},
                 {"Sexy", sexy}}};
}

Scores moderation(float sexual, float violence, float graphic) {
  return Scores{{{"sexual", sexual},
                 {"sexual/minors", 0.0f},
                 {"harassment", 0.01f},
                 {"violence", violence},
                 {"violence/graphic", graphic}}};
}

Json report(const std::vector<Scores>& frames, double step, double duration, bool violence,
            const std::string& engine = "nsfwjs") {
  std::vector<double> times;
  for (size_t i = 0; i < frames.size(); ++i) times.push_back(static_cast<double>(i) * step);
  return wfc::ai::nsfw_report({frames, times, duration, violence, engine});
}

}  // namespace

TEST_CASE("the nsfw report from nsfwjs scores: thresholds, severities, violence and gore null",
          "[ai][nsfw]") {
  // Frames every 2 s of a 10 s video; 1–2 porn, 4 suggestive only.
  std::vector<Scores> frames = {
      nsfwjs(0.05f, 0.01f, 0.9f, 0.02f, 0.02f), nsfwjs(0.0f, 0.04f, 0.0f, 0.93f, 0.03f),
      nsfwjs(0.0f, 0.3f, 0.05f, 0.6f, 0.05f), nsfwjs(0.1f, 0.0f, 0.85f, 0.0f, 0.05f),
      nsfwjs(0.0f, 0.0f, 0.25f, 0.05f, 0.7f)};
  Json r = report(frames, 2.0, 10.0, false);
  CHECK(r["kind"] == "nsfw");
  CHECK(r["nudity"] == true);
  CHECK(r["sexual"] == true);
  CHECK(r["violence"].is_null());
  CHECK(r["gore"].is_null());
  CHECK(r["categories"] == Json::array({"nudity", "sexual"}));
  CHECK(r["severity"]["nudity"] == "high");  // 0.97 at frame 1
  CHECK(r["severity"]["sexual"] == "high");
  CHECK(r["severity"]["violence"].is_null());
  CHECK(r["scores"]["nudity"].get<double>() == Approx(0.97));
  CHECK(r["scores"]["violence"].is_null());
  CHECK(r["scores"]["classes"]["Porn"].get<double>() == Approx(0.93));
  CHECK(r["scores"]["frames"] == 5);
  std::string description = r["description"];
  CHECK_THAT(description, Catch::Contains("Nudity (high, peak 0.97 at 2.0 s)"));
  CHECK_THAT(description, Catch::Contains("3 of 5 frames"));
  CHECK_THAT(description, Catch::Contains("Violence and gore not judged"));
  // Nudity 2–6 s (frames 1 and 2 merged); sexual 2–6 s and, for the suggestive frame, 8–10 s.
  Json expected =
      Json::array({{{"start", 2.0}, {"end", 6.0}, {"category", "nudity"}, {"severity", "high"}},
                   {{"start", 2.0}, {"end", 6.0}, {"category", "sexual"}, {"severity", "high"}},
                   {{"start", 8.0}, {"end", 10.0}, {"category", "sexual"}, {"severity", "low"}}});
  CHECK(r["timeline"] == expected);

  // Around the thresholds: Porn + Hentai 0.59 is not nudity, 0.61 is (low); Sexy alone 0.69 is
  // not sexual, 0.71 is.
  CHECK(report({nsfwjs(0, 0.29f, 0.41f, 0.3f, 0)}, 0, 0, false)["nudity"] == false);
  Json low = report({nsfwjs(0, 0.31f, 0.39f, 0.3f, 0)}, 0, 0, false);
  CHECK(low["nudity"] == true);
  CHECK(low["severity"]["nudity"] == "low");
  CHECK(report({nsfwjs(0, 0, 0.31f, 0, 0.69f)}, 0, 0, false)["sexual"] == false);
  Json sexy = report({nsfwjs(0, 0, 0.29f, 0, 0.71f)}, 0, 0, false);
  CHECK(sexy["sexual"] == true);
  CHECK(sexy["nudity"] == false);
  CHECK(sexy["categories"] == Json::array({"sexual"}));
  // Medium between kSeverityMedium and kSeverityHigh.
  CHECK(report({nsfwjs(0, 0, 0.15f, 0.85f, 0)}, 0, 0, false)["severity"]["nudity"] == "medium");
}

TEST_CASE("the nsfw report of a clean picture says nothing was found", "[ai][nsfw]") {
  Json r = report({nsfwjs(0.1f, 0.0f, 0.88f, 0.01f, 0.01f)}, 0, 0, false);
  CHECK(r["nudity"] == false);
  CHECK(r["sexual"] == false);
  CHECK(r["categories"].empty());
  CHECK(r["timeline"].empty());
  CHECK(r["severity"]["nudity"] == "none");
  CHECK_THAT(r["description"].get<std::string>(),
             Catch::StartsWith("No nudity or sexual content found in the picture."));
}

TEST_CASE("the nsfw report from moderation categories judges violence and gore", "[ai][nsfw]") {
  // Four frames 1 s apart, 4 s long: violence in 1–3, graphic in 2 only.
  std::vector<Scores> frames = {moderation(0.01f, 0.02f, 0.01f), moderation(0.02f, 0.97f, 0.3f),
                                moderation(0.01f, 0.9f, 0.7f), moderation(0.0f, 0.99f, 0.1f)};
  Json r = report(frames, 1.0, 4.0, true, "openai-moderation");
  CHECK(r["nudity"] == false);
  CHECK(r["sexual"] == false);
  CHECK(r["violence"] == true);
  CHECK(r["gore"] == true);
  CHECK(r["categories"] == Json::array({"violence", "gore"}));
  CHECK(r["severity"]["violence"] == "high");
  CHECK(r["severity"]["gore"] == "low");
  CHECK(r["scores"]["classes"]["harassment"].get<double>() == Approx(0.01));
  Json expected =
      Json::array({{{"start", 1.0}, {"end", 4.0}, {"category", "violence"}, {"severity", "high"}},
                   {{"start", 2.0}, {"end", 3.0}, {"category", "gore"}, {"severity", "low"}}});
  CHECK(r["timeline"] == expected);
  CHECK_THAT(r["description"].get<std::string>(), !Catch::Contains("not judged"));

  // The same classes from a classifier said not to judge violence: null, not false.
  Json local = report(frames, 1.0, 4.0, false, "nsfwjs");
  CHECK(local["violence"].is_null());
  CHECK(local["gore"].is_null());
  CHECK(local["categories"].empty());

  // A vision provider's own names.
  Json vision =
      report({Scores{{{"nudity", 0.85f}, {"sexual", 0.4f}, {"violence", 0.0f}, {"gore", 0.96f}}}},
             0, 0, true, "openai-vision");
  CHECK(vision["categories"] == Json::array({"nudity", "gore"}));
  CHECK(vision["severity"]["nudity"] == "medium");
  CHECK(vision["severity"]["gore"] == "high");
}

TEST_CASE("the nsfw timeline merges only consecutive flagged frames", "[ai][nsfw]") {
  auto porn = nsfwjs(0, 0, 0.1f, 0.9f, 0);
  auto clean = nsfwjs(0, 0, 0.95f, 0.05f, 0);
  Json r = report({porn, porn, clean, porn, porn, porn}, 0.5, 3.0, false);
  std::vector<std::pair<double, double>> nudity;
  for (const Json& e : r["timeline"]) {
    if (e["category"] == "nudity") nudity.emplace_back(e["start"], e["end"]);
  }
  CHECK(nudity == std::vector<std::pair<double, double>>{{0.0, 1.0}, {1.5, 3.0}});
  CHECK_THAT(r["description"].get<std::string>(), Catch::Contains("5 of 6 frames"));

  Json none = report({}, 1.0, 0, false);
  CHECK(none["nudity"] == false);
  CHECK(none["timeline"].empty());
  CHECK(none["violence"].is_null());
}

// Not a test: ms per frame on this machine, batched, at 1 and 2 threads.
//   build/tests/wfc_tests "[.nsfw-bench]"
TEST_CASE("nsfw classifier speed", "[.nsfw-bench]") {
  auto classifier = installed();
  std::vector<Frame> frames;
  for (int i = 0; i < 16; ++i) {
    frames.push_back(picture(i % 2 ? "noise" : "gradient"));
  }
  for (unsigned threads : {1u, 2u}) {
    Call call;
    call.threads = threads;
    classify(*classifier, {frames[0]}, call);  // warm
    auto start = std::chrono::steady_clock::now();
    classify(*classifier, frames, call);
    double batched =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count() /
        frames.size();
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 8; ++i) classify(*classifier, {frames[i]}, call);
    double single =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count() /
        8;
    std::printf("nsfwjs: %u thread(s): %.1f ms/frame batched, %.1f ms/frame one at a time\n",
                threads, batched, single);
  }
  // How far from TensorFlow.js's scores the converted model lands.
  std::ifstream in(std::filesystem::path(classifier->model_path()).parent_path() /
                   "reference.json");
  Json reference = Json::parse(in);
  double worst = 0;
  for (const Json& p : reference["pictures"]) {
    Scores s = classify(*classifier, {picture(p["name"])})[0];
    for (size_t c = 0; c < 5; ++c) {
      worst = std::max(worst, std::abs(s.classes[c].second - p["scores"][c].get<double>()));
    }
  }
  std::printf("nsfwjs: largest difference from tfjs on the reference pictures: %.2g\n", worst);
}
