// The DSL front end after mistakes and with units in conditions: a file with a syntax error
// still has its independent mistakes reported (and none that the syntax error caused), a partial
// read is never formatted or converted, and `when` unit literals are converted to the property's
// unit and round-trip through `wfc convert`.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/emit/dsl_format.h"
#include "compiler/emit/emit.h"
#include "compiler/frontend.h"

namespace {

using wfc::SourceFile;
using wfc::syntax::Syntax;

wfc::FrontendResult compile(const std::string& text, Syntax syntax = Syntax::Dsl) {
  return wfc::compile_source(SourceFile("t.wf", text), syntax);
}

/// "3:5 WF201" for each diagnostic, in order.
std::vector<std::string> located_codes(const wfc::FrontendResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics.items()) {
    out.push_back(std::to_string(d.span.line) + ":" + std::to_string(d.span.column) + " " +
                  std::string(wfc::diag::id(d.code)));
  }
  return out;
}

/// "3:23-3:23": a span as the goldens write it.
std::string where(const wfc::Span& s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
         std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
}

/// The operand of the one test in the first task's conditions, e.g. {"duration": {"gt": 2}}.
const wfc::Value& operand(const wfc::ast::Document& doc, const std::string& property,
                          const std::string& op) {
  REQUIRE(!doc.workflow.empty());
  const auto* o = doc.workflow[0].option(property);
  REQUIRE(o != nullptr);
  const auto* m = o->value.find(op);
  REQUIRE(m != nullptr);
  return m->value;
}

}  // namespace

TEST_CASE("dsl recovery: a syntax error and an unknown kind elsewhere are both reported",
          "[dsl][recovery]") {
  auto r = compile(
      "automation a \"A\" {\n"
      "  video(width: 1280, format: \"mp4\"\n"
      "  summary\n"
      "  vidoe(width: 320)\n"
      "}\n");
  CHECK(located_codes(r) == std::vector<std::string>{"3:3 WF101", "4:3 WF201"});
  CHECK(r.partial);
}

TEST_CASE("dsl recovery: a task whose options broke is not also missing a required option",
          "[dsl][recovery]") {
  // export requires 'url'; here its option list is broken (no ':'), and that is one mistake.
  auto r = compile("export(url \"s3://b/o\")\nimage(width: 99999)\n");
  CHECK(located_codes(r) == std::vector<std::string>{"1:12 WF101", "2:14 WF204"});
  // The same task with no options at all does miss it: the suppression is only for the broken.
  auto whole = compile("export\n");
  CHECK(located_codes(whole) == std::vector<std::string>{"1:1 WF206"});
}

TEST_CASE("dsl recovery: a condition that does not parse does not leave 'no conditions'",
          "[dsl][recovery]") {
  auto r = compile("when width >> 1280 {\n  video\n}\nvidoe\n");
  auto codes = located_codes(r);
  REQUIRE(codes.size() == 2);
  CHECK(codes[0].substr(codes[0].find(' ')) == " WF411");
  CHECK(codes[1] == "4:1 WF201");
}

TEST_CASE("dsl recovery: a missing comma is read as if present, so later options are checked",
          "[dsl][recovery]") {
  auto r = compile("video(width: 1280 height: 720,\n      quality: \"hgih\")\n");
  CHECK(located_codes(r) == std::vector<std::string>{"1:19 WF101", "2:16 WF205"});
}

TEST_CASE("dsl recovery: a missing '}' is placed where the indentation ends the block",
          "[dsl][recovery]") {
  auto r = compile(
      "automation a \"A\" {\n"
      "  when kind == \"video\" {\n"
      "    video(width: 1280)\n"
      "\n"
      "  sumary\n"
      "}\n");
  REQUIRE(r.diagnostics.size() == 2);
  const auto& brace = r.diagnostics.items()[0];
  CHECK(brace.message == "missing '}' to close the 'when' block opened at 2:24");
  CHECK(where(brace.span) == "3:23-3:23");
  // `sumary` is read at the top level where it stands, and only its own mistake is reported.
  CHECK(r.diagnostics.items()[1].code == wfc::diag::Code::UnknownKind);
  REQUIRE(r.document.has_value());
  CHECK(r.document->workflow.size() == 2);
}

TEST_CASE("dsl recovery: a 'when' without '{' does not swallow the next line", "[dsl][recovery]") {
  auto r = compile("when kind == \"video\"\n  video(width: 1280)\n}\n");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].message ==
        "expected '{' after the condition of 'when', got 'video'");
  CHECK(where(r.diagnostics.items()[0].span) == "2:3-2:8");
  // A condition continued by an operator at the end of the line is one condition.
  auto continued = compile("when kind == \"video\" &&\n     width >= 1280 {\n  video\n}\n");
  CHECK(continued.diagnostics.empty());
}

TEST_CASE("dsl recovery: a partial read is never formatted or converted", "[dsl][recovery]") {
  SourceFile source("t.wf", "when width >> 1 {\n  video\n}\nimage(width: 320)\n");
  wfc::diag::Diagnostics diags("t.wf");
  CHECK_FALSE(wfc::emit::format_dsl(source, diags).has_value());
  CHECK(diags.has_errors());
  auto r = wfc::compile_source(source, Syntax::Dsl);
  CHECK(r.partial);
}

TEST_CASE("dsl conditions: operators are named as written in a .wf file, JSON names in JSON",
          "[dsl][conditions]") {
  auto dsl = compile("when kind >= \"video\" {\n  video\n}\n");
  REQUIRE(dsl.diagnostics.size() == 1);
  CHECK(dsl.diagnostics.items()[0].message ==
        "operator '>=' does not apply to 'kind', which is an enum");
  CHECK(dsl.diagnostics.items()[0].hint.find("==, !=") != std::string::npos);
  auto json = compile(
      R"([{"kind": "conditions", "options": {"kind": {"gte": "video"}}, "next": [{"kind": "video"}]}])",
      Syntax::Json);
  REQUIRE(json.diagnostics.size() == 1);
  CHECK(json.diagnostics.items()[0].message ==
        "operator 'gte' does not apply to 'kind', which is an enum");
  auto list = compile("when format in \"mp4\" {\n  video\n}\n");
  REQUIRE(list.diagnostics.size() == 1);
  CHECK(list.diagnostics.items()[0].hint == "write format in [\"mp4\"]");
}

TEST_CASE("dsl conditions: unit literals are converted to the property's unit",
          "[dsl][conditions][units]") {
  auto r = compile(
      "when duration > 2s && duration < 1.5min && filesize <= 10MB && bitrate >= 5Mbps "
      "&& duration != 500ms {\n  video\n}\n");
  REQUIRE(r.diagnostics.empty());
  REQUIRE(r.document.has_value());
  const auto& doc = *r.document;
  CHECK(operand(doc, "duration", "gt").as_double() == 2);
  CHECK(operand(doc, "duration", "lt").as_double() == 90);
  CHECK(operand(doc, "duration", "ne").as_double() == 0.5);
  CHECK(operand(doc, "filesize", "lte").integer == 10000000);
  CHECK(operand(doc, "bitrate", "gte").integer == 5000000);

  // `wfc convert` writes the plain numbers, and reading them back means the same.
  std::string json = wfc::emit::emit(doc, Syntax::Json);
  CHECK(json.find("10000000") != std::string::npos);
  auto back = compile(json, Syntax::Json);
  REQUIRE(back.document.has_value());
  CHECK(wfc::emit::emit(*back.document, Syntax::Json) == json);
  std::string wf = wfc::emit::emit(doc, Syntax::Dsl);
  auto again = compile(wf);
  REQUIRE(again.document.has_value());
  CHECK(wfc::emit::emit(*again.document, Syntax::Json) == json);
}

TEST_CASE("dsl conditions: a unit of the wrong measure is one located error",
          "[dsl][conditions][units]") {
  auto r = compile("when width > 2s {\n  video\n}\n");
  REQUIRE(r.diagnostics.size() == 1);
  const auto& d = r.diagnostics.items()[0];
  CHECK(d.code == wfc::diag::Code::WrongValueType);
  CHECK(where(d.span) == "1:14-1:16");
  CHECK(d.message.find("got a duration '2s'") != std::string::npos);
  auto size = compile("when duration > 10MB {\n  video\n}\n");
  REQUIRE(size.diagnostics.size() == 1);
  CHECK(size.diagnostics.items()[0].message.find("got a size '10MB'") != std::string::npos);
}
