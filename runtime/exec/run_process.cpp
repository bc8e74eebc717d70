// Worker processes: starting one with its limits, and reading how it ended (see run_process.h).
#include "runtime/exec/run_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/exec/worker_host.h"

namespace wfc::exec {

namespace {

std::string bytes(uint64_t n) {
  if (n >= (uint64_t{1} << 30) && n % (uint64_t{1} << 30) == 0) {
    return fmt::format("{} GiB", n >> 30);
  }
  if (n >= (uint64_t{1} << 20) && n % (uint64_t{1} << 20) == 0) {
    return fmt::format("{} MiB", n >> 20);
  }
  return fmt::format("{} bytes", n);
}

void set_limit(int resource, uint64_t value, uint64_t hard_extra = 0) {
  if (value == 0) return;
  struct rlimit r;
  r.rlim_cur = value;
  r.rlim_max = value + hard_extra;
  ::setrlimit(resource, &r);
}

}  // namespace

void apply_limits(const ProcessLimits& limits) {
  // The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
  set_limit(RLIMIT_CPU, limits.cpu_seconds, 1);
  set_limit(RLIMIT_AS, limits.address_space);
  set_limit(RLIMIT_NOFILE, limits.open_files);
  set_limit(RLIMIT_FSIZE, limits.file_size);
  struct rlimit no_core = {0, 0};  // a crash on a hostile input leaves no core file behind
  ::setrlimit(RLIMIT_CORE, &no_core);
  // If the host runs out of memory, the kernel kills a worker rather than the server.
  static const char kOomScore[] = "1000";
  int oom = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (oom >= 0) {
    ssize_t ignored = ::write(oom, kOomScore, sizeof kOomScore - 1);
    (void)ignored;
    ::close(oom);
  }
}

std::optional<WorkerProcess> WorkerProcess::start(const WorkerProgram& program,
                                                  const std::vector<std::string>& extra_args,
                                                  std::string* error, bool packets) {
  if (program.host && !packets) {
    if (auto hosted = start_hosted(program, extra_args, error)) return hosted;
    fmt::print(stderr, "wfc serve: the worker host: {}; starting this worker with fork + exec\n",
               *error);
  }
  // Everything the child needs is made before fork: after it, in a process with threads, only
  // async-signal-safe calls are allowed until exec.
  std::vector<std::string> words = {program.program.string()};
  words.insert(words.end(), program.args.begin(), program.args.end());
  words.insert(words.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_words = program.env;
  std::vector<char*> envp;
  for (auto& w : env_words) envp.push_back(w.data());
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  const ProcessLimits limits = program.limits;
  const int max_fd = static_cast<int>(std::min<long>(::sysconf(_SC_OPEN_MAX), 1 << 20));

  int sv[2];
  if (::socketpair(AF_UNIX, (packets ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC, 0, sv) != 0) {
    *error = fmt::format("cannot make a socket for a worker process: {}", std::strerror(errno));
    return std::nullopt;
  }
  // No signal handler may run in the child before exec: block all, restore after fork.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the thread that started it (the pool's worker thread, which outlives it unless
    // the whole server dies): no orphan goes on writing a run another process resumes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(sv[1], STDIN_FILENO);
    ::dup2(sv[1], STDOUT_FILENO);
    // Nothing else of the server's: not its listening socket, nor its clients' connections
    // (held open by a worker, a client would wait for their end), nor its database handles.
    if (::close_range(3, ~0U, 0) != 0) {
      for (int fd = 3; fd < max_fd; ++fd) ::close(fd);
    }
    apply_limits(limits);
    // The server blocks SIGTERM and others for its signal thread; the worker starts clean.
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    *error = fmt::format("cannot start a worker process: {}", std::strerror(fork_errno));
    return std::nullopt;
  }
  WorkerProcess child(pid, sv[0]);
  // Its end is heard at once through a pidfd (Linux 5.3); without one, by polling.
  child.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return child;
}

std::optional<WorkerProcess> WorkerProcess::start_hosted(const WorkerProgram& program,
                                                         const std::vector<std::string>& extra_args,
                                                         std::string* error) {
  int io[2], report[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, io) != 0) {
    *error = fmt::format("cannot make a socket for a worker process: {}", std::strerror(errno));
    return std::nullopt;
  }
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) != 0) {
    *error = fmt::format("cannot make a socket for a worker process: {}", std::strerror(errno));
    ::close(io[0]);
    ::close(io[1]);
    return std::nullopt;
  }
  bool sent = program.host->spawn(extra_args, program.limits, io[1], report[1], error);
  ::close(io[1]);  // the host has its copies (or there is no worker)
  ::close(report[1]);
  if (!sent) {
    ::close(io[0]);
    ::close(report[0]);
    return std::nullopt;
  }
  WorkerProcess child(-1, io[0]);
  child.report_ = report[0];
  child.read_report(true);  // its pid, or its end (the host could not fork, or died)
  return child;
}

void WorkerProcess::read_report(bool wait) {
  while (!status_ && report_ >= 0) {
    HostReport r;
    ssize_t n = ::recv(report_, &r, sizeof r, wait ? 0 : MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n != static_cast<ssize_t>(sizeof r)) {
      // The host ended without reaping it: the worker died with the host (PR_SET_PDEATHSIG).
      status_ = kExitHostLost << 8;
      return;
    }
    if (r.what == HostReport::kForked) {
      pid_ = r.value;
      if (wait) return;
    } else if (r.what == HostReport::kReaped) {
      status_ = r.value;
      cpu_ = r.cpu_seconds;
    }
  }
}

WorkerProcess::WorkerProcess(WorkerProcess&& other) noexcept
    : pid_(other.pid_),
      fd_(other.fd_),
      pidfd_(other.pidfd_),
      report_(other.report_),
      cpu_(other.cpu_),
      pending_(std::move(other.pending_)),
      status_(other.status_),
      usage_(other.usage_) {
  other.pid_ = -1;
  other.fd_ = -1;
  other.pidfd_ = -1;
  other.report_ = -1;
}

WorkerProcess::~WorkerProcess() {
  if (report_ >= 0) {
    ::close(report_);  // the host kills it (SIGKILL) if it still runs, and reaps it
    report_ = -1;
  } else if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (fd_ >= 0) ::close(fd_);
  if (pidfd_ >= 0) ::close(pidfd_);
}

bool WorkerProcess::send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ::shutdown(fd_, SHUT_WR) == 0;
}

void WorkerProcess::read_lines(std::chrono::milliseconds timeout,
                               const std::function<void(std::string_view)>& line) {
  // Wakes for its output or its end, whichever comes first.
  struct pollfd p[2];
  nfds_t n_fds = 0;
  if (fd_ >= 0) p[n_fds++] = {fd_, POLLIN, 0};
  int end_fd = report_ >= 0 ? report_ : pidfd_;  // readable at its end
  if (end_fd >= 0) p[n_fds++] = {end_fd, POLLIN, 0};
  int wait_ms = static_cast<int>(timeout.count());
  if (fd_ < 0 && end_fd < 0) wait_ms = std::min(wait_ms, 10);  // no pidfd: poll for its end
  if (::poll(n_fds ? p : nullptr, n_fds, wait_ms) <= 0 || fd_ < 0 || !(p[0].revents)) return;
  char buffer[4096];
  ssize_t n = ::read(fd_, buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && errno == EINTR) return;
    ::close(fd_);
    fd_ = -1;
    return;
  }
  pending_.append(buffer, static_cast<size_t>(n));
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    line(std::string_view(pending_).substr(start, nl - start));
  }
  pending_.erase(0, start);
}

std::optional<int> WorkerProcess::ended() {
  if (report_ >= 0) {
    read_report(false);
    return status_;
  }
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t got = ::wait4(pid_, &status, WNOHANG, &usage_);
  if (got == pid_) status_ = status;
  return status_;
}

void WorkerProcess::signal(int sig) {
  if (status_) return;
  if (report_ >= 0) {
    int32_t n = sig;  // the host signals it, unless it has reaped it already
    ssize_t ignored = ::send(report_, &n, sizeof n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
    return;
  }
  if (pid_ > 0) ::kill(pid_, sig);
}

double WorkerProcess::cpu_seconds() const {
  if (report_ >= 0) return cpu_;
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage_.ru_utime) + seconds(usage_.ru_stime);
}

std::optional<ExitError> describe_exit(int status, double cpu_seconds,
                                       const ProcessLimits& limits) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 0 || code == kExitLeaseLost || code == kExitStoreUnavailable) return std::nullopt;
    if (code == kExitHostLost) {
      return ExitError{"worker_crashed",
                       "the worker host process ended, and this run's worker process with it "
                       "(see the server's log; the host is restarted for the next run)"};
    }
    if (code == kExitOutOfMemory) {
      return ExitError{
          "limit_exceeded",
          limits.address_space
              ? fmt::format("ran out of memory: the worker process reached its address-space "
                            "limit of {} (RLIMIT_AS; `wfc serve --worker-memory`)",
                            bytes(limits.address_space))
              : "ran out of memory: the worker process could not allocate more"};
    }
    if (code == 127) {
      return ExitError{"worker_crashed",
                       "the worker process could not be started (exit status 127): see the "
                       "server's log"};
    }
    return ExitError{"worker_crashed",
                     fmt::format("the worker process exited with status {} before the run "
                                 "ended: see the server's log",
                                 code)};
  }
  if (!WIFSIGNALED(status)) {
    return ExitError{"worker_crashed", "the worker process ended for an unknown reason"};
  }
  int sig = WTERMSIG(status);
  std::string cpu_limit =
      fmt::format("used up its CPU time limit of {} s (RLIMIT_CPU; `wfc serve --worker-cpu`)",
                  limits.cpu_seconds);
  if (sig == SIGXCPU) return ExitError{"limit_exceeded", "the worker process " + cpu_limit};
  if (sig == SIGKILL && limits.cpu_seconds && cpu_seconds >= double(limits.cpu_seconds)) {
    return ExitError{"limit_exceeded", "the worker process " + cpu_limit};
  }
  if (sig == SIGXFSZ) {
    return ExitError{"limit_exceeded",
                     fmt::format("the worker process tried to write a file larger than the "
                                 "output-size limit of {} (RLIMIT_FSIZE, per file; `wfc serve "
                                 "--worker-file-size`)",
                                 bytes(limits.file_size))};
  }
  const char* name = sigabbrev_np(sig);
  const char* description = sigdescr_np(sig);
  std::string what = fmt::format("the worker process died of SIG{} ({})", name ? name : "?",
                                 description ? description : "unknown signal");
  if (sig == SIGKILL) what += ", e.g. killed by the kernel when the host ran out of memory";
  return ExitError{"worker_crashed", what};
}

}  // namespace wfc::exec
