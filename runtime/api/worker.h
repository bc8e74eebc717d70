// The workers that execute queued runs (docs/api.md "Workers"). Each of Config::workers threads
// claims a run from the store with a lease, fetches the run's input under the server's
// AccessPolicy into DATA/runs/<run id>/, runs the stored plan with exec::Scheduler and the
// MediaExecutor, and writes every scheduler event through store.apply_event. A second thread
// per run renews the lease: a cancel request cancels the scheduler; a lost lease stops the run
// and nothing more is written (another worker has it). The worker id is stable per data
// directory, so a restarted server releases its previous life's leases and resumes at once.
// External interface: WorkerPool.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/api/metrics.h"
#include "runtime/api/server.h"
#include "runtime/store/store.h"

namespace wfc::api {

class WorkerPool {
 public:
  /// `files_url(run_id)`: the URL prefix of a run's files ("http://…/files/run_…").
  WorkerPool(store::Store& store, const Config& config, Metrics& metrics,
             std::function<std::string(const std::string&)> files_url);
  ~WorkerPool();

  /// Releases the leases of this data directory's previous process, then starts the threads.
  void start();
  /// Stops the threads. Runs in progress are abandoned unwritten and their leases released, so
  /// the next start (or another server) takes them again at once.
  void stop();
  /// A run was queued: an idle worker claims it now rather than at its next poll.
  void wake();

  /// The worker id kept in DATA/worker_id (made on first use).
  static std::string stable_id(const std::filesystem::path& data_dir);

 private:
  void loop(const std::string& worker_id);
  void execute(const store::Run& run, const std::string& worker_id);

  store::Store& store_;
  const Config& config_;
  Metrics& metrics_;
  std::function<std::string(const std::string&)> files_url_;
  std::string base_id_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;
};

}  // namespace wfc::api
