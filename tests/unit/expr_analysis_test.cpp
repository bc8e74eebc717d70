// Analysis of checked conditions as `wfc validate` reports it: conditions that can never hold
// (WF409), that always hold (WF410), branches the chain makes dead (WF501); frame predicates in
// `select` checked at compile time; folding with what the chain fixes; the kinds that pass.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/check/checker.h"
#include "compiler/expr/eval_ref.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/ranges.h"
#include "compiler/syntax/document_builder.h"
#include "tests/unit/test_diags.h"
#include "tests/unit/test_json.h"

using Lines = std::vector<std::string>;
using wfc::test::at;
using wfc::test::at_in;
using namespace wfc::expr;

namespace {

Lines check(std::string_view json) {
  wfc::diag::Diagnostics diags("test.json");
  auto root = wfc::test::json(json);
  auto doc = wfc::syntax::build_document(root, diags);
  REQUIRE(doc);
  wfc::check::check_document(*doc, wfc::catalog::Catalog::builtin(), diags);
  diags.sort();
  return wfc::test::describe(diags);
}

std::string gate(std::string_view options) {
  return R"([{"kind": "conditions", "options": )" + std::string(options) +
         R"(, "next": [{"kind": "summary"}]}])";
}

Predicate parse(const std::string& text) {
  wfc::diag::Diagnostics diags("t");
  auto p = compile_expression({text, {1, 1}, ""}, Schema::builtin(Domain::File), diags);
  REQUIRE(p);
  return std::move(*p);
}

constexpr const char* kGated = "the tasks it gates never run";

/// "L:C" where `needle` starts in `text`.
std::string where(std::string_view text, std::string_view needle) {
  std::string span = at(text, needle);
  return span.substr(0, span.find('-'));
}

}  // namespace

TEST_CASE("WF409: conditions that can never hold", "[expr][analysis][WF409]") {
  std::string range = gate(R"({"width": {"gt": 100, "lt": 50}})");
  CHECK(check(range) ==
        Lines{at(range, R"("lt": 50)") +
              " WF409 condition can never hold: 'width < 50' contradicts "
              "'width > 100' | 'width > 100' is at " +
              where(range, R"("gt": 100)") + "; " + kGated + " @/0/options/width/lt"});
  std::string kinds = gate(R"({"kind": "video", "and": [{"kind": {"eq": "audio"}}]})");
  CHECK(check(kinds) == Lines{at(kinds, R"("eq": "audio")") +
                              " WF409 condition can never hold: 'kind == \"audio\"' contradicts "
                              "'kind == \"video\"' | 'kind == \"video\"' is at 1:37; " +
                              kGated + " @/0/options/and/0/kind/eq"});
  // Integers are discrete: nothing lies strictly between 100 and 101.
  std::string discrete = gate(R"({"width": {"gt": 100, "lt": 101}})");
  REQUIRE(check(discrete).size() == 1);
  CHECK(check(discrete)[0].find("WF409 condition can never hold: 'width < 101' contradicts "
                                "'width > 100'") != std::string::npos);
  // Against the catalog's range alone.
  std::string negative = gate(R"({"height": {"lt": 0}})");
  CHECK(check(negative) == Lines{at(negative, R"("lt": 0)") +
                                 " WF409 condition can never hold: 'height < 0' is false for "
                                 "every value of 'height' (integer ≥ 0) | " +
                                 kGated + " @/0/options/height/lt"});
  // Strings: a finite set filtered by starts_with.
  std::string strings = gate(R"({"format": {"in": ["mp4", "mov"], "starts_with": "web"}})");
  CHECK(check(strings) ==
        Lines{at(strings, R"("starts_with": "web")") +
              " WF409 condition can never hold: 'format starts_with \"web\"' contradicts 'format "
              "in [\"mp4\", \"mov\"]' | 'format in [\"mp4\", \"mov\"]' is at 1:48; " +
              kGated + " @/0/options/format/starts_with"});
  // A negated test contradicts too.
  std::string negated = gate(R"({"duration": {"gt": 10.5}, "not": {"duration": {"gte": 10}}})");
  REQUIRE(check(negated).size() == 1);
  CHECK(check(negated)[0].find("WF409 condition can never hold: '!(duration >= 10)' "
                               "contradicts 'duration > 10.5'") != std::string::npos);
}

TEST_CASE("WF409: an alternative of 'or' that can never hold", "[expr][analysis][WF409]") {
  std::string doc = gate(R"({"or": [{"width": {"gt": 1920}}, {"height": {"gt": 9, "lt": 3}}]})");
  CHECK(check(doc) ==
        Lines{at(doc, R"("lt": 3)") +
              " WF409 alternative can never hold: 'height < 3' contradicts "
              "'height > 9' | 'height > 9' is at " +
              where(doc, R"("gt": 9)") +
              "; remove it, or fix the test that was meant @/0/options/or/1/height/lt"});
}

TEST_CASE("WF410: conditions that always hold", "[expr][analysis][WF410]") {
  std::string not_never = gate(R"({"not": {"width": {"gt": 100, "lt": 50}}})");
  CHECK(check(not_never) ==
        Lines{at(not_never, R"("not": {"width": {"gt": 100, "lt": 50}})") +
              " WF410 condition always holds: '!(width > 100 && width < 50)' | it gates "
              "nothing; remove it, or fix the test that was meant @/0/options/not"});
  std::string excluded_middle =
      gate(R"({"or": [{"animated": true}, {"not": {"animated": true}}]})");
  REQUIRE(check(excluded_middle).size() == 1);
  CHECK(check(excluded_middle)[0].find(
            "WF410 condition always holds: 'animated == true || !(animated == true)'") !=
        std::string::npos);
  // A clause of an `and` that always holds tests nothing.
  std::string clause = gate(R"({"kind": "video", "not": {"rotation": {"gt": 359}}})");
  CHECK(check(clause) == Lines{at(clause, R"("not": {"rotation": {"gt": 359}})") +
                               " WF410 '!(rotation > 359)' always holds, so it tests nothing | "
                               "remove it, or fix the test that was meant @/0/options/not"});
}

TEST_CASE("nulls keep tests that look complementary from always holding",
          "[expr][analysis][WF410]") {
  // A file without a width passes neither test, and a NaN duration neither comparison.
  for (const char* options : {
           R"({"or": [{"width": {"gt": 10}}, {"width": {"lte": 10}}]})",
           R"({"or": [{"duration": {"lt": 1}}, {"duration": {"gte": 1}}]})",
           R"({"or": [{"kind": "video"}, {"kind": {"ne": "video"}}]})",
           R"({"width": {"gte": 0}})",
           R"({"metadata.a": {"in": ["x"]}, "metadata.b": {"nin": ["x"]}})",
       }) {
    std::string doc = gate(options);
    INFO(doc);
    CHECK(check(doc).empty());
  }
}

TEST_CASE("WF501: a branch the chain makes dead", "[expr][analysis][WF501]") {
  std::string after_audio =
      R"([{"kind": "audio", "next": [{"kind": "conditions", "options": {"kind": {"in": ["video", "image"]}}, "next": [{"kind": "speech"}]}]}])";
  CHECK(check(after_audio) ==
        Lines{at(after_audio, R"("in": ["video", "image"])") +
              " WF501 branch never runs: 'kind in [\"video\", \"image\"]' is false for the audio "
              "that 'audio' produces | the tasks in its 'next' never run; remove the branch, or "
              "move it where the files it tests for arrive @/0/next/0/options/kind/in"});
  // Through a passthrough: the second condition sees what the first lets through.
  std::string nested =
      R"([{"kind": "conditions", "options": {"kind": "image"}, "next": [{"kind": "conditions", "options": {"kind": {"ne": "image"}}, "next": [{"kind": "summary"}]}]}])";
  CHECK(check(nested) ==
        Lines{at(nested, R"("ne": "image")") +
              " WF501 branch never runs: 'kind != \"image\"' is false for what 'conditions' "
              "passes on (image) | the tasks in its 'next' never run; remove the branch, or move "
              "it where the files it tests for arrive @/0/next/0/options/kind/ne"});
  // Where the kind can be what is tested, nothing is reported.
  CHECK(
      check(
          R"([{"kind": "video", "next": [{"kind": "conditions", "options": {"kind": "video", "width": {"gt": 1}}, "next": [{"kind": "image"}]}]}])")
          .empty());
}

TEST_CASE("a condition with type errors is not analyzed", "[expr][analysis]") {
  std::string doc = gate(R"({"width": {"gt": 100, "lt": "50"}})");
  Lines got = check(doc);
  REQUIRE(got.size() == 1);
  CHECK(got[0].find(" WF404 ") != std::string::npos);
}

TEST_CASE("select: frame predicates are checked when the workflow is", "[expr][select]") {
  std::string ok =
      R"([{"kind": "video", "next": [{"kind": "image", "options": {"select": "scene > 0.3 && !black"}}]}])";
  CHECK(check(ok).empty());
  std::string typo = R"([{"kind": "image", "options": {"select": "scene > 0.3 && !blak"}}])";
  CHECK(check(typo) ==
        Lines{at(typo, "blak") + " WF401 unknown frame property 'blak' | did you mean 'black'? "
                                 "@/0/options/select"});
  std::string syntax = R"([{"kind": "thumbnails", "options": {"select": "luma = 0.1"}}])";
  CHECK(check(syntax) ==
        Lines{at(syntax, "=") + " WF411 '=' is not a comparison | write '==' to compare "
                                "@/0/options/select"});
  std::string never = R"([{"kind": "animation", "options": {"select": "scene > 1.5"}}])";
  CHECK(check(never) == Lines{at(never, "scene > 1.5") +
                              " WF409 condition can never hold: 'scene > 1.5' is false for every "
                              "value of 'scene' (number 0–1) | no frame is ever selected "
                              "@/0/options/select"});
  // With an escape in the JSON string, positions inside it cannot be mapped: the whole value.
  std::string escaped = R"([{"kind": "image", "options": {"select": "\tscenex > 1"}}])";
  CHECK(check(escaped) == Lines{at(escaped, R"("\tscenex > 1")") +
                                " WF401 unknown frame property 'scenex' | did you mean 'scene'? "
                                "@/0/options/select"});
}

TEST_CASE("the chain's kinds fold kind tests to constants", "[expr][fold]") {
  const Schema& schema = Schema::builtin(Domain::File);
  auto folded = [&](const std::string& text, wfc::catalog::FileKinds kinds) {
    return to_string(fold(parse(text).root, schema, Known{kinds}));
  };
  using namespace wfc::catalog;
  CHECK(folded("kind == \"video\" && width > 1", kAudio) == "false");
  CHECK(folded("kind == \"audio\" && width > 1", kAudio) == "width > 1");
  CHECK(folded("kind in [\"video\", \"image\"] || duration < 5", kVideo | kImage) == "true");
  CHECK(folded("kind != \"video\" || duration < 5", kVideo | kAudio) ==
        "kind != \"video\" || duration < 5");
  CHECK(folded("kind == \"video\"", kData) == "false");
  CHECK(folded("!(kind == \"video\") && exists(kind)", kData | kTrack) == "true");
  // Without chain knowledge only constants fold.
  CHECK(folded("!!(width > 1) && (true || kind == \"video\")", kAnyFile) == "width > 1");
  CHECK(folded("(width > 1 && (height > 1 && fps > 1)) || false", kAnyFile) ==
        "width > 1 && height > 1 && fps > 1");
}

TEST_CASE("the kinds a condition lets through", "[expr][ranges]") {
  Ranges ranges(Schema::builtin(Domain::File));
  using namespace wfc::catalog;
  CHECK(ranges.kinds_passing(parse("kind == \"video\" && width > 5").root) == kVideo);
  CHECK(ranges.kinds_passing(parse("kind == \"video\" || kind == \"image\"").root) ==
        (kVideo | kImage));
  CHECK(ranges.kinds_passing(parse("kind != \"audio\"").root) == (kAnyFile & ~kAudio));
  CHECK(ranges.kinds_passing(parse("kind == \"video\" || width > 5").root) == kAnyFile);
  // Impossible conditions narrow nothing (they are warned about instead).
  CHECK(ranges.kinds_passing(parse("kind == \"video\" && kind == \"audio\"").root) == kAnyFile);
}

TEST_CASE("analysis of huge conditions stays bounded", "[expr][analysis][hostile]") {
  // A conjunction of 20,000 tests: linear, and the contradiction still named precisely.
  std::string tests;
  for (int i = 0; i < 20000; ++i) tests += "{\"width\": {\"gt\": " + std::to_string(i) + "}}, ";
  std::string long_and = gate("{\"and\": [" + tests + "{\"width\": {\"lt\": 5}}]}");
  Lines got = check(long_and);
  REQUIRE(got.size() == 1);
  CHECK(got[0].find("WF409 condition can never hold: 'width < 5' contradicts 'width > 19999'") !=
        std::string::npos);
  // 2^40 alternatives in normal form: the analysis gives up and says nothing.
  std::string ors;
  for (int i = 0; i < 40; ++i) {
    ors += std::string(i ? ", " : "") + "{\"or\": [{\"width\": {\"gt\": " + std::to_string(i) +
           "}}, {\"height\": {\"gt\": " + std::to_string(i) + "}}]}";
  }
  CHECK(check(gate("{\"and\": [" + ors + "]}")).empty());
}
