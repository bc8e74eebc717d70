// The fuse pass: the tasks one decode of a file can serve share it (one group, each member saying
// what it takes), a still far from the rest of the work seeks on its own, and `video → image`
// takes its frame from the video's own pass when the picture is the same.
#include <catch2/catch.hpp>
#include <map>

#include "test_plan.h"

using wfc::test::plan_text;
using wfc::test::with_input;
using wfc::test::without;

namespace {
std::vector<std::string> members(const wfc::plan::FusedGroup& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.node + " " + m.takes);
  return out;
}
}  // namespace

TEST_CASE("plan fuse: the media tasks on an upload share one decode", "[plan][fuse]") {
  auto p = plan_text(R"([{"kind": "video", "options": {"width": 1280}},
      {"kind": "video", "options": {"width": 640}}, {"kind": "audio"}, {"kind": "image"},
      {"kind": "speech"}, {"kind": "adaptive_video"}, {"kind": "thumbnails"},
      {"kind": "summary"}])")
               .plan;
  REQUIRE(p.groups.size() == 1);
  const auto& g = p.groups[0];
  CHECK(g.id == "$fuse.$input");
  CHECK(g.file == "$input");
  CHECK(members(g) == std::vector<std::string>{"t0 video+audio", "t1 video+audio", "t2 audio",
                                               "t4 audio", "t5 video+audio", "t6 video", "t7 audio",
                                               "t3 video"});
  // Speech and summary take the audio of the same decode, and one transcription serves both.
  CHECK(p.node("t4")->group == "$fuse.$input");
  CHECK(p.node("t0")->group == "$fuse.$input");
  for (const auto& m : g.members)
    CHECK(m.shares == (m.node == "t4" || m.node == "t7" ? "transcript" : ""));
  CHECK(g.saved > 0);
}

TEST_CASE("plan fuse: one transcription per language the sharing tasks name", "[plan][fuse]") {
  auto shares = [](const std::string& workflow) {
    auto p = plan_text(workflow).plan;
    std::map<std::string, std::string> out;
    for (const auto& g : p.groups)
      for (const auto& m : g.members) out[m.node] = m.shares;
    return out;
  };
  // A language named once is the language of every task that names none.
  auto one = shares(R"([{"kind": "subtitles", "options": {"language": "en"}},
      {"kind": "summary"}, {"kind": "chapters"}])");
  CHECK(one == std::map<std::string, std::string>{
                   {"t0", "transcript:en"}, {"t1", "transcript:en"}, {"t2", "transcript:en"}});
  // Two languages: two transcriptions; the tasks that name none detect it, in a third.
  auto two = shares(R"([{"kind": "subtitles", "options": {"language": "en"}},
      {"kind": "subtitles", "options": {"language": "fr"}}, {"kind": "summary"},
      {"kind": "speech", "options": {"language": "fr"}}])");
  CHECK(two == std::map<std::string, std::string>{{"t0", "transcript:en"},
                                                  {"t1", "transcript:fr"},
                                                  {"t2", "transcript"},
                                                  {"t3", "transcript:fr"}});
}

TEST_CASE("plan fuse: a still far from the rest of the work seeks instead", "[plan][fuse]") {
  auto p = plan_text(R"([{"kind": "video", "options": {"end": 10}},
      {"kind": "animation", "options": {"start": 2, "end": 8}},
      {"kind": "image", "options": {"start": 45}}])",
                     with_input("duration=60"))
               .plan;
  REQUIRE(p.groups.size() == 1);
  CHECK(members(p.groups[0]) == std::vector<std::string>{"t0 video+audio", "t1 video"});
  CHECK(p.node("t2")->group.empty());
  bool explained = false;
  for (const auto& line : p.explain) explained |= line.rfind("fuse: t2 decodes alone", 0) == 0;
  CHECK(explained);
}

TEST_CASE("plan fuse: an image after a video takes its frame from the video's pass",
          "[plan][fuse]") {
  auto p = plan_text(R"([{"kind": "video", "options": {"width": 1280},
      "next": [{"kind": "image", "options": {"width": 320}}]}])")
               .plan;
  REQUIRE(p.groups.size() == 1);
  CHECK(members(p.groups[0]) == std::vector<std::string>{"t0 video+audio", "t0.0 frames of t0"});
}

TEST_CASE(
    "plan fuse: no tap when the video's encoding changes the picture, or a gate sits "
    "between",
    "[plan][fuse]") {
  auto low = plan_text(R"([{"kind": "video", "options": {"quality": "low"},
      "next": [{"kind": "image"}]}])")
                 .plan;
  CHECK(low.groups.empty());
  auto capped = plan_text(R"([{"kind": "video", "options": {"bitrate": 500000},
      "next": [{"kind": "image"}]}])")
                    .plan;
  CHECK(capped.groups.empty());
  auto gated = plan_text(R"([{"kind": "video", "next": [{"kind": "conditions",
      "options": {"width": {"gt": 100}}, "next": [{"kind": "image"}]}]}])")
                   .plan;
  CHECK(gated.groups.empty());
  auto late = plan_text(R"([{"kind": "video", "options": {"end": 5},
      "next": [{"kind": "image", "options": {"start": 20}}]}])",
                        with_input("duration=60"))
                  .plan;
  CHECK(late.groups.empty());
}

TEST_CASE("plan fuse: switched off, no groups", "[plan][fuse]") {
  auto p = plan_text(R"([{"kind": "video"}, {"kind": "audio"}])", without({"fuse"})).plan;
  CHECK(p.groups.empty());
  CHECK(p.node("t0")->group.empty());
}
