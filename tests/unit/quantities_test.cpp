// Unit literals between the DSL reader and the checker: the reader keeps `2s` as written and
// judges nothing about it; resolve_quantities() (compiler/check/quantities.h) converts it to the
// catalog's unit, or reports it once, leaving out what holds it so that nothing cascades.
#include "compiler/check/quantities.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/syntax/dsl/dsl_reader.h"
#include "tests/unit/test_diags.h"

namespace {

using wfc::SourceFile;
using wfc::Value;
using wfc::ValueType;
using Lines = std::vector<std::string>;

/// The tree as the DSL reader gives it; no diagnostic expected.
Value read(const std::string& text) {
  wfc::diag::Diagnostics diags("t.wf");
  std::vector<wfc::Span> incomplete;
  auto v = wfc::syntax::read_dsl_recovering(SourceFile("t.wf", text), diags, incomplete);
  REQUIRE(wfc::test::describe(diags) == Lines{});
  REQUIRE(v);
  return *v;
}

struct Resolved {
  Value tree;
  Lines diagnostics;
  std::vector<wfc::Span> incomplete;
};

Resolved resolve(const std::string& text) {
  Resolved r{read(text), {}, {}};
  wfc::diag::Diagnostics diags("t.wf");
  wfc::check::resolve_quantities(r.tree, wfc::catalog::Catalog::builtin(), diags, r.incomplete);
  r.diagnostics = wfc::test::describe(diags);
  return r;
}

Lines compiled(const std::string& text) {
  return wfc::test::describe(
      wfc::compile_source(SourceFile("t.wf", text), wfc::syntax::Syntax::Dsl).diagnostics);
}

const Value& options(const Value& task) {
  const auto* o = task.find("options");
  REQUIRE(o != nullptr);
  return o->value;
}

}  // namespace

TEST_CASE("quantities: the DSL reader keeps a unit literal as written", "[units][dsl]") {
  // Neither the unknown unit nor the bitrate given to `width` is the reader's business.
  Value tree = read("video(start: 2s, bitrate: 5mbps, width: 10MB, end: [1s])\n");
  const Value& o = options(tree.items.at(0));
  CHECK(o.find("start")->value.type == ValueType::Quantity);
  CHECK(o.find("start")->value.string == "2s");
  CHECK(o.find("bitrate")->value.string == "5mbps");
  CHECK(o.find("width")->value.span.column == 41);
  CHECK(o.find("end")->value.items.at(0).type == ValueType::Quantity);
  CHECK(wfc::json_text(o.find("start")->value) == "\"2s\"");
}

TEST_CASE("quantities: the checker converts each to the catalog's unit", "[units][check]") {
  auto r = resolve(
      "automation a \"A\" {\n"
      "  metadata { limit: 10MB, every: [1s, 500ms] }\n"
      "  video(start: 500ms, end: 1.5min, bitrate: 5Mbps)\n"
      "  vidoe(start: 2h)\n"
      "}\n");
  CHECK(r.diagnostics.empty());
  CHECK(r.incomplete.empty());
  CHECK(wfc::json_text(r.tree) ==  // (keys sorted)
        R"({"id":"a","metadata":{"every":[1,0.5],"limit":10000000},"name":"A",)"
        R"("workflow":[{"kind":"video","options":{"bitrate":5000000,"end":90,"start":0.5}},)"
        R"({"kind":"vidoe","options":{"start":7200}}]})");
  const Value& start = options(r.tree.find("workflow")->value.items[0]).find("start")->value;
  CHECK(start.type == ValueType::Number);
  CHECK(start.span.line == 3);
  CHECK(start.span.column == 16);
}

TEST_CASE("quantities: a unit that is none leaves its option out, and the option is not missed",
          "[units][check]") {
  auto r = resolve("ingest(url: 5qq)\nvideo(start: [1s, 2qq], width: 1280)\n");
  CHECK(r.diagnostics ==
        Lines{"1:13-1:16 WF101 unknown unit 'qq' in '5qq' | units are ms, s, min, h (durations); "
              "B, KB, MB, GB, KiB, MiB, GiB (sizes); bps, kbps, Mbps, Gbps (bitrates)",
              "2:19-2:22 WF101 unknown unit 'qq' in '2qq' | units are ms, s, min, h (durations); "
              "B, KB, MB, GB, KiB, MiB, GiB (sizes); bps, kbps, Mbps, Gbps (bitrates)"});
  CHECK(options(r.tree.items[0]).members.empty());
  CHECK(options(r.tree.items[1]).find("start") == nullptr);
  CHECK(options(r.tree.items[1]).find("width") != nullptr);
  CHECK(r.incomplete.size() == 2);
  // `url` is required: not also reported missing.
  CHECK(compiled("ingest(url: 5qq)\n") == Lines{r.diagnostics[0]});
}

TEST_CASE("quantities: a unit of another measure leaves out only the value that holds it",
          "[units][check]") {
  auto r = resolve(
      "adaptive_video(renditions: [{height: 720, bitrate: 2s}, {height: 480, bitrate: 1Mbps}])\n");
  CHECK(r.diagnostics ==
        Lines{"1:52-1:54 WF203 option 'bitrate' of 'adaptive_video' must be an integer "
              "300000–60000000, got a duration '2s' | write a plain number"});
  CHECK(wfc::json_text(options(r.tree.items[0])) ==
        R"({"renditions":[{"height":720},{"bitrate":1000000,"height":480}]})");
  CHECK(r.incomplete.empty());
}

TEST_CASE("quantities: in a condition, a unit of another measure leaves the condition out",
          "[units][check][conditions]") {
  auto r = resolve("when width > 2s && duration > 2s {\n  video\n}\n");
  CHECK(r.diagnostics == Lines{"1:14-1:16 WF404 value of 'width' must be an integer ≥ 0, got a "
                               "duration '2s' | write a plain number"});
  const Value& task = r.tree.items.at(0);
  CHECK(task.find("options") == nullptr);
  CHECK(task.find("next") != nullptr);
  CHECK(r.incomplete == std::vector<wfc::Span>{task.span});
  // So it is not also a conditions task without conditions.
  CHECK(compiled("when width > 2s {\n}\n") == r.diagnostics);
}

TEST_CASE("quantities: `conditions(...)` written as a call is measured as `when` is",
          "[units][check][conditions]") {
  CHECK(compiled("conditions(width: {gt: 2s}) {\n  video\n}\n") ==
        Lines{"1:24-1:26 WF404 value of 'width' must be an integer ≥ 0, got a duration '2s' | "
              "write a plain number"});
  CHECK(compiled("conditions(duration: {gt: 2s}, filesize: {lte: 10MB}) {\n  video\n}\n").empty());
}
