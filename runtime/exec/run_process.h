// Worker processes: a run claimed by `wfc serve` executes in a child process of its own
// (`wfc-runtime exec-run`, tools/wfc/runtime/cmd_exec_run.cpp), so that a task that crashes,
// aborts or runs out of memory fails that run and not the server (docs/runtime.md "Worker
// processes", docs/security.md). This file holds the parent's side: the limits set with setrlimit
// in the child before exec (ProcessLimits), starting the child (fork + exec, nothing but system
// calls in between) with a socket as its standard input and output, and reading how it ended
// (describe_exit: a crash is `worker_crashed`, a limit reached `limit_exceeded`). External
// interface: ProcessLimits, WorkerProgram, WorkerProcess, kExit*, describe_exit. With a worker
// host (worker_host.h; `wfc serve` starts one) a WorkerProcess is forked by the host instead, and
// reads as the same: its output, its signals and its end go through the host.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wfc::exec {

class WorkerHost;

/// Limits of one worker process, each 0 for none. The defaults are documented in
/// docs/runtime.md ("Worker processes") and set by `wfc serve --worker-*` / WFC_WORKER_*.
struct ProcessLimits {
  uint64_t address_space = uint64_t{8} << 30;  // RLIMIT_AS, bytes: 8 GiB
  uint64_t cpu_seconds = 6 * 3600;             // RLIMIT_CPU: CPU time of all its threads
  uint64_t open_files = 1024;                  // RLIMIT_NOFILE
  /// RLIMIT_FSIZE, bytes: the largest file the worker may write, each output file (and the
  /// database's files, which the worker writes too) on its own: 64 GiB.
  uint64_t file_size = uint64_t{64} << 30;
};

/// Sets `limits` on the calling process, with no core file and the highest OOM score (the
/// kernel kills a worker before the server). System calls only: safe between fork and exec.
void apply_limits(const ProcessLimits& limits);

/// The fewest open files a worker process can run with: its standard streams, the database's three
/// files, the run's input and an output, and the libraries' own (a video run needs 11). `wfc serve`
/// refuses a smaller --worker-files, which would fail every run before its first task.
inline constexpr uint64_t kMinOpenFiles = 16;

/// What runs a claimed run: `program args… --worker ID --files-url URL`, reading the claimed
/// run (JSON with its plan) on standard input. An empty `program` executes runs in the pool's
/// own threads instead (tests, and embedding without a wfc-runtime binary).
struct WorkerProgram {
  std::filesystem::path program;
  std::vector<std::string> args;  // e.g. exec-run --db … --data … and the access flags
  std::vector<std::string> env;   // NAME=VALUE added to this process's environment for it
  ProcessLimits limits;
  /// After a cancel request the worker gets SIGTERM, and SIGKILL this much later.
  std::chrono::milliseconds grace{10'000};
  /// The pre-started host that forks the workers (worker_host.h); null: fork + exec
  /// `program args…` for each run. A run the host cannot take is started with fork + exec.
  std::shared_ptr<WorkerHost> host;
};

/// Exit statuses of a worker process besides 0 (the run was recorded to its end) and the CLI's
/// usage error (2).
inline constexpr int kExitOutOfMemory = 86;  // std::bad_alloc anywhere: the address space ran out
inline constexpr int kExitLeaseLost = 87;    // the store refused its writes: nothing more written
/// Not a real exit status: the worker host died, and the worker with it (worker_host.h).
inline constexpr int kExitHostLost = 88;
/// The worker could not open the store (the database unreachable, or migrated past this build
/// during an upgrade): it wrote nothing; not the run's fault, so the run is not failed and its
/// lease lapses for another attempt (docs/deploy.md, "Upgrades").
inline constexpr int kExitStoreUnavailable = 89;

/// A started worker process. The destructor kills (SIGKILL) and reaps one still running.
class WorkerProcess {
 public:
  /// Starts `program args…` with `limits`; nullopt with *error when it cannot (the program may
  /// still fail to exec: that is exit status 127).
  /// With `program.host`, the host forks it (fork + exec if the host cannot). `packets`: its
  /// socket is SOCK_SEQPACKET rather than a stream (the worker host's own).
  static std::optional<WorkerProcess> start(const WorkerProgram& program,
                                            const std::vector<std::string>& extra_args,
                                            std::string* error, bool packets = false);
  WorkerProcess(WorkerProcess&& other) noexcept;
  WorkerProcess& operator=(WorkerProcess&&) = delete;
  ~WorkerProcess();

  /// Writes all of `data` to its standard input and closes it; false if it is gone.
  bool send(std::string_view data);
  /// Waits up to `timeout` for output or its end, and hands each complete line it wrote to
  /// `line`.
  void read_lines(std::chrono::milliseconds timeout,
                  const std::function<void(std::string_view)>& line);
  /// The wait status once it has ended (reaped, with its resource usage), else nullopt.
  std::optional<int> ended();
  void signal(int sig);
  pid_t pid() const { return pid_; }
  /// Our end of its standard input and output.
  int fd() const { return fd_; }
  /// CPU seconds (user + system) it used, once ended.
  double cpu_seconds() const;

 private:
  WorkerProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  static std::optional<WorkerProcess> start_hosted(const WorkerProgram& program,
                                                   const std::vector<std::string>& extra_args,
                                                   std::string* error);
  /// Hosted: takes the host's reports on report_ (nonblocking unless `wait`).
  void read_report(bool wait);
  pid_t pid_ = -1;
  int fd_ = -1;      // our end of its standard input and output
  int pidfd_ = -1;   // readable once it has ended; -1 when the kernel has no pidfd_open
  int report_ = -1;  // hosted: the host's reports (worker_host.h); -1 when forked here
  double cpu_ = 0;   // hosted: its CPU seconds, as the host reaped it
  std::string pending_;
  std::optional<int> status_;
  struct rusage usage_ {};
};

/// Why a worker process that ended with wait status `status` did not finish its run: nullopt
/// when it did (exit 0) or chose to write nothing more (kExitLeaseLost, kExitStoreUnavailable);
/// else the error kind
/// (`worker_crashed`, or `limit_exceeded` for SIGXCPU, SIGXFSZ, kExitOutOfMemory, or a SIGKILL
/// after its CPU time reached the limit) and what happened, naming the limit and its setting.
struct ExitError {
  std::string kind;
  std::string what;  // e.g. "the worker process died of SIGSEGV (segmentation fault)"
};
std::optional<ExitError> describe_exit(int status, double cpu_seconds, const ProcessLimits& limits);

}  // namespace wfc::exec
