// The worker host: a pre-started, single-threaded `wfc-runtime worker-host` process that has
// loaded the program's libraries once and forks (without exec) a worker process per run, so a
// run does not pay for loading ~180 shared libraries (docs/runtime.md "Worker processes",
// docs/benchmarks.md). Both sides of its protocol are here: WorkerHost is the server's handle
// (start the host, ask it for a worker, restart it if it died), serve_worker_host the host's loop.
//
// Protocol, on a SOCK_SEQPACKET socket (the host's standard input and output): each request is one
// message — the worker's limits and its extra arguments (e.g. --worker ID --files-url URL) — with
// two descriptors (SCM_RIGHTS): the worker's standard input and output (a stream socket, as a
// fork+exec'd worker has), and a SOCK_SEQPACKET "report" socket private to that worker. On the
// report socket the host sends a HostReport with the worker's pid once forked, and one with its
// wait status and CPU time once reaped; the server sends an int32 signal number to have the host
// signal the worker (the host signals only a child it has not reaped: no pid is reused under it).
// The server closing the report socket kills the worker (SIGKILL). The worker dies with the host
// (PR_SET_PDEATHSIG), the host with the server's thread that started it, and with its socket's
// end. External interface: WorkerHost, HostReport, serve_worker_host.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/exec/run_process.h"

namespace wfc::exec {

/// What the host sends on a worker's report socket.
struct HostReport {
  int32_t what = 0;  // kForked: value is the pid; kReaped: value is the wait status
  int32_t value = 0;
  double cpu_seconds = 0;  // kReaped: user + system CPU time of the worker
  static constexpr int32_t kForked = 1;
  static constexpr int32_t kReaped = 2;
};

/// The server's handle on its worker host. Thread-safe: each pool thread asks for its workers.
class WorkerHost {
 public:
  /// `program args…` starts the host (e.g. wfc-runtime worker-host --data …), with `env`
  /// (NAME=VALUE, e.g. the store URL, which argv would show to every user) added to this
  /// process's environment; the workers it forks inherit it.
  WorkerHost(std::filesystem::path program, std::vector<std::string> args,
             std::vector<std::string> env = {});
  ~WorkerHost();
  WorkerHost(const WorkerHost&) = delete;
  WorkerHost& operator=(const WorkerHost&) = delete;

  /// Starts the host now (false with *error if it cannot be started or refuses to serve).
  bool start(std::string* error);
  /// Asks for a worker with `limits` and `extra_args`, its standard input and output `io`, its
  /// reports on `report` (both are sent, not closed). A host that died is restarted first (the
  /// runs of its workers have seen their report sockets end). False with *error if no host
  /// could take the request.
  bool spawn(const std::vector<std::string>& extra_args, const ProcessLimits& limits, int io,
             int report, std::string* error);

 private:
  bool start_locked(std::string* error);
  bool send_locked(const std::string& message, int io, int report);

  std::filesystem::path program_;
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  std::mutex mu_;
  std::optional<WorkerProcess> host_;
};

/// The host's side: serves requests on `control` until the server closes it, forking a worker
/// for each; in the worker, `run(extra_args)` is its whole life and returns its exit status.
/// Refuses (returns 3, saying why on standard error) when this process has more than one
/// thread: forking is only safe in a single-threaded process.
int serve_worker_host(int control, const std::function<int(const std::vector<std::string>&)>& run);

}  // namespace wfc::exec
