// The worker pool that executes queued runs (see worker_pool.h).
#include "runtime/exec/worker_pool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "runtime/exec/media_executor.h"
#include "runtime/model/ids.h"
#include "runtime/store/private_files.h"
#include "runtime/store/wire_json.h"

namespace wfc::exec {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Worker ids this data directory may have used: one per thread, and a restart may run fewer.
constexpr int kReleasedIds = 64;
// Worker id slots of one data directory (processes sharing it at once, e.g. `wfc serve` and
// several `wfc worker`s on one host).
constexpr int kSlots = 64;

std::string thread_id(const std::string& base, int i) { return base + "." + std::to_string(i); }

// The worker id of the first slot of `data_dir` no live process holds: DATA/worker_id (slot 0,
// the file of earlier versions) or DATA/worker_id.N, made on first use and held under an flock
// that the kernel releases when the process ends, however it ends. *lock is the descriptor to
// keep; -1 when no slot could be taken (all held, or the directory is not writable), and the id
// is then new and unlike any earlier one, with no previous life to release.
std::string take_slot(const fs::path& data_dir, int* lock) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  for (int n = 0; n < kSlots; ++n) {
    fs::path file = data_dir / (n == 0 ? std::string("worker_id") : fmt::format("worker_id.{}", n));
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) break;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    char buf[64] = {};
    ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string id(buf, got > 0 ? static_cast<size_t>(got) : 0);
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (!model::is_id(id, "wkr")) {
      id = model::new_id("wkr");
      std::string line = id + "\n";
      if (::ftruncate(fd, 0) != 0 ||
          ::pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
        ::close(fd);
        break;
      }
    }
    *lock = fd;
    return id;
  }
  *lock = -1;
  return model::new_id("wkr");
}

// Renews one run's lease when it is due: what both ways of executing a run (a worker process,
// this thread) do while the run goes on. The renewal period is at most a third of the lease.
class LeaseKeeper {
 public:
  LeaseKeeper(store::Store& store, const std::string& run_id, const std::string& worker_id,
              std::chrono::milliseconds lease, std::chrono::milliseconds renew,
              const std::string& log_name)
      : store_(store),
        log_name_(log_name),
        run_id_(run_id),
        worker_id_(worker_id),
        lease_(lease),
        renew_(std::min(renew, lease / 3)),
        next_(std::chrono::steady_clock::now() + renew_) {}

  /// The store's answer when a renewal was due, Held otherwise. A store error is Held too: the
  /// next call tries again, and if the database stays broken the lease lapses.
  store::Lease tick() {
    auto now = std::chrono::steady_clock::now();
    if (now < next_) return store::Lease::Held;
    next_ = now + renew_;
    try {
      return store_.renew_lease(run_id_, worker_id_, lease_);
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "{}: renewing the lease of {}: {}\n", log_name_, run_id_, e.what());
      return store::Lease::Held;
    }
  }

 private:
  store::Store& store_;
  const std::string& log_name_;
  const std::string& run_id_;
  const std::string& worker_id_;
  const std::chrono::milliseconds lease_, renew_;
  std::chrono::steady_clock::time_point next_;
};

}  // namespace

WorkerPool::WorkerPool(store::Store& store, WorkerPoolOptions options, FilesUrl files_url,
                       TaskEnded task_ended)
    : store_(store),
      options_(std::move(options)),
      files_url_(std::move(files_url)),
      task_ended_(std::move(task_ended)),
      plans_(options_.predicates) {}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(waker_->mu);
    waker_->pool = nullptr;  // the store may outlive the pool and still hear NOTIFYs
  }
  stop();
  if (slot_lock_ >= 0) ::close(slot_lock_);
}

void WorkerPool::start() {
  if (base_id_.empty()) {
    base_id_ = take_slot(options_.data_dir, &slot_lock_);
    int released = 0;
    try {
      for (int i = 0; slot_lock_ >= 0 && i < kReleasedIds; ++i) {
        released += store_.release_worker(thread_id(base_id_, i));
      }
    } catch (const store::StoreError& e) {
      fmt::print(stderr,
                 "{}: releasing the leases of the previous process (they lapse instead): {}\n",
                 options_.log_name, e.what());
    }
    if (released) {
      fmt::print(stderr, "{}: resuming {} run(s) interrupted in the previous process\n",
                 options_.log_name, released);
    }
  }
  stopping_ = false;
  draining_ = false;
  {
    std::lock_guard lock(waker_->mu);
    waker_->pool = this;
  }
  if (!watching_) {
    // Runs queued by other processes on the same database (PostgreSQL's NOTIFY) wake a worker
    // as this process's own creations do.
    watching_ = true;
    store_.watch_queue([w = waker_] {
      std::lock_guard lock(w->mu);
      if (w->pool) w->pool->wake();
    });
  }
  for (int i = 0; i < options_.workers; ++i) {
    ++running_;
    threads_.emplace_back([this, id = thread_id(base_id_, i)] {
      loop(id);
      --running_;
    });
  }
}

void WorkerPool::drain() {
  {
    std::lock_guard lock(mu_);
    draining_ = true;
  }
  cv_.notify_all();
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
  while (!stopping_ && !draining_) {
    uint64_t seen;
    {
      std::lock_guard lock(mu_);
      seen = wakes_;
    }
    std::optional<store::Run> run;
    try {
      run = store_.claim_run(worker_id, options_.lease);
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "{}: worker {}: {}\n", options_.log_name, worker_id, e.what());
    }
    if (run) {
      ++busy_;
      execute(*run, worker_id);
      --busy_;
      continue;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll, [&] { return stopping_ || draining_ || wakes_ != seen; });
  }
}

void WorkerPool::execute(const store::Run& run, const std::string& worker_id) {
  if (options_.process.program.empty()) return execute_in_process(run, worker_id);

  // The run goes to a worker process on its standard input (its plan is large for argv); the
  // process writes one line per ended task on its standard output, for the metrics.
  std::string error;
  auto child = WorkerProcess::start(
      options_.process, {"--worker", worker_id, "--files-url", files_url_(run.id)}, &error);
  if (!child) {
    fmt::print(stderr, "{}: {}: {}\n", options_.log_name, run.id, error);
    try {
      store_.finish_run(run.id, worker_id, model::Status::Failed,
                        {{"kind", "internal_error"}, {"message", error}});
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "{}: finishing {}: {}\n", options_.log_name, run.id, e.what());
    }
    return;
  }
  json claimed = {{"id", run.id},
                  {"automation_id", run.automation_id},
                  {"input_url", run.input_url},
                  {"plan", run.plan},
                  {"succeeded_tasks", succeeded_tasks_json(run)}};
  child->send(claimed.dump());  // if it is gone already, how it ended tells why

  auto task_line = [this](std::string_view line) {  // "KIND\tSTATUS\tSECONDS"
    if (!task_ended_) return;
    auto tab1 = line.find('\t'), tab2 = line.rfind('\t');
    if (tab1 == std::string_view::npos || tab2 == tab1) return;
    try {
      task_ended_(line.substr(0, tab1), line.substr(tab1 + 1, tab2 - tab1 - 1),
                  std::stod(std::string(line.substr(tab2 + 1))));
    } catch (const std::exception&) {
    }
  };
  LeaseKeeper keeper(store_, run.id, worker_id, options_.lease, options_.renew, options_.log_name);
  std::optional<std::chrono::steady_clock::time_point> terminated;  // when SIGTERM was sent
  bool abandoned = false;  // the server stops or the lease is lost: write nothing more
  bool killed = false;     // SIGKILL sent after the grace period
  std::optional<int> status;
  while (!(status = child->ended())) {
    child->read_lines(std::chrono::milliseconds(100), task_line);
    auto now = std::chrono::steady_clock::now();
    if (stopping_ && !abandoned) {
      abandoned = true;  // shutting down: abandon the run; the next start resumes it
      child->signal(SIGKILL);
    } else if (!abandoned) {
      store::Lease answer = keeper.tick();
      if (answer == store::Lease::Lost) {
        abandoned = true;
        child->signal(SIGKILL);
      } else if (answer == store::Lease::CancelRequested && !terminated) {
        terminated = now;
        child->signal(SIGTERM);  // it cancels its scheduler and records the run cancelled
      }
    }
    if (terminated && !abandoned && !killed && now - *terminated >= options_.process.grace) {
      killed = true;  // once: the host would relay every repeat
      child->signal(SIGKILL);
    }
  }
  // What it wrote last (a line per task) is still in the socket.
  for (int i = 0; i < 100; ++i) child->read_lines(std::chrono::milliseconds(0), task_line);
  if (abandoned) return;
  if (terminated && WIFSIGNALED(*status) &&
      (WTERMSIG(*status) == SIGKILL || WTERMSIG(*status) == SIGTERM)) {
    // Cancelled, and it did not record that within the grace period.
    try {
      store_.finish_run(run.id, worker_id, model::Status::Cancelled,
                        {{"kind", "run_cancelled"}, {"message", "the run was cancelled"}});
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "{}: finishing {}: {}\n", options_.log_name, run.id, e.what());
    }
    return;
  }
  if (WIFEXITED(*status) && WEXITSTATUS(*status) == kExitStoreUnavailable) {
    fmt::print(stderr,
               "{}: {}: its worker process could not open the store (its log says why): the "
               "lease lapses and the run is tried again\n",
               options_.log_name, run.id);
  }
  if (auto failure = describe_exit(*status, child->cpu_seconds(), options_.process.limits)) {
    record_exit(run, worker_id, *failure);
  }
}

void WorkerPool::record_exit(const store::Run& run, const std::string& worker_id,
                             const ExitError& error) {
  try {
    std::optional<store::Run> now = store_.get_run(run.id);
    if (!now || model::is_terminal(now->status) || now->worker_id != worker_id) return;
    // The tasks it was executing are the ones to blame; the others had not started.
    std::vector<const store::Task*> running, waiting;
    for (const store::Task& t : now->tasks) {
      if (model::is_terminal(t.status)) continue;
      (t.status == model::Status::Processing ? running : waiting).push_back(&t);
    }
    std::string names;
    for (const store::Task* t : running) {
      names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", t->kind, t->node);
    }
    std::string message =
        running.empty()
            ? fmt::format("before any task started, {}", error.what)
            : fmt::format("task{} {}: {}", running.size() > 1 ? "s" : "", names, error.what);
    message += "; not retried: the same input would do it again";
    int64_t at = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    auto fail = [&](const store::Task& t, const std::string& text) {
      json data = store::to_json(t);
      data["status"] = "failed";
      data["error"] = {{"kind", error.kind}, {"message", text}};
      data["finished_at"] = at;
      data["updated_at"] = at;
      store_.apply_event(run.id, worker_id, "task.failed", data);
    };
    for (const store::Task* t : running) fail(*t, message);
    for (const store::Task* t : waiting) fail(*t, "not run: " + message);
    fmt::print(stderr, "{}: {}: {}\n", options_.log_name, run.id, message);
    store_.finish_run(run.id, worker_id, model::Status::Failed,
                      {{"kind", error.kind}, {"message", message}});
  } catch (const store::StoreError& e) {
    fmt::print(stderr, "{}: recording how the worker of {} ended: {}\n", options_.log_name, run.id,
               e.what());
  }
}

void WorkerPool::execute_in_process(const store::Run& run, const std::string& worker_id) {
  // The lease's keeper: renews it, hears of a cancel, and notices a shutdown.
  RunStop stop;
  struct {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  } shared;
  std::thread lease([&] {
    std::unique_lock lock(shared.mu);
    LeaseKeeper keeper(store_, run.id, worker_id, options_.lease, options_.renew,
                       options_.log_name);
    while (!shared.done) {
      shared.cv.wait_for(lock, std::chrono::milliseconds(200));  // often, to notice a shutdown
      if (shared.done) break;
      if (stopping_) {
        stop.lose();  // shutting down: abandon the run, write nothing more
      } else {
        store::Lease answer = keeper.tick();
        if (answer == store::Lease::CancelRequested) stop.cancel();
        if (answer == store::Lease::Lost) stop.lose();
      }
      stop.poll();
    }
  });

  RunContext context;
  context.worker_id = worker_id;
  context.data_dir = options_.data_dir;
  context.scheduler_threads = options_.scheduler_threads;
  context.retry = options_.retry;
  context.access = options_.access;
  context.fetch_limits = options_.fetch_limits;
  context.lease = options_.lease;
  context.files_url = files_url_(run.id);
  context.task_ended = task_ended_;
  context.connections = options_.connections.get();
  context.storage = options_.storage;
  MediaExecutor executor(options_.access, options_.fetch_limits, options_.ai,
                         options_.media_limits);
  executor.use_connections(options_.connections.get());
  execute_claimed_run(store_, run, context, plans_, executor, stop);

  {
    std::lock_guard lock(shared.mu);
    shared.done = true;
  }
  shared.cv.notify_all();
  lease.join();
}

}  // namespace wfc::exec
