// A generator of valid workflows for property tests (convert, plan): kinds with the options teams
// set, `next` chains that type-check, conditions gates, and the document shapes; deterministic
// for a seed.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace wfc::test {

// A generator of valid workflows, after tools/bench/validate/gen-corpus.mjs: kinds with the
// options teams set, `next` chains that type-check, conditions gates, and the document shapes.
// It adds what that corpus lacks and a converter must survive: strings that YAML would read as
// something else unless quoted, non-ASCII text, fractional numbers, nested metadata.

class Gen {
 public:
  using Json = nlohmann::ordered_json;

  explicit Gen(uint32_t seed) : state_(seed) {}

  double random() {  // mulberry32, as in gen-corpus.mjs
    state_ += 0x6D2B79F5u;
    uint32_t t = state_;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return double(t ^ (t >> 14)) / 4294967296.0;
  }
  bool chance(double p) { return random() < p; }
  int integer(int lo, int hi) { return lo + int(random() * (hi - lo + 1)); }
  template <typename T>
  T pick(const std::vector<T>& list) {
    return list[size_t(random() * list.size())];
  }
  std::string word() {
    return pick<std::string>({"uploads", "social", "podcast", "lecture", "trailer", "reels",
                              "archive", "marketing", "news", "shorts"});
  }
  /// Text that tests a writer's quoting.
  std::string tricky() {
    return pick<std::string>(
        {"yes",      "No",          "null",        "~",           "true",      "1.5",
         "0x1F",     "-dash",       "a: b",        "#hash",       "x #y",      "trailing ",
         " leading", "quote \"q\"", "back\\slash", "line\nbreak", "tab\there", "café ünïcode 日本",
         "[list]",   "{map}",       "@at",         "%pct",        "`tick",     "*star",
         "&anchor",  "!tag",        "|pipe",       ">fold",       "'single'",  "a,b",
         "?",        "-",           "emoji 🎬",     "del\x7f",     "when",      "automation",
         "video"});
  }

  void decorate(Json& t, const std::string& what) {
    // '_' not '-': the DSL's `as NAME` takes an identifier (grammar/Workflow.g4).
    if (chance(0.35)) t["ref"] = what + "_" + std::to_string(++refs_);
    if (chance(0.3)) t["label"] = chance(0.5) ? word() + " " + what : tricky();
    if (chance(0.15)) t["folder"] = word() + "/" + what;
    if (chance(0.1)) t["filename"] = "{filename}-" + what + ".out";
  }

  /// A task for a file of kind `input`, with what it produces; `depth` bounds its chain.
  Json task(const std::string& input, int depth) {
    if (depth > 0 && chance(0.15) && (input == "video" || input == "audio" || input == "image")) {
      Json gate = {{"kind", "conditions"}, {"options", condition(input)}, {"next", Json::array()}};
      for (int i = integer(1, 3); i > 0; --i) gate["next"].push_back(task(input, depth - 1));
      decorate(gate, "gate");
      return gate;
    }
    static const std::map<std::string, std::vector<std::string>> kNext = {
        {"video",
         {"video", "audio", "image", "animation", "adaptive_video", "thumbnails", "subtitles",
          "chapters", "speech", "nsfw", "summary", "outline", "export"}},
        {"audio", {"audio", "subtitles", "chapters", "speech", "summary", "outline", "export"}},
        {"image", {"image", "animation", "nsfw", "summary", "export"}},
    };
    auto it = kNext.find(input);
    std::string kind = it == kNext.end() ? "export" : pick(it->second);
    auto [t, produces] = make(kind);
    if (kind == "export") return t;
    bool media = produces == "video" || produces == "audio" || produces == "image";
    if (depth > 0 && media && chance(0.4)) {
      t["next"] = Json::array();
      for (int i = integer(1, 3); i > 0; --i) t["next"].push_back(task(produces, depth - 1));
    }
    return t;
  }

  Json document() {
    refs_ = 0;
    Json list = Json::array();
    for (int i = integer(1, 4); i > 0; --i) list.push_back(top());
    switch (integer(0, 4)) {
      case 0:
        return list;
      case 1: {
        Json run = {{"tasks", list}};
        if (chance(0.5)) run["metadata"] = metadata();
        if (chance(0.3)) run["webhook_url"] = "https://hooks.example.com/wfc?x=" + word();
        return run;
      }
      case 2: {
        auto [t, produces] = make(pick<std::string>({"video", "image", "audio", "animation"}));
        Json single = {{"kind", t["kind"]}};
        if (chance(0.5)) {
          single["url"] = "https://media.example.com/" + word() + ".mp4";
        } else {
          single["input"] = {{"url", "https://media.example.com/" + word() + ".mov"}};
        }
        if (t.contains("options")) single["options"] = t["options"];
        if (chance(0.3)) single["metadata"] = metadata();
        return single;
      }
      default: {
        Json a;
        if (chance(0.3)) a["id"] = "auto_" + word();
        a["name"] = chance(0.7) ? word() + " " + word() + " pipeline" : tricky() + "x";
        if (chance(0.7)) a["description"] = chance(0.5) ? "Processes " + word() : tricky();
        a["workflow"] = list;
        if (chance(0.8)) a["status"] = chance(0.85) ? "active" : "paused";
        if (chance(0.2)) a["webhook_url"] = "https://hooks.example.com/" + word();
        if (chance(0.3)) a["metadata"] = metadata();
        return a;
      }
    }
  }

 private:
  /// A top-level task: the run's input is a video upload, or gated on its kind.
  Json top() {
    if (chance(0.2)) {
      std::string kind = pick<std::string>({"video", "audio", "image"});
      Json gate = {
          {"kind", "conditions"}, {"options", {{"kind", {{"eq", kind}}}}}, {"next", Json::array()}};
      if (chance(0.5)) gate["options"].update(condition(kind));
      for (int i = integer(1, 3); i > 0; --i) gate["next"].push_back(task(kind, 2));
      return gate;
    }
    return task("video", 3);
  }

  Json metadata() {
    Json m = Json::object();
    m["team"] = word();
    if (chance(0.2)) m["empty"] = "";
    if (chance(0.5)) m[tricky() + "k"] = tricky();
    if (chance(0.5)) m["ratio"] = pick<double>({0.5, 1.0, 2.25, 1e-7, 1e300, -0.0});
    if (chance(0.5)) m["count"] = pick<int64_t>({0, -1, 42, INT64_MAX, INT64_MIN});
    if (chance(0.3))
      m["nested"] = {{"list", {1, "two", nullptr, false, Json::array()}},
                     {"empty", Json::object()}};
    return m;
  }

  Json condition(const std::string& input) {
    std::vector<Json> tests;
    if (input == "video") {
      tests = {{{"width", {{"gte", pick<int>({720, 1280, 1920})}}}},
               {{"height", {{"lt", 1080}}}},
               {{"duration", {{"lte", pick<double>({60, 299.5})}}}},
               {{"orientation", {{"in", {"landscape", "square"}}}}},
               {{"codecs.video", {{"in", {"h264", "vp9"}}}}},
               {{"has_audio", {{"eq", true}}}},
               {{"fps", {{"gt", 30}}}},
               {{"format", {{"matches", "^(mp4|mov|webm)$"}}}},
               {{"metadata.source", {{"starts_with", pick<std::string>({"upload", "a \"b\""})}}}},
               {{"or", {{{"width", {{"gte", 1920}}}}, {{"bitrate", {{"gt", 8000000}}}}}}},
               {{"not", {{"rotation", {{"in", {90, 270}}}}}}},
               {{"width", {{"gte", 640}, {"lte", 3840}}}}};
    } else if (input == "audio") {
      tests = {{{"duration", {{"gte", 30}}}},
               {{"channels", {{"gte", 2}}}},
               {{"codecs.audio", {{"nin", {"opus"}}}}},
               {{"language", "en"}},
               {{"sample_rate", {{"gte", 44100}}}}};
    } else {
      tests = {{{"width", {{"gt", 640}}}},
               {{"animated", {{"eq", false}}}},
               {{"type", {{"in", {"image/png", "image/webp"}}}}},
               {{"filesize", {{"gt", 500000}}}}};
    }
    Json all = Json::object();
    for (int i = integer(1, 2); i > 0; --i) all.update(pick(tests));
    return all;
  }

  /// A task of this kind with typical options, and the kind of file it produces.
  std::pair<Json, std::string> make(const std::string& kind) {
    Json t = {{"kind", kind}};
    Json o = Json::object();
    std::string produces = "data";
    if (kind == "video") {
      produces = "video";
      if (chance(0.7)) o["width"] = pick<int>({320, 640, 1280, 1920});
      if (chance(0.6)) o["format"] = pick<std::string>({"mp4", "webm", "mov"});
      if (chance(0.4)) {
        std::string codec = pick<std::string>({"h264", "h265", "vp9", "av1"});
        // WebM holds only vp9 and av1 (the catalog's rule).
        if (o.value("format", "") == "webm" && codec == "h264") codec = "vp9";
        if (o.value("format", "") == "webm" && codec == "h265") codec = "av1";
        o["codec"] = codec;
      }
      if (chance(0.5)) o["quality"] = pick<std::string>({"low", "medium", "high"});
      if (chance(0.2)) o["fps"] = pick<int>({24, 30, 60});
      if (chance(0.2)) o["bitrate"] = pick<int>({800000, 5000000});
      if (chance(0.2)) o["start"] = pick<double>({0, 1.5, 10});
    } else if (kind == "audio") {
      produces = "audio";
      if (chance(0.8)) o["format"] = pick<std::string>({"mp3", "aac", "opus", "wav"});
      if (chance(0.4)) o["bitrate"] = pick<int>({64000, 128000, 320000});
    } else if (kind == "image") {
      produces = "image";
      if (chance(0.8)) o["width"] = pick<int>({160, 320, 640});
      if (chance(0.7)) o["format"] = pick<std::string>({"jpeg", "png", "webp"});
    } else if (kind == "animation") {
      produces = "image";
      o["format"] = pick<std::string>({"gif", "webp"});
      o["start"] = integer(0, 20);
      o["end"] = o["start"].get<int>() + integer(2, 6);
    } else if (kind == "adaptive_video") {
      produces = "playlist";
      o["format"] = "hls";
      if (chance(0.5))
        o["renditions"] = {{{"height", 360}}, {{"height", 720}, {"bitrate", 2800000}}};
    } else if (kind == "thumbnails") {
      produces = "track";
      if (chance(0.5)) o["interval"] = pick<int>({1, 5, 10});
    } else if (kind == "subtitles") {
      produces = "track";
      if (chance(0.6)) o["format"] = pick<std::string>({"vtt", "srt"});
      if (chance(0.5)) o["language"] = pick<std::string>({"en", "pt-BR", "ja"});
    } else if (kind == "chapters") {
      produces = "track";
    } else if (kind == "speech") {
      if (chance(0.4)) o["language"] = "en";
    } else if (kind == "export") {
      o["url"] = "s3://" + word() + "-media/" + word() + "/";
    }
    if (!o.empty() || chance(0.1)) t["options"] = o;
    decorate(t, kind);
    return {t, produces};
  }

  uint32_t state_;
  int refs_ = 0;
};

}  // namespace wfc::test
