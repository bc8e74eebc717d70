// The infix condition language as a user meets it in a DSL `when` clause or a `select` option:
// exact spans (relative to where the expression sits in the file), one syntax error per
// expression with a hint, type errors worded in the infix notation, and budgets for hostile
// text.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/expr/parser.h"
#include "tests/unit/test_diags.h"

using namespace wfc::expr;
using Lines = std::vector<std::string>;

namespace {

Lines errors(const std::string& text, wfc::Position base = {1, 1}, Domain domain = Domain::File) {
  wfc::diag::Diagnostics diags("t.wf");
  compile_expression({text, base, ""}, Schema::builtin(domain), diags);
  return wfc::test::describe(diags);
}

std::string canonical(const std::string& text, Domain domain = Domain::File) {
  wfc::diag::Diagnostics diags("t.wf");
  auto p = compile_expression({text, {1, 1}, ""}, Schema::builtin(domain), diags);
  INFO(text << (diags.empty() ? "" : ": " + diags.items()[0].message));
  REQUIRE(p);
  return to_string(p->root);
}

}  // namespace

TEST_CASE("the infix language parses to the canonical form", "[expr][parser]") {
  CHECK(canonical("kind == \"video\" && width >= 1280") == "kind == \"video\" && width >= 1280");
  CHECK(canonical("1280 <= width") == "width >= 1280");
  CHECK(canonical("0.5 > duration") == "duration < 0.5");
  CHECK(canonical("(kind == \"video\" || kind == \"image\") && !animated") ==
        "(kind == \"video\" || kind == \"image\") && !(animated == true)");
  CHECK(canonical("format not in [\"mp4\",\"mov\"]") == "format not in [\"mp4\", \"mov\"]");
  CHECK(canonical("exists(metadata.source) && metadata[\"content type\"] contains \"x\"") ==
        "exists(metadata.source) && metadata[\"content type\"] contains \"x\"");
  CHECK(canonical("codecs.video starts_with \"h26\" || codecs.audio ends_with \"ac\"") ==
        "codecs.video starts_with \"h26\" || codecs.audio ends_with \"ac\"");
  CHECK(canonical("duration > -1.5e3 && filesize < -9223372036854775808") ==
        "duration > -1500.0 && filesize < -9223372036854775808");
  CHECK(canonical("!(width > 1) && !!exists(height)") == "!(width > 1) && !!exists(height)");
  CHECK(canonical("scene > 0.3 && !black", Domain::Frame) == "scene > 0.3 && !(black == true)");
  // A chain of one operator is one group; parentheses keep theirs.
  CHECK(canonical("(width > 1 && height > 1) && true") == "(width > 1 && height > 1) && true");
}

TEST_CASE("spans are relative to where the expression sits", "[expr][parser]") {
  // `when kind == "video" && widht >= 1280 {` with the expression starting at 4:8.
  std::string text = "kind == \"video\" && widht >= 1280";
  CHECK(errors(text, {4, 8}) ==
        Lines{"4:27-4:32 WF401 unknown property 'widht' | did you mean 'width'?"});
  // Columns count code points; newlines move to the next line, column 1.
  CHECK(errors("metadata.title == \"東京\" &&\n  heigt > 5", {2, 5}) ==
        Lines{"3:3-3:8 WF401 unknown property 'heigt' | did you mean 'height'?"});
}

TEST_CASE("WF411: one syntax error per expression, at the offending token", "[expr][parser]") {
  CHECK(errors("width = 5") ==
        Lines{"1:7-1:8 WF411 '=' is not a comparison | write '==' to compare"});
  CHECK(errors("kind == 'video'") ==
        Lines{"1:9-1:16 WF411 strings take double quotes | write \"video\""});
  CHECK(errors("width > 5 and height > 5") ==
        Lines{"1:11-1:14 WF411 expected '&&' or '||', got 'and' | write '&&'"});
  CHECK(errors("width > 5 & height > 5") ==
        Lines{"1:11-1:12 WF411 unexpected '&' | write '&&' for and"});
  CHECK(errors("(width > 5") == Lines{"1:11-1:11 WF411 unexpected end of the expression; "
                                      "expected ')' | the '(' at 1:1 is not closed"});
  CHECK(errors("width > 5)") ==
        Lines{"1:10-1:11 WF411 expected '&&' or '||', got ')' | this ')' closes nothing"});
  CHECK(errors("width >= ") ==
        Lines{"1:10-1:10 WF411 unexpected end of the expression; expected a value"});
  CHECK(errors("kind in [\"video\",]") ==
        Lines{"1:18-1:19 WF411 expected a value after ',' | remove the trailing comma"});
  CHECK(errors("format == \"mp4") ==
        Lines{"1:11-1:15 WF411 unterminated string | close it with '\"'"});
  CHECK(errors("format == \"a\\qb\"") ==
        Lines{"1:13-1:15 WF411 invalid escape 'q' | escapes are \\\" \\\\ \\n \\t \\r \\xHH "
              "\\uHHHH"});
  CHECK(errors("largeur > 5 é") == Lines{"1:13-1:14 WF411 unexpected 'é'"});
  CHECK(errors("width is 5") == Lines{"1:7-1:9 WF411 expected an operator after 'width', got "
                                      "'is' | compare with ==, !=, <, <=, >, >=, in, contains, "
                                      "starts_with, ends_with or matches"});
  CHECK(errors("kind not [\"video\"]") ==
        Lines{"1:10-1:11 WF411 expected 'in' after 'not', got '['"});
  CHECK(errors("   ") ==
        Lines{"1:4-1:4 WF411 empty expression | write a condition such as 'width >= 1280'"});
  CHECK(errors("5 > 3") == Lines{"1:5-1:6 WF411 expected a property, got a number"});
}

TEST_CASE("type errors are worded in the infix notation", "[expr][parser][typecheck]") {
  CHECK(errors("kind > \"video\"") ==
        Lines{"1:6-1:7 WF403 operator '>' does not apply to 'kind', which is an enum | operators "
              "for 'kind': ==, !=, in, not in, exists"});
  CHECK(errors("width == \"1280\"") ==
        Lines{"1:10-1:16 WF404 value of 'width' must be an integer ≥ 0, got \"1280\" | remove "
              "the quotes: 1280"});
  CHECK(errors("width < 1280.5") ==
        Lines{"1:9-1:15 WF404 value of 'width' must be an integer ≥ 0, got 1280.5"});
  CHECK(errors("width == null") ==
        Lines{"1:10-1:14 WF404 value of 'width' must be an integer ≥ 0, got null | to test "
              "whether a file has 'width', write '!exists(width)'"});
  CHECK(errors("kind in \"video\"") ==
        Lines{"1:9-1:16 WF404 operator 'in' takes a list, got \"video\" | write kind in "
              "[\"video\"]"});
  CHECK(errors("kind == \"vid\"") ==
        Lines{"1:9-1:14 WF405 unknown value 'vid' for property 'kind' | did you mean 'video'?"});
  CHECK(errors("kind in []") ==
        Lines{"1:9-1:11 WF406 empty 'in' list | 'in' with no values never holds; add values"});
  CHECK(errors("kind not in []") == Lines{"1:13-1:15 WF406 empty 'not in' list | 'not in' with "
                                          "no values always holds; add values"});
  CHECK(errors("format matches \"(mp4\"") ==
        Lines{"1:16-1:22 WF407 invalid regular expression: missing ): (mp4"});
  CHECK(errors("format matches \"^(?!mp4)\"") ==
        Lines{"1:16-1:26 WF407 invalid regular expression: invalid perl operator: (?! | RE2 has "
              "no lookahead or lookbehind such as '(?!'; to test that a pattern does not match, "
              "negate the condition"});
  CHECK(errors("width && animated") ==
        Lines{"1:1-1:6 WF403 'width' is an integer, not a condition | compare it, e.g. "
              "'width > 0', or test 'exists(width)'"});
  CHECK(errors("metadata == \"x\"") ==
        Lines{"1:1-1:9 WF401 property 'metadata' needs a key: 'metadata.<key>' | test one key, "
              "e.g. 'metadata.title'"});
  // Every mistake in an expression is reported, each once.
  CHECK(errors("widht > 1 || kind == \"vid\" || format contains 4") ==
        Lines{"1:1-1:6 WF401 unknown property 'widht' | did you mean 'width'?",
              "1:22-1:27 WF405 unknown value 'vid' for property 'kind' | did you mean 'video'?",
              "1:47-1:48 WF404 operator 'contains' takes a string, got 4 | quote it: \"4\""});
}

TEST_CASE("frame predicates test frame properties", "[expr][parser][typecheck]") {
  CHECK(errors("scene > 0.3 && !black", {1, 1}, Domain::Frame).empty());
  CHECK(errors("scen > 0.3", {1, 1}, Domain::Frame) ==
        Lines{"1:1-1:5 WF401 unknown frame property 'scen' | did you mean 'scene'?"});
  CHECK(errors("width > 640", {1, 1}, Domain::Frame) ==
        Lines{"1:1-1:6 WF401 unknown frame property 'width' | 'width' is a file property; frame "
              "predicates test t, scene, luma, black"});
  CHECK(errors("scene > 0.3", {1, 1}, Domain::File) ==
        Lines{"1:1-1:6 WF401 unknown property 'scene' | 'scene' is a frame property; conditions "
              "test the file"});
}

TEST_CASE("hostile expressions cost bounded time and stack", "[expr][parser]") {
  std::string deep(5000, '(');
  Lines e = errors(deep + "width > 1" + std::string(5000, ')'));
  REQUIRE(e.size() == 1);
  CHECK(e[0] == "1:65-1:66 WF411 expression is nested too deeply (more than 64 levels)");
  std::string nots(60000, '!');
  CHECK(errors(nots + "black", {1, 1}, Domain::Frame).size() == 1);
  std::string wide = "width == 0";
  for (int i = 0; i < 20000; ++i) wide += " || width == " + std::to_string(i);
  Lines too_long = errors(wide);
  REQUIRE(too_long.size() == 1);
  CHECK(too_long[0].find("WF411 expression is too long") != std::string::npos);
  ParseLimits roomy;
  roomy.max_length = 1 << 20;
  wfc::diag::Diagnostics diags("t.wf");
  CHECK(compile_expression({wide, {1, 1}, ""}, Schema::builtin(Domain::File), diags, roomy));
}

TEST_CASE("unit literals: the DSL's `when` keeps them as written, elsewhere they are no number",
          "[expr][parser][units]") {
  wfc::diag::Diagnostics diags("t.wf");
  auto w =
      parse_expression({"duration > - 2s && duration in [1.5min, 500ms]", {3, 6}, "", true}, diags);
  REQUIRE(w);
  REQUIRE(diags.empty());
  REQUIRE(w->kids.size() == 2);
  const wfc::Value& gt = w->kids[0].ops.at(0).operand;
  CHECK(gt.type == wfc::ValueType::Quantity);
  CHECK(gt.string == "- 2s");  // the checker converts it (compiler/check/quantities.h)
  CHECK(gt.span.column == 17);
  CHECK(gt.span.end_column == 21);
  const wfc::Value& list = w->kids[1].ops.at(0).operand;
  REQUIRE(list.items.size() == 2);
  CHECK(list.items[0].string == "1.5min");
  CHECK(list.items[1].type == wfc::ValueType::Quantity);

  // Without units (`select`), a unit is no number; with them, a unit that is none is the
  // expression's one syntax error.
  CHECK(errors("duration > 2s") == Lines{"1:13-1:14 WF411 unexpected 's' in a number"});
  wfc::diag::Diagnostics bad("t.wf");
  CHECK_FALSE(parse_expression({"filesize <= 10mb && && width > 1", {1, 1}, "", true}, bad));
  CHECK(wfc::test::describe(bad) ==
        Lines{"1:13-1:17 WF411 unknown unit 'mb' in '10mb' | units are case-sensitive: did you "
              "mean '10MB'?"});
}
