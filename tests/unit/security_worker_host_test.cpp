// Issue 19, point 4, its cost: `wfc serve` starts one single-threaded worker host
// (`wfc-runtime worker-host`, runtime/exec/worker_host.h) that forks each run's worker process.
// These tests look at the processes from outside (/proc): the host is one thread and the workers
// are its children; a host that dies fails the run in flight with `worker_crashed` and is
// restarted for the next; a server that dies takes the host and its workers with it; and
// `--worker-start exec` still starts each worker with fork + exec. The crash, limit and cancel
// cases themselves run through the host in security_workers_test.cpp.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

class Fault {  // WFC_TEST_WORKER_FAULT (cmd_exec_run.cpp) for the servers started while it lives
 public:
  explicit Fault(const std::string& spec) { ::setenv("WFC_TEST_WORKER_FAULT", spec.c_str(), 1); }
  ~Fault() { ::unsetenv("WFC_TEST_WORKER_FAULT"); }
};

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A live process's parent, or -1 when it is gone (or a zombie: dead, not yet reaped).
pid_t parent_of(pid_t pid) {
  std::string stat = read_text(fs::path("/proc") / std::to_string(pid) / "stat");
  auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(stat.substr(paren + 2));
  char state;
  pid_t ppid;
  if (!(rest >> state >> ppid) || state == 'Z') return -1;
  return ppid;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> found;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (parent_of(pid) == parent) found.push_back(pid);
  }
  return found;
}

// The command line's words joined by spaces.
std::string command_of(pid_t pid) {
  std::string line = read_text(fs::path("/proc") / std::to_string(pid) / "cmdline");
  for (char& c : line) {
    if (c == '\0') c = ' ';
  }
  return line;
}

int threads_of(pid_t pid) {
  std::istringstream status(read_text(fs::path("/proc") / std::to_string(pid) / "status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// The `wfc serve` this test process started on `dir`.
pid_t server_of(const TempDir& dir) {
  for (pid_t pid : children_of(::getpid())) {
    std::string command = command_of(pid);
    if (command.find(" serve ") != std::string::npos &&
        command.find(dir.path().string()) != std::string::npos) {
      return pid;
    }
  }
  FAIL("no wfc serve child for " << dir.path());
  return -1;
}

// The server's worker hosts (one, unless --worker-start exec).
std::vector<pid_t> hosts_of(pid_t server) {
  std::vector<pid_t> hosts;
  for (pid_t pid : children_of(server)) {
    if (command_of(pid).find(" worker-host ") != std::string::npos) hosts.push_back(pid);
  }
  return hosts;
}

// Waits (up to a minute: a loaded machine is slow, and nothing here measures time) for `pid` to
// be gone; false if it never went.
bool gone(pid_t pid) {
  for (int i = 0; i < 600; ++i) {
    if (parent_of(pid) < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::vector<std::string> serve_args(const std::vector<std::string>& more) {
  std::vector<std::string> args = {"--allow-files",
                                   wfc::test::sample("av.mp4").parent_path().string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string queue_task(const ApiServer& api, const std::string& kind, const json& options) {
  auto made = api.post("/tasks", {{"url", "file://" + wfc::test::sample("av.mp4").string()},
                                  {"kind", kind},
                                  {"options", options}});
  INFO(made.text);
  REQUIRE(made.status == 201);
  return made.body["run_id"];
}

// Queues a video task that computes until killed, waits until it runs, and returns the run's id
// and the worker process executing it (a child of the server's one worker host).
std::pair<std::string, pid_t> spinning_run(ApiServer& api, const TempDir& dir, pid_t* host) {
  std::string id = queue_task(api, "video", {{"width", 160}, {"format", "mp4"}});
  api.wait_run(id, [](const json& r) {
    return !r["tasks"].empty() && r["tasks"][0]["status"] == "processing";
  });
  std::vector<pid_t> hosts = hosts_of(server_of(dir));
  INFO(api.log());
  REQUIRE(hosts.size() == 1);
  *host = hosts[0];
  std::vector<pid_t> workers = children_of(*host);
  REQUIRE(workers.size() == 1);
  return {id, workers[0]};
}

}  // namespace

TEST_CASE("worker host: one single-threaded host forks the workers; if it dies it is restarted",
          "[security][worker-host]") {
  Fault fault("spin:video");  // the video task computes, deaf, until its worker is killed
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-cpu", "0"}));
  pid_t host = -1;
  auto [id, worker] = spinning_run(api, dir, &host);
  // Forking is safe there only because it has one thread (it refuses to serve otherwise).
  CHECK(threads_of(host) == 1);
  CHECK(command_of(host).find(" exec-run ") == std::string::npos);  // exec-run's arguments only
  CHECK(command_of(host).find(" --data ") != std::string::npos);
  CHECK(command_of(host).find("wfc.db") == std::string::npos);  // the store is in its environment

  REQUIRE(::kill(host, SIGKILL) == 0);
  CHECK(gone(worker));  // the worker dies with its host
  json run = api.wait_run(id);
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == "worker_crashed");
  CHECK(run["tasks"][0]["error"]["message"].get<std::string>().find(
            "the worker host process ended") != std::string::npos);
  // The next run gets a new host, and succeeds; the server never stopped answering.
  std::string next = queue_task(api, "image", {{"width", 40}, {"format", "png"}});
  CHECK(api.wait_run(next)["status"] == "succeeded");
  std::vector<pid_t> hosts = hosts_of(server_of(dir));
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0] != host);
  CHECK(api.log().find("the worker host ended (signal 9); restarting it") != std::string::npos);
  CHECK(api.get("/healthz", nullptr).status == 200);
  CHECK(api.stop() == 0);
}

TEST_CASE("worker host: a server that dies takes its worker host and their workers with it",
          "[security][worker-host]") {
  Fault fault("spin:video");
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-cpu", "0"}));
  pid_t host = -1;
  auto [id, worker] = spinning_run(api, dir, &host);
  api.kill9();
  // No orphan goes on computing, nor writing a run the next server resumes.
  CHECK(gone(host));
  CHECK(gone(worker));
}

TEST_CASE("worker host: --worker-start exec starts each worker with fork + exec, limits and all",
          "[security][worker-host]") {
  Fault fault("segv:thumbnails");
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-start", "exec"}));
  CHECK(hosts_of(server_of(dir)).empty());
  std::string bad = queue_task(api, "thumbnails", {{"count", 2}, {"width", 80}});
  json run = api.wait_run(bad);
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == "worker_crashed");
  CHECK(run["error"]["message"].get<std::string>().find("SIGSEGV") != std::string::npos);
  std::string good = queue_task(api, "image", {{"width", 40}, {"format", "png"}});
  CHECK(api.wait_run(good)["status"] == "succeeded");
}

TEST_CASE("worker host: `wfc serve --worker-start` accepts only host or exec",
          "[security][worker-host]") {
  TempDir dir;
  auto r = wfc::test::run_wfc(
      dir, {"serve", "--data", (dir.path() / "data").string(), "--worker-start", "thread"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("--worker-start") != std::string::npos);
}
