// Predicate engines head to head. Each predicate is evaluated on a record that passes every
// clause, so every engine runs the whole path (the worst case, and the one tiering budgets
// for). Compile benchmarks build the VM program or native code from a checked predicate.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/jit.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"

namespace {

using namespace wfc::expr;

// 1, 5 and 20 clauses; the 5-clause one is all numbers and enums (the issue's target), the
// 20-clause one mixes in booleans and two string tests (which the JIT calls out for).
const char* const kPredicates[] = {
    "width >= 1280",
    "kind == \"video\" && width >= 1280 && height >= 720 && duration < 600 && fps <= 60",
    "kind in [\"video\", \"image\"] && width >= 1280 && height >= 720 && duration < 600 && "
    "fps <= 60 && bitrate > 300000 && filesize < 4000000000 && orientation == \"landscape\" && "
    "rotation == 0 && frames > 10 && !animated && transparency == false && has_video && "
    "has_audio && channels >= 2 && sample_rate >= 44100 && codecs.video == \"h264\" && "
    "format != \"gif\" && duration > 1.5 && width <= 7680",
};

int clauses(int index) { return index == 0 ? 1 : index == 1 ? 5 : 20; }

Predicate compile(int index) {
  wfc::diag::Diagnostics diags("bench");
  auto p =
      compile_expression({kPredicates[index], {1, 1}, ""}, Schema::builtin(Domain::File), diags);
  if (!p) std::abort();
  return std::move(*p);
}

Record passing_record() {
  return Record::from_json(Schema::builtin(Domain::File), nlohmann::json::parse(R"({
    "kind": "video", "width": 1920, "height": 1080, "duration": 61.5, "fps": 29.97,
    "bitrate": 4500000, "filesize": 34000000, "orientation": "landscape", "rotation": 0,
    "frames": 1843, "animated": false, "transparency": false, "has_video": true,
    "has_audio": true, "channels": 2, "sample_rate": 48000,
    "codecs": {"video": "h264", "audio": "aac"}, "format": "mp4"})"));
}

void BM_Reference(benchmark::State& state) {
  Predicate p = compile(static_cast<int>(state.range(0)));
  Record r = passing_record();
  if (!eval_ref(p.root, r)) state.SkipWithError("the record must pass every clause");
  for (auto _ : state) benchmark::DoNotOptimize(eval_ref(p.root, r));
  state.counters["clauses"] = clauses(static_cast<int>(state.range(0)));
}

void BM_Vm(benchmark::State& state) {
  auto vm = Program::compile(compile(static_cast<int>(state.range(0))));
  Record r = passing_record();
  if (!vm->run(r)) state.SkipWithError("the record must pass every clause");
  for (auto _ : state) benchmark::DoNotOptimize(vm->run(r));
  state.counters["clauses"] = clauses(static_cast<int>(state.range(0)));
  state.counters["instructions"] = static_cast<double>(vm->size());
}

void BM_Jit(benchmark::State& state) {
  std::shared_ptr<const Program> vm = Program::compile(compile(static_cast<int>(state.range(0))));
  auto jit = JitPredicate::compile(vm);
  if (!jit) {
    state.SkipWithError("the JIT is not built or failed");
    return;
  }
  Record r = passing_record();
  if (!jit->run(r)) state.SkipWithError("the record must pass every clause");
  for (auto _ : state) benchmark::DoNotOptimize(jit->run(r));
  state.counters["clauses"] = clauses(static_cast<int>(state.range(0)));
}

void BM_VmCompile(benchmark::State& state) {
  Predicate p = compile(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Program::compile(p));
}

void BM_JitCompile(benchmark::State& state) {
  // One engine, as in a server: the first JIT use pays LLVM's start-up once (BM_JitStartup).
  auto engine = std::make_shared<JitEngine>();
  std::shared_ptr<const Program> vm = Program::compile(compile(static_cast<int>(state.range(0))));
  if (!engine->ok()) {
    state.SkipWithError("the JIT is not built");
    return;
  }
  for (auto _ : state) {
    auto jit = engine->compile(vm);
    if (!jit) state.SkipWithError("JIT compile failed");
    benchmark::DoNotOptimize(jit.get());
  }
}

void BM_JitStartup(benchmark::State& state) {
  for (auto _ : state) {
    auto engine = std::make_shared<JitEngine>();
    benchmark::DoNotOptimize(engine->ok());
  }
}

// A frame predicate, the JIT's reason to exist: it runs once per decoded frame.
void BM_Frame(benchmark::State& state) {
  const Schema& schema = Schema::builtin(Domain::Frame);
  wfc::diag::Diagnostics diags("bench");
  auto p = compile_expression({"scene > 0.3 && !black && luma > 0.05", {1, 1}, ""}, schema, diags);
  std::shared_ptr<const Program> vm = Program::compile(*p);
  std::unique_ptr<JitPredicate> jit;
  if (state.range(0) == 1) {
    jit = JitPredicate::compile(vm);
    if (!jit) {
      state.SkipWithError("the JIT is not built");
      return;
    }
  }
  Record f(schema);
  f.set_number(static_cast<uint16_t>(schema.slot("scene")), 0.4);
  f.set_bool(static_cast<uint16_t>(schema.slot("black")), false);
  f.set_number(static_cast<uint16_t>(schema.slot("luma")), 0.5);
  for (auto _ : state) benchmark::DoNotOptimize(jit ? jit->run(f) : vm->run(f));
}

BENCHMARK(BM_Reference)->DenseRange(0, 2);
BENCHMARK(BM_Vm)->DenseRange(0, 2);
BENCHMARK(BM_Jit)->DenseRange(0, 2);
BENCHMARK(BM_VmCompile)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JitCompile)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JitStartup)->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_Frame)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
