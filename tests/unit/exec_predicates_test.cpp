// Predicates at run time: each is built once per plan, on the engine the plan chose (a plan that
// says jit runs on the JIT; --predicates overrides it; a JIT that fails leaves the VM and says
// so), every run records per task the engine, its evaluations and their time, and the three
// engines agree frame by frame on a real decoded clip. A worker keeps an automation's prepared
// plan for its later runs, and refuses a stored plan this wfc cannot trust (plan_invalid).
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/parser.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "runtime/automation/compiled_automation.h"
#include "runtime/exec/media_executor.h"
#include "runtime/exec/scheduler.h"
#include "runtime/exec/worker_pool.h"
#include "runtime/media/frame_gate.h"
#include "test_media.h"
#include "test_store.h"

using namespace wfc;
using wfc::test::sample;
namespace fs = std::filesystem;

namespace {

/// The plan of a JSON workflow, as `wfc run` makes it.
plan::Plan plan_of(const std::string& json) {
  SourceFile source("w.json", json);
  FrontendResult front = compile_source(source, syntax::Syntax::Json);
  INFO(json);
  REQUIRE(front.document);
  REQUIRE_FALSE(front.diagnostics.has_errors());
  diag::Diagnostics diags("w.json");
  return plan::make_plan(*front.document, {}, diags);
}

/// Runs a prepared plan on a local file with the real executor; returns the run.
exec::RunState run(std::shared_ptr<const exec::PreparedPlan> prepared, const fs::path& input,
                   const std::string& name) {
  exec::MediaExecutor executor(ingest::AccessPolicy{});
  exec::SchedulerOptions options;
  options.workspace = test::out_dir(name);
  exec::Scheduler scheduler(std::move(prepared), executor, options);
  return scheduler.run(exec::FileRef{input, nullptr});
}

const exec::TaskState& task(const exec::RunState& r, const std::string& node) {
  for (const auto& t : r.tasks) {
    if (t.node == node) return t;
  }
  FAIL("no task " << node);
  return r.tasks.front();
}

// A thumbnails task on a two-hour input (the document says so): the plan expects 216,000
// evaluations of its `select`, past the JIT's break-even.
const char* kLongInput = R"({"kind": "thumbnails", "options": {"count": 4, "select": "!black"},
  "input": {"url": "https://example.com/long.mp4", "kind": "video", "duration": 7200,
            "fps": 30, "width": 320, "height": 240}})";

}  // namespace

TEST_CASE("a plan that says jit runs its predicate on the JIT, and records it", "[exec][jit]") {
  REQUIRE(expr::JitEngine::built());  // install-deps brings LLVM 14: the JIT is part of wfc
  plan::Plan p = plan_of(kLongInput);
  REQUIRE(p.node("t0")->select);
  CHECK(p.node("t0")->select->tier.engine == "jit");
  exec::RunState r = run(std::make_shared<const exec::PreparedPlan>(p), sample("cut.mp4"), "jit");
  REQUIRE(r.status == model::Status::Succeeded);
  const exec::TaskState& t = task(r, "t0");
  REQUIRE(t.predicate);
  CHECK(t.predicate->engine == "jit");
  CHECK(t.predicate->planned == "jit");
  CHECK(t.predicate->fallback.empty());
  CHECK(t.predicate->evaluations >= 25);  // the black second, then the first frames after it
  nlohmann::json j = t.to_json(r.id);
  CHECK(j["predicate"]["engine"] == "jit");
  CHECK(j["predicate"]["evaluations"] == t.predicate->evaluations);
  CHECK(j["predicate"].contains("time_ns"));

  // --predicates vm overrides the plan.
  exec::RunState vm = run(std::make_shared<const exec::PreparedPlan>(p, exec::PredicateEngines::Vm),
                          sample("cut.mp4"), "jit-vm");
  REQUIRE(vm.status == model::Status::Succeeded);
  CHECK(task(vm, "t0").predicate->engine == "vm");
  CHECK(task(vm, "t0").predicate->planned == "vm");
  CHECK(task(vm, "t0").predicate->evaluations == t.predicate->evaluations);  // the same frames
}

TEST_CASE("a gate records the engine that decided it, once per run", "[exec][jit]") {
  plan::Plan p = plan_of(R"([{"kind": "conditions", "options": {"width": {"gte": 100}},
      "next": [{"kind": "image", "options": {"width": 64}}]}])");
  CHECK(p.gates.at(0).tier.engine == "vm");  // one evaluation per run never repays a compile
  exec::RunState r = run(std::make_shared<const exec::PreparedPlan>(p), sample("av.mp4"), "gate");
  REQUIRE(r.status == model::Status::Succeeded);
  const exec::TaskState& gate = task(r, "t0");
  REQUIRE(gate.predicate);
  CHECK(gate.predicate->engine == "vm");
  CHECK(gate.predicate->evaluations == 1);
}

TEST_CASE("a JIT that fails leaves the VM running the predicate, and the run says why",
          "[exec][jit]") {
  // A predicate over the JIT's budget (4,096 instructions): the plan keeps it on the VM, and
  // forcing the JIT (`wfc run --predicates jit`) makes the JIT refuse it at run time.
  std::string select;
  for (int i = 1; i <= 2100; ++i) {
    select += (i > 1 ? "||" : "") + std::string("luma<0.") + std::to_string(i) + "||scene>0." +
              std::to_string(i);
  }
  plan::Plan p = plan_of(R"([{"kind": "image", "options": {"select": ")" + select + R"("}}])");
  CHECK(p.node("t0")->select->tier.engine == "vm");
  auto prepared = std::make_shared<const exec::PreparedPlan>(p, exec::PredicateEngines::Jit);
  exec::RunState r = run(prepared, sample("cut.mp4"), "jit-fails");
  REQUIRE(r.status == model::Status::Succeeded);
  const exec::TaskState& t = task(r, "t0");
  REQUIRE(t.predicate);
  CHECK(t.predicate->engine == "vm");
  CHECK(t.predicate->planned == "jit");
  CHECK(t.predicate->fallback.find("the JIT failed, the VM runs it: a program of") == 0);
  CHECK(t.predicate->fallback.find("over the JIT's budget of 4096") != std::string::npos);
  CHECK(t.predicate->evaluations >= 1);
}

TEST_CASE("the reference, VM and JIT engines agree on frame predicates over a decoded clip",
          "[exec][jit]") {
  REQUIRE(expr::JitEngine::built());
  const char* predicates[] = {
      "!black",
      "scene > 0.3",
      "luma >= 0.2 && luma <= 0.8",
      "t >= 0.5 || black",
      "scene > 0.05 && !(t < 1.0)",
      "black == false && scene <= 0.02 && luma > 0.1",
      "!(scene > 0.1 || luma < 0.05) && t < 1.9",
  };
  const expr::Schema& schema = expr::Schema::builtin(expr::Domain::Frame);
  for (const char* text : {"cut.mp4", "av.mp4"}) {
    INFO(text);
    // One gate per predicate and engine, all fed the same decoded frames.
    struct Engines {
      std::shared_ptr<const expr::Predicate> ir;
      std::unique_ptr<media::FrameGate> vm, jit;
    };
    std::vector<Engines> gates;
    for (const char* p : predicates) {
      diag::Diagnostics diags("select");
      auto compiled = expr::compile_expression({p, {1, 1}, ""}, schema, diags);
      REQUIRE(compiled);
      auto ir = std::make_shared<const expr::Predicate>(std::move(*compiled));
      auto vm = expr::CompiledPredicate::build(ir, expr::Engine::Vm);
      auto jit = expr::CompiledPredicate::build(ir, expr::Engine::Jit);
      REQUIRE(jit->engine() == expr::Engine::Jit);
      gates.push_back(
          {ir, std::make_unique<media::FrameGate>(vm), std::make_unique<media::FrameGate>(jit)});
    }
    std::string error;
    media::InputPtr fmt = media::open_local_input(sample(text), &error);
    REQUIRE(fmt);
    int vi = media::best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO);
    REQUIRE(vi >= 0);
    AVStream* st = fmt->streams[vi];
    media::CodecPtr dec(avcodec_alloc_context3(avcodec_find_decoder(st->codecpar->codec_id)));
    avcodec_parameters_to_context(dec.get(), st->codecpar);
    REQUIRE(avcodec_open2(dec.get(), dec->codec, nullptr) == 0);
    media::FramePtr frame(av_frame_alloc());
    media::PacketPtr pkt(av_packet_alloc());
    size_t frames = 0, held = 0, checks = 0;
    auto drain = [&] {
      while (avcodec_receive_frame(dec.get(), frame.get()) >= 0) {
        double t = frame->best_effort_timestamp * av_q2d(st->time_base);
        for (size_t i = 0; i < gates.size(); ++i) {
          INFO(predicates[i] << " at " << t << " s");
          bool vm = gates[i].vm->admits(frame.get(), t);
          bool jit = gates[i].jit->admits(frame.get(), t);
          bool reference = expr::eval_ref(gates[i].ir->root, gates[i].vm->record());
          CHECK(vm == reference);
          CHECK(jit == reference);
          held += reference;
          ++checks;
        }
        ++frames;
        av_frame_unref(frame.get());
      }
    };
    while (av_read_frame(fmt.get(), pkt.get()) >= 0) {
      if (pkt->stream_index == vi && avcodec_send_packet(dec.get(), pkt.get()) >= 0) drain();
      av_packet_unref(pkt.get());
    }
    avcodec_send_packet(dec.get(), nullptr);
    drain();
    CHECK(frames >= 50);
    CHECK(held > 0);       // some predicates held on some frames...
    CHECK(held < checks);  // ...and not all on all of them
    CHECK(gates[0].jit->evaluations().count == frames);
  }
}

TEST_CASE("prepared plans are kept per automation and rebuilt when the plan changes",
          "[exec][jit]") {
  exec::PreparedPlans plans;
  nlohmann::json a =
      plan::to_json(plan_of(R"([{"kind": "image", "options": {"select": "!black"}}])"));
  nlohmann::json b =
      plan::to_json(plan_of(R"([{"kind": "image", "options": {"select": "black"}}])"));
  std::string error;
  auto first = plans.get("auto_a", a, &error);
  REQUIRE(first);
  CHECK(plans.get("auto_a", a, &error) == first);  // the next run: nothing read or built
  CHECK(plans.prepared() == 1);
  CHECK(plans.reused() == 1);
  auto changed = plans.get("auto_a", b, &error);  // the automation was edited
  REQUIRE(changed);
  CHECK(changed != first);
  CHECK(changed->select("t0")->predicate().root.kind != first->select("t0")->predicate().root.kind);
  CHECK(plans.get("", a, &error) != first);  // a run of its own is prepared for itself
  nlohmann::json bad = a;
  bad["nodes"][1]["options"]["quality"] = "ultra";
  CHECK_FALSE(plans.get("auto_b", bad, &error));
  CHECK(error.find("options/quality: must be one of") != std::string::npos);
}

TEST_CASE("a worker prepares an automation's plan once, and refuses one it cannot trust",
          "[exec][jit][store]") {
  test::StoreFixture f;
  auto store = f.open();
  automation::CompiledAutomation c = automation::compile_automation(nlohmann::json::parse(
      R"([{"kind": "conditions", "options": {"width": {"gte": 100000}},
          "next": [{"kind": "video", "options": {"width": 320}}]}])"));
  REQUIRE(c.ok);
  store::NewRun good;
  good.automation_id = "auto_0000000000000001";
  good.input_url = "file://" + sample("av.mp4").string();
  good.plan = c.plan;
  good.tasks = c.tasks;
  store::NewRun tampered = good;
  tampered.automation_id = "auto_0000000000000002";
  for (auto& n : tampered.plan["nodes"]) {
    if (n["op"] == "video") n["options"]["fps"] = 1000;  // past the catalog's range
  }
  std::vector<std::string> ids = {store->create_run(good).run.id, store->create_run(good).run.id,
                                  store->create_run(tampered).run.id};

  exec::WorkerPoolOptions options;
  options.data_dir = f.dir.path() / "data";
  options.poll = std::chrono::milliseconds(20);
  std::string error;
  REQUIRE(options.access.allow_file(sample("av.mp4").parent_path().string(), &error));
  exec::WorkerPool pool(*store, options, [](const std::string&) { return std::string(); });
  pool.start();
  std::vector<store::Run> runs(ids.size());
  for (int i = 0; i < 1000; ++i) {
    bool all = true;
    for (size_t r = 0; r < ids.size(); ++r) {
      runs[r] = *store->get_run(ids[r]);
      all = all && model::is_terminal(runs[r].status);
    }
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pool.stop();
  // Two runs of one automation: its plan was read and its predicates built once.
  CHECK(runs[0].status == model::Status::Succeeded);
  CHECK(runs[1].status == model::Status::Succeeded);
  CHECK(pool.plans().prepared() == 1);
  CHECK(pool.plans().reused() == 1);
  // The tampered plan is refused whole: nothing of it ran.
  CHECK(runs[2].status == model::Status::Failed);
  CHECK(runs[2].error["kind"] == "plan_invalid");
  CHECK(runs[2].error["message"].get<std::string>().find(
            "options/fps: must be number 1–60, got 1000") != std::string::npos);
  for (const store::Task& t : runs[2].tasks) CHECK(t.status != model::Status::Succeeded);
}
