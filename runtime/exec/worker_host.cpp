// The worker host: the server's handle on it, and its loop (see worker_host.h).
#include "runtime/exec/worker_host.h"

#include <dirent.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace wfc::exec {

namespace {

// A request: the limits, then the extra arguments, each ended by a NUL.
std::string encode(const std::vector<std::string>& extra_args, const ProcessLimits& limits) {
  std::array<uint64_t, 4> l = {limits.address_space, limits.cpu_seconds, limits.open_files,
                               limits.file_size};
  std::string message(reinterpret_cast<const char*>(l.data()), sizeof l);
  for (const std::string& a : extra_args) message.append(a.c_str(), a.size() + 1);
  return message;
}

bool decode(std::string_view message, std::vector<std::string>* extra_args, ProcessLimits* limits) {
  std::array<uint64_t, 4> l;
  if (message.size() < sizeof l) return false;
  std::memcpy(l.data(), message.data(), sizeof l);
  *limits = {l[0], l[1], l[2], l[3]};
  message.remove_prefix(sizeof l);
  while (!message.empty()) {
    size_t nul = message.find('\0');
    if (nul == std::string_view::npos) return false;
    extra_args->emplace_back(message.substr(0, nul));
    message.remove_prefix(nul + 1);
  }
  return true;
}

int count_threads() {
  DIR* d = ::opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n;
}

void report(int fd, int32_t what, int32_t value, double cpu = 0) {
  HostReport r;
  r.what = what;
  r.value = value;
  r.cpu_seconds = cpu;
  ssize_t ignored = ::send(fd, &r, sizeof r, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)ignored;
}

struct Child {
  pid_t pid;
  int report;  // -1 once the server closed it
};

// In the forked worker: everything of the host's closed but its standard error, the worker's
// socket as standard input and output, its limits set; then its run, and its end.
[[noreturn]] void become_worker(pid_t host, int io, const ProcessLimits& limits,
                                const std::vector<std::string>& extra_args,
                                const std::function<int(const std::vector<std::string>&)>& run) {
  // Dies with the host (which is single-threaded: its thread is the process), which dies with the
  // server: no orphan goes on writing a run another process resumes.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != host) ::_exit(127);
  ::dup2(io, STDIN_FILENO);
  ::dup2(io, STDOUT_FILENO);
  ::close_range(3, ~0U, 0);
  apply_limits(limits);
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int status = run(extra_args);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::_exit(status);
}

}  // namespace

WorkerHost::WorkerHost(std::filesystem::path program, std::vector<std::string> args,
                       std::vector<std::string> env)
    : program_(std::move(program)), args_(std::move(args)), env_(std::move(env)) {}

WorkerHost::~WorkerHost() {
  std::lock_guard lock(mu_);
  if (!host_) return;
  // Its socket's end tells it to kill its workers and exit; WorkerProcess reaps it (SIGKILL if
  // it has not gone by then).
  ::shutdown(host_->fd(), SHUT_RDWR);
  for (int i = 0; i < 100 && !host_->ended(); ++i) ::usleep(10'000);
  host_.reset();
}

bool WorkerHost::start(std::string* error) {
  std::lock_guard lock(mu_);
  return start_locked(error);
}

bool WorkerHost::start_locked(std::string* error) {
  host_.reset();  // kills and reaps one that is left
  WorkerProgram p;
  p.program = program_;
  p.args = args_;
  p.limits = {0, 0, 0, 0};  // the host has none: each worker lowers its own
  // Every symbol bound once, in the host, rather than lazily in each worker it forks.
  p.env = env_;
  p.env.push_back("LD_BIND_NOW=1");
  auto started = WorkerProcess::start(p, {}, error, /*packets=*/true);
  if (!started) return false;
  host_.emplace(std::move(*started));
  // It says it is ready ("R") once it has checked it has one thread.
  char ready = 0;
  struct pollfd pfd = {host_->fd(), POLLIN, 0};
  if (::poll(&pfd, 1, 30'000) != 1 || ::recv(host_->fd(), &ready, 1, 0) != 1 || ready != 'R' ||
      host_->ended()) {
    host_.reset();
    *error = "the worker host did not start: see the server's log";
    return false;
  }
  return true;
}

bool WorkerHost::send_locked(const std::string& message, int io, int report) {
  struct iovec iov = {const_cast<char*>(message.data()), message.size()};
  union {
    char buf[CMSG_SPACE(2 * sizeof(int))];
    struct cmsghdr align;
  } control;
  std::memset(&control, 0, sizeof control);
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int fds[2] = {io, report};
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  for (;;) {
    ssize_t n = ::sendmsg(host_->fd(), &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(message.size());
  }
}

bool WorkerHost::spawn(const std::vector<std::string>& extra_args, const ProcessLimits& limits,
                       int io, int report, std::string* error) {
  std::string message = encode(extra_args, limits);
  std::lock_guard lock(mu_);
  if (host_ && !host_->ended() && send_locked(message, io, report)) return true;
  if (host_) {
    std::optional<int> status = host_->ended();
    fmt::print(stderr, "wfc serve: the worker host ended ({}); restarting it\n",
               !status                ? "its socket failed"
               : WIFSIGNALED(*status) ? fmt::format("signal {}", WTERMSIG(*status))
                                      : fmt::format("exit status {}", WEXITSTATUS(*status)));
  }
  if (!start_locked(error)) return false;
  if (send_locked(message, io, report)) return true;
  *error = fmt::format("cannot send a run to the worker host: {}", std::strerror(errno));
  return false;
}

int serve_worker_host(int control, const std::function<int(const std::vector<std::string>&)>& run) {
  // Forking is safe only while this process has one thread: no library may have started one,
  // and this loop starts none (the store, thread pools and engines live in the workers).
  int threads = count_threads();
  if (threads != 1) {
    fmt::print(stderr,
               "wfc worker-host: {} threads at start (a library started one): forking workers "
               "is unsafe; `wfc serve` starts each with fork + exec instead\n",
               threads);
    return 3;
  }
  ::unsetenv("LD_BIND_NOW");  // read by the loader already; nothing the workers run needs it
  const pid_t self = ::getpid();
  // A child's end is heard through a signalfd; SIGCHLD is blocked for it.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  int sigfd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    fmt::print(stderr, "wfc worker-host: signalfd: {}\n", std::strerror(errno));
    return 3;
  }
  ssize_t ready = ::send(control, "R", 1, MSG_NOSIGNAL);
  if (ready < 0) return 0;

  std::vector<Child> children;
  bool serving = true;
  std::vector<char> buffer(1 << 20);
  while (serving || !children.empty()) {
    std::vector<struct pollfd> fds;
    fds.push_back({sigfd, POLLIN, 0});
    if (serving) fds.push_back({control, POLLIN, 0});
    size_t first_child = fds.size();
    for (const Child& c : children)
      fds.push_back({c.report, static_cast<short>(c.report >= 0 ? POLLIN : 0), 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      fmt::print(stderr, "wfc worker-host: poll: {}\n", std::strerror(errno));
      return 3;
    }
    // Signals the server asks for; a closed report socket: the server gave it up, kill it.
    for (size_t i = 0; i < children.size(); ++i) {
      Child& c = children[i];
      if (c.report < 0 || !fds[first_child + i].revents) continue;
      int32_t sig = 0;
      ssize_t n = ::recv(c.report, &sig, sizeof sig, MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(sizeof sig)) {
        ::kill(c.pid, sig);
      } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        ::kill(c.pid, SIGKILL);
        ::close(c.report);
        c.report = -1;
      }
    }
    // The workers that ended: their wait status and CPU time to whoever asked.
    if (fds[0].revents) {
      struct signalfd_siginfo info;
      while (::read(sigfd, &info, sizeof info) > 0) {
      }
      int status = 0;
      struct rusage usage {};
      for (pid_t pid; (pid = ::wait4(-1, &status, WNOHANG, &usage)) > 0;) {
        for (size_t i = 0; i < children.size(); ++i) {
          if (children[i].pid != pid) continue;
          if (children[i].report >= 0) {
            auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
            report(children[i].report, HostReport::kReaped, status,
                   seconds(usage.ru_utime) + seconds(usage.ru_stime));
            ::close(children[i].report);
          }
          children.erase(children.begin() + static_cast<long>(i));
          break;
        }
      }
    }
    if (!serving || !fds[1].revents) continue;
    // A request: its message and its two descriptors.
    union {
      char buf[CMSG_SPACE(2 * sizeof(int))];
      struct cmsghdr align;
    } cbuf;
    struct iovec iov = {buffer.data(), buffer.size()};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.buf;
    msg.msg_controllen = sizeof cbuf.buf;
    ssize_t n = ::recvmsg(control, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    int fds_in[2] = {-1, -1};
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
          c->cmsg_len == CMSG_LEN(2 * sizeof(int))) {
        std::memcpy(fds_in, CMSG_DATA(c), sizeof fds_in);
      }
    }
    if (n <= 0) {
      // The server closed its end (it stops, or died): its workers go with it.
      serving = false;
      for (const Child& c : children) ::kill(c.pid, SIGKILL);
      continue;
    }
    std::vector<std::string> extra_args;
    ProcessLimits limits;
    bool valid =
        fds_in[0] >= 0 && fds_in[1] >= 0 && !(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
        decode(std::string_view(buffer.data(), static_cast<size_t>(n)), &extra_args, &limits);
    if (!valid) {
      fmt::print(stderr, "wfc worker-host: a malformed request, ignored\n");
      if (fds_in[1] >= 0) report(fds_in[1], HostReport::kReaped, 127 << 8);
    } else {
      pid_t pid = ::fork();
      if (pid == 0) become_worker(self, fds_in[0], limits, extra_args, run);
      if (pid < 0) {
        fmt::print(stderr, "wfc worker-host: cannot fork a worker: {}\n", std::strerror(errno));
        report(fds_in[1], HostReport::kReaped, 127 << 8);
      } else {
        report(fds_in[1], HostReport::kForked, pid);
        children.push_back({pid, fds_in[1]});
        fds_in[1] = -1;
      }
    }
    for (int fd : fds_in) {
      if (fd >= 0) ::close(fd);
    }
  }
  return 0;
}

}  // namespace wfc::exec
