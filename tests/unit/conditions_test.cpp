// Condition typing tests (WF401–WF408): properties, operators, operands, combinators, and the
// full operator × property-type table.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/check/checker.h"
#include "compiler/syntax/document_builder.h"
#include "tests/unit/test_catalog.h"
#include "tests/unit/test_diags.h"
#include "tests/unit/test_json.h"

using Lines = std::vector<std::string>;
using wfc::test::at;
using wfc::test::at_in;

namespace {

/// A workflow of one conditions task (gating one summary) with these options.
std::string gate(std::string_view options) {
  return R"([{"kind": "conditions", "options": )" + std::string(options) +
         R"(, "next": [{"kind": "summary"}]}])";
}

Lines check(std::string_view json) {
  wfc::diag::Diagnostics diags("test.json");
  auto root = wfc::test::json(json);
  auto doc = wfc::syntax::build_document(root, diags);
  REQUIRE(doc);
  wfc::check::check_document(*doc, wfc::test::test_catalog(), diags);
  diags.sort();
  return wfc::test::describe(diags);
}

}  // namespace

TEST_CASE("well-formed conditions check clean", "[conditions]") {
  for (const char* options : {
           R"({"kind": "video"})",
           R"({"kind": {"eq": "video"}, "width": {"gte": 1280, "lte": 3840}})",
           R"({"format": {"in": ["mp4", "mov"]}, "codecs.video": {"starts_with": "h26"}})",
           R"({"metadata.source": {"exists": true}, "duration": {"lt": 60.5}})",
           R"({"duration": {"gt": 1}, "animated": false, "width": 1280.0})",
           R"({"and": [{"kind": "image"}, {"width": {"gt": 640}}]})",
           R"({"or": [{"animated": true}, {"format": {"matches": "^(gif|webp)$"}}]})",
           R"({"not": {"codecs.audio": {"eq": "opus"}}, "kind": {"nin": ["audio"]}})",
           R"({"metadata.title": {"contains": "draft", "ends_with": "v2"}})",
       }) {
    std::string doc = gate(options);
    INFO(doc);
    CHECK(check(doc).empty());
  }
}

TEST_CASE("WF401: unknown properties", "[conditions][WF401]") {
  std::string widht = gate(R"({"widht": {"gte": 1280}})");
  CHECK(check(widht) ==
        Lines{at(widht, R"("widht")") + " WF401 unknown property 'widht' | did you mean 'width'? "
                                        "@/0/options/widht"});
  std::string meta = gate(R"({"metdata.source": "upload"})");
  CHECK(check(meta) == Lines{at(meta, R"("metdata.source")") +
                             " WF401 unknown property 'metdata.source' | did you mean "
                             "'metadata.source'? @/0/options/metdata.source"});
  std::string nested = gate(R"({"codecs": {"video": {"eq": "h264"}}})");
  CHECK(check(nested) == Lines{at(nested, R"("codecs")") +
                               " WF401 unknown property 'codecs' | write nested properties with "
                               "a dot: 'codecs.video', 'codecs.audio' @/0/options/codecs"});
  std::string bare = gate(R"({"metadata": {"exists": true}})");
  CHECK(check(bare) == Lines{at(bare, R"("metadata")") +
                             " WF401 property 'metadata' needs a key: 'metadata.<key>' | test one "
                             "key, e.g. 'metadata.title' @/0/options/metadata"});
  std::string far = gate(R"({"bitdepth": 10})");
  REQUIRE(check(far).size() == 1);
  CHECK(check(far)[0].rfind(at(far, R"("bitdepth")") +
                                " WF401 unknown property 'bitdepth' | properties: kind, width, ",
                            0) == 0);
  std::string mime = gate(R"({"mimetype": {"starts_with": "video/"}})");
  CHECK(check(mime) == Lines{at(mime, R"("mimetype")") +
                             " WF401 unknown property 'mimetype' | did you mean 'type'? "
                             "@/0/options/mimetype"});
  std::string resolution = gate(R"({"resolution": {"gte": 1080}})");
  CHECK(check(resolution) == Lines{at(resolution, R"("resolution")") +
                                   " WF401 unknown property 'resolution' | test 'width' and "
                                   "'height', e.g. {\"width\": {\"gte\": 1280}} "
                                   "@/0/options/resolution"});
}

TEST_CASE("WF402: unknown operators", "[conditions][WF402]") {
  std::string gt_eq = gate(R"({"width": {"gt_eq": 1280}})");
  CHECK(check(gt_eq) ==
        Lines{at(gt_eq, R"("gt_eq")") + " WF402 unknown operator 'gt_eq' | did you mean 'gte'? "
                                        "@/0/options/width/gt_eq"});
  std::string camel = gate(R"({"format": {"startsWith": "mp"}})");
  CHECK(check(camel) ==
        Lines{at(camel, R"("startsWith")") + " WF402 unknown operator 'startsWith' | did you mean "
                                             "'starts_with'? @/0/options/format/startsWith"});
  std::string symbol = gate(R"({"width": {">=": 1280}})");
  CHECK(check(symbol) ==
        Lines{at(symbol, R"(">=")") + " WF402 unknown operator '>=' | did you mean 'gte'? "
                                      "@/0/options/width/>="});
  std::string words = gate(R"({"width": {"greater_than": 1280}})");
  CHECK(check(words) == Lines{at(words, R"("greater_than")") +
                              " WF402 unknown operator 'greater_than' | did you mean 'gt'? "
                              "@/0/options/width/greater_than"});
  std::string property = gate(R"({"kind": {"width": 5}})");
  CHECK(check(property) == Lines{at(property, R"("width")") +
                                 " WF402 unknown operator 'width' | 'width' is a property; "
                                 "combine properties with 'and' @/0/options/kind/width"});
}

TEST_CASE("WF403: operators that do not fit the property's type", "[conditions][WF403]") {
  std::string gt = gate(R"({"kind": {"gt": "video"}})");
  CHECK(check(gt) == Lines{at(gt, R"("gt")") +
                           " WF403 operator 'gt' does not apply to 'kind', which is an enum | "
                           "operators for 'kind': eq, ne, in, nin, exists @/0/options/kind/gt"});
  std::string contains = gate(R"({"width": {"contains": "10"}})");
  CHECK(check(contains) ==
        Lines{at(contains, R"("contains")") +
              " WF403 operator 'contains' does not apply to 'width', which is an integer | "
              "operators for 'width': eq, ne, gt, gte, lt, lte, in, nin, exists "
              "@/0/options/width/contains"});
}

TEST_CASE("every operator against every property type", "[conditions][WF403]") {
  // The operand each operator takes, for a property whose values look like `value`.
  auto operand = [](std::string_view op, std::string_view value) -> std::string {
    if (op == "in" || op == "nin") return "[" + std::string(value) + "]";
    if (op == "contains" || op == "starts_with" || op == "ends_with") return R"("x")";
    if (op == "matches") return R"("^x")";
    if (op == "exists") return "true";
    return std::string(value);
  };
  const std::vector<std::string> ops = {"eq",        "ne",      "gt",    "gte",      "lt",
                                        "lte",       "in",      "nin",   "contains", "starts_with",
                                        "ends_with", "matches", "exists"};
  struct Row {
    std::string property, value, applies;  // one letter per operator: y applies, n does not
  };
  const std::vector<Row> rows = {
      {"width", "1280", "yyyyyyyynnnny"},              // integer
      {"duration", "1.5", "yyyyyyyynnnny"},            // number
      {"animated", "true", "yynnnnnnnnnny"},           // boolean
      {"kind", R"("video")", "yynnnnyynnnny"},         // enum
      {"format", R"("mp4")", "yynnnnyyyyyyy"},         // string
      {"metadata.source", R"("a")", "yynnnnyyyyyyy"},  // map of strings
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < ops.size(); ++i) {
      std::string doc = gate("{\"" + row.property + "\": {\"" + ops[i] +
                             "\": " + operand(ops[i], row.value) + "}}");
      INFO(doc);
      Lines got = check(doc);
      if (row.applies[i] == 'y') {
        CHECK(got.empty());
      } else {
        REQUIRE(got.size() == 1);
        CHECK(got[0].find(" WF403 operator '" + ops[i] + "' does not apply to '" + row.property +
                          "'") != std::string::npos);
      }
    }
  }
}

TEST_CASE("WF404: operands of the wrong type", "[conditions][WF404]") {
  std::string quoted = gate(R"({"width": {"gte": "1280"}})");
  CHECK(check(quoted) == Lines{at(quoted, R"("1280")") +
                               " WF404 value of 'width' must be an integer ≥ 0, got \"1280\" | "
                               "remove the quotes: 1280 @/0/options/width/gte"});
  std::string fraction = gate(R"({"width": {"gte": 12.5}})");
  CHECK(check(fraction) ==
        Lines{at(fraction, "12.5") + " WF404 value of 'width' must be an integer ≥ 0, got 12.5 "
                                     "@/0/options/width/gte"});
  std::string exists = gate(R"({"width": {"exists": "yes"}})");
  CHECK(check(exists) ==
        Lines{at(exists, R"("yes")") + " WF404 operator 'exists' takes true or false, got \"yes\" "
                                       "@/0/options/width/exists"});
  std::string in = gate(R"({"kind": {"in": "video"}})");
  CHECK(check(in) == Lines{at(in, R"("video")") +
                           " WF404 operator 'in' takes a list, got \"video\" | write {\"in\": "
                           "[\"video\"]} @/0/options/kind/in"});
  std::string item = gate(R"({"width": {"in": [640, "720"]}})");
  CHECK(check(item) == Lines{at(item, R"("720")") +
                             " WF404 value of 'width' must be an integer ≥ 0, got \"720\" | "
                             "remove the quotes: 720 @/0/options/width/in/1"});
  std::string contains = gate(R"({"format": {"contains": 4}})");
  CHECK(check(contains) == Lines{at_in(contains, R"("contains": )", "4") +
                                 " WF404 operator 'contains' takes a string, got 4 | quote it: "
                                 "\"4\" @/0/options/format/contains"});
  std::string matches = gate(R"({"format": {"matches": true}})");
  CHECK(check(matches) ==
        Lines{at(matches, "true") + " WF404 operator 'matches' takes a regular expression string, "
                                    "got true @/0/options/format/matches"});
  std::string null = gate(R"({"width": {"eq": null}})");
  CHECK(check(null) == Lines{at(null, "null") +
                             " WF404 value of 'width' must be an integer ≥ 0, got null | to test "
                             "whether a file has 'width', write {\"exists\": false} "
                             "@/0/options/width/eq"});
  std::string list = gate(R"({"kind": ["video", "audio"]})");
  CHECK(check(list) == Lines{at(list, R"(["video", "audio"])") +
                             " WF404 value of 'kind' must be one of video, audio or image, got "
                             "an array | to test several values, write {\"in\": [...]} "
                             "@/0/options/kind"});
  std::string boolean = gate(R"({"animated": "true"})");
  CHECK(check(boolean) == Lines{at(boolean, R"("true")") +
                                " WF404 value of 'animated' must be a boolean, got \"true\" | "
                                "remove the quotes: true @/0/options/animated"});
  std::string meta = gate(R"({"metadata.take": {"eq": 3}})");
  CHECK(check(meta) == Lines{at_in(meta, R"("eq": )", "3") +
                             " WF404 value of 'metadata.take' must be a string, got 3 "
                             "@/0/options/metadata.take/eq"});
}

TEST_CASE("WF405: enum values that do not exist", "[conditions][WF405]") {
  std::string vid = gate(R"({"kind": {"eq": "vid"}})");
  CHECK(check(vid) ==
        Lines{at(vid, R"("vid")") + " WF405 unknown value 'vid' for property 'kind' | did you mean "
                                    "'video'? @/0/options/kind/eq"});
  std::string upper = gate(R"({"kind": "Video"})");
  CHECK(check(upper) == Lines{at(upper, R"("Video")") +
                              " WF405 unknown value 'Video' for property 'kind' | did you mean "
                              "'video'? @/0/options/kind"});
  std::string in = gate(R"({"kind": {"in": ["video", "document"]}})");
  CHECK(check(in) == Lines{at(in, R"("document")") +
                           " WF405 unknown value 'document' for property 'kind' | expected one "
                           "of: video, audio, image @/0/options/kind/in/1"});
}

TEST_CASE("WF406: empty lists", "[conditions][WF406]") {
  std::string in = gate(R"({"kind": {"in": []}})");
  CHECK(check(in) ==
        Lines{at(in, "[]") + " WF406 empty 'in' list | 'in' with no values never holds; add values "
                             "@/0/options/kind/in"});
  std::string nin = gate(R"({"kind": {"nin": []}})");
  CHECK(check(nin) ==
        Lines{at(nin, "[]") + " WF406 empty 'nin' list | 'nin' with no values always holds; add "
                              "values @/0/options/kind/nin"});
  std::string both = gate(R"({"and": []})");
  CHECK(check(both) == Lines{at(both, "[]") +
                             " WF406 empty 'and' list | an empty 'and' always holds; remove it or "
                             "add conditions @/0/options/and"});
  std::string either = gate(R"({"or": []})");
  CHECK(check(either) ==
        Lines{at(either, "[]") + " WF406 empty 'or' list | an empty 'or' never holds; remove it or "
                                 "add conditions @/0/options/or"});
}

TEST_CASE("WF407: invalid regexes carry RE2's explanation", "[conditions][WF407]") {
  // A plain mistake: RE2's message says it all, and no hint blames a missing feature.
  std::string paren = gate(R"({"format": {"matches": "(mp4"}})");
  CHECK(check(paren) ==
        Lines{at(paren, R"("(mp4")") + " WF407 invalid regular expression: missing ): (mp4 "
                                       "@/0/options/format/matches"});
  std::string bracket = gate(R"({"format": {"matches": "[Episode"}})");
  CHECK(check(bracket) == Lines{at(bracket, R"("[Episode")") +
                                " WF407 invalid regular expression: missing ]: [Episode "
                                "@/0/options/format/matches"});
  // An escaped backslash before a digit is not a backreference; the error is elsewhere.
  std::string escaped = gate(R"({"format": {"matches": "\\\\1(a"}})");
  CHECK(check(escaped) ==
        Lines{at(escaped, R"("\\\\1(a")") + " WF407 invalid regular expression: missing ): \\\\1(a "
                                            "@/0/options/format/matches"});
}

TEST_CASE("WF407: a construct RE2 lacks is named in the hint", "[conditions][WF407]") {
  struct Row {
    const char* pattern;  // as written in JSON
    const char* hint;
  };
  const Row rows[] = {
      {R"((\\w+) \\1)",
       "RE2 has no backreferences such as '\\1'; it matches in linear time, without backtracking"},
      {R"((?<n>a)\\k<n>)", "write a named group as '(?P<name>...)'"},
      {R"((?P<n>a)\\k<n>)",
       "RE2 has no backreferences such as '\\k'; it matches in linear time, "
       "without backtracking"},
      {R"(^(?!draft))",
       "RE2 has no lookahead or lookbehind such as '(?!'; to test that a pattern "
       "does not match, negate the condition"},
      {R"(mp4(?=$))",
       "RE2 has no lookahead or lookbehind such as '(?='; it matches in linear "
       "time, without backtracking"},
      {R"((?<=v)2)",
       "RE2 has no lookahead or lookbehind such as '(?<='; it matches in linear "
       "time, without backtracking"},
      {R"((?<!v)2)",
       "RE2 has no lookahead or lookbehind such as '(?<!'; to test that a pattern "
       "does not match, negate the condition"},
      {R"((?>a+)b)",
       "RE2 has no atomic groups ('(?>'); it never backtracks, so write a plain group '(?:...)'"},
      {R"(a++b)",
       "RE2 has no possessive quantifiers such as '++'; it never backtracks, so write "
       "'+'"},
      {R"(x{2}+)",
       "RE2 has no possessive quantifiers such as '{2}+'; it never backtracks, so "
       "write '{2}'"},
      {R"(*.mp4)",
       "'*' repeats what comes before it; this is a regular expression, not a glob: "
       "write '.*' for any text"},
  };
  for (const auto& row : rows) {
    std::string doc = gate(R"({"format": {"matches": ")" + std::string(row.pattern) + R"("}})");
    INFO(doc);
    auto lines = check(doc);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(" WF407 invalid regular expression: ") != std::string::npos);
    CHECK(lines[0].find(std::string(" | ") + row.hint + " @/0/options/format/matches") !=
          std::string::npos);
  }
}

TEST_CASE("a bare value is short for eq, as WF408's explanation says", "[conditions][WF408]") {
  // The same mistake gives the same diagnostic in both spellings (only the pointer differs).
  std::string bare = gate(R"({"width": "wide"})");
  std::string eq = gate(R"({"width": {"eq": "wide"}})");
  CHECK(check(bare) == Lines{at(bare, R"("wide")") +
                             " WF404 value of 'width' must be an integer ≥ 0, got \"wide\" "
                             "@/0/options/width"});
  CHECK(check(eq) ==
        Lines{at(eq, R"("wide")") + " WF404 value of 'width' must be an integer ≥ 0, got \"wide\" "
                                    "@/0/options/width/eq"});
  std::string explain(wfc::diag::info(wfc::diag::Code::MalformedCondition).explain);
  CHECK(explain.find("A bare value is short for `eq`") != std::string::npos);
}

TEST_CASE("WF408: malformed conditions", "[conditions][WF408]") {
  std::string and_object = gate(R"({"and": {"kind": "video"}})");
  CHECK(check(and_object) == Lines{at(and_object, R"({"kind": "video"})") +
                                   " WF408 'and' takes a list of conditions, got an object | "
                                   "write \"and\": [{...}, {...}] @/0/options/and"});
  std::string not_list = gate(R"({"not": [{"kind": "video"}]})");
  CHECK(check(not_list) == Lines{at(not_list, R"([{"kind": "video"}])") +
                                 " WF408 'not' takes one condition object, got an array | to "
                                 "negate several conditions, put them in 'and' or 'or' inside "
                                 "'not' @/0/options/not"});
  std::string item = gate(R"({"or": ["video"]})");
  CHECK(check(item) ==
        Lines{at(item, R"("video")") + " WF408 condition must be an object, got \"video\" | e.g. "
                                       "{\"width\": {\"gte\": 1280}} @/0/options/or/0"});
  std::string empty = gate(R"({"or": [{}, {"kind": "video"}]})");
  CHECK(check(empty) ==
        Lines{at(empty, "{}") + " WF408 empty condition | a condition maps properties to "
                                "operators, e.g. {\"width\": {\"gte\": 1280}} @/0/options/or/0"});
  std::string no_op = gate(R"({"width": {}})");
  CHECK(check(no_op) ==
        Lines{at(no_op, "{}") + " WF408 no operator for 'width' | e.g. {\"width\": {\"eq\": ...}} "
                                "@/0/options/width"});
  std::string none = R"([{"kind": "conditions", "next": [{"kind": "summary"}]}])";
  CHECK(check(none) == Lines{at(none, R"("conditions")") +
                             " WF408 conditions task has no conditions | add options that test "
                             "the file, e.g. \"options\": {\"width\": {\"gte\": 1280}} @/0"});
}

TEST_CASE("conditions whose options are not an object are reported once", "[conditions]") {
  std::string_view doc =
      R"([{"kind": "conditions", "options": [{"kind": "video"}], "next": [{"kind": "video"}]}])";
  CHECK(check(doc) == Lines{at(doc, R"([{"kind": "video"}])") +
                            " WF112 'options' must be an object, got an array @/0/options"});
}

TEST_CASE("conditions nest: mistakes deep inside combinators are located", "[conditions]") {
  std::string doc = gate(
      R"({"or": [{"and": [{"kind": "video"}, {"widht": {"gte": 1}}]}, {"not": {"kind": {"eq": "vid"}}}]})");
  CHECK(check(doc) ==
        Lines{at(doc, R"("widht")") + " WF401 unknown property 'widht' | did you mean 'width'? "
                                      "@/0/options/or/0/and/1/widht",
              at(doc, R"("vid")") + " WF405 unknown value 'vid' for property 'kind' | did you mean "
                                    "'video'? @/0/options/or/1/not/kind/eq"});
}
