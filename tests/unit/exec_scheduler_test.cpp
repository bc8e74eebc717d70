// The scheduler's behaviour as a user of `wfc run` or the API sees it: statuses, skipped
// branches, failure isolation, fused groups as one unit, cancellation, time limits, progress and
// events. The executor is a fake that "makes" files instantly (or slowly, or badly), so these
// tests exercise the state machine, not FFmpeg (tests/unit/media_*_test.cpp do that).
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "compiler/expr/parser.h"
#include "compiler/plan/plan.h"
#include "runtime/exec/scheduler.h"

namespace {

using wfc::exec::Event;
using wfc::exec::FileRef;
using wfc::exec::NodeResult;
using wfc::exec::RunState;
using wfc::exec::Scheduler;
using wfc::exec::SchedulerOptions;
using wfc::exec::TaskError;
using wfc::exec::TaskState;
using wfc::exec::Work;
using wfc::model::Status;
using wfc::plan::Node;
using wfc::plan::Plan;

// A small plan builder: nodes read files by id, as the planner writes them.
struct PlanBuilder {
  Plan plan;
  uint32_t line = 1;

  PlanBuilder() {
    Node input;
    input.id = "$input";
    input.op = "input";
    plan.nodes.push_back(input);
  }
  PlanBuilder& node(std::string id, std::string op, std::string input, std::string gate = "",
                    std::string group = "") {
    Node n;
    n.id = id;
    n.op = op;
    n.input = input;
    n.gate = gate;
    n.group = group;
    n.tasks = {id};
    n.span = {line, 1, line, 2};
    ++line;
    plan.nodes.push_back(n);
    plan.tasks[id] = id;
    plan.order.push_back(id);
    return *this;
  }
  PlanBuilder& gate(std::string id, std::string when, std::string file, std::string parent = "") {
    wfc::plan::Gate g;
    g.id = id;
    g.when = when;
    // The predicate as the planner carries it: typed IR over the file's properties.
    wfc::diag::Diagnostics diags("gate");
    auto p = wfc::expr::compile_expression(
        {when, {1, 1}, ""}, wfc::expr::Schema::builtin(wfc::expr::Domain::File), diags);
    REQUIRE(p);
    g.predicate = std::make_shared<const wfc::expr::Predicate>(std::move(*p));
    g.file = file;
    g.parent = parent;
    g.tasks = {id};
    g.span = {line, 1, line, 2};
    ++line;
    plan.gates.push_back(g);
    plan.tasks[id] = id;
    return *this;
  }
  PlanBuilder& group(std::string id, std::string file, std::vector<std::string> members) {
    wfc::plan::FusedGroup g;
    g.id = id;
    g.file = file;
    for (auto& m : members) {
      // "t0.0<t0": t0.0 takes the frames of t0 (a tap).
      size_t lt = m.find('<');
      if (lt == std::string::npos) {
        g.members.push_back({m, "video"});
      } else {
        g.members.push_back({m.substr(0, lt), "frames of " + m.substr(lt + 1)});
      }
    }
    plan.groups.push_back(g);
    return *this;
  }
};

// Makes each node's output a file of the kind its op produces. Behaviour per node id:
// "fail:" prefix → fails; ids in `slow` run until stopped.
class FakeExecutor : public wfc::exec::Executor {
 public:
  std::set<std::string> failing, slow;
  std::map<std::string, int> unavailable;       // node → executions failing storage_unavailable
  std::map<std::string, int> executions;        // node → times executed
  std::vector<std::vector<std::string>> units;  // the nodes of each execute() call
  nlohmann::json input_file = {{"kind", "video"},
                               {"type", "video/mp4"},
                               {"width", 1920},
                               {"height", 1080},
                               {"duration", 10.0}};
  bool probe_fails = false;
  bool chained = false;  // serves `frames of` members in the unit of their video
  std::mutex mu;

  bool serves_chained_members() const override { return chained; }

  std::optional<nlohmann::json> probe(const std::filesystem::path& path,
                                      TaskError* error) override {
    if (probe_fails) {
      *error = {"input_invalid", "not a media file: invalid data found when processing input"};
      return std::nullopt;
    }
    return input_file;
  }

  std::vector<NodeResult> execute(const Work& work) override {
    std::vector<std::string> ids;
    for (const Node* n : work.nodes) ids.push_back(n->id);
    {
      std::lock_guard<std::mutex> lock(mu);
      units.push_back(ids);
      for (auto& id : ids) executions[id]++;
    }
    std::vector<NodeResult> out;
    for (const Node* n : work.nodes) {
      NodeResult r;
      r.node = n->id;
      work.progress(n->id, 50);
      if (slow.count(n->id)) {
        while (!work.stop->load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        r.error = TaskError{"stopped", "stopped"};
      } else if (failing.count(n->id)) {
        r.error = TaskError{"encode_failed", "the encoder refused the frame size"};
      } else if (std::lock_guard<std::mutex> lock(mu); unavailable[n->id] > 0) {
        --unavailable[n->id];
        r.error =
            TaskError{"storage_unavailable",
                      "the output 'a.mp4' could not be stored in s3://b/p: connection refused"};
      } else {
        std::string kind = n->op == "audio" ? "audio" : n->op == "image" ? "image" : "video";
        r.outputs.push_back({work.workspace / (n->id + ".out"),
                             {{"kind", kind}, {"type", kind + "/x"}, {"width", 640}}});
      }
      out.push_back(std::move(r));
    }
    return out;
  }
};

const TaskState& task(const RunState& run, const std::string& node) {
  for (const TaskState& t : run.tasks) {
    if (t.node == node) return t;
  }
  FAIL("no task " << node);
  return run.tasks.front();
}

RunState run_plan(const Plan& plan, FakeExecutor& exec, std::vector<Event>* events = nullptr,
                  SchedulerOptions options = {}) {
  std::mutex mu;
  Scheduler s(plan, exec, options, [&](const Event& e) {
    std::lock_guard<std::mutex> lock(mu);
    if (events) events->push_back(e);
  });
  return s.run(FileRef{"/tmp/in.mp4", nullptr});
}

}  // namespace

TEST_CASE("a chain and its siblings all succeed; next reads its parent's output",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0").node("t1", "audio", "$input");
  FakeExecutor exec;
  std::vector<Event> events;
  RunState run = run_plan(b.plan, exec, &events);
  CHECK(run.status == Status::Succeeded);
  CHECK(run.progress == 100);
  REQUIRE(run.tasks.size() == 3);
  for (const TaskState& t : run.tasks) {
    CHECK(t.status == Status::Succeeded);
    CHECK(t.progress == 100);
    CHECK(t.outputs.size() == 1);
  }
  CHECK(task(run, "t0.0").inputs.at(0)["kind"] == "video");  // the output of t0, not the input
  CHECK(task(run, "t0.0").inputs.at(0)["width"] == 640);
  CHECK(task(run, "t0.0").parent == task(run, "t0").id);
  CHECK(task(run, "t1").parent.empty());
  // The statuses went through the machine in order, and the run's last event is its end.
  std::vector<std::string> t0;
  for (const Event& e : events) {
    if (e.data["node"] == "t0") t0.push_back(e.data["status"]);
  }
  CHECK(t0 == std::vector<std::string>{"validating", "queued", "processing", "processing",
                                       "finishing", "succeeded"});
  REQUIRE_FALSE(events.empty());
  CHECK(events.front().kind == "run.started");
  CHECK(events.back().kind == "run.succeeded");
  nlohmann::json j = run.to_json();
  CHECK(j["object"] == "run");
  CHECK(j["tasks"].size() == 3);
  CHECK(j["tasks"][0]["object"] == "task");
  CHECK(j["tasks"][0]["run_id"] == j["id"]);
}

TEST_CASE("a condition that does not hold skips its subtree and the run still succeeds",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.gate("t0", "width >= 3840", "$input")
      .node("t0.0", "video", "$input", "t0")
      .node("t0.0.0", "image", "t0.0", "t0")
      .gate("t1", "kind == \"video\"", "$input")
      .node("t1.0", "audio", "$input", "t1");
  FakeExecutor exec;  // the input is 1920 wide
  RunState run = run_plan(b.plan, exec);
  CHECK(run.status == Status::Succeeded);
  CHECK(task(run, "t0").status == Status::Succeeded);
  CHECK(task(run, "t0").outputs.empty());
  for (std::string skipped : {"t0.0", "t0.0.0"}) {
    INFO(skipped);
    CHECK(task(run, skipped).status == Status::Cancelled);
    CHECK(task(run, skipped).skipped);
    CHECK_FALSE(task(run, skipped).error.has_value());
    CHECK(task(run, skipped).skip_reason == "the condition of 't0' does not hold: width >= 3840");
  }
  CHECK(task(run, "t1.0").status == Status::Succeeded);
  CHECK(exec.executions.count("t0.0") == 0);
}

TEST_CASE("a failed task cancels its dependents while its siblings go on; the run fails",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0").node("t1", "audio", "$input");
  FakeExecutor exec;
  exec.failing = {"t0"};
  RunState run = run_plan(b.plan, exec);
  CHECK(run.status == Status::Failed);
  REQUIRE(run.error.has_value());
  CHECK(run.error->message ==
        "1 of 3 tasks failed; first: 't0' (video): the encoder refused the frame size");
  CHECK(task(run, "t0").status == Status::Failed);
  CHECK(task(run, "t0").error->kind == "encode_failed");
  CHECK(task(run, "t0.0").status == Status::Cancelled);
  CHECK(task(run, "t0.0").error->kind == "dependency_failed");
  CHECK(task(run, "t1").status == Status::Succeeded);
}

TEST_CASE("an input that is not media fails the tasks that read it, with the probe's error",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0");
  FakeExecutor exec;
  exec.probe_fails = true;
  RunState run = run_plan(b.plan, exec);
  CHECK(run.status == Status::Failed);
  CHECK(task(run, "t0").status == Status::Failed);
  CHECK(task(run, "t0").error->message ==
        "not a media file: invalid data found when processing input");
  CHECK(task(run, "t0.0").status == Status::Cancelled);
}

TEST_CASE("a task given the wrong kind of file fails in validation", "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t1", "audio", "$input");
  FakeExecutor exec;
  exec.input_file = {{"kind", "audio"}, {"type", "audio/mpeg"}, {"duration", 3.0}};
  RunState run = run_plan(b.plan, exec);
  CHECK(task(run, "t0").status == Status::Failed);
  CHECK(task(run, "t0").error->kind == "input_invalid");
  CHECK(task(run, "t0").error->message.find("its input is audio (audio/mpeg)") !=
        std::string::npos);
  CHECK(task(run, "t1").status == Status::Succeeded);
  CHECK(exec.executions.count("t0") == 0);
}

TEST_CASE("a fused group runs as one unit; a member skipped by its gate is left out",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input", "", "$fuse.$input")
      .node("t1", "audio", "$input", "", "$fuse.$input")
      .gate("t2", "width > 4000", "$input")
      .node("t2.0", "image", "$input", "t2", "$fuse.$input")
      .group("$fuse.$input", "$input", {"t0", "t1", "t2.0"});
  FakeExecutor exec;
  RunState run = run_plan(b.plan, exec);
  CHECK(run.status == Status::Succeeded);
  REQUIRE(exec.units.size() == 1);
  CHECK(std::set<std::string>(exec.units[0].begin(), exec.units[0].end()) ==
        std::set<std::string>{"t0", "t1"});
  CHECK(task(run, "t2.0").skipped);
}

TEST_CASE("a tapped member runs in its video's unit when the executor serves it, else after",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input", "", "$fuse.$input")
      .node("t1", "audio", "$input", "", "$fuse.$input")
      .node("t0.0", "image", "t0", "", "$fuse.$input")
      .group("$fuse.$input", "$input", {"t0", "t1", "t0.0<t0"});
  for (bool chained : {true, false}) {
    INFO("serves chained members: " << chained);
    FakeExecutor exec;
    exec.chained = chained;
    RunState run = run_plan(b.plan, exec);
    CHECK(run.status == Status::Succeeded);
    REQUIRE_FALSE(exec.units.empty());
    std::set<std::string> first(exec.units[0].begin(), exec.units[0].end());
    if (chained) {
      CHECK(exec.units.size() == 1);
      CHECK(first == std::set<std::string>{"t0", "t1", "t0.0"});
    } else {
      CHECK(exec.units.size() == 2);
      CHECK(first == std::set<std::string>{"t0", "t1"});
    }
    // Either way the image reads the video's output.
    REQUIRE(task(run, "t0.0").inputs.size() == 1);
    CHECK(task(run, "t0.0").inputs[0] == task(run, "t0").outputs.at(0));
    CHECK(task(run, "t0.0").parent == task(run, "t0").id);
  }
  // The video fails in the pass: the image it tapped does not count as made.
  FakeExecutor exec;
  exec.chained = true;
  exec.failing = {"t0"};
  RunState run = run_plan(b.plan, exec);
  CHECK(run.status == Status::Failed);
  CHECK(task(run, "t0.0").status == Status::Cancelled);
  REQUIRE(task(run, "t0.0").error);
  CHECK(task(run, "t0.0").error->kind == "dependency_failed");
  CHECK(task(run, "t1").status == Status::Succeeded);
}

TEST_CASE("a deduplicated task reports the work of the node that survived", "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input");
  b.plan.nodes.back().tasks.push_back("t1");
  b.plan.tasks["t1"] = "t0";
  b.plan.nodes.back().span = {1, 1, 1, 2};
  FakeExecutor exec;
  RunState run = run_plan(b.plan, exec);
  CHECK(exec.executions["t0"] == 1);
  REQUIRE(run.tasks.size() == 2);
  CHECK(task(run, "t1").status == Status::Succeeded);
  CHECK(task(run, "t1").outputs == task(run, "t0").outputs);
  CHECK(task(run, "t1").id != task(run, "t0").id);
}

TEST_CASE("cancel stops the work in flight and cancels what has not started", "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0");
  FakeExecutor exec;
  exec.slow = {"t0"};
  Scheduler s(b.plan, exec, {});
  std::thread canceller([&] {
    for (int i = 0; i < 2000 && s.snapshot().tasks[0].status != Status::Processing; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    s.cancel();
  });
  RunState run = s.run(FileRef{"/tmp/in.mp4", nullptr});
  canceller.join();
  CHECK(run.status == Status::Cancelled);
  CHECK(task(run, "t0").status == Status::Cancelled);
  CHECK(task(run, "t0.0").status == Status::Cancelled);
  CHECK(task(run, "t0.0").error->kind == "run_cancelled");
}

TEST_CASE("a task past its time limit fails with task_timeout; its siblings go on",
          "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t1", "audio", "$input");
  FakeExecutor exec;
  exec.slow = {"t0"};
  SchedulerOptions options;
  options.task_time_limit = std::chrono::milliseconds(50);
  options.threads = 2;
  RunState run = run_plan(b.plan, exec, nullptr, options);
  CHECK(run.status == Status::Failed);
  CHECK(task(run, "t0").status == Status::Failed);
  CHECK(task(run, "t0").error->kind == "task_timeout");
  CHECK(task(run, "t0").error->message ==
        "'t0' (video) did not finish within its time limit of 0.05 s");
  CHECK(task(run, "t1").status == Status::Succeeded);
}

TEST_CASE("progress never reads 100 before the outputs exist", "[exec][scheduler]") {
  PlanBuilder b;
  b.node("t0", "video", "$input");
  FakeExecutor exec;
  std::vector<Event> events;
  run_plan(b.plan, exec, &events);
  for (const Event& e : events) {
    if (e.data["progress"] == 100) {
      INFO(e.kind << " " << e.data["status"]);
      CHECK(e.data["status"] == "succeeded");
    }
  }
  bool saw_half = false;
  for (const Event& e : events) saw_half |= e.kind == "task.updated" && e.data["progress"] == 50;
  CHECK(saw_half);
}

TEST_CASE("a resumed run does not execute again what its lost attempt finished",
          "[exec][scheduler]") {
  // t0 (video) → t0.0 (image) and t0.1 (audio); t1 (audio) on the input. The lost attempt
  // recorded t0 and t1 succeeded: only t0's children are executed, reading t0's recorded output.
  PlanBuilder b;
  b.node("t0", "video", "$input")
      .node("t0.0", "image", "t0")
      .node("t0.1", "audio", "t0")
      .node("t1", "audio", "$input");
  FakeExecutor exec;
  SchedulerOptions options;
  options.workspace = "/tmp/run";
  wfc::exec::DoneTask t0;
  t0.outputs = {{{"kind", "video"}, {"type", "video/mp4"}, {"width", 320}, {"filename", "t0.mp4"}}};
  t0.path = "/tmp/run/t0.mp4";
  t0.started_at = 1'800'000'000;
  t0.finished_at = 1'800'000'005;
  options.done["t0"] = t0;
  wfc::exec::DoneTask t1;
  t1.outputs = {{{"kind", "audio"}, {"type", "audio/mpeg"}, {"filename", "t1.mp3"}}};
  t1.path = "/tmp/run/t1.mp3";
  options.done["t1"] = t1;
  std::vector<Event> events;
  RunState run = run_plan(b.plan, exec, &events, options);

  CHECK(run.status == Status::Succeeded);
  CHECK(exec.executions.count("t0") == 0);
  CHECK(exec.executions.count("t1") == 0);
  CHECK(exec.executions["t0.0"] == 1);
  CHECK(exec.executions["t0.1"] == 1);
  // The children read the recorded output, not a new one.
  CHECK(task(run, "t0.0").inputs.at(0)["width"] == 320);
  CHECK(task(run, "t0.0").inputs.at(0)["filename"] == "t0.mp4");
  // The kept tasks keep what was recorded, and no event reports them again.
  CHECK(task(run, "t0").status == Status::Succeeded);
  CHECK(task(run, "t0").finished_at == 1'800'000'005);
  CHECK(task(run, "t0").outputs.at(0)["filename"] == "t0.mp4");
  for (const Event& e : events) {
    if (e.kind.starts_with("task.")) {
      CHECK(e.data["node"] != "t0");
      CHECK(e.data["node"] != "t1");
    }
  }
  CHECK(run.progress == 100);
}

TEST_CASE(
    "a resumed run runs again a node only part of whose tasks finished, and a gate decides "
    "again without reporting its kept task",
    "[exec][scheduler]") {
  PlanBuilder b;
  b.gate("g", "width >= 1280", "$input").node("t0", "video", "$input", "g");
  FakeExecutor exec;
  SchedulerOptions options;
  wfc::exec::DoneTask g;
  g.outputs = {exec.input_file};
  options.done["g"] = g;  // the gate's task succeeded; t0 had not
  std::vector<Event> events;
  RunState run = run_plan(b.plan, exec, &events, options);
  CHECK(run.status == Status::Succeeded);
  CHECK(exec.executions["t0"] == 1);
  for (const Event& e : events) {
    if (e.kind.starts_with("task.")) CHECK(e.data["node"] != "g");
  }
}

// The retry policy (scheduler.h, RetryPolicy): what a user sees of a bucket that was down for a
// moment, and of one that stayed down.
namespace {

SchedulerOptions quick_retries(int attempts) {
  SchedulerOptions options;
  options.retry.max_attempts = attempts;
  options.retry.delay = std::chrono::milliseconds(5);
  return options;
}

}  // namespace

TEST_CASE("a task that fails storage_unavailable is tried again and succeeds; nothing else reruns",
          "[exec][scheduler][retry]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0").node("t1", "audio", "$input");
  FakeExecutor exec;
  exec.unavailable["t0"] = 2;  // the bucket is back for the third attempt
  std::vector<Event> events;
  RunState run = run_plan(b.plan, exec, &events, quick_retries(3));
  CHECK(run.status == Status::Succeeded);
  CHECK(exec.executions["t0"] == 3);
  CHECK(exec.executions["t0.0"] == 1);
  CHECK(exec.executions["t1"] == 1);
  CHECK_FALSE(task(run, "t0").error.has_value());
  // Between attempts the task stays processing and says what failed and what comes next; it is
  // never reported failed, and its child waits instead of being cancelled.
  std::vector<std::string> notes;
  for (const Event& e : events) {
    if (e.data.value("node", "") != "t0") continue;
    CHECK(e.kind != "task.failed");
    if (e.data["error"].is_object()) {
      CHECK(e.data["status"] == "processing");
      CHECK(e.data["error"]["kind"] == "storage_unavailable");
      notes.push_back(e.data["error"]["message"]);
    }
  }
  // Each failure, then each retry as it starts (its progress events repeat that).
  notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
  REQUIRE(notes.size() == 4);
  CHECK(notes[0] ==
        "the output 'a.mp4' could not be stored in s3://b/p: connection refused (attempt 1 of 3; "
        "trying again in 0.005 s)");
  CHECK(notes[1].ends_with("(attempt 1 of 3 failed; attempt 2 running)"));
  CHECK(notes[2].ends_with("(attempt 2 of 3; trying again in 0.02 s)"));  // 4 × longer
  CHECK(notes[3].ends_with("(attempt 2 of 3 failed; attempt 3 running)"));
  for (const Event& e : events) {
    if (e.data.value("node", "") == "t0.0") CHECK(e.kind != "task.cancelled");
  }
}

TEST_CASE("a task still failing storage_unavailable after its attempts fails with that error",
          "[exec][scheduler][retry]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t0.0", "image", "t0");
  FakeExecutor exec;
  exec.unavailable["t0"] = 100;
  RunState run = run_plan(b.plan, exec, nullptr, quick_retries(3));
  CHECK(run.status == Status::Failed);
  CHECK(exec.executions["t0"] == 3);
  CHECK(task(run, "t0").status == Status::Failed);
  CHECK(task(run, "t0").error->kind == "storage_unavailable");
  // The last failure, as it came: no "trying again" for a task that is not tried again.
  CHECK(task(run, "t0").error->message ==
        "the output 'a.mp4' could not be stored in s3://b/p: connection refused");
  CHECK(task(run, "t0.0").error->kind == "dependency_failed");
}

TEST_CASE("other failures are not retried, nor anything with one attempt",
          "[exec][scheduler][retry]") {
  PlanBuilder b;
  b.node("t0", "video", "$input").node("t1", "audio", "$input");
  FakeExecutor exec;
  exec.failing = {"t0"};
  exec.unavailable["t1"] = 1;
  RunState run = run_plan(b.plan, exec, nullptr, quick_retries(1));
  CHECK(exec.executions["t0"] == 1);
  CHECK(exec.executions["t1"] == 1);
  CHECK(task(run, "t0").error->kind == "encode_failed");
  CHECK(task(run, "t1").error->kind == "storage_unavailable");
  exec.executions.clear();
  exec.unavailable["t1"] = 1;
  run = run_plan(b.plan, exec, nullptr, quick_retries(3));
  CHECK(exec.executions["t0"] == 1);  // encode_failed says nothing a retry would change
  CHECK(exec.executions["t1"] == 2);
  CHECK(task(run, "t1").status == Status::Succeeded);
}

TEST_CASE("a fused member that failed storage_unavailable is retried alone",
          "[exec][scheduler][retry]") {
  PlanBuilder b;
  b.node("t0", "video", "$input", "", "$fuse.$input")
      .node("t1", "audio", "$input", "", "$fuse.$input")
      .group("$fuse.$input", "$input", {"t0", "t1"});
  FakeExecutor exec;
  exec.unavailable["t1"] = 1;
  RunState run = run_plan(b.plan, exec, nullptr, quick_retries(3));
  CHECK(run.status == Status::Succeeded);
  REQUIRE(exec.units.size() == 2);
  CHECK(std::set<std::string>(exec.units[0].begin(), exec.units[0].end()) ==
        std::set<std::string>{"t0", "t1"});
  CHECK(exec.units[1] == std::vector<std::string>{"t1"});
}

TEST_CASE("cancelling a run whose task waits to be retried ends it at once",
          "[exec][scheduler][retry]") {
  PlanBuilder b;
  b.node("t0", "video", "$input");
  FakeExecutor exec;
  exec.unavailable["t0"] = 100;
  SchedulerOptions options = quick_retries(5);
  options.retry.delay = std::chrono::hours(1);
  Scheduler s(b.plan, exec, options);
  std::thread canceller([&] {
    for (int i = 0; i < 5000 && !s.snapshot().tasks[0].error; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    s.cancel();
  });
  RunState run = s.run(FileRef{"/tmp/in.mp4", nullptr});
  canceller.join();
  CHECK(run.status == Status::Cancelled);
  CHECK(exec.executions["t0"] == 1);
  CHECK(task(run, "t0").status == Status::Cancelled);
  CHECK(task(run, "t0").error->kind == "run_cancelled");
}
