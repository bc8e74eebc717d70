// The worker pool that executes queued runs (see worker_pool.h).
#include "runtime/exec/worker_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <unordered_map>

#include "compiler/plan/plan.h"
#include "runtime/exec/media_executor.h"
#include "runtime/exec/scheduler.h"
#include "runtime/ingest/fetch.h"
#include "runtime/model/ids.h"
#include "runtime/store/private_files.h"

namespace wfc::exec {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Worker ids this data directory may have used: one per thread, and a restart may run fewer.
constexpr int kReleasedIds = 64;

std::string thread_id(const std::string& base, int i) { return base + "." + std::to_string(i); }

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

// Gives each output File object of a task object its download `url` and a stable `id`.
void annotate_outputs(json& task, const plan::Plan& plan, const std::string& run_id,
                      const std::string& files_url) {
  if (!task.is_object() || !task.contains("outputs") || !task["outputs"].is_array()) return;
  std::string node = task.value("node", "");
  for (json& file : task["outputs"]) {
    if (!file.is_object() || !file.contains("filename") || !file["filename"].is_string()) continue;
    std::string rel = relative_path(plan, node, file["filename"].get<std::string>());
    file["url"] = files_url + "/" + rel;
    if (!file.contains("id")) {
      file["id"] = "file_" + store::hash_secret(run_id + "/" + rel).substr(0, 16);
    }
  }
}

}  // namespace

WorkerPool::WorkerPool(store::Store& store, WorkerPoolOptions options, FilesUrl files_url,
                       TaskEnded task_ended)
    : store_(store),
      options_(std::move(options)),
      files_url_(std::move(files_url)),
      task_ended_(std::move(task_ended)),
      plans_(options_.predicates) {}

WorkerPool::~WorkerPool() { stop(); }

std::string WorkerPool::stable_id(const fs::path& data_dir) {
  fs::path file = data_dir / "worker_id";
  std::string id;
  std::ifstream(file) >> id;
  if (model::is_id(id, "wkr")) return id;
  id = model::new_id("wkr");
  fs::create_directories(data_dir);
  std::ofstream(file, std::ios::trunc) << id << "\n";
  return id;
}

void WorkerPool::start() {
  base_id_ = stable_id(options_.data_dir);
  int released = 0;
  for (int i = 0; i < kReleasedIds; ++i) released += store_.release_worker(thread_id(base_id_, i));
  if (released) {
    fmt::print(stderr, "wfc serve: resuming {} run(s) interrupted in the previous process\n",
               released);
  }
  stopping_ = false;
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this, id = thread_id(base_id_, i)] { loop(id); });
  }
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (!threads_.empty()) {
    for (int i = 0; i < options_.workers; ++i) {
      try {
        store_.release_worker(thread_id(base_id_, i));
      } catch (const store::StoreError&) {
        // The leases lapse on their own.
      }
    }
  }
  threads_.clear();
}

void WorkerPool::wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_one();
}

void WorkerPool::loop(const std::string& worker_id) {
  while (!stopping_) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      seen = wakes_;
    }
    std::optional<store::Run> run;
    try {
      run = store_.claim_run(worker_id, options_.lease);
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "wfc serve: worker {}: {}\n", worker_id, e.what());
    }
    if (run) {
      execute(*run, worker_id);
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll, [&] { return stopping_ || wakes_ != seen; });
  }
}

void WorkerPool::execute(const store::Run& run, const std::string& worker_id) {
  // State the lease thread and the event sink share. The sink runs on scheduler threads and
  // must not call back into the scheduler (scheduler.h), so it only sets `lost`; the lease
  // thread does the cancelling.
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    Scheduler* scheduler = nullptr;
    bool done = false, stopped = false;
    std::atomic<bool> cancel{false}, lost{false};
  } shared;
  auto stop_if_asked = [&shared] {  // under shared.mu
    if ((shared.cancel || shared.lost) && shared.scheduler && !shared.stopped) {
      shared.stopped = true;
      shared.scheduler->cancel();
    }
  };
  std::thread lease([&] {
    std::unique_lock lock(shared.mu);
    // Wakes often to notice a shutdown; renews every `renew`.
    auto renew = std::min(options_.renew, options_.lease / 3);
    auto next_renewal = std::chrono::steady_clock::now() + renew;
    while (!shared.done) {
      shared.cv.wait_for(lock, std::chrono::milliseconds(200));
      if (shared.done) break;
      if (stopping_) {
        shared.lost = true;  // shutting down: abandon the run, write nothing more
      } else if (std::chrono::steady_clock::now() >= next_renewal) {
        next_renewal = std::chrono::steady_clock::now() + renew;
        try {
          store::Lease answer = store_.renew_lease(run.id, worker_id, options_.lease);
          if (answer == store::Lease::CancelRequested) shared.cancel = true;
          if (answer == store::Lease::Lost) shared.lost = true;
        } catch (const store::StoreError& e) {
          // Try again next time; if the database stays broken the lease lapses.
          fmt::print(stderr, "wfc serve: renewing the lease of {}: {}\n", run.id, e.what());
        }
      }
      stop_if_asked();
    }
  });
  auto finish = [&](model::Status status, json error) {
    if (shared.lost) return;
    try {
      store_.finish_run(run.id, worker_id, status, error);
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "wfc serve: finishing {}: {}\n", run.id, e.what());
    }
  };
  auto end = [&] {
    {
      std::lock_guard lock(shared.mu);
      shared.done = true;
    }
    shared.cv.notify_all();
    lease.join();
  };

  // A new attempt starts from nothing: what a dead attempt left is not trusted (docs/store.md).
  fs::path workspace = options_.data_dir / "runs" / run.id;
  std::error_code ec;
  fs::remove_all(workspace, ec);
  // Private (0700): a run's inputs and outputs are its caller's, and nobody else's on the host.
  std::string mkdir_error;
  if (!store::create_private_dirs(workspace, &mkdir_error)) {
    finish(model::Status::Failed,
           {{"kind", "internal_error"},
            {"message", fmt::format("cannot create the run's directory: {}", mkdir_error)}});
    return end();
  }
  // Runs of one automation share its prepared plan; a run of its own (POST /runs) prepares one.
  std::string refused;
  std::shared_ptr<const PreparedPlan> prepared = plans_.get(run.automation_id, run.plan, &refused);
  if (!prepared) {
    finish(model::Status::Failed,
           {{"kind", "plan_invalid"},
            {"message", "the stored plan was refused, so nothing of it ran: " + refused}});
    return end();
  }
  const plan::Plan& plan = prepared->plan();

  FileRef input;
  if (plan.node(plan::kRunInput)) {
    ingest::FetchResult got =
        ingest::fetch(run.input_url, workspace / ".input", options_.fetch_limits, options_.access);
    if (!got.ok()) {
      finish(model::Status::Failed,
             {{"kind", got.error->kind_name()}, {"message", got.error->message}});
      return end();
    }
    input.path = got.file.path;
  }
  // The fetch may have taken long: hear of a cancel before starting the work.
  try {
    if (!shared.lost) {
      store::Lease answer = store_.renew_lease(run.id, worker_id, options_.lease);
      if (answer == store::Lease::CancelRequested) shared.cancel = true;
      if (answer == store::Lease::Lost) shared.lost = true;
    }
  } catch (const store::StoreError&) {
    // The lease thread keeps trying.
  }
  if (shared.lost) return end();
  if (shared.cancel) {
    finish(model::Status::Cancelled,
           {{"kind", "run_cancelled"}, {"message", "the run was cancelled"}});
    return end();
  }

  std::string files_url = files_url_(run.id);
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> started;
  MediaExecutor executor(options_.access, options_.fetch_limits, options_.ai,
                         options_.media_limits);
  SchedulerOptions options;
  options.threads = options_.scheduler_threads;
  options.workspace = workspace;
  options.run_id = run.id;
  auto sink = [&](const Event& e) {
    if (shared.lost) return;
    json data = e.data;
    if (e.kind.starts_with("task.")) {
      annotate_outputs(data, plan, run.id, files_url);
      std::string node = data.value("node", "");
      std::string status = data.value("status", "");
      auto now = std::chrono::steady_clock::now();
      if (status == "processing") started.emplace(node, now);
      if (status == "succeeded" || status == "failed") {
        auto it = started.find(node);
        if (it != started.end() && task_ended_) {
          task_ended_(data.value("kind", ""), status,
                      std::chrono::duration<double>(now - it->second).count());
        }
      }
    } else if (data.contains("tasks") && data["tasks"].is_array()) {
      for (json& t : data["tasks"]) annotate_outputs(t, plan, run.id, files_url);
    }
    try {
      if (!store_.apply_event(run.id, worker_id, e.kind, data)) shared.lost = true;
    } catch (const store::StoreError& err) {
      fmt::print(stderr, "wfc serve: recording {} of {}: {}\n", e.kind, run.id, err.what());
      shared.lost = true;  // stop; the lease lapses and the run is tried again
    }
  };
  Scheduler scheduler(prepared, executor, options, sink);
  {
    std::lock_guard lock(shared.mu);
    shared.scheduler = &scheduler;
    stop_if_asked();
  }
  scheduler.run(input);
  {
    std::lock_guard lock(shared.mu);
    shared.scheduler = nullptr;
  }
  end();
}

}  // namespace wfc::exec
