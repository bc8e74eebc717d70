// A real s3rver (npm, pinned in tools/s3rver; tools/install-deps installs it) on loopback for the
// tests that talk S3: the storage tests (storage_s3_test.cpp) and the connections tests
// (connections_test.cpp). Needs node and tools/s3rver/node_modules.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/test_cli.h"

namespace wfc::test {

/// s3rver on 127.0.0.1 with an ephemeral port, its data in dir/s3rver, the bucket `bucket`
/// (wfc-test by default) made at start; stopped (SIGTERM) when destroyed. It accepts the access key
/// S3RVER (secret S3RVER).
class S3rver {
 public:
  explicit S3rver(const TempDir& dir, const std::string& bucket = "wfc-test") {
    namespace fs = std::filesystem;
    fs::path tools = fs::path(WFC_SOURCE_DIR) / "tools" / "s3rver";
    fs::path bin = tools / "node_modules" / "s3rver" / "bin" / "s3rver.js";
    INFO("run tools/install-deps: it npm ci's tools/s3rver");
    REQUIRE(fs::exists(bin));
    fs::path data = dir.path() / "s3rver";
    fs::create_directories(data);
    log_ = dir.path() / "s3rver.log";
    std::vector<std::string> args = {"node",      bin.string(), "-d", data.string(),        "-a",
                                     "127.0.0.1", "-p",         "0",  "--configure-bucket", bucket};
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int out = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("node", argv.data());
      _exit(127);
    }
    // Its first line is "S3rver listening on 127.0.0.1:PORT" (a bounded wait for node to start).
    const std::string mark = "listening on 127.0.0.1:";
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::string text = wfc::test::slurp(log_);
      if (auto at = text.find(mark); at != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + mark.size());
        break;
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO("s3rver said: " << wfc::test::slurp(log_));
    REQUIRE(port_ > 0);
  }
  ~S3rver() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return wfc::test::slurp(log_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path log_;
};

}  // namespace wfc::test
