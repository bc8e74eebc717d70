// Helpers for the tests of many nodes (scale_test.cpp, worker_test.cpp):
// a real `wfc worker` process on a store, with its data directory and log in a temporary
// directory, signalled, waited for and killed like a service manager would, and the secrets key
// the nodes of a deployment share.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/test_cli.h"

namespace wfc::test {

/// The secrets key every node of a test deployment shares, as docs/deploy.md's cluster.env gives
/// it: `wfc serve` on PostgreSQL refuses to start without one.
inline std::string shared_secrets_key_env() { return "WFC_SECRETS_KEY=" + std::string(64, '5'); }

/// `wfc worker` on `store` with its data directory in `dir`, standard error in DIR/worker.err, the
/// deployment's secrets key (shared_secrets_key_env) and `env` (NAME=VALUE, which may replace it)
/// added to its environment.
class WorkerNode {
 public:
  WorkerNode(const TempDir& dir, const std::string& store, std::vector<std::string> extra = {},
             std::vector<std::string> env = {})
      : dir_(dir) {
    env.insert(env.begin(), shared_secrets_key_env());
    // Short leases, so a killed worker's lease lapses in 1.5 s, unless `extra` sets them.
    std::vector<std::string> args = {WFC_BINARY, "worker", "--store",
                                     store,      "--data", data().string()};
    if (std::find(extra.begin(), extra.end(), "--lease-ms") == extra.end()) {
      for (const char* a : {"--lease-ms", "1500", "--renew-ms", "300"}) args.push_back(a);
    }
    for (auto& a : extra) args.push_back(a);
    std::string err = log_path();
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      for (auto& e : env) putenv(e.data());
      int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) dup2(fd, STDERR_FILENO);
      int null = open("/dev/null", O_RDWR);
      if (null >= 0) dup2(null, STDOUT_FILENO);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~WorkerNode() {
    if (pid_ > 0) kill9();
  }

  fs::path data() const { return dir_.path() / "data"; }
  std::string log_path() const { return (dir_.path() / "worker.err").string(); }
  std::string log() const { return slurp(log_path()); }
  /// Whether this worker made run `id`'s workspace: it executed (an attempt of) the run.
  bool executed(const std::string& id) const { return fs::exists(data() / "runs" / id); }

  pid_t pid() const { return pid_; }
  /// Whether it is still running (it has not exited); an exit is reaped here.
  bool running() {
    int status = 0;
    if (pid_ <= 0) return false;
    if (waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }
  void signal(int sig) const { kill(pid_, sig); }
  /// Waits (a minute at most) for it to exit; its exit status, or -1 when a signal ended it.
  int wait() {
    int status = 0;
    for (int i = 0; i < 1200 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      FAIL("wfc worker did not exit within a minute:\n" << log());
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void kill9() {
    kill(pid_, SIGKILL);
    wait();
  }
  /// Waits until its log says `text` (a line it writes when something happened).
  void wait_log(const std::string& text) const {
    for (int i = 0; i < 600 && log().find(text) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE_THAT(log(), Catch::Contains(text));
  }

 private:
  const TempDir& dir_;
  pid_t pid_ = -1;
};

}  // namespace wfc::test
