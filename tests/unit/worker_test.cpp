// `wfc worker` and `--store` as an operator meets them (docs/cli.md, docs/deploy.md): the store
// URL's password never printed, the store reaching worker processes through their environment
// rather than their command line, --store and --db naming different stores refused, and worker
// ids unique per process on a shared data directory, a restart taking its slot back.
#include <dirent.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/test_cli.h"
#include "tests/unit/test_nodes.h"

namespace wfc::test {
namespace {

// The worker ids a log names, in order ("wfc worker: wkr_… (N run(s) at once)").
std::vector<std::string> ids_in(const std::string& log) {
  std::vector<std::string> ids;
  std::regex line("wfc worker: (wkr_[0-9a-z]+) \\(");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator();
       ++it) {
    ids.push_back((*it)[1]);
  }
  return ids;
}

void wait_ids(const WorkerNode& node, size_t n) {
  for (int i = 0; i < 600 && ids_in(node.log()).size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(ids_in(node.log()).size() == n);
}

// A /proc file of process `pid` with its NULs as newlines.
std::string proc_text(pid_t pid, const char* name) {
  std::string text = slurp(fs::path("/proc") / std::to_string(pid) / name);
  for (char& c : text) c = c == '\0' ? '\n' : c;
  return text;
}

// The children of `pid`.
std::vector<pid_t> children(pid_t pid) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

TEST_CASE("a store URL's password is never printed", "[worker][cli]") {
  TempDir dir;
  // Nothing listens on port 1: the store cannot be opened, and the message names the URL.
  const std::string url = "postgres://wfc:s3cretpw@127.0.0.1:1/wfc";
  for (const char* command : {"worker", "serve"}) {
    INFO(command);
    std::vector<std::string> args = {command, "--store", url, "--data",
                                     (dir.path() / "d").string()};
    if (std::string(command) == "serve") {
      for (const char* a : {"--listen", "127.0.0.1:0"}) args.push_back(a);
    }
    // With the key a PostgreSQL store requires of `wfc serve`, so the store is what fails.
    Run r = run_wfc(dir, args, shared_secrets_key_env());
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("postgres://wfc:***@127.0.0.1:1/wfc"));
    CHECK(r.err.find("s3cretpw") == std::string::npos);
    CHECK(r.out.find("s3cretpw") == std::string::npos);
  }
}

TEST_CASE("a worker given --store and --db naming different stores refuses to start",
          "[worker][cli]") {
  TempDir dir;
  Run r = run_wfc(dir, {"worker", "--store", "a.db", "--db", "b.db"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("name different stores"));
  CHECK_THAT(r.err, Catch::Contains("--db PATH is the same as --store PATH"));
}

TEST_CASE("worker processes get the store in their environment, not on their command line",
          "[worker]") {
  TempDir dir;
  std::string store = (dir.path() / "shared.db").string();
  WorkerNode worker(dir, store);
  wait_ids(worker, 1);
  // Its worker host, started before it says which id it took.
  std::vector<pid_t> kids = children(worker.pid());
  REQUIRE(kids.size() == 1);
  std::string argv = proc_text(kids[0], "cmdline");
  CHECK_THAT(argv, Catch::Contains("worker-host"));
  CHECK(argv.find(store) == std::string::npos);
  CHECK_THAT(proc_text(kids[0], "environ"), Catch::Contains("WFC_STORE=" + store + "\n"));
  worker.signal(SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("workers sharing a data directory hold distinct ids, and a restart takes its slot back",
          "[worker]") {
  TempDir dir;
  std::string store = (dir.path() / "shared.db").string();
  WorkerNode first(dir, store);
  wait_ids(first, 1);
  WorkerNode second(dir, store);  // the same data directory (and log)
  wait_ids(second, 2);
  std::vector<std::string> ids = ids_in(first.log());
  CHECK(ids[0] != ids[1]);
  first.kill9();
  WorkerNode again(dir, store);
  wait_ids(again, 3);
  CHECK(ids_in(again.log())[2] == ids[0]);  // the dead process's slot, and id
  second.signal(SIGTERM);
  again.signal(SIGTERM);
  CHECK(second.wait() == 0);
  CHECK(again.wait() == 0);
}

}  // namespace wfc::test
