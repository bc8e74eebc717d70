// Condition semantics as users rely on them, asserted on every engine: null (a missing property)
// is false for every test but exists, `!` is plain negation, NaN compares false, integers are
// exact at the int64 edges, strings compare by bytes, regexes are RE2 partial matches.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/jit.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"

using namespace wfc::expr;

namespace {

const Schema& files() { return Schema::builtin(Domain::File); }

Predicate compile(const std::string& text, const Schema& schema = files()) {
  wfc::diag::Diagnostics diags("test");
  auto p = compile_expression({text, {1, 1}, ""}, schema, diags);
  INFO(text << (diags.empty() ? "" : ": " + diags.items()[0].message));
  REQUIRE(diags.empty());
  REQUIRE(p);
  return std::move(*p);
}

/// The answer of every engine (reference, VM, JIT when built, folded reference), required to
/// agree.
bool holds(const std::string& text, const Record& r) {
  Predicate p = compile(text, r.schema());
  bool ref = eval_ref(p.root, r);
  std::shared_ptr<const Program> vm = Program::compile(p);
  REQUIRE(vm);
  INFO(text << "\n" << vm->disassemble());
  CHECK(vm->run(r) == ref);
  CHECK(eval_ref(fold(p.root, r.schema()), r) == ref);
  if (JitEngine::built()) {
    auto jit = JitPredicate::compile(vm);
    REQUIRE(jit);
    CHECK(jit->run(r) == ref);
  }
  return ref;
}

uint16_t slot(const char* name) {
  int s = files().slot(name);
  REQUIRE(s >= 0);
  return static_cast<uint16_t>(s);
}

}  // namespace

TEST_CASE("a missing property is null: false for every test but exists", "[expr][engines]") {
  Record empty(files());
  for (const char* text :
       {"width == 1", "width != 1", "width > 1", "width < 1", "width in [1, 2]",
        "width not in [1, 2]", "kind == \"video\"", "kind != \"video\"", "format contains \"\"",
        "format starts_with \"\"", "format ends_with \"\"", "format matches \"\"",
        "animated == false", "animated != true", "metadata.title == \"x\"",
        "metadata.title != \"x\"", "exists(width)", "exists(metadata.title)"}) {
    INFO(text);
    CHECK_FALSE(holds(text, empty));
  }
  // `!` negates the test's answer, so it holds on null; `!=` is a test, so it does not.
  CHECK(holds("!(width == 1)", empty));
  CHECK(holds("!exists(width)", empty));
  CHECK(holds("!(metadata.title == \"x\")", empty));
  CHECK_FALSE(holds("width != 1", empty));
}

TEST_CASE("integers compare exactly at the int64 edges", "[expr][engines]") {
  Record r(files());
  r.set_int(slot("filesize"), std::numeric_limits<int64_t>::max());
  CHECK(holds("filesize == 9223372036854775807", r));
  CHECK_FALSE(holds("filesize == 9223372036854775806", r));
  CHECK(holds("filesize > 9223372036854775806", r));
  // 2^63 as a double is above every int64; a double would have rounded INT64_MAX up to it.
  CHECK(holds("filesize < 9223372036854775808", r));
  CHECK(holds("filesize < 1e300", r));
  CHECK_FALSE(holds("filesize >= 1e300", r));
  r.set_int(slot("filesize"), std::numeric_limits<int64_t>::min());
  CHECK(holds("filesize == -9223372036854775808", r));
  CHECK(holds("filesize > -1e300", r));
  CHECK(holds("filesize in [1, -9223372036854775808]", r));
  // 2^53 + 1 is not a double: compared with a number property it must not round to 2^53.
  r.set_number(slot("duration"), 9007199254740992.0);  // 2^53
  CHECK_FALSE(holds("duration == 9007199254740993", r));
  CHECK(holds("duration < 9007199254740993", r));
  CHECK(holds("duration != 9007199254740993", r));
  CHECK(holds("duration == 9007199254740992", r));
  CHECK_FALSE(holds("duration in [9007199254740993]", r));
}

TEST_CASE("integer properties against integral numbers written as doubles", "[expr][engines]") {
  Record r(files());
  r.set_int(slot("width"), 1280);
  CHECK(holds("width == 1280.0", r));
  CHECK(holds("width < 1.28e3 || width == 1.28e3", r));
  CHECK(holds("width > -1e19", r));  // below every int64
  CHECK(holds("width != 1e19", r));
  CHECK_FALSE(holds("width == 1e19", r));
}

TEST_CASE("NaN and infinities follow IEEE 754", "[expr][engines]") {
  Record r(files());
  r.set_number(slot("duration"), std::nan(""));
  CHECK_FALSE(holds("duration == 1.5", r));
  CHECK(holds("duration != 1.5", r));
  CHECK_FALSE(holds("duration < 1.5", r));
  CHECK_FALSE(holds("duration >= 1.5", r));
  CHECK_FALSE(holds("duration in [1.5, 2]", r));
  CHECK(holds("duration not in [1.5, 2]", r));
  CHECK(holds("exists(duration)", r));
  CHECK(holds("!(duration < 1.5) && !(duration >= 1.5)", r));
  r.set_number(slot("duration"), std::numeric_limits<double>::infinity());
  CHECK(holds("duration > 1e308", r));
  CHECK(holds("duration > 9223372036854775807", r));
  r.set_number(slot("duration"), -0.0);
  CHECK(holds("duration == 0", r));
  CHECK(holds("duration == 0.0", r));
  CHECK_FALSE(holds("duration < 0", r));
}

TEST_CASE("enums, booleans and strings", "[expr][engines]") {
  Record r(files());
  r.set_text(slot("kind"), "audio");
  r.set_bool(slot("animated"), false);
  r.set_text(slot("format"), "mp4");
  r.set_text(slot("codecs.video"), "h264");
  CHECK(holds("kind == \"audio\"", r));
  CHECK(holds("kind in [\"video\", \"audio\"]", r));
  CHECK(holds("kind not in [\"video\", \"image\"]", r));
  CHECK(holds("animated == false && !animated", r));
  CHECK(holds("format in [\"mov\", \"mp4\"] && codecs.video starts_with \"h26\"", r));
  CHECK_FALSE(holds("format == \"MP4\"", r));
  CHECK(holds("codecs.video matches \"^h26[45]$\"", r));
  CHECK(holds("codecs.video matches \"26\"", r));  // a partial match, unanchored
  // A kind outside the catalog's values (a non-media file's) is a value, not null.
  r.set_text(slot("kind"), "data");
  CHECK(holds("kind != \"video\"", r));
  CHECK(holds("kind not in [\"video\", \"audio\", \"image\"]", r));
  CHECK_FALSE(holds("kind in [\"video\", \"audio\", \"image\"]", r));
}

TEST_CASE("unicode strings compare by bytes; regexes see code points", "[expr][engines]") {
  Record r(files());
  r.set_map("title", "Crème brûlée — 東京");
  CHECK(holds("metadata.title contains \"brûlée\"", r));
  CHECK(holds("metadata.title ends_with \"東京\"", r));
  CHECK(holds("metadata.title matches \"^Cr.me\"", r));  // `.` is one code point, è
  CHECK(holds("metadata.title == \"Crème brûlée \\u2014 \\u6771\\u4eac\"", r));
  CHECK_FALSE(holds("metadata.title == \"Creme brulee\"", r));
  CHECK(holds("metadata[\"title\"] starts_with \"Cr\"", r));
}

TEST_CASE("short-circuit: and, or and not nest to any depth", "[expr][engines]") {
  Record r(files());
  r.set_int(slot("width"), 1920);
  r.set_int(slot("height"), 1080);
  r.set_text(slot("kind"), "video");
  CHECK(holds("kind == \"video\" && (width >= 3840 || height >= 1080) && !(width < 640)", r));
  CHECK(holds("(width > 1 || height > 1) && !(!(kind == \"video\"))", r));
  CHECK_FALSE(holds("!(width > 1 || height > 1) || (kind == \"audio\" && exists(width))", r));
  CHECK(holds("true", r));
  CHECK_FALSE(holds("false || (false && true)", r));
}

TEST_CASE("records are filled from a probe's JSON", "[expr][engines]") {
  Record r = Record::from_json(
      files(), nlohmann::json::parse(R"({"kind": "video", "width": 1920, "duration": 12,
      "codecs": {"video": "h264"}, "metadata": {"title": "x"}, "height": "tall"})"));
  CHECK(holds("kind == \"video\" && width == 1920 && duration == 12.0", r));
  CHECK(holds("codecs.video == \"h264\" && metadata.title == \"x\"", r));
  CHECK_FALSE(holds("exists(height)", r));  // "tall" is not an integer: not recorded
}

TEST_CASE("frame predicates read the frame record", "[expr][engines]") {
  const Schema& frames = Schema::builtin(Domain::Frame);
  Record f(frames);
  f.set_number(static_cast<uint16_t>(frames.slot("t")), 12.5);
  f.set_number(static_cast<uint16_t>(frames.slot("scene")), 0.42);
  f.set_number(static_cast<uint16_t>(frames.slot("luma")), 0.3);
  f.set_bool(static_cast<uint16_t>(frames.slot("black")), false);
  CHECK(holds("scene > 0.3 && !black", f));
  CHECK(holds("t >= 10 && t < 20 && luma > 0.1", f));
  CHECK_FALSE(holds("black || scene < 0.1", f));
}

TEST_CASE("the VM compiles and/or/not to jumps, with nothing left to decide at run time",
          "[expr][vm]") {
  Predicate p = compile("kind == \"video\" && !(width < 1280) || kind in [\"image\", \"audio\"]");
  auto vm = Program::compile(p);
  REQUIRE(vm);
  CHECK(vm->disassemble() ==
        "0: enum_eq kind 0 -> 1 | 2\n"
        "1: int_lt width 1280 -> 2 | 3\n"
        "2: enum_in kind mask=0x6 -> 3 | 4\n"
        "3: ret_true\n"
        "4: ret_false\n");
}

TEST_CASE("the VM refuses programs over its instruction budget", "[expr][vm]") {
  std::string text = "width == 0";
  for (int i = 1; i < 40; ++i) text += " || width == " + std::to_string(i);
  Predicate p = compile(text);
  VmLimits small;
  small.max_instructions = 16;
  CHECK_FALSE(Program::compile(p, small));
  CHECK(Program::compile(p));
}
