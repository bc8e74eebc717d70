// `wfc worker [--store URL] [--storage URL] [--data DIR] [--concurrency N] [--public-url URL]
// [worker flags]`:
// a node that only executes runs (docs/deploy.md). It claims runs from the store that API nodes
// (`wfc serve`, with --workers 0 or not) queued, executes each in a worker process of its own
// exactly as `wfc serve` does (the same worker pool, worker program and flags: worker_flags.h),
// and renews their leases; it serves no HTTP. Up to --concurrency runs at once. It hears of new
// runs through Store::watch_queue (PostgreSQL's LISTEN/NOTIFY), else by polling.
//
// SIGTERM or SIGINT drains it: it claims nothing more, lets the runs it holds finish, and exits
// 0. A second signal abandons them: their worker processes are killed and their leases released,
// so another worker takes them at once (their attempt is counted); exit 1. It delivers no
// webhooks (an API node does: docs/deploy.md). Every option has an environment variable
// (WFC_STORE, WFC_DATA, WFC_CONCURRENCY, WFC_PUBLIC_URL, and worker_flags.h's).
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "runtime/connections/connection.h"
#include "runtime/exec/worker_pool.h"
#include "runtime/store/open_store.h"
#include "runtime/store/private_files.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime/secrets_flags.h"
#include "tools/wfc/runtime/store_flags.h"
#include "tools/wfc/runtime/worker_flags.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Args {
  StoreFlags store;
  std::string data = "wfc-data";
  int concurrency = 1;
  std::string public_url;
  WorkerFlags worker;
};

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

int work(const Args& args) {
  // Signals go to this thread alone, which sigtimedwait()s: blocked before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string error;
  ::umask(::umask(0) | 077);  // private files, as `wfc serve` (docs/security.md)
  if (!store::create_private_dirs(args.data, &error)) {
    std::cerr << "wfc worker: " << error << "\n";
    return kUsage;
  }
  fs::path data_dir = fs::absolute(args.data);
  std::string url;
  exec::WorkerPoolOptions options;
  if (!resolve_store_url(args.store, data_dir, &url, &error) ||
      !worker_pool_options(args.worker, data_dir, url, args.concurrency, "wfc worker", &options,
                           &error)) {
    std::cerr << "wfc worker: " << error << "\n";
    return kUsage;
  }
  options.log_name = "wfc worker";
  std::unique_ptr<store::Store> store;
  try {
    store = store::open_store(url);
  } catch (const store::StoreError& e) {
    std::cerr << "wfc worker: " << e.what() << "\n";
    return kProblems;
  }
  // Connections' secrets open with the key every node shares (docs/security.md "Connection
  // secrets"): a worker never makes one, which would seal nothing and open nothing. Without it,
  // tasks through a connection fail connection_unusable.
  std::string key_error;
  options.connections =
      opening_connections(*store, args.worker.secrets_key, data_dir, "wfc worker", &key_error);
  if (!key_error.empty()) {
    std::cerr << "wfc worker: warning: " << key_error
              << "; tasks through a connection will fail until the key is given\n";
  }
  // Output files' urls: the API nodes' address (they serve DATA/runs/… or the bucket).
  std::string files_base = args.public_url;
  while (!files_base.empty() && files_base.back() == '/') files_base.pop_back();
  if (files_base.empty()) {
    std::cerr << "wfc worker: warning: no --public-url (WFC_PUBLIC_URL): output files' urls are "
                 "relative (/files/…); give the API nodes' address\n";
  }
  exec::WorkerPool pool(*store, options, [&files_base](const std::string& run_id) {
    return files_base + "/files/" + run_id;
  });
  pool.start();
  std::cerr << fmt::format(
      "wfc worker: {} ({} run(s) at once), store {}, data in {}, outputs in {}\n", pool.worker_id(),
      options.workers, store::redact_store_url(url), data_dir.string(),
      options.storage->describe());

  // First signal: drain; second: abandon. The pool is polled for its end while draining.
  const timespec tick = {0, 100'000'000};
  bool draining = false;
  for (;;) {
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      if (draining) {
        std::cerr << fmt::format(
            "wfc worker: {} again: abandoning {} run(s); their leases are released for another "
            "worker\n",
            signal_name(sig), pool.busy());
        pool.stop();
        return kProblems;
      }
      draining = true;
      std::cerr << fmt::format(
          "wfc worker: {}: draining: claiming nothing more, finishing {} run(s) (send it again "
          "to abandon them)\n",
          signal_name(sig), pool.busy());
      pool.drain();
    }
    if (draining && pool.drained()) break;
  }
  pool.stop();
  std::cerr << "wfc worker: drained; stopping\n";
  return kOk;
}

}  // namespace

void add_worker(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("worker", runtime_summary("worker"));
  add_store_flags(*cmd, &args->store);
  cmd->add_option("--data", args->data,
                  "Directory for the runs' workspaces (and outputs, on local storage)")
      ->envname("WFC_DATA")
      ->capture_default_str();
  cmd->add_option("--concurrency", args->concurrency, "Runs executed at once")
      ->envname("WFC_CONCURRENCY")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--public-url", args->public_url,
                  "Base URL of output files' `url`: the API nodes' address, as their "
                  "--public-url")
      ->envname("WFC_PUBLIC_URL");
  add_worker_flags(*cmd, &args->worker);
  cmd->callback([args, &status] { status = work(*args); });
}

}  // namespace wfc::cli
