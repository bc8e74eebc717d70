// The track writers (runtime/ai/tracks/): subtitle cues from transcripts, checked as the rules a
// viewer relies on over transcripts of different shapes, their WebVTT and SRT files read back by
// a small parser written here, and the chapter files.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/ai/tracks/cues.h"
#include "runtime/ai/tracks/formats.h"

namespace {

using wfc::ai::Section;
using wfc::ai::Segment;
using wfc::ai::Transcript;
using wfc::ai::tracks::Cue;
namespace tracks = wfc::ai::tracks;

/// Words with times; `gap` after each word, `pause_every` words a longer `pause`.
struct Speech {
  std::vector<std::string> words;
  double word_seconds = 0.3, gap = 0.05;
  size_t pause_every = 0;
  double pause = 0;
};

Transcript timed(const Speech& s, size_t per_segment = 12) {
  Transcript t;
  t.language = "en";
  double at = 0.5;
  for (size_t i = 0; i < s.words.size(); ++i) {
    if (i % per_segment == 0) t.segments.emplace_back();
    Segment& seg = t.segments.back();
    if (seg.words.empty()) seg.start = at;
    seg.words.push_back({at, at + s.word_seconds, s.words[i], 0.9});
    seg.text += (seg.text.empty() ? "" : " ") + s.words[i];
    seg.end = at + s.word_seconds;
    at += s.word_seconds + s.gap;
    if (s.pause_every && (i + 1) % s.pause_every == 0) at += s.pause;
  }
  return t;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

const std::string kMonologue =
    "So today I want to talk about how rivers shape the land around them, because most people "
    "never think about it. Water moves sediment from the mountains to the sea, and over "
    "thousands of years that slow movement carves valleys, builds deltas and changes the course "
    "of entire civilizations. When a river floods, it spreads fine silt across the plain, which "
    "is why farmers have always settled near rivers; the soil there is rich, easy to work, and "
    "renewed every season. But floods are also dangerous, so people built levees, dams and "
    "canals, and each of those changes how the river behaves downstream in ways that engineers "
    "are still learning to predict.";

/// The words each cue shows, in order, as the viewer reads them.
std::vector<std::string> shown_words(const std::vector<Cue>& cues) {
  std::vector<std::string> out;
  for (const Cue& c : cues) {
    for (const std::string& line : c.lines) {
      for (const std::string& w : words_of(line)) out.push_back(w);
    }
  }
  return out;
}

/// What the viewer should read: each word once, a word longer than a line cut into line-long
/// pieces.
std::vector<std::string> expected_words(const Transcript& t) {
  std::vector<std::string> out;
  for (const Segment& s : t.segments) {
    std::vector<std::string> ws;
    if (s.words.empty()) {
      ws = words_of(s.text);
    } else {
      for (const auto& w : s.words) ws.push_back(w.word);
    }
    for (const std::string& w : ws) {
      for (size_t at = 0; at < w.size(); at += tracks::kMaxLineChars) {
        out.push_back(w.substr(at, tracks::kMaxLineChars));
      }
    }
  }
  return out;
}

/// The cue rules of cues.h, over any transcript.
void check_rules(const Transcript& t, const std::vector<Cue>& cues) {
  REQUIRE_FALSE(cues.empty());
  for (size_t i = 0; i < cues.size(); ++i) {
    const Cue& c = cues[i];
    INFO("cue " << i << " at " << c.start << "–" << c.end);
    REQUIRE_FALSE(c.lines.empty());
    CHECK(c.lines.size() <= tracks::kMaxLines);
    for (const std::string& line : c.lines) {
      CHECK(tracks::display_length(line) <= tracks::kMaxLineChars);
      CHECK_FALSE(line.empty());
    }
    double length = c.end - c.start;
    CHECK(length <= tracks::kMaxCueSeconds + 1e-9);
    // Shorter than a second only when the next cue starts right where it ends (no silence to
    // extend into).
    if (length < tracks::kMinCueSeconds - 1e-9) {
      REQUIRE(i + 1 < cues.size());
      CHECK(cues[i + 1].start == Approx(c.end));
    }
    if (i + 1 < cues.size()) CHECK(c.end <= cues[i + 1].start + 1e-9);
  }
  CHECK(shown_words(cues) == expected_words(t));
}

// --- A tiny reader of the two formats, as a player would read them. -------------------------

double parse_time(const std::string& s) {
  std::smatch m;
  static const std::regex re(R"((\d\d):(\d\d):(\d\d)[.,](\d\d\d))");
  REQUIRE(std::regex_match(s, m, re));
  return std::stoi(m[1]) * 3600.0 + std::stoi(m[2]) * 60.0 + std::stoi(m[3]) +
         std::stoi(m[4]) / 1000.0;
}

std::string unescape(std::string s) {
  for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) {
      s.replace(at, std::string(from).size(), to);
    }
  }
  return s;
}

/// Cues of a WebVTT (`vtt`) or SRT file: blocks separated by blank lines; a block's optional
/// identifier line, its timing line, its text lines. The VTT header block is checked and skipped.
std::vector<Cue> parse(const std::string& file, bool vtt, std::vector<std::string>* ids = nullptr) {
  std::vector<std::vector<std::string>> blocks(1);
  std::istringstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
    } else {
      blocks.back().push_back(line);
    }
  }
  if (blocks.back().empty()) blocks.pop_back();
  std::vector<Cue> out;
  size_t first = 0;
  if (vtt) {
    REQUIRE_FALSE(blocks.empty());
    REQUIRE(blocks[0][0] == "WEBVTT");
    first = 1;
  }
  for (size_t b = first; b < blocks.size(); ++b) {
    const auto& block = blocks[b];
    size_t timing = block[0].find(" --> ") != std::string::npos ? 0 : 1;
    if (!vtt) CHECK(block[0] == std::to_string(out.size() + 1));  // SRT: 1-based index
    if (ids && timing == 1) ids->push_back(block[0]);
    REQUIRE(block.size() > timing);
    size_t arrow = block[timing].find(" --> ");
    REQUIRE(arrow != std::string::npos);
    CHECK((block[timing].find(vtt ? ',' : '.') == std::string::npos));
    Cue c;
    c.start = parse_time(block[timing].substr(0, arrow));
    c.end = parse_time(block[timing].substr(arrow + 5));
    for (size_t k = timing + 1; k < block.size(); ++k) {
      c.lines.push_back(vtt ? unescape(block[k]) : block[k]);
    }
    out.push_back(c);
  }
  return out;
}

void check_round_trip(const std::vector<Cue>& cues) {
  for (bool vtt : {true, false}) {
    std::string file = vtt ? tracks::to_vtt(cues) : tracks::to_srt(cues);
    std::vector<Cue> back = parse(file, vtt);
    REQUIRE(back.size() == cues.size());
    for (size_t i = 0; i < cues.size(); ++i) {
      CHECK(back[i].start == Approx(cues[i].start).margin(0.0005));
      CHECK(back[i].end == Approx(cues[i].end).margin(0.0005));
      CHECK(back[i].lines == cues[i].lines);
    }
  }
}

}  // namespace

TEST_CASE("cues: the rules hold over monologue, rapid words, a long word and long pauses",
          "[ai][tracks]") {
  std::vector<std::pair<std::string, Transcript>> cases;
  {
    Speech s{words_of(kMonologue)};
    cases.push_back({"monologue", timed(s)});
  }
  {
    Speech s;
    for (int i = 0; i < 120; ++i) s.words.push_back(i % 3 == 0 ? "go" : i % 3 == 1 ? "a" : "to");
    s.word_seconds = 0.08;
    s.gap = 0.0;
    cases.push_back({"rapid short words", timed(s)});
  }
  {
    Speech s{{"the", "word", std::string(100, 'x') + "ious", "is", "long,", "isn't", "it?"}};
    s.word_seconds = 0.6;
    cases.push_back({"one very long word", timed(s)});
  }
  {
    Speech s{words_of("yes no maybe well then perhaps tomorrow or never at all")};
    s.word_seconds = 0.25;
    s.pause_every = 1;
    s.pause = 2.5;
    cases.push_back({"words with long pauses", timed(s)});
  }
  {
    Speech s{words_of("quick words then a short gap and more quick words follow here now")};
    s.word_seconds = 0.1;
    s.gap = 0.0;
    s.pause_every = 3;
    s.pause = 0.4;
    cases.push_back({"short bursts", timed(s, 3)});
  }
  {
    Transcript t;
    Segment a;
    a.start = 1;
    a.end = 9;
    a.text = "A provider segment without word times, spread over its words by their length.";
    Segment b;
    b.start = 9.2;
    b.end = 9.6;
    b.text = "Short.";
    t.segments = {a, b};
    cases.push_back({"segments without words", t});
  }
  for (const auto& [name, t] : cases) {
    SECTION(name) {
      std::vector<Cue> cues = tracks::build_cues(t);
      check_rules(t, cues);
      check_round_trip(cues);
    }
  }
}

TEST_CASE("cues: a pause or a sentence's end starts a new cue", "[ai][tracks]") {
  Speech s{words_of("Hello there everyone. Welcome back to the show and thanks for coming")};
  s.word_seconds = 0.4;
  s.pause_every = 6;  // after "to"
  s.pause = 1.5;
  std::vector<Cue> cues = tracks::build_cues(timed(s));
  REQUIRE(cues.size() == 3);
  CHECK(cues[0].lines == std::vector<std::string>{"Hello there everyone."});
  CHECK(cues[1].lines == std::vector<std::string>{"Welcome back to"});
  CHECK(cues[2].lines == std::vector<std::string>{"the show and thanks for coming"});
  // No cue shows through the pause.
  CHECK(cues[1].end < cues[2].start - 1.0);
}

TEST_CASE("cues: two lines split after punctuation, a full cue ends at a comma", "[ai][tracks]") {
  auto lines = tracks::layout_lines(
      words_of("When the river floods, it spreads fine silt across the plain"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "When the river floods,");
  CHECK(lines[1] == "it spreads fine silt across the plain");
  CHECK(tracks::layout_lines(words_of(std::string(50, 'a') + " b")).empty());

  Speech s{words_of(kMonologue)};
  std::vector<Cue> cues = tracks::build_cues(timed(s, 1000));
  // Most cues that are cut for length end at punctuation.
  size_t at_punct = 0;
  for (size_t i = 0; i + 1 < cues.size(); ++i) {
    char last = cues[i].lines.back().back();
    if (last == ',' || last == '.' || last == ';' || last == '?') ++at_punct;
  }
  CHECK(at_punct * 2 >= cues.size() - 1);
}

TEST_CASE("cues: a word lasting longer than the limit is cut to it", "[ai][tracks]") {
  Transcript t;
  Segment seg;
  seg.start = 0;
  seg.end = 12;
  seg.text = "hmmmmm";
  seg.words = {{0, 12, "hmmmmm", 0.5}};
  t.segments = {seg};
  auto cues = tracks::build_cues(t);
  REQUIRE(cues.size() == 1);
  CHECK(cues[0].end - cues[0].start == Approx(tracks::kMaxCueSeconds));
  CHECK(tracks::build_cues(Transcript{}).empty());
}

TEST_CASE("vtt and srt: headers, time formats, escaping", "[ai][tracks]") {
  std::vector<Cue> cues = {{3723.456, 3725.0, {"Fish & chips <now>"}}, {3726, 3728.5, {"a", "b"}}};
  std::string vtt = tracks::to_vtt(cues);
  CHECK(vtt.rfind("WEBVTT\n\n01:02:03.456 --> 01:02:05.000\nFish &amp; chips &lt;now&gt;\n", 0) ==
        0);
  std::string srt = tracks::to_srt(cues);
  CHECK(srt.rfind("1\n01:02:03,456 --> 01:02:05,000\nFish & chips <now>\n\n2\n", 0) == 0);
  check_round_trip(cues);
}

TEST_CASE("chapter tracks: json, vtt and srt shapes", "[ai][tracks]") {
  std::vector<Section> chapters = {
      {0, 61.25, "Baking Bread"}, {61.25, 130.0, ""}, {130.0, 200.5, "Stars & Planets"}};
  auto json = nlohmann::json::parse(tracks::chapters_json(chapters));
  REQUIRE(json["chapters"].is_array());
  REQUIRE(json["chapters"].size() == 3);
  CHECK(json["chapters"][0]["index"] == 1);
  CHECK(json["chapters"][0]["start"] == 0.0);
  CHECK(json["chapters"][0]["end"] == 61.25);
  CHECK(json["chapters"][0]["title"] == "Baking Bread");
  CHECK(json["chapters"][1]["index"] == 2);
  CHECK(json["chapters"][1]["title"] == "Chapter 2");
  CHECK(json["chapters"][2]["end"] == 200.5);
  CHECK(json["chapters"][2]["title"] == "Stars & Planets");

  std::vector<std::string> ids;
  std::vector<Cue> vtt = parse(tracks::chapters_vtt(chapters), true, &ids);
  CHECK(ids == std::vector<std::string>{"1", "2", "3"});
  std::vector<Cue> srt = parse(tracks::chapters_srt(chapters), false);
  for (const auto* back : {&vtt, &srt}) {
    REQUIRE(back->size() == 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK((*back)[i].start == Approx(chapters[i].start));
      CHECK((*back)[i].end == Approx(chapters[i].end));
      REQUIRE((*back)[i].lines.size() == 1);
    }
    CHECK((*back)[0].lines[0] == "Baking Bread");
    CHECK((*back)[1].lines[0] == "Chapter 2");
    CHECK((*back)[2].lines[0] == "Stars & Planets");
  }
}
