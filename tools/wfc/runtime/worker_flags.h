// What the two commands that execute runs from the store share (`wfc serve` with --workers > 0,
// `wfc worker`): --storage (storage_flags.h), the flags of their worker processes (--threads,
// --worker-memory, --worker-cpu,
// --worker-files, --worker-file-size, --worker-start; env WFC_WORKER_*), the access, media-limit
// and AI flags (access_flags.h, limit_flags.h, ai_flags.h), the hidden lease timings the tests
// shorten, and turning them into the worker pool's options with its worker program
// (`wfc-runtime exec-run`, run_process.h; forked by a worker host unless --worker-start exec).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/exec/scheduler.h"
#include "runtime/exec/worker_pool.h"
#include "tools/wfc/runtime/access_flags.h"

namespace wfc::cli {

struct WorkerFlags {
  unsigned threads = 0;  // per run; 0: one per core
  AccessFlags access;
  std::vector<std::string> media_limits;
  std::string ai_config;
  std::string storage;                // --storage / WFC_STORAGE; "" → DATA/runs
  std::string secrets_key;            // --secrets-key FILE; else WFC_SECRETS_KEY, DATA/secrets-key
  exec::ProcessLimits limits;         // of each worker process
  std::string worker_start = "host";  // host: forked by the worker host; exec: fork + exec each
  int64_t lease_ms = 30'000;          // hidden: a claim's lease, and how often it is renewed
  int64_t renew_ms = 2'000;
  exec::RetryPolicy retry;  // --task-attempts; hidden --task-retry-ms (scheduler.h)
};

/// Adds the flags above to `command`, storing them in *flags.
void add_worker_flags(CLI::App& command, WorkerFlags* flags);

/// Adds --task-attempts (WFC_TASK_ATTEMPTS) and the hidden --task-retry-ms: the retry policy of
/// tasks that fail transiently (scheduler.h, RetryPolicy), for every command that executes runs.
void add_retry_flags(CLI::App& command, exec::RetryPolicy* retry);

/// The same flags, as arguments for a worker process (`wfc-runtime exec-run`); none at the
/// defaults.
void append_retry_args(const exec::RetryPolicy& retry, std::vector<std::string>* args);

/// The worker pool's options for `workers` runs at once on `store_url` with the data directory
/// `data_dir`: the storage, access policy, limits, AI engines and, for workers > 0, the worker
/// program
/// (starting its worker host now, unless --worker-start exec). False with *error (a message
/// for standard error, without the command's name) on bad configuration.
bool worker_pool_options(const WorkerFlags& flags, const std::filesystem::path& data_dir,
                         const std::string& store_url, int workers, const std::string& who,
                         exec::WorkerPoolOptions* options, std::string* error);

}  // namespace wfc::cli
