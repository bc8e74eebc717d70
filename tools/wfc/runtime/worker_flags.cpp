// The flags and the worker pool set-up `wfc serve` and `wfc worker` share (worker_flags.h).
#include "tools/wfc/runtime/worker_flags.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "runtime/ai/config.h"
#include "runtime/ai/engines/engines.h"
#include "runtime/exec/worker_host.h"
#include "tools/wfc/runtime/ai_flags.h"
#include "tools/wfc/runtime/limit_flags.h"
#include "tools/wfc/runtime/secrets_flags.h"
#include "tools/wfc/runtime/storage_flags.h"

namespace wfc::cli {

namespace fs = std::filesystem;

void add_worker_flags(CLI::App& cmd, WorkerFlags* flags) {
  cmd.add_option("--threads", flags->threads, "Threads per run (default: one per core)");
  // The worker processes' limits (runtime/exec/run_process.h, docs/runtime.md); 0: none.
  cmd.add_option("--worker-memory", flags->limits.address_space,
                 "Address space of each run's worker process (RLIMIT_AS), e.g. 8GiB; 0: none")
      ->envname("WFC_WORKER_MEMORY")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("8GiB");
  cmd.add_option("--worker-cpu", flags->limits.cpu_seconds,
                 "CPU seconds of each run's worker process, all threads (RLIMIT_CPU); 0: none")
      ->envname("WFC_WORKER_CPU")
      ->capture_default_str();
  cmd.add_option("--worker-files", flags->limits.open_files,
                 "Open files of each run's worker process (RLIMIT_NOFILE); 0: inherited")
      ->envname("WFC_WORKER_FILES")
      ->check(
          [](const std::string& value) -> std::string {
            char* end = nullptr;
            unsigned long long n = std::strtoull(value.c_str(), &end, 10);
            if (end == value.c_str() || *end != '\0' || n == 0 || n >= exec::kMinOpenFiles)
              return "";
            return fmt::format(
                "{} open files are too few: a worker process needs at least {} (its database, "
                "the run's input and outputs); 0 keeps the inherited limit",
                value, exec::kMinOpenFiles);
          },
          "at least 16, or 0")
      ->capture_default_str();
  cmd.add_option("--worker-file-size", flags->limits.file_size,
                 "Largest file a run's worker process may write, each output and the "
                 "database's files (RLIMIT_FSIZE), e.g. 64GiB; 0: none")
      ->envname("WFC_WORKER_FILE_SIZE")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("64GiB");
  cmd.add_option("--worker-start", flags->worker_start,
                 "How each run's worker process starts: host (forked by a pre-started worker "
                 "host, which has loaded the libraries once) or exec (fork + exec of each)")
      ->envname("WFC_WORKER_START")
      ->check(CLI::IsMember({"host", "exec"}))
      ->capture_default_str();
  // Hidden: the tests shorten them so that a killed worker's lease lapses in seconds.
  cmd.add_option("--lease-ms", flags->lease_ms, "A claim's lease in milliseconds")
      ->check(CLI::Range(int64_t{300}, int64_t{3'600'000}))
      ->group("");
  cmd.add_option("--renew-ms", flags->renew_ms, "How often a held lease is renewed")
      ->check(CLI::Range(int64_t{100}, int64_t{600'000}))
      ->group("");
  add_retry_flags(cmd, &flags->retry);
  add_storage_flag(cmd, &flags->storage);
  add_secrets_flags(cmd, &flags->secrets_key);
  add_access_flags(cmd, &flags->access);
  add_limit_flags(cmd, &flags->media_limits);
  add_ai_flags(cmd, &flags->ai_config);
}

void add_retry_flags(CLI::App& cmd, exec::RetryPolicy* retry) {
  cmd.add_option("--task-attempts", retry->max_attempts,
                 "Executions of a task that fails transiently (storage_unavailable: the storage "
                 "could not be reached), the first included, with a backoff between them; 1: "
                 "none again")
      ->envname("WFC_TASK_ATTEMPTS")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  // Hidden: the tests shorten the backoff (the first; each next one is `factor` times longer).
  cmd.add_option_function<int64_t>(
         "--task-retry-ms", [retry](int64_t ms) { retry->delay = std::chrono::milliseconds(ms); },
         "The first retry's backoff in milliseconds")
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}))
      ->group("");
}

void append_retry_args(const exec::RetryPolicy& retry, std::vector<std::string>* args) {
  exec::RetryPolicy defaults;
  if (retry.max_attempts != defaults.max_attempts)
    args->push_back(fmt::format("--task-attempts={}", retry.max_attempts));
  if (retry.delay != defaults.delay)
    args->push_back(fmt::format("--task-retry-ms={}", retry.delay.count()));
}

namespace {

// Each claimed run executes in `wfc-runtime exec-run` (this program) with the limits of --worker-*
// and the same access and AI configuration as this process (runtime/exec/run_process.h): forked
// by the worker host (`wfc-runtime worker-host` with the same arguments, started here, once;
// runtime/exec/worker_host.h) unless --worker-start exec, or if the host cannot start. The store
// URL goes in their environment (WFC_STORE): it may hold a password, which argv would show to
// every user of the host (ps, /proc/PID/cmdline).
bool worker_program(const WorkerFlags& flags, const fs::path& data_dir,
                    const std::string& store_url, int workers, const std::string& who,
                    exec::WorkerProgram* program, std::string* error) {
  std::error_code ec;
  program->program = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    *error =
        fmt::format("cannot find this program to start worker processes with (/proc/self/exe: {})",
                    ec.message());
    return false;
  }
  program->limits = flags.limits;
  program->env = {"WFC_STORE=" + store_url, "WFC_DB="};
  auto& a = program->args;
  a = {"exec-run", "--data", data_dir.string()};
  if (flags.threads) a.push_back(fmt::format("--threads={}", flags.threads));
  if (flags.lease_ms != WorkerFlags{}.lease_ms)
    a.push_back(fmt::format("--lease-ms={}", flags.lease_ms));
  append_retry_args(flags.retry, &a);
  for (const auto& e : flags.access.hosts) a.push_back("--allow-hosts=" + e);
  for (const auto& e : flags.access.files) a.push_back("--allow-files=" + e);
  for (const auto& e : flags.access.exports) a.push_back("--allow-export=" + e);
  if (!flags.ai_config.empty())
    a.push_back("--ai-config=" + fs::absolute(flags.ai_config).string());
  for (const auto& e : flags.media_limits) a.push_back("--media-limit=" + e);
  // The URL only: the bucket's credentials reach the worker in the environment it inherits.
  if (!flags.storage.empty()) a.push_back("--storage=" + flags.storage);
  // The key's file, never the key: WFC_SECRETS_KEY reaches the workers with the environment.
  if (!flags.secrets_key.empty())
    a.push_back("--secrets-key=" + std::filesystem::absolute(flags.secrets_key).string());
  if (flags.worker_start == "host" && workers > 0) {
    std::vector<std::string> host_args = {"worker-host"};
    host_args.insert(host_args.end(), a.begin() + 1, a.end());  // exec-run's, but the first
    auto host = std::make_shared<exec::WorkerHost>(program->program, host_args, program->env);
    std::string why;
    if (host->start(&why)) {
      program->host = std::move(host);
    } else {
      std::cerr << who << ": warning: " << why
                << "; each run's worker process is started with fork + exec instead\n";
    }
  }
  return true;
}

}  // namespace

bool worker_pool_options(const WorkerFlags& flags, const fs::path& data_dir,
                         const std::string& store_url, int workers, const std::string& who,
                         exec::WorkerPoolOptions* options, std::string* error) {
  auto storage = storage::open_storage(flags.storage, data_dir,
                                       [](const char* name) { return std::getenv(name); });
  if (!storage.ok()) {
    *error = "--storage: " + storage.error->message;
    return false;
  }
  options->storage = storage.value;
  options->media_limits = media_limits(flags.media_limits);
  if (!access_policy(flags.access, &options->access, error)) return false;
  options->data_dir = data_dir;
  options->workers = std::max(0, workers);
  options->scheduler_threads = flags.threads;
  options->retry = flags.retry;
  options->lease = std::chrono::milliseconds(flags.lease_ms);
  options->renew = std::chrono::milliseconds(std::min(flags.renew_ms, flags.lease_ms / 3));
  std::optional<ai::Config> config = ai::load_config(flags.ai_config, nullptr, error);
  if (!config) return false;
  options->ai = std::make_shared<const ai::Engines>(ai::make_engines(*config));
  return worker_program(flags, data_dir, store_url, workers, who, &options->process, error);
}

}  // namespace wfc::cli
