// Differential testing of the condition engines: random well-typed predicates over the built-in
// file and frame properties, evaluated on random records full of edge values (null, NaN, ±inf,
// -0.0, denormals, int64 extremes, 2^53 ± 1, unicode and empty strings, values outside an enum),
// must give the same answer from the reference evaluator, the VM, the folded predicate and,
// when built, the JIT. The seed is fixed; WFC_DIFF_ITERATIONS=N runs N predicates instead of
// the default, WFC_DIFF_SEED=S another sequence.
#include <re2/re2.h>

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/ir_json.h"
#include "compiler/expr/jit.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"

using namespace wfc::expr;

namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

/// splitmix64: small, fast, and the same sequence on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  uint64_t s_;
};

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const double kInf = std::numeric_limits<double>::infinity();

const std::vector<int64_t> kInts = {0,
                                    1,
                                    -1,
                                    2,
                                    1280,
                                    720,
                                    kMax,
                                    kMin,
                                    kMax - 1,
                                    kMin + 1,
                                    1LL << 53,
                                    (1LL << 53) + 1,
                                    -(1LL << 53) - 1,
                                    1LL << 62,
                                    1000000007};
const std::vector<double> kDoubles = {0.0,
                                      -0.0,
                                      0.5,
                                      1.5,
                                      -2.25,
                                      1e308,
                                      -1e308,
                                      5e-324,
                                      1e-300,
                                      9007199254740992.0,
                                      9.2233720368547758e18,
                                      0.3,
                                      29.97,
                                      60.0,
                                      1280.0};
const std::vector<std::string> kStrings = {
    "",          "a",    "mp4", "MP4",     "mov",   "h264",
    "é",         "東京", "😀",   "a\"b\\c", "tab\t", "x y",
    "video/mp4", "ab",   "ba",  "aaa",     "crème", std::string("nul\0in", 6)};
const std::vector<std::string> kRegexes = {"^a",   "b$",      "[a-c]+", "é",           "^$",
                                           ".",    "mp4|mov", "\\d+",   "東",          "(?i)MP4",
                                           "a.*b", "^.{2}$",  "\\pL+",  "^\\x{1F600}$"};
const std::vector<std::string> kKeys = {"title", "artist", "source"};

class Generator {
 public:
  Generator(Rng& rng, const Schema& schema) : rng_(rng), schema_(schema) {
    for (const auto& re : kRegexes) {
      regexes_.push_back(std::make_shared<const RE2>(re));
      REQUIRE(regexes_.back()->ok());
    }
  }

  Node predicate(int depth) {
    int roll = static_cast<int>(rng_.below(100));
    if (depth <= 0 || roll < 45) return test();
    if (roll < 50) return Node::constant(rng_.chance(50));
    if (roll < 62) return Node::negate(predicate(depth - 1));
    Node n;
    n.kind = roll < 81 ? Node::Kind::And : Node::Kind::Or;
    size_t kids = 2 + rng_.below(3);
    for (size_t i = 0; i < kids; ++i) n.kids.push_back(predicate(depth - 1));
    return n;
  }

  Record record() {
    Record r(schema_);
    for (size_t s = 0; s < schema_.size(); ++s) {
      if (rng_.chance(20)) continue;  // null
      auto slot = static_cast<uint16_t>(s);
      const SlotInfo& info = schema_.slots()[s];
      switch (info.type) {
        case Type::Bool:
          r.set_bool(slot, rng_.chance(50));
          break;
        case Type::Int:
          r.set_int(slot, int_value());
          break;
        case Type::Num:
          r.set_number(slot, double_value(true));
          break;
        case Type::Enum:
          r.set_text(slot, rng_.chance(85)
                               ? rng_.pick(info.values)
                               : rng_.pick(std::vector<std::string>{"data", "", "VIDEO"}));
          break;
        case Type::Str:
          r.set_text(slot, rng_.pick(kStrings));
          break;
      }
    }
    if (!schema_.map_name().empty()) {
      for (const auto& k : kKeys) {
        if (rng_.chance(50)) r.set_map(k, rng_.pick(kStrings));
      }
    }
    return r;
  }

 private:
  int64_t int_value() {
    return rng_.chance(70) ? rng_.pick(kInts) : static_cast<int64_t>(rng_.next() >> rng_.below(64));
  }

  double double_value(bool specials) {
    if (specials && rng_.chance(10)) {
      switch (rng_.below(3)) {
        case 0:
          return std::nan("");
        case 1:
          return kInf;
        default:
          return -kInf;
      }
    }
    if (rng_.chance(70)) return rng_.pick(kDoubles);
    if (rng_.chance(50)) return static_cast<double>(rng_.pick(kInts));
    return (static_cast<double>(rng_.next() % 2000000) - 1000000.0) / 64.0;
  }

  Constant constant_for(const PropertyRef& p) {
    switch (p.type) {
      case Type::Bool:
        return Constant::boolean(rng_.chance(50));
      case Type::Int:
        // A number beyond int64 stays a double in the IR (as the type checker keeps 1e300).
        if (rng_.chance(8)) return Constant::number(rng_.chance(50) ? 1e19 : -1e300);
        return Constant::integer(int_value());
      case Type::Num:
        if (rng_.chance(35)) return Constant::integer(int_value());
        return Constant::number(double_value(false));
      case Type::Enum: {
        const auto& values = *p.enum_values;
        size_t i = rng_.below(values.size());
        return Constant::enumerator(values[i], static_cast<int32_t>(i));
      }
      case Type::Str:
        return Constant::string(rng_.pick(kStrings));
    }
    return Constant::boolean(false);
  }

  Node test() {
    Node n;
    n.kind = Node::Kind::Test;
    bool map = !schema_.map_name().empty() && rng_.chance(15);
    if (map) {
      n.prop.key = rng_.pick(kKeys);
      n.prop.name = schema_.map_name() + "." + n.prop.key;
      n.prop.is_map = true;
      n.prop.type = Type::Str;
    } else {
      size_t s = rng_.below(schema_.size());
      const SlotInfo& info = schema_.slots()[s];
      n.prop.name = info.name;
      n.prop.slot = static_cast<uint16_t>(s);
      n.prop.type = info.type;
      if (info.type == Type::Enum) n.prop.enum_values = &info.values;
    }
    std::vector<Op> ops = {Op::Eq, Op::Ne, Op::Exists};
    switch (n.prop.type) {
      case Type::Int:
      case Type::Num:
        ops.insert(ops.end(), {Op::Gt, Op::Gte, Op::Lt, Op::Lte, Op::In, Op::Nin, Op::Gt, Op::Lt});
        break;
      case Type::Enum:
        ops.insert(ops.end(), {Op::In, Op::Nin});
        break;
      case Type::Str:
        ops.insert(ops.end(), {Op::In, Op::Nin, Op::Contains, Op::StartsWith, Op::EndsWith,
                               Op::Matches, Op::Matches});
        break;
      case Type::Bool:
        break;
    }
    n.op = rng_.pick(ops);
    switch (n.op) {
      case Op::Exists:
        break;
      case Op::In:
      case Op::Nin: {
        size_t count = 1 + rng_.below(4);
        for (size_t i = 0; i < count; ++i) n.args.push_back(constant_for(n.prop));
        break;
      }
      case Op::Contains:
      case Op::StartsWith:
      case Op::EndsWith:
        n.args.push_back(Constant::string(rng_.pick(kStrings)));
        break;
      case Op::Matches: {
        size_t i = rng_.below(kRegexes.size());
        n.args.push_back(Constant::string(kRegexes[i]));
        n.regex = regexes_[i];
        break;
      }
      default:
        n.args.push_back(constant_for(n.prop));
        break;
    }
    return n;
  }

  Rng& rng_;
  const Schema& schema_;
  std::vector<std::shared_ptr<const RE2>> regexes_;
};

std::string describe(const Record& r) {
  std::string out;
  const Schema& schema = r.schema();
  char buf[64];
  for (size_t s = 0; s < schema.size(); ++s) {
    const Field& f = r.field(static_cast<uint16_t>(s));
    if (f.tag == FieldTag::Null) continue;
    out += schema.slots()[s].name + "=";
    switch (f.tag) {
      case FieldTag::Bool:
        out += f.b ? "true" : "false";
        break;
      case FieldTag::Int:
        out += std::to_string(f.i);
        break;
      case FieldTag::Num:
        std::snprintf(buf, sizeof buf, "%.17g", f.d);
        out += buf;
        break;
      default:
        out += "\"" + std::string(r.text(static_cast<uint16_t>(s))) + "\"";
        break;
    }
    out += " ";
  }
  for (const auto& [k, v] : r.map()) out += schema.map_name() + "." + k + "=\"" + v + "\" ";
  return out;
}

struct Tally {
  uint64_t predicates = 0, evaluations = 0, jitted = 0, round_trips = 0, holds = 0;
};

void run(Domain domain, uint64_t iterations, uint64_t seed, Tally& tally) {
  const Schema& schema = Schema::builtin(domain);
  Rng rng(seed);
  Generator gen(rng, schema);
  JitEngine jit_engine;
  constexpr int kRecords = 8;
  constexpr uint64_t kJitEvery = 499;  // JIT compiles cost about a millisecond each
  constexpr uint64_t kRoundTripEvery = 7;
  std::vector<Record> records;
  for (uint64_t i = 0; i < iterations; ++i) {
    if (i % 64 == 0) {
      records.clear();
      for (int k = 0; k < kRecords; ++k) records.push_back(gen.record());
    }
    Predicate p{gen.predicate(1 + static_cast<int>(rng.below(4))), domain};
    std::shared_ptr<const Program> vm = Program::compile(p);
    REQUIRE(vm);
    Node folded = fold(p.root, schema);
    std::unique_ptr<JitPredicate> jit;
    if (JitEngine::built() && i % kJitEvery == 0) {
      std::string error;
      jit = jit_engine.compile(vm, &error);
      INFO(error);
      REQUIRE(jit);
      ++tally.jitted;
      // Compiling costs far more than running: give the native code many more records.
      for (int k = 0; k < 64; ++k) {
        Record r = gen.record();
        bool ref = eval_ref(p.root, r), by_jit = jit->run(r);
        if (by_jit != ref) {
          FAIL("JIT disagrees (seed "
               << seed << ", predicate " << i << ")\n  predicate: " << to_string(p.root)
               << "\n  record: " << describe(r) << "\n  reference " << ref << ", jit " << by_jit);
        }
        ++tally.evaluations;
        tally.holds += ref;
      }
    }
    for (const Record& r : records) {
      bool ref = eval_ref(p.root, r);
      bool by_vm = vm->run(r);
      bool by_fold = eval_ref(folded, r);
      bool by_jit = jit ? jit->run(r) : ref;
      if (by_vm != ref || by_fold != ref || by_jit != ref) {
        FAIL("engines disagree (seed "
             << seed << ", predicate " << i << ")\n  predicate: " << to_string(p.root)
             << "\n  record: " << describe(r) << "\n  reference " << ref << ", vm " << by_vm
             << ", folded " << by_fold << ", jit " << by_jit << "\n  bytecode:\n"
             << vm->disassemble());
      }
      tally.holds += ref;
      ++tally.evaluations;
    }
    if (i % kRoundTripEvery == 0) {
      // The printed form parses back to the same predicate.
      std::string text = to_string(p.root);
      wfc::diag::Diagnostics diags("roundtrip");
      auto again = compile_expression({text, {1, 1}, ""}, schema, diags);
      INFO(text << (diags.empty() ? "" : "\n  " + diags.items()[0].message));
      REQUIRE(again);
      REQUIRE(to_string(again->root) == text);
      // So does the typed IR a plan carries, and it answers as the original does.
      std::string error;
      auto carried = predicate_from_json(wfc::expr::to_json(p.root), schema, &error);
      INFO(error);
      REQUIRE(carried);
      REQUIRE(to_string(carried->root) == text);
      std::shared_ptr<const Program> carried_vm = Program::compile(*carried);
      REQUIRE(carried_vm);
      for (const Record& r : records) REQUIRE(carried_vm->run(r) == vm->run(r));
      ++tally.round_trips;
    }
    ++tally.predicates;
  }
}

}  // namespace

TEST_CASE("reference, VM, folding and JIT agree on random predicates", "[expr][differential]") {
  uint64_t iterations = env_or("WFC_DIFF_ITERATIONS", 100000);
  uint64_t seed = env_or("WFC_DIFF_SEED", 20261123);
  Tally tally;
  run(Domain::File, iterations, seed, tally);
  run(Domain::Frame, std::max<uint64_t>(iterations / 10, 1), seed + 1, tally);
  // The generator is worth something only if answers are mixed and every path was taken.
  CHECK(tally.predicates >= iterations);
  CHECK(tally.holds > tally.evaluations / 10);
  CHECK(tally.holds < tally.evaluations - tally.evaluations / 10);
  if (JitEngine::built()) CHECK(tally.jitted > 0);
  WARN("differential: " << tally.predicates << " predicates, " << tally.evaluations
                        << " evaluations, " << tally.jitted << " JIT-compiled, "
                        << tally.round_trips << " printed and parsed back");
}
