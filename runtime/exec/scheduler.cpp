// The scheduler (see scheduler.h). One mutex guards the state; workers run executors without
// it. Files drive everything: when a file exists (the run's input, or a node's output) it is
// probed once, the gates testing it are decided, and the nodes reading it are validated
// against what their kind accepts and queued. Events are collected under the lock and handed
// to the sink after it is released, so a slow sink never stalls the workers' bookkeeping.
#include "runtime/exec/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "compiler/catalog/catalog.h"
#include "compiler/expr/record.h"
#include "compiler/expr/schema.h"
#include "runtime/exec/plan_tasks.h"
#include "runtime/model/ids.h"

namespace wfc::exec {

bool is_transient_error(std::string_view kind) { return kind == "storage_unavailable"; }

// The run model (runtime/model) the state machine is written in.
using model::new_id;
using model::Status;

namespace {

using Clock = std::chrono::steady_clock;

// What a node is doing, beyond its tasks' statuses.
struct NodeRun {
  const plan::Node* node = nullptr;
  Status status = Status::Waiting;
  FileRef output;
  bool has_output = false;
  size_t rank = 0;  // position in plan.order: smaller runs first
};

// A unit handed to a worker: a probe of a file, or an executor Work.
struct Job {
  size_t rank = 0;
  bool probe = false;
  std::string file;  // probe: the node id whose output is probed
  FileRef input;
  std::vector<std::string> nodes;
  const plan::FusedGroup* group = nullptr;
};

struct Running {
  std::vector<std::string> nodes;
  std::shared_ptr<std::atomic<bool>> stop;
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
};

std::string kind_of_file(const nlohmann::json& file) {
  if (file.is_object() && file.contains("kind") && file["kind"].is_string()) return file["kind"];
  return "";
}

}  // namespace

struct Scheduler::Impl {
  std::shared_ptr<const PreparedPlan> prepared;
  const plan::Plan& plan;
  Executor& executor;
  SchedulerOptions options;
  EventSink sink;

  mutable std::mutex mu;
  std::condition_variable cv;
  RunState run;
  std::unordered_map<std::string, size_t> task_index;             // plan task id → run.tasks
  std::unordered_map<std::string, std::vector<size_t>> tasks_of;  // node/gate id → run.tasks
  std::unordered_map<std::string, NodeRun> nodes;
  std::set<std::string> restored;  // nodes an earlier attempt finished (SchedulerOptions::done)
  std::unordered_map<std::string, int> gate_result;     // -1 unknown, 0 false, 1 true
  std::unordered_map<std::string, FileRef> files;       // node id → its (probed) output
  std::unordered_map<std::string, std::string> tapped;  // node → the node it takes frames of
  // What cannot run without a node's output or a gate's holding: the nodes reading the output,
  // the gates testing it; the nodes and gates directly under a gate.
  std::unordered_map<std::string, std::vector<std::string>> below;
  std::deque<Job> queue;
  std::multimap<Clock::time_point, Job> delayed;  // retries waiting out their backoff, by when
  struct Retry {
    int failures = 0;  // its transient failures so far
    TaskError last;    // the last of them
  };
  std::unordered_map<std::string, Retry> retries;  // by node id: nodes that failed transiently
  std::map<uint64_t, Running> running;
  uint64_t next_running = 0;
  size_t pending_nodes = 0;  // nodes not yet terminal
  size_t in_flight = 0;      // jobs a worker is executing
  std::mutex sink_mu;        // events reach the sink one flush at a time, in order
  bool cancelled = false;
  bool started = false;
  std::vector<Event> events;

  Impl(std::shared_ptr<const PreparedPlan> p, Executor& e, SchedulerOptions o, EventSink s)
      : prepared(std::move(p)),
        plan(prepared->plan()),
        executor(e),
        options(std::move(o)),
        sink(std::move(s)) {}

  // ---- set-up ------------------------------------------------------------------------------

  void build() {
    plan.reindex();  // lookups are then read-only, safe from any thread (PreparedPlan did it)
    run.id = options.run_id.empty() ? new_id("run") : options.run_id;
    run.created_at = run.updated_at = unix_now();
    std::unordered_map<std::string, size_t> rank;
    for (size_t i = 0; i < plan.order.size(); ++i) rank.emplace(plan.order[i], i);
    for (const plan::Node& n : plan.nodes) {
      if (n.op == "input") continue;
      NodeRun& r = nodes[n.id];
      r.node = &n;
      auto it = rank.find(n.id);
      r.rank = it == rank.end() ? plan.order.size() : it->second;
      ++pending_nodes;
    }
    for (const plan::Gate& g : plan.gates) {
      gate_result[g.id] = -1;
      below[g.file].push_back(g.id);
      if (!g.parent.empty()) below[g.parent].push_back(g.id);
    }
    for (const plan::Node& n : plan.nodes) {
      if (!n.input.empty()) below[n.input].push_back(n.id);
      if (!n.gate.empty()) below[n.gate].push_back(n.id);
    }

    // Tasks, in the order they are written, with their parents (plan_tasks.h).
    run.tasks = plan_tasks(plan);
    if (!options.task_ids.empty()) {
      std::unordered_map<std::string, std::string> renamed;  // new id → the given one
      for (TaskState& t : run.tasks) {
        auto given = options.task_ids.find(t.node);
        if (given == options.task_ids.end()) continue;
        renamed[t.id] = given->second;
        t.id = given->second;
      }
      for (TaskState& t : run.tasks) {
        if (auto it = renamed.find(t.parent); it != renamed.end()) t.parent = it->second;
      }
    }
    for (size_t i = 0; i < run.tasks.size(); ++i) {
      TaskState& t = run.tasks[i];
      t.created_at = t.updated_at = run.created_at;
      task_index[t.node] = i;
      auto target = plan.tasks.find(t.node);
      if (target != plan.tasks.end() && !target->second.empty()) {
        tasks_of[target->second].push_back(i);
      }
    }
    restore_done();
  }

  // Tasks an earlier attempt finished (SchedulerOptions::done) start succeeded: terminal, so no
  // state change reports them again. A node whose tasks all succeeded is not executed again.
  void restore_done() {
    if (options.done.empty()) return;
    for (TaskState& t : run.tasks) {
      auto it = options.done.find(t.node);
      if (it == options.done.end()) continue;
      t.status = Status::Succeeded;
      t.progress = 100;
      t.outputs = it->second.outputs;
      t.started_at = it->second.started_at;
      t.finished_at = it->second.finished_at;
    }
    for (auto& [id, r] : nodes) {
      auto tasks = tasks_of.find(id);
      if (tasks == tasks_of.end() || tasks->second.empty()) continue;
      const TaskState& first = run.tasks[tasks->second.front()];
      bool all = std::all_of(tasks->second.begin(), tasks->second.end(),
                             [&](size_t i) { return run.tasks[i].status == Status::Succeeded; });
      if (!all) continue;
      const DoneTask& done = options.done.at(first.node);
      r.status = Status::Succeeded;
      --pending_nodes;
      restored.insert(id);
      if (!done.outputs.empty() && !done.path.empty()) {
        r.output = FileRef{done.path, done.outputs.front()};
        r.has_output = true;
      }
    }
  }

  // A node restored from an earlier attempt whose input is ready now: its output (or, for a
  // kind that passes its input on, the input) goes to what reads it, as complete_node does.
  void resume_node(const std::string& id, const FileRef& input) {
    NodeRun& r = nodes[id];
    const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(r.node->op);
    if (spec && spec->passthrough && !input.path.empty()) {
      file_ready(id, input);
    } else if (r.has_output) {
      file_ready(id, r.output);
    } else {
      end_subtree(
          id, Status::Cancelled,
          TaskError{"dependency_failed", fmt::format("not run: '{}' produced no file to read", id)},
          false, "");
    }
  }

  // ---- state changes (all under `mu`) ----------------------------------------------------

  void emit_task(size_t i, std::string_view what) {
    TaskState& t = run.tasks[i];
    t.updated_at = unix_now();
    events.push_back({fmt::format("task.{}", what), t.to_json(run.id)});
  }

  void set_tasks(const std::string& target, Status s, const std::optional<TaskError>& error = {},
                 bool skipped = false, const std::string& reason = "") {
    auto it = tasks_of.find(target);
    if (it == tasks_of.end()) return;
    for (size_t i : it->second) {
      TaskState& t = run.tasks[i];
      if (is_terminal(t.status) || !can_transition(t.status, s)) continue;
      t.status = s;
      if (s == Status::Processing && !t.started_at) t.started_at = unix_now();
      if (is_terminal(s)) {
        t.finished_at = unix_now();
        if (s == Status::Succeeded) t.progress = 100;
        t.error = error;
        t.skipped = skipped;
        t.skip_reason = reason;
      }
      std::string what = s == Status::Succeeded   ? "succeeded"
                         : s == Status::Failed    ? "failed"
                         : s == Status::Cancelled ? "cancelled"
                                                  : "updated";
      emit_task(i, what);
    }
  }

  void finish_node(const std::string& id, Status s, const std::optional<TaskError>& error = {},
                   bool skipped = false, const std::string& reason = "") {
    NodeRun& r = nodes.at(id);
    if (is_terminal(r.status)) return;
    r.status = s;
    --pending_nodes;
    set_tasks(id, s, error, skipped, reason);
  }

  // Everything that needs `id`'s output (or sits under gate `id`): the nodes and gates below.
  void collect_below(const std::string& id, std::vector<std::string>* out) {
    auto it = below.find(id);
    if (it == below.end()) return;
    for (const std::string& child : it->second) {
      out->push_back(child);
      collect_below(child, out);
    }
  }

  void end_subtree(const std::string& id, Status s, const std::optional<TaskError>& error,
                   bool skipped, const std::string& reason) {
    std::vector<std::string> below;
    collect_below(id, &below);
    for (const std::string& b : below) {
      if (nodes.count(b)) {
        if (nodes[b].status == Status::Processing) continue;  // told to stop; ends when it returns
        finish_node(b, s, error, skipped, reason);
      } else if (gate_result.count(b) && gate_result[b] < 0) {
        gate_result[b] = 0;
        set_tasks(b, s, error, skipped, reason);
      }
    }
  }

  bool gate_chain_holds(const std::string& gate) const {
    for (std::string g = gate; !g.empty();) {
      auto it = gate_result.find(g);
      if (it == gate_result.end() || it->second != 1) return false;
      g = plan.gate(g)->parent;
    }
    return true;
  }

  // A file exists: probe it unless its File object is known.
  void file_ready(const std::string& id, FileRef file) {
    if (cancelled) return;
    if (file.file.is_null()) {
      Job job;
      job.rank = 0;
      job.probe = true;
      job.file = id;
      job.input = std::move(file);
      queue.push_front(std::move(job));
      cv.notify_all();
      return;
    }
    file_probed(id, std::move(file));
  }

  // The file `id` made is known: decide its gates, then queue what reads it.
  void file_probed(const std::string& id, FileRef file) {
    files[id] = file;
    if (nodes.count(id)) {  // an output made without its File object (ingest): now known
      for (size_t i : tasks_of[id]) {
        auto& outputs = run.tasks[i].outputs;
        if (!outputs.empty() && outputs.front().is_null()) outputs.front() = file.file;
      }
    }
    // The file's properties as the gates' predicates read them, filled once for all of them.
    std::optional<expr::Record> record;
    for (const plan::Gate& g : plan.gates) {
      if (g.file != id || gate_result[g.id] >= 0) continue;
      if (!g.parent.empty() && !gate_chain_holds(g.parent)) continue;
      if (!record)
        record = expr::Record::from_json(expr::Schema::builtin(expr::Domain::File), file.file);
      decide_gate(g, file, *record);
    }
    std::map<std::string, std::vector<std::string>> groups;  // group id → live members
    for (const plan::Node& n : plan.nodes) {
      if (n.input != id || !nodes.count(n.id)) continue;
      NodeRun& r = nodes[n.id];
      if (!n.gate.empty() && !gate_chain_holds(n.gate)) continue;
      if (restored.count(n.id)) {
        resume_node(n.id, file);
        continue;
      }
      if (r.status != Status::Waiting) continue;
      if (!validate(n, file)) continue;
      if (n.op == "probe") {  // the file is probed: pass it on
        r.status = Status::Queued;
        complete_node(n.id, {file});
        continue;
      }
      const plan::FusedGroup* g = group_of(n);
      if (g && g->file == id) {
        groups[g->id].push_back(n.id);
      } else {
        enqueue({n.id}, nullptr, file);
      }
    }
    for (auto& [gid, members] : groups) {
      const plan::FusedGroup* g = nullptr;
      for (const plan::FusedGroup& fg : plan.groups) {
        if (fg.id == gid) g = &fg;
      }
      if (g) add_tapped(*g, members);
      if (members.size() == 1) g = nullptr;  // a group of one is a plain node
      enqueue(members, g, file);
    }
  }

  // The members of `g` that take `frames of` a member in `members` join the same unit when the
  // executor serves them in the pass (the plan's taps); otherwise they wait for their input's
  // output like any `next`. Their kind's input is the video the plan says it is.
  void add_tapped(const plan::FusedGroup& g, std::vector<std::string>& members) {
    if (!executor.serves_chained_members()) return;
    for (const plan::Member& m : g.members) {
      std::string_view prefix = "frames of ";
      if (!std::string_view(m.takes).starts_with(prefix)) continue;
      std::string source = m.takes.substr(prefix.size());
      if (std::find(members.begin(), members.end(), source) == members.end()) continue;
      auto it = nodes.find(m.node);
      if (it == nodes.end() || it->second.status != Status::Waiting) continue;
      const plan::Node& n = *it->second.node;
      if (!n.gate.empty() && !gate_chain_holds(n.gate)) continue;
      set_tasks(n.id, Status::Validating);
      tapped[n.id] = source;
      members.push_back(n.id);
    }
  }

  const plan::FusedGroup* group_of(const plan::Node& n) const {
    if (n.group.empty()) return nullptr;
    for (const plan::FusedGroup& g : plan.groups) {
      if (g.id == n.group) return &g;
    }
    return nullptr;
  }

  // The gate's predicate, built once per plan on the engine the plan chose, on the file's
  // properties (`record`).
  void decide_gate(const plan::Gate& g, const FileRef& file, const expr::Record& record) {
    set_tasks(g.id, Status::Processing);
    const expr::CompiledPredicate* predicate = prepared->gate(g.id);
    if (!predicate) {  // from_json requires every gate's predicate: not a plan we made
      gate_result[g.id] = 0;
      TaskError e{"plan_invalid", fmt::format("the gate '{}' has no predicate", g.id)};
      set_tasks(g.id, Status::Failed, e);
      end_subtree(g.id, Status::Cancelled,
                  TaskError{"dependency_failed", fmt::format("not run: '{}' failed", g.id)}, false,
                  "");
      return;
    }
    expr::Evaluations evaluations;
    bool holds = predicate->run(record, &evaluations);
    gate_result[g.id] = holds ? 1 : 0;
    for (size_t i : tasks_of[g.id]) {
      run.tasks[i].inputs = {file.file};
      if (holds) run.tasks[i].outputs = {file.file};
      run.tasks[i].predicate = PredicateRun::of(*predicate, evaluations);
    }
    set_tasks(g.id, Status::Succeeded);
    if (!holds) {
      end_subtree(g.id, Status::Cancelled, std::nullopt, true,
                  fmt::format("the condition of '{}' does not hold: {}", g.id, g.when));
    }
  }

  // The "validating" step: does the file suit the node's kind?
  bool validate(const plan::Node& n, const FileRef& file) {
    set_tasks(n.id, Status::Validating);
    for (size_t i : tasks_of[n.id]) run.tasks[i].inputs = {file.file};
    const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(n.op);
    std::string kind = kind_of_file(file.file);
    auto fk = catalog::parse_file_kind(kind);
    if (spec && spec->accepts && !spec->passthrough && fk && !(spec->accepts & *fk)) {
      fail_node(n.id, TaskError{"input_invalid",
                                fmt::format(
                                    "'{}' needs {}; its input is {}{}", n.op,
                                    catalog::describe_file_kinds(spec->accepts), kind,
                                    file.file.contains("type")
                                        ? fmt::format(" ({})", file.file["type"].get<std::string>())
                                        : "")});
      return false;
    }
    return true;
  }

  void enqueue(std::vector<std::string> ids, const plan::FusedGroup* group, const FileRef& file) {
    if (cancelled) return;
    Job job;
    job.rank = SIZE_MAX;
    for (const std::string& id : ids) {
      job.rank = std::min(job.rank, nodes[id].rank + 1);  // +1: probes (rank 0) go first
      nodes[id].status = Status::Queued;
      set_tasks(id, Status::Queued);
    }
    job.nodes = std::move(ids);
    job.group = group;
    job.input = file;
    push_job(std::move(job));
  }

  // Into the queue, behind the jobs of the same or a smaller rank.
  void push_job(Job job) {
    auto at =
        std::find_if(queue.begin(), queue.end(), [&](const Job& j) { return j.rank > job.rank; });
    queue.insert(at, std::move(job));
    cv.notify_all();
  }

  // A transient failure (scheduler.h, RetryPolicy) within the policy: the node is queued again,
  // alone (a fused unit's other members are done with), once its backoff has passed; its tasks
  // stay processing and show the failure and when the next attempt comes. False: it fails.
  bool retry_later(const std::string& id, const TaskError& error, const FileRef& unit_input) {
    const RetryPolicy& policy = options.retry;
    if (!is_transient_error(error.kind)) return false;
    Retry& retry = retries[id];
    int failures = ++retry.failures;
    if (failures >= policy.max_attempts) return false;
    auto delay = policy.delay;
    for (int i = 1; i < failures; ++i) delay *= std::max(1, policy.factor);
    Job job;
    job.rank = nodes[id].rank + 1;
    job.nodes = {id};
    // A member that took the frames of another member reads that member's video on its own.
    auto source = tapped.find(id);
    job.input = source == tapped.end() ? unit_input : nodes[source->second].output;
    nodes[id].status = Status::Queued;
    retry.last = error;
    note_retry(id, fmt::format("attempt {} of {}; trying again in {} s", failures,
                               policy.max_attempts, std::chrono::duration<double>(delay).count()));
    delayed.emplace(Clock::now() + delay, std::move(job));
    cv.notify_all();  // the watcher learns of the new wake-up time
    return true;
  }

  // The tasks of a node being retried show its last transient failure and where the retry is.
  void note_retry(const std::string& id, std::string_view where) {
    const TaskError& failure = retries.at(id).last;
    for (size_t i : tasks_of[id]) {
      run.tasks[i].error = TaskError{failure.kind, fmt::format("{} ({})", failure.message, where)};
      emit_task(i, "updated");
    }
  }

  void fail_node(const std::string& id, const TaskError& error) {
    finish_node(id, Status::Failed, error);
    end_subtree(id, Status::Cancelled,
                TaskError{"dependency_failed",
                          fmt::format("not run: '{}' ({}) failed", id, nodes[id].node->op)},
                false, "");
  }

  void complete_node(const std::string& id, std::vector<FileRef> outputs) {
    NodeRun& r = nodes[id];
    for (size_t i : tasks_of[id]) run.tasks[i].error.reset();  // an earlier attempt's, if retried
    set_tasks(id, Status::Finishing);
    for (size_t i : tasks_of[id]) {
      run.tasks[i].outputs.clear();
      for (const FileRef& f : outputs) run.tasks[i].outputs.push_back(f.file);
    }
    finish_node(id, Status::Succeeded);
    if (!outputs.empty()) {
      r.output = outputs.front();
      r.has_output = true;
      file_ready(id, outputs.front());
    } else {
      // Data with nothing to read downstream: anything below cannot run.
      end_subtree(
          id, Status::Cancelled,
          TaskError{"dependency_failed", fmt::format("not run: '{}' produced no file to read", id)},
          false, "");
    }
  }

  void progress(const std::string& id, double percent) {
    auto it = tasks_of.find(id);
    if (it == tasks_of.end()) return;
    percent = std::clamp(percent, 0.0, 99.0);  // 100 only once the outputs exist
    for (size_t i : it->second) {
      TaskState& t = run.tasks[i];
      if (t.status != Status::Processing) continue;
      bool changed = std::floor(percent) != std::floor(t.progress);
      t.progress = percent;
      if (changed) emit_task(i, "updated");
    }
  }

  void update_run_progress() {
    double sum = 0;
    size_t n = 0;
    for (const TaskState& t : run.tasks) {
      if (t.skipped) continue;
      sum += is_terminal(t.status) ? 100 : t.progress;
      ++n;
    }
    double p = n ? sum / n : 100;
    if (run.status != Status::Succeeded) p = std::min(p, 99.0);
    if (std::floor(p) != std::floor(run.progress)) {
      run.progress = p;
      run.updated_at = unix_now();
      events.push_back({"run.updated", run.to_json()});
    }
  }

  void flush_events(std::unique_lock<std::mutex>& lock) {
    if (events.empty() || !sink) {
      events.clear();
      return;
    }
    std::vector<Event> out;
    out.swap(events);
    std::unique_lock<std::mutex> delivering(sink_mu);  // taken before `mu` is let go: in order
    lock.unlock();
    for (const Event& e : out) sink(e);
    delivering.unlock();
    lock.lock();
  }

  // ---- workers ---------------------------------------------------------------------------

  void worker() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return !queue.empty() || pending_nodes == 0 || cancelled; });
      if (queue.empty()) {
        if (pending_nodes == 0 || cancelled) return;
        continue;
      }
      Job job = std::move(queue.front());
      queue.pop_front();
      ++in_flight;
      if (job.probe) {
        lock.unlock();
        TaskError error;
        auto file = executor.probe(job.input.path, &error);
        lock.lock();
        if (file) {
          job.input.file = std::move(*file);
          file_probed(job.file, std::move(job.input));
        } else {
          probe_failed(job.file, error);
        }
      } else {
        run_job(job, lock);
      }
      --in_flight;
      update_run_progress();
      flush_events(lock);
      cv.notify_all();
    }
  }

  void probe_failed(const std::string& file, const TaskError& error) {
    // Everything that reads the file fails with the probe's error.
    for (const plan::Node& n : plan.nodes) {
      if (n.input == file && nodes.count(n.id) && !is_terminal(nodes[n.id].status)) {
        fail_node(n.id, error);
      }
    }
    for (const plan::Gate& g : plan.gates) {
      if (g.file == file && gate_result[g.id] < 0) {
        gate_result[g.id] = 0;
        set_tasks(g.id, Status::Failed, error);
        end_subtree(g.id, Status::Cancelled,
                    TaskError{"dependency_failed", fmt::format("not run: '{}' failed", g.id)},
                    false, "");
      }
    }
  }

  void run_job(Job& job, std::unique_lock<std::mutex>& lock) {
    std::vector<const plan::Node*> live;
    for (const std::string& id : job.nodes) {
      if (nodes[id].status != Status::Queued) continue;  // cancelled while queued
      nodes[id].status = Status::Processing;
      set_tasks(id, Status::Processing);
      if (auto r = retries.find(id); r != retries.end()) {
        note_retry(id,
                   fmt::format("attempt {} of {} failed; attempt {} running", r->second.failures,
                               options.retry.max_attempts, r->second.failures + 1));
      }
      live.push_back(nodes[id].node);
    }
    if (live.empty()) return;
    uint64_t key = next_running++;
    Running& r = running[key];
    r.stop = std::make_shared<std::atomic<bool>>(cancelled);
    for (const plan::Node* n : live) r.nodes.push_back(n->id);
    if (options.task_time_limit.count() > 0) r.deadline = Clock::now() + options.task_time_limit;
    cv.notify_all();  // the watchdog learns of the new deadline

    Work work;
    work.nodes = live;
    work.group = live.size() > 1 ? job.group : nullptr;
    work.prepared = prepared.get();
    work.input = job.input;
    work.workspace = options.workspace;
    work.stop = r.stop.get();
    work.progress = [this](const std::string& node, double percent) {
      std::unique_lock<std::mutex> l(mu);
      progress(node, percent);
      update_run_progress();
      flush_events(l);
    };
    flush_events(lock);
    lock.unlock();
    std::vector<NodeResult> results = executor.execute(work);
    lock.lock();
    bool timed_out = running[key].timed_out;
    running.erase(key);

    // A tapped member after the member it takes frames from: it ran only if that one succeeded.
    std::stable_sort(results.begin(), results.end(), [&](const NodeResult& a, const NodeResult& b) {
      return !tapped.count(a.node) && tapped.count(b.node);
    });
    std::set<std::string> answered;
    for (NodeResult& res : results) {
      if (!nodes.count(res.node) || !answered.insert(res.node).second) continue;
      const std::string& id = res.node;
      if (res.predicate) {
        for (size_t i : tasks_of[id]) run.tasks[i].predicate = res.predicate;
      }
      if (timed_out) {
        fail_node(id, TaskError{"task_timeout",
                                fmt::format(
                                    "'{}' ({}) did not finish within its time limit of {} s", id,
                                    nodes[id].node->op, options.task_time_limit.count() / 1000.0)});
      } else if (cancelled) {
        finish_node(id, Status::Cancelled, TaskError{"run_cancelled", "the run was cancelled"});
        end_subtree(id, Status::Cancelled, TaskError{"run_cancelled", "the run was cancelled"},
                    false, "");
      } else if (auto source = tapped.find(id);
                 source != tapped.end() && nodes[source->second].status != Status::Succeeded) {
        finish_node(
            id, Status::Cancelled,
            TaskError{"dependency_failed", fmt::format("not run: '{}' ({}) failed", source->second,
                                                       nodes[source->second].node->op)});
        end_subtree(id, Status::Cancelled,
                    TaskError{"dependency_failed", fmt::format("not run: '{}' failed", id)}, false,
                    "");
      } else if (res.error) {
        if (!retry_later(id, *res.error, job.input)) fail_node(id, *res.error);
      } else {
        if (auto source = tapped.find(id); source != tapped.end()) {
          // Its input is the video it took frames from, now written.
          for (size_t i : tasks_of[id]) {
            run.tasks[i].inputs.clear();
            if (nodes[source->second].has_output)
              run.tasks[i].inputs.push_back(nodes[source->second].output.file);
          }
        }
        complete_node(id, std::move(res.outputs));
      }
    }
    for (const plan::Node* n : live) {  // an executor that forgot a node failed it
      if (!answered.count(n->id)) {
        fail_node(n->id, TaskError{"internal_error",
                                   fmt::format("the executor returned no result for '{}'", n->id)});
      }
    }
  }

  // The caller's thread: stops work past its deadline, queues retries whose backoff has passed,
  // and waits for the end.
  void watch(std::unique_lock<std::mutex>& lock) {
    while (pending_nodes > 0 && !(cancelled && running.empty())) {
      auto next = delayed.empty() ? Clock::time_point::max() : delayed.begin()->first;
      for (auto& [key, r] : running) next = std::min(next, r.deadline);
      if (next == Clock::time_point::max()) {
        cv.wait(lock);
      } else {
        cv.wait_until(lock, next);
      }
      auto now = Clock::now();
      for (auto& [key, r] : running) {
        if (!r.timed_out && now >= r.deadline) {
          r.timed_out = true;
          r.stop->store(true);
        }
      }
      while (!delayed.empty() && delayed.begin()->first <= now && !cancelled) {
        push_job(std::move(delayed.begin()->second));
        delayed.erase(delayed.begin());
      }
      if (pending_nodes > 0 && queue.empty() && delayed.empty() && in_flight == 0 && !cancelled) {
        end_stuck();
      }
      flush_events(lock);
    }
  }

  // Nothing queued, nothing running, yet nodes wait: no file they read can appear any more.
  // The plan is inconsistent (a bug, not a user's mistake); end them rather than hang.
  void end_stuck() {
    for (auto& [id, r] : nodes) {
      if (!is_terminal(r.status)) {
        finish_node(id, Status::Failed,
                    TaskError{"internal_error",
                              fmt::format("'{}' never became ready: its input '{}' was never made",
                                          id, r.node->input)});
      }
    }
    cv.notify_all();
  }

  void do_cancel() {
    if (cancelled || pending_nodes == 0) return;
    cancelled = true;
    for (auto& [key, r] : running) r.stop->store(true);
    for (auto& [id, r] : nodes) {
      if (r.status != Status::Processing && !is_terminal(r.status)) {
        finish_node(id, Status::Cancelled, TaskError{"run_cancelled", "the run was cancelled"});
      }
    }
    for (auto& [id, result] : gate_result) {
      if (result < 0) {
        result = 0;
        set_tasks(id, Status::Cancelled, TaskError{"run_cancelled", "the run was cancelled"});
      }
    }
    queue.clear();
    delayed.clear();
    cv.notify_all();
  }

  void finish_run() {
    // Gates never decided (their file was never made) end with what stopped it.
    for (auto& [id, result] : gate_result) {
      if (result < 0) set_tasks(id, Status::Cancelled);
    }
    size_t failed = 0;
    const TaskState* first = nullptr;
    for (const TaskState& t : run.tasks) {
      if (t.status == Status::Failed) {
        if (!failed++) first = &t;
      }
    }
    if (failed) {
      run.status = Status::Failed;
      run.error =
          TaskError{"task_failed", fmt::format("{} of {} tasks failed; first: '{}' ({}): {}",
                                               failed, run.tasks.size(), first->node, first->kind,
                                               first->error ? first->error->message : "failed")};
    } else if (cancelled) {
      run.status = Status::Cancelled;
      run.error = TaskError{"run_cancelled", "the run was cancelled"};
    } else {
      run.status = Status::Succeeded;
      run.progress = 100;
    }
    run.finished_at = run.updated_at = unix_now();
    events.push_back({fmt::format("run.{}", status_name(run.status)), run.to_json()});
  }
};

Scheduler::Scheduler(std::shared_ptr<const PreparedPlan> plan, Executor& executor,
                     SchedulerOptions options, EventSink sink)
    : impl_(
          std::make_unique<Impl>(std::move(plan), executor, std::move(options), std::move(sink))) {
  impl_->build();
}

Scheduler::Scheduler(const plan::Plan& plan, Executor& executor, SchedulerOptions options,
                     EventSink sink)
    : Scheduler(std::make_shared<const PreparedPlan>(plan), executor, std::move(options),
                std::move(sink)) {}

Scheduler::~Scheduler() = default;

RunState Scheduler::run(FileRef input) {
  Impl& s = *impl_;
  unsigned threads = s.options.threads ? s.options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  std::vector<std::thread> workers;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    if (s.started) return s.run;
    s.started = true;
    s.run.status = Status::Processing;
    s.run.started_at = s.run.updated_at = unix_now();
    s.events.push_back({"run.started", s.run.to_json()});
    if (!s.cancelled) s.file_ready(std::string(plan::kRunInput), std::move(input));
    // Nodes that read no file start at once: an ingest at the top of a run request (seeds/000)
    // fetches the run's input itself.
    for (const plan::Node& n : s.plan.nodes) {
      auto it = s.nodes.find(n.id);
      if (!n.input.empty() || !n.gate.empty() || it == s.nodes.end()) continue;
      if (s.restored.count(n.id)) {
        s.resume_node(n.id, FileRef{});
      } else if (it->second.status == Status::Waiting) {
        s.enqueue({n.id}, nullptr, FileRef{});
      }
    }
    s.flush_events(lock);
  }
  for (unsigned i = 0; i < threads; ++i) workers.emplace_back([&s] { s.worker(); });
  {
    std::unique_lock<std::mutex> lock(s.mu);
    s.watch(lock);
    s.cv.notify_all();
  }
  for (std::thread& t : workers) t.join();
  std::unique_lock<std::mutex> lock(s.mu);
  s.finish_run();
  s.flush_events(lock);
  return s.run;
}

void Scheduler::cancel() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->do_cancel();
  impl_->update_run_progress();
  impl_->flush_events(lock);
}

RunState Scheduler::snapshot() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->run;
}

}  // namespace wfc::exec
