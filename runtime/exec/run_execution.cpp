// Executing one claimed run in this process (see run_execution.h).
#include "runtime/exec/run_execution.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <unordered_map>

#include "compiler/catalog/catalog.h"
#include "compiler/plan/plan.h"
#include "runtime/connections/s3_transfer.h"
#include "runtime/exec/scheduler.h"
#include "runtime/exec/stored_outputs.h"
#include "runtime/ingest/issued_file.h"
#include "runtime/net/redact.h"
#include "runtime/storage/open_storage.h"
#include "runtime/store/private_files.h"

namespace wfc::exec {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Where a task's files are, relative to the run's directory: its node's `folder` (as the
// executor places them, runtime/exec/media_executor.cpp) and the file's name.
std::string relative_path(const plan::Plan& plan, const std::string& task,
                          const std::string& filename) {
  fs::path rel;
  auto it = plan.tasks.find(task);
  if (it != plan.tasks.end()) {
    if (const plan::Node* n = plan.node(it->second); n && !n->folder.empty()) {
      fs::path folder = fs::path(n->folder).relative_path().lexically_normal();
      if (!folder.empty() && *folder.begin() != "..") rel = folder;
    }
  }
  return (rel / filename).generic_string();
}

// The run's input as the File objects of tasks that pass it through show it: its `url` (an
// external URL, or the API url of a file this server issued) and, for an issued file, its `id`.
struct InputFile {
  std::string url, id;
};

InputFile input_file_of(const std::string& input_url, const std::string& files_url) {
  auto issued = ingest::parse_issued_reference(input_url);
  if (!issued) return {net::redact_url(input_url), ""};
  // files_url is "http://…/files/<this run's id>": the same route serves the issued file.
  std::string base = files_url.substr(0, files_url.rfind('/'));
  return {base + "/" + issued->run_id + "/" + issued->path,
          store::file_id(issued->run_id, issued->path)};
}

// Whether a passed-through File carries the url an export wrote it to (file://, s3://): that url
// is its output, not the run's file route.
bool exported_url(const json& file) {
  auto url = file.find("url");
  if (url == file.end() || !url->is_string()) return false;
  const std::string& u = url->get_ref<const std::string&>();
  return u.starts_with("s3://") || u.starts_with("file://");
}

// Gives each output File object of a task object its download `url` and a stable `id`. A task that
// reads the run's input shows it as its input File with the input's url (and id, for a file this
// server issued; an external URL's is an `external_file`); one that passes it through (probe,
// export, conditions) made no file: its output is the input, at the input's url.
void annotate_files(json& task, const plan::Plan& plan, const std::string& run_id,
                    const std::string& files_url, const InputFile& input) {
  if (!task.is_object() || !task.contains("outputs") || !task["outputs"].is_array()) return;
  std::string node = task.value("node", "");
  bool reads_input = false, passes_input = false, passthrough = false;
  if (auto it = plan.tasks.find(node); it != plan.tasks.end()) {
    const plan::Node* n = plan.node(it->second);
    const catalog::KindSpec* spec = n ? catalog::Catalog::builtin().kind(n->op) : nullptr;
    reads_input = n && n->input == plan::kRunInput;
    passthrough = spec && spec->passthrough;
    passes_input = reads_input && passthrough;
  }
  json* in = task.contains("inputs") && task["inputs"].is_array() && !task["inputs"].empty()
                 ? &task["inputs"][0]
                 : nullptr;
  if (reads_input && in && in->is_object() && !input.url.empty()) {
    (*in)["url"] = input.url;
    if (input.id.empty()) {
      (*in)["object"] = "external_file";
    } else {
      (*in)["id"] = input.id;
    }
  }
  for (json& file : task["outputs"]) {
    if (!file.is_object() || !file.contains("filename") || !file["filename"].is_string()) continue;
    std::string rel = relative_path(plan, node, file["filename"].get<std::string>());
    if (passes_input && !input.url.empty()) {
      // An export's output already has its `url`: where it was written.
      if (!file.contains("url")) file["url"] = input.url;
      if (!input.id.empty() && !file.contains("id")) file["id"] = input.id;
    } else if (!(passthrough && exported_url(file))) {
      file["url"] = files_url + "/" + rel;
    }
    if (!file.contains("id")) file["id"] = store::file_id(run_id, rel);
  }
}

// An error that ran out of file descriptors (EMFILE, in whatever words its operator reported it)
// in a worker process is the worker's open-file limit: `limit_exceeded`, naming it and its flag.
void name_open_files_limit(json& error, uint64_t limit) {
  if (limit == 0 || !error.is_object() || !error.contains("message") ||
      !error["message"].is_string()) {
    return;
  }
  std::string message = error["message"];
  if (message.find(std::strerror(EMFILE)) == std::string::npos ||
      message.find("RLIMIT_NOFILE") != std::string::npos) {
    return;
  }
  error["kind"] = "limit_exceeded";
  error["message"] = fmt::format(
      "{}: the worker process reached its open-file limit of {} (RLIMIT_NOFILE; `wfc serve "
      "--worker-files`)",
      message, limit);
}

// The files (relative to the run's directory) that the tasks recorded succeeded made: each output
// File's, and for a playlist its whole folder (as stored_outputs.cpp stores it), as folders.
struct Recorded {
  std::set<fs::path> files, folders;
};

Recorded recorded_outputs(const plan::Plan& plan, const store::Run& run) {
  Recorded out;
  for (const store::Task& t : run.tasks) {
    if (t.status != model::Status::Succeeded || !t.outputs.is_array()) continue;
    for (const json& f : t.outputs) {
      if (!f.is_object() || !f.contains("filename") || !f["filename"].is_string()) continue;
      fs::path rel = fs::path(relative_path(plan, t.node, f["filename"])).lexically_normal();
      if (rel.empty() || *rel.begin() == "..") continue;
      out.files.insert(rel);
      std::string format = f.contains("format") && f["format"].is_string() ? f["format"] : "";
      if (storage::is_playlist(format, rel.generic_string()) && !rel.parent_path().empty()) {
        out.folders.insert(rel.parent_path());
      }
    }
  }
  return out;
}

// Removes every file of `workspace` but the recorded ones (and what is below a kept folder).
void clear_workspace(const fs::path& workspace, const Recorded& keep) {
  std::error_code ec;
  if (keep.files.empty()) {
    fs::remove_all(workspace, ec);
    return;
  }
  auto kept = [&](const fs::path& rel) {
    if (keep.files.count(rel)) return true;
    for (fs::path p = rel.parent_path(); !p.empty(); p = p.parent_path()) {
      if (keep.folders.count(p)) return true;
    }
    return false;
  };
  std::vector<fs::path> doomed;
  for (auto it = fs::recursive_directory_iterator(workspace, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec)) continue;
    fs::path rel = it->path().lexically_relative(workspace);
    if (!kept(rel)) doomed.push_back(it->path());
  }
  for (const fs::path& p : doomed) fs::remove(p, ec);
}

void name_open_files_limit_in(json& data, uint64_t limit) {
  if (limit == 0 || !data.is_object()) return;
  if (data.contains("error")) name_open_files_limit(data["error"], limit);
  if (data.contains("tasks") && data["tasks"].is_array()) {
    for (json& t : data["tasks"]) {
      if (t.is_object() && t.contains("error")) name_open_files_limit(t["error"], limit);
    }
  }
}

}  // namespace

void RunStop::cancel() {
  std::lock_guard lock(mu_);
  cancel_ = true;
  stop_if_asked();
}

void RunStop::lose() {
  std::lock_guard lock(mu_);
  lost_ = true;
  stop_if_asked();
}

void RunStop::poll() {
  std::lock_guard lock(mu_);
  stop_if_asked();
}

void RunStop::attach(Scheduler* scheduler) {
  std::lock_guard lock(mu_);
  scheduler_ = scheduler;
  stop_if_asked();
}

void RunStop::stop_if_asked() {
  if ((cancel_ || lost_) && scheduler_ && !stopped_) {
    stopped_ = true;
    scheduler_->cancel();
  }
}

EventSink recording_sink(store::Store& store, std::shared_ptr<const PreparedPlan> plan,
                         Recording recording, RunStop& stop) {
  // Events come one flush at a time and in order (scheduler.h): the sink's state needs no lock.
  struct State {
    std::shared_ptr<const PreparedPlan> plan;
    Recording recording;
    InputFile input_file;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> started;
  };
  auto state = std::make_shared<State>();
  state->input_file = input_file_of(recording.input_url, recording.files_url);
  state->plan = std::move(plan);
  state->recording = std::move(recording);
  return [&store, &stop, state](const Event& e) {
    if (stop.lost()) return;
    const Recording& r = state->recording;
    const plan::Plan& plan = state->plan->plan();
    json data = e.data;
    name_open_files_limit_in(data, r.open_files_limit);
    if (e.kind.starts_with("task.")) {
      annotate_files(data, plan, r.run_id, r.files_url, state->input_file);
      std::string node = data.value("node", "");
      std::string status = data.value("status", "");
      auto now = std::chrono::steady_clock::now();
      if (status == "processing") state->started.emplace(node, now);
      if (status == "succeeded" || status == "failed") {
        auto it = state->started.find(node);
        if (it != state->started.end() && r.task_ended) {
          r.task_ended(data.value("kind", ""), status,
                       std::chrono::duration<double>(now - it->second).count());
        }
      }
    } else if (data.contains("tasks") && data["tasks"].is_array()) {
      for (json& t : data["tasks"]) {
        annotate_files(t, plan, r.run_id, r.files_url, state->input_file);
      }
    }
    // The sink runs on scheduler threads and must not call back into the scheduler
    // (scheduler.h): it only marks the run lost, and the next RunStop::poll cancels it.
    try {
      if (!store.apply_event(r.run_id, r.worker_id, e.kind, data)) stop.mark_lost();
    } catch (const store::StoreError& err) {
      fmt::print(stderr, "{}: recording {} of {}: {}\n", r.log_name, e.kind, r.run_id, err.what());
      stop.mark_lost();  // stop; the lease lapses and the run is tried again
    }
  };
}

void execute_claimed_run(store::Store& store, const store::Run& run, const RunContext& context,
                         PreparedPlans& plans, Executor& executor, RunStop& stop) {
  auto finish = [&](model::Status status, json error) {
    if (stop.lost()) return;
    name_open_files_limit(error, context.open_files_limit);
    try {
      store.finish_run(run.id, context.worker_id, status, error);
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "wfc serve: finishing {}: {}\n", run.id, e.what());
    }
  };

  // Runs of one automation share its prepared plan; a run of its own (POST /runs) prepares one.
  std::string refused;
  std::shared_ptr<const PreparedPlan> prepared = plans.get(run.automation_id, run.plan, &refused);
  if (!prepared) {
    return finish(model::Status::Failed,
                  {{"kind", "plan_invalid"},
                   {"message", "the stored plan was refused, so nothing of it ran: " + refused}});
  }
  const plan::Plan& plan = prepared->plan();

  // A new attempt starts from what the store recorded: of what a dead attempt left, only the
  // outputs of the tasks recorded succeeded are trusted (they were stored before their success
  // was recorded: stored_outputs.h; with the default storage they are the stored copies), the rest
  // goes (docs/store.md).
  fs::path workspace = context.data_dir / "runs" / run.id;
  std::error_code ec;
  clear_workspace(workspace, recorded_outputs(plan, run));
  // Private (0700): a run's inputs and outputs are its caller's, and nobody else's on the host.
  std::string mkdir_error;
  if (!store::create_private_dirs(workspace, &mkdir_error)) {
    return finish(model::Status::Failed,
                  {{"kind", "internal_error"},
                   {"message", fmt::format("cannot create the run's directory: {}", mkdir_error)}});
  }
  // When the storage is not this directory (a bucket), the stored copy is the storage's: this
  // machine's working copy goes when the run ends here, however it ends.
  struct DropWorkspace {
    fs::path dir;
    ~DropWorkspace() {
      std::error_code ignored;
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  } drop{context.storage && !keeps_in_place(*context.storage, run.id, workspace) ? workspace
                                                                                 : fs::path()};

  FileRef input;
  if (plan.node(plan::kRunInput)) {
    // A file this server issued (POST /tasks with a File input) is read where it is, under the
    // access policy widened by an entry for that one file (issued_file.h; docs/security.md).
    std::string source = run.input_url;
    ingest::AccessPolicy access = context.access;
    if (auto issued = ingest::parse_issued_reference(run.input_url)) {
      fs::path local = issued->local_path(context.data_dir);
      if (context.storage && !keeps_in_place(*context.storage, issued->run_id,
                                             context.data_dir / "runs" / issued->run_id)) {
        // Kept elsewhere (a bucket): fetched into the workspace, and read from there.
        local = workspace / ".issued" / fs::path(issued->path).filename();
        if (auto e = fetch_object(*context.storage,
                                  storage::run_file_key(issued->run_id, issued->path), local)) {
          bool missing = e->kind == storage::StorageErrorKind::NotFound;
          return finish(
              model::Status::Failed,
              {{"kind", missing ? "input_not_found" : std::string(e->kind_name())},
               {"message", missing ? fmt::format("the input, file '{}' of run {}, is gone",
                                                 issued->path, issued->run_id)
                                   : fmt::format("the input, file '{}' of run {}, could not be "
                                                 "fetched: {}",
                                                 issued->path, issued->run_id, e->message)}});
        }
      }
      std::string why;
      if (!fs::is_regular_file(fs::symlink_status(local, ec)) ||
          !access.allow_file(local.string(), &why)) {
        return finish(model::Status::Failed,
                      {{"kind", "input_not_found"},
                       {"message", fmt::format("the input, file '{}' of run {}, is gone",
                                               issued->path, issued->run_id)}});
      }
      source = local.string();
    }
    if (source.starts_with("s3://")) {
      // Read through the connection the URL's user names (api: check_input_connection).
      std::string id =
          source.substr(5, source.find('@') == std::string::npos ? 0 : source.find('@') - 5);
      if (!context.connections) {
        return finish(model::Status::Failed,
                      {{"kind", "connection_not_found"},
                       {"message",
                        "the input is read through a connection, and this worker "
                        "knows none"}});
      }
      connections::Downloaded got = connections::download_through(
          *context.connections, id, net::redact_url(source), workspace / ".input",
          context.fetch_limits.max_bytes, access);
      if (got.error) {
        return finish(model::Status::Failed,
                      {{"kind", got.error->kind}, {"message", got.error->message}});
      }
      input.path = got.path;
    } else {
      ingest::FetchResult got =
          ingest::fetch(source, workspace / ".input", context.fetch_limits, access);
      if (!got.ok()) {
        return finish(model::Status::Failed,
                      {{"kind", got.error->kind_name()}, {"message", got.error->message}});
      }
      input.path = got.file.path;
    }
  }
  // The fetch may have taken long: hear of a cancel before starting the work.
  try {
    if (!stop.lost()) {
      store::Lease answer = store.renew_lease(run.id, context.worker_id, context.lease);
      if (answer == store::Lease::CancelRequested) stop.cancel();
      if (answer == store::Lease::Lost) stop.lose();
    }
  } catch (const store::StoreError&) {
    // The lease's keeper tries again.
  }
  if (stop.lost()) return;
  if (stop.cancelled()) {
    return finish(model::Status::Cancelled,
                  {{"kind", "run_cancelled"}, {"message", "the run was cancelled"}});
  }

  SchedulerOptions options;
  options.threads = context.scheduler_threads;
  options.retry = context.retry;
  for (const store::Task& t : run.tasks) options.task_ids.emplace(t.node, t.id);
  options.workspace = workspace;
  options.run_id = run.id;
  // An earlier attempt's successes are not executed again (its worker died after recording
  // them): their outputs are in the workspace, or fetched back from the storage when a child
  // reads them (stored_outputs.h). One whose output this worker cannot reach (kept on the dead
  // worker's own disk: no shared storage) is executed again: its output is needed.
  auto reachable = [&](const std::string& rel) {
    std::error_code ec;
    if (fs::exists(workspace / rel, ec)) return true;
    if (!context.storage) return false;
    auto stat = context.storage->stat(storage::run_file_key(run.id, rel));
    return stat.ok() && stat.value.exists;
  };
  for (const store::Task& t : run.tasks) {
    if (t.status != model::Status::Succeeded || !t.outputs.is_array()) continue;
    DoneTask done;
    for (const json& f : t.outputs) done.outputs.push_back(f);
    if (!done.outputs.empty() && done.outputs.front().is_object() &&
        done.outputs.front().contains("filename") && done.outputs.front()["filename"].is_string()) {
      std::string rel = relative_path(plan, t.node, done.outputs.front()["filename"]);
      if (!reachable(rel)) continue;
      done.path = workspace / rel;
    }
    done.started_at = t.started_at;
    done.finished_at = t.finished_at;
    options.done.emplace(t.node, std::move(done));
  }
  Recording recording;
  recording.run_id = run.id;
  recording.worker_id = context.worker_id;
  recording.input_url = run.input_url;
  recording.files_url = context.files_url;
  recording.open_files_limit = context.open_files_limit;
  recording.task_ended = context.task_ended;
  EventSink sink = recording_sink(store, prepared, std::move(recording), stop);
  // Outputs through the storage, once for every kind (stored_outputs.h).
  std::optional<StoringExecutor> storing;
  if (context.storage) storing.emplace(executor, *context.storage, run.id, workspace);
  Scheduler scheduler(prepared, storing ? static_cast<Executor&>(*storing) : executor, options,
                      sink);
  stop.attach(&scheduler);
  scheduler.run(input);
  stop.attach(nullptr);
}

json succeeded_tasks_json(const store::Run& run) {
  json out = json::array();
  for (const store::Task& t : run.tasks) {
    if (t.status != model::Status::Succeeded) continue;
    out.push_back({{"node", t.node},
                   {"outputs", t.outputs},
                   {"started_at", t.started_at},
                   {"finished_at", t.finished_at}});
  }
  return out;
}

void read_succeeded_tasks(const json& tasks, store::Run& run) {
  if (!tasks.is_array()) return;
  for (const json& t : tasks) {
    if (!t.is_object() || !t.contains("node") || !t["node"].is_string()) continue;
    store::Task task;
    task.node = t["node"];
    task.status = model::Status::Succeeded;
    task.outputs = t.value("outputs", json::array());
    task.started_at = t.value("started_at", int64_t{0});
    task.finished_at = t.value("finished_at", int64_t{0});
    run.tasks.push_back(std::move(task));
  }
}

}  // namespace wfc::exec
