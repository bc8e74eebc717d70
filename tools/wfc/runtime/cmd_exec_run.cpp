// `wfc-runtime exec-run --data DIR --worker ID --files-url URL [--store URL] [--threads N]
// [--lease-ms N] [access, AI and --media-limit flags]`: hidden; the worker process `wfc serve` and
// `wfc worker` start for each run they claim, given the store in WFC_STORE (store_flags.h) so
// that its password is in no argv (runtime/exec/run_process.h, docs/runtime.md "Worker processes"),
// or the same run in a process the worker host forked (exec_run_main, cmd_worker_host.cpp). It
// reads the claimed run (JSON: id, automation_id, input_url, plan, succeeded_tasks) on standard
// input, opens the store itself, and executes the run as a pool thread would
// (runtime/exec/run_execution.h), writing its events under the parent's worker id while the parent
// keeps the lease. On standard output it writes a line `KIND\tSTATUS\tSECONDS` per ended task, for
// the server's metrics. SIGTERM cancels the run (the parent relays a cancel request). The parent
// set its limits (setrlimit) before exec; std::bad_alloc anywhere, on any thread, exits with
// kExitOutOfMemory so the parent can tell the address-space limit from a crash. Exit: 0 the run was
// recorded to its end, kExitLeaseLost the store refused its writes, kExitStoreUnavailable the store
// could not be opened, 2 bad arguments.
// `--storage URL` (WFC_STORAGE; storage_flags.h) is where the run's outputs are kept; the bucket's
// credentials come in the environment only.
//
// For the tests only: WFC_TEST_WORKER_FAULT=FAULT:KIND makes the first task of kind KIND, as it
// starts, crash for real inside the worker: `segv` raises SIGSEGV, `abort` aborts, `alloc`
// allocates (and touches) memory until the address-space limit refuses it, `spin` computes until
// the CPU time limit stops it, `fds` opens (and leaks) files until the open-file limit refuses one
// and then lets the task do its real work, which finds no descriptor left, `hang` waits until the
// process is killed (a worker lost mid-run), `gate=PATH` waits until PATH exists and then does the
// task's real work (a run held while the test signals its worker). Nothing else reads it.
#include <fcntl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

#include "compiler/catalog/catalog.h"
#include "runtime/exec/media_executor.h"
#include "runtime/exec/run_execution.h"
#include "runtime/exec/run_process.h"
#include "runtime/store/open_store.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/access_flags.h"
#include "tools/wfc/runtime/ai_flags.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime/limit_flags.h"
#include "tools/wfc/runtime/secrets_flags.h"
#include "tools/wfc/runtime/storage_flags.h"
#include "tools/wfc/runtime/store_flags.h"
#include "tools/wfc/runtime/worker_flags.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Args {
  StoreFlags store;
  int64_t lease_ms = 30'000;
  std::string data;
  std::string worker;
  std::string files_url;
  unsigned threads = 0;
  exec::RetryPolicy retry;
  AccessFlags access;
  std::string ai_config;
  std::vector<std::string> media_limits;
  std::string secrets_key;  // the key's file; else WFC_SECRETS_KEY, else DATA/secrets-key
  std::string storage;
};

// std::bad_alloc that nothing caught (a scheduler thread's, say) ends here, as does any other
// uncaught exception: the first is the address-space limit, the second a crash.
[[noreturn]] void on_terminate() {
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      ::_exit(exec::kExitOutOfMemory);
    } catch (...) {
    }
  }
  std::abort();
}

// The test-only fault (see the top of this file), wrapped around the real executor.
class FaultingExecutor : public exec::Executor {
 public:
  FaultingExecutor(exec::Executor& inner, std::string fault, std::string kind)
      : inner_(inner), fault_(std::move(fault)), kind_(std::move(kind)) {}
  std::optional<nlohmann::json> probe(const fs::path& path, exec::TaskError* error) override {
    return inner_.probe(path, error);
  }
  std::vector<exec::NodeResult> execute(const exec::Work& work) override {
    for (const plan::Node* n : work.nodes) {
      if (n->op == kind_) crash();
    }
    return inner_.execute(work);
  }
  bool serves_chained_members() const override { return inner_.serves_chained_members(); }

 private:
  void crash() {
    if (fault_ == "segv") ::raise(SIGSEGV);
    if (fault_ == "abort") std::abort();
    if (fault_ == "alloc") {
      std::vector<std::unique_ptr<char[]>> held;
      for (;;) {
        held.emplace_back(new char[64 << 20]);
        std::memset(held.back().get(), 1, 64 << 20);
      }
    }
    if (fault_ == "spin") {
      volatile uint64_t x = 0;
      for (;;) x = x * 6364136223846793005ull + 1;
    }
    if (fault_ == "fds") {
      while (::open("/dev/null", O_RDONLY | O_CLOEXEC) >= 0) {
      }
    }
    if (fault_ == "hang") {
      for (;;) ::pause();
    }
    if (fault_.rfind("gate=", 0) == 0) {
      while (::access(fault_.c_str() + 5, F_OK) != 0) ::usleep(20'000);
    }
  }
  exec::Executor& inner_;
  std::string fault_, kind_;
};

// Whether the plan has a kind the intelligence engines execute. Only then are they built: the
// local classifier reads its model when built, which cost a worker process more than the rest of
// its work for a small run (docs/benchmarks.md, "Worker processes"); without them an intelligence
// kind fails with the reason, so a wrong answer here shows.
bool needs_engines(const nlohmann::json& plan) {
  const catalog::Catalog& kinds = catalog::Catalog::builtin();
  if (!plan.contains("nodes") || !plan["nodes"].is_array()) return true;
  for (const nlohmann::json& node : plan["nodes"]) {
    if (!node.is_object() || !node.contains("op") || !node["op"].is_string()) return true;
    const catalog::KindSpec* kind = kinds.kind(node["op"].get<std::string>());
    if (kind && kind->execution.engine == catalog::Execution::Engine::Intelligence) return true;
  }
  return false;
}

int exec_run(const Args& args) {
  std::set_terminate(on_terminate);
  ::umask(::umask(0) | 077);  // as the server's: private files (docs/security.md)
  // SIGTERM is heard by one thread, which cancels the run; SIGUSR2 wakes it at the run's end
  // (rather than its next tick: a small run's worker would wait for it).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  nlohmann::json claimed = nlohmann::json::parse(text, nullptr, false);
  if (!claimed.is_object() || !claimed.contains("id") || !claimed.contains("plan")) {
    std::cerr << "wfc exec-run: expected the claimed run as JSON on standard input\n";
    return kUsage;
  }
  store::Run run;
  run.id = claimed.value("id", "");
  run.automation_id = claimed.value("automation_id", "");
  run.input_url = claimed.value("input_url", "");
  run.plan = claimed["plan"];
  exec::read_succeeded_tasks(claimed.value("succeeded_tasks", nlohmann::json::array()), run);

  exec::RunContext context;
  context.worker_id = args.worker;
  context.data_dir = args.data;
  context.scheduler_threads = args.threads;
  context.retry = args.retry;
  context.files_url = args.files_url;
  context.lease = std::chrono::milliseconds(args.lease_ms);
  struct rlimit files {};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    context.open_files_limit = files.rlim_cur;  // the parent's --worker-files
  }
  std::string error;
  if (!access_policy(args.access, &context.access, &error)) {
    std::cerr << "wfc exec-run: " << error << "\n";
    return kUsage;
  }
  context.storage = open_storage_flag(args.storage, context.data_dir, "wfc exec-run");
  if (!context.storage) return kUsage;
  std::shared_ptr<const ai::Engines> engines;
  if (needs_engines(run.plan)) {
    engines = ai_engines(args.ai_config, "wfc exec-run");
    if (!engines) return kUsage;
  }
  std::mutex out;
  context.task_ended = [&out](std::string_view kind, std::string_view status, double seconds) {
    std::lock_guard lock(out);
    std::cout << fmt::format("{}\t{}\t{:.6f}\n", kind, status, seconds) << std::flush;
  };

  std::unique_ptr<store::Store> store;
  try {
    std::string url;
    if (!resolve_store_url(args.store, args.data, &url, &error)) {
      std::cerr << "wfc exec-run: " << error << "\n";
      return kUsage;
    }
    store = store::open_store(url);
  } catch (const store::StoreError& e) {
    std::cerr << "wfc exec-run: " << e.what() << "\n";
    return exec::kExitStoreUnavailable;  // nothing written: the run is tried again
  }

  exec::RunStop stop;
  std::atomic<bool> finished{false};
  std::thread listener([&] {
    timespec tick = {0, 200'000'000};
    while (!finished) {
      if (sigtimedwait(&signals, nullptr, &tick) == SIGTERM) stop.cancel();
      stop.poll();  // the sink may have marked the run lost
    }
  });
  exec::MediaExecutor media(context.access, context.fetch_limits, engines,
                            media_limits(args.media_limits));
  // Connections' secrets open with the server's key (never made here: the server made it). A
  // key that cannot be had fails only the tasks that use a connection, naming why.
  std::string key_error;
  auto key = secrets_key(args.secrets_key, args.data, false, &key_error);
  connections::StoredConnections stored(*store, key, key_error);
  media.use_connections(&stored);
  context.connections = &stored;
  std::unique_ptr<exec::Executor> faulting;
  exec::Executor* executor = &media;
  if (const char* fault = std::getenv("WFC_TEST_WORKER_FAULT")) {
    std::string spec = fault;
    auto colon = spec.rfind(':');  // a gate's PATH may hold one
    if (colon != std::string::npos) {
      faulting =
          std::make_unique<FaultingExecutor>(media, spec.substr(0, colon), spec.substr(colon + 1));
      executor = faulting.get();
    }
  }
  exec::PreparedPlans plans;
  exec::execute_claimed_run(*store, run, context, plans, *executor, stop);
  finished = true;
  pthread_kill(listener.native_handle(), SIGUSR2);
  listener.join();
  return stop.lost() ? exec::kExitLeaseLost : kOk;
}

}  // namespace

void add_exec_run(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("exec-run", "Execute one claimed run (wfc serve's workers)");
  cmd->group("");  // hidden: `wfc serve` starts it
  add_store_flags(*cmd, &args->store);
  cmd->add_option("--lease-ms", args->lease_ms, "The lease the parent keeps, in milliseconds");
  cmd->add_option("--data", args->data, "The data directory")->required();
  cmd->add_option("--worker", args->worker, "The worker id holding the run's lease")->required();
  cmd->add_option("--files-url", args->files_url, "URL prefix of the run's files");
  cmd->add_option("--threads", args->threads, "Threads per run (default: one per core)");
  add_access_flags(*cmd, &args->access);
  add_ai_flags(*cmd, &args->ai_config);
  add_limit_flags(*cmd, &args->media_limits);
  add_secrets_flags(*cmd, &args->secrets_key);
  add_storage_flag(*cmd, &args->storage);
  add_retry_flags(*cmd, &args->retry);
  cmd->callback([args, &status] {
    try {
      status = exec_run(*args);
    } catch (const std::bad_alloc&) {
      ::_exit(exec::kExitOutOfMemory);
    }
  });
}

int exec_run_main(const std::vector<std::string>& args) {
  CLI::App app{"wfc-runtime", "wfc-runtime"};
  app.require_subcommand(1);
  int status = kOk;
  add_exec_run(app, status);
  std::vector<std::string> words = {"wfc-runtime", "exec-run"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return run_app(app, static_cast<int>(words.size()), argv.data(), status);
}

}  // namespace wfc::cli
