// Helpers for the API tests: the real `wfc serve` started on an ephemeral loopback port with a
// temporary database and data directory, read for the address it prints first, driven over HTTP
// with httplib::Client, and stopped with SIGTERM or killed with SIGKILL.
#pragma once

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/test_cli.h"

namespace wfc::test {

inline constexpr const char* kApiKey = "wfc_testkey0000000000000000000000000000000001";
inline constexpr const char* kOtherKey = "wfc_testkey0000000000000000000000000000000002";

/// One HTTP answer, its body read as JSON when it is JSON.
struct Answer {
  int status = 0;
  nlohmann::json body;
  std::string text;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// `wfc serve` on 127.0.0.1:0 with a data directory (and its database) in `dir`, with the keys
/// kApiKey and kOtherKey unless `default_keys` is false, and NAME=VALUE entries of `env` added to
/// its environment.
class ApiServer {
 public:
  ApiServer(const TempDir& dir, std::vector<std::string> extra = {}, bool default_keys = true,
            std::vector<std::string> env = {})
      : dir_(dir), default_keys_(default_keys), env_(std::move(env)) {
    extra_ = std::move(extra);
    start();
  }

  /// Stops the server and starts it again on the same data directory with other arguments.
  void restart(std::vector<std::string> extra, bool default_keys) {
    stop();
    extra_ = std::move(extra);
    default_keys_ = default_keys;
    start();
  }
  ~ApiServer() { stop(); }

  void start() {
    int out[2];
    REQUIRE(pipe(out) == 0);
    std::vector<std::string> args = {WFC_BINARY,    "serve",  "--listen",
                                     "127.0.0.1:0", "--data", (dir_.path() / "data").string()};
    if (default_keys_) {
      args.push_back("--api-keys");
      args.push_back(std::string(kApiKey) + "," + kOtherKey);
    }
    for (const auto& a : extra_) args.push_back(a);
    std::string err = (dir_.path() / "serve.err").string();
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (e >= 0) dup2(e, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      for (std::string& e : env_) putenv(e.data());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    // The first line is "listening on http://127.0.0.1:PORT".
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    out_fd_ = out[0];
    INFO("wfc serve said: " << line << "\n" << slurp(err));
    REQUIRE(line.rfind("listening on http://", 0) == 0);
    address_ = line.substr(std::string("listening on ").size());
    auto colon = address_.rfind(':');
    port_ = std::stoi(address_.substr(colon + 1));
  }

  /// SIGTERM, and the exit status (0 for a clean shutdown).
  int stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    return reap();
  }
  /// SIGKILL: the process dies mid-work, as in a crash.
  void kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    reap();
  }

  /// SIGHUP: the server reloads --workflows.
  void hup() const {
    if (pid_ > 0) kill(pid_, SIGHUP);
  }

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  std::string log() const { return slurp(dir_.path() / "serve.err"); }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }

  Answer request(const std::string& method, const std::string& path, const std::string& body = "",
                 httplib::Headers headers = {}, const char* key = kApiKey) const {
    if (key) headers.emplace("Authorization", std::string("Bearer ") + key);
    httplib::Client c = client();
    httplib::Result r =
        method == "GET"      ? c.Get(path.c_str(), headers)
        : method == "DELETE" ? c.Delete(path.c_str(), headers, body, "application/json")
        : method == "PATCH"  ? c.Patch(path.c_str(), headers, body, "application/json")
        : method == "PUT"    ? c.Put(path.c_str(), headers, body, "application/json")
                             : c.Post(path.c_str(), headers, body, "application/json");
    REQUIRE(r);
    Answer a;
    a.status = r->status;
    a.text = r->body;
    a.headers = r->headers;
    a.body = nlohmann::json::parse(r->body, nullptr, false);
    return a;
  }
  Answer get(const std::string& path, const char* key = kApiKey) const {
    return request("GET", path, "", {}, key);
  }
  Answer post(const std::string& path, const nlohmann::json& body, httplib::Headers headers = {},
              const char* key = kApiKey) const {
    return request("POST", path, body.dump(), std::move(headers), key);
  }

  /// Polls GET /runs/{id} until the run is terminal (or `until` holds); returns the run.
  nlohmann::json wait_run(const std::string& id,
                          const std::function<bool(const nlohmann::json&)>& until = {},
                          int seconds = 120) const {
    nlohmann::json run;
    for (int i = 0; i < seconds * 20; ++i) {
      Answer a = get("/runs/" + id);
      REQUIRE(a.status == 200);
      run = a.body;
      std::string s = run["status"];
      if (until ? until(run) : (s == "succeeded" || s == "failed" || s == "cancelled")) {
        return run;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("run " << id << " did not get there: " << run.dump(2) << "\n" << log());
    return run;
  }

 private:
  int reap() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const TempDir& dir_;
  std::vector<std::string> extra_;
  bool default_keys_ = true;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string address_;
  int port_ = 0;
};

/// An automation body with one small video rendition.
inline nlohmann::json small_automation(const std::string& name = "renditions") {
  return {{"name", name},
          {"description", "a small rendition"},
          {"workflow", {{{"kind", "video"}, {"options", {{"width", 160}, {"format", "mp4"}}}}}}};
}

}  // namespace wfc::test
