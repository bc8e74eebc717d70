// "A 201 means it is on disk": a child process creates runs as fast as it can and reports each
// id down a pipe only after create_run returned (the moment the API would answer 201); the
// parent SIGKILLs it mid-stream, reopens the database, and finds every reported run whole, the
// database intact, and the runs claimable.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "test_store.h"

namespace wfc {
namespace {

TEST_CASE("runs acknowledged before a kill -9 are all there after it", "[store]") {
  test::StoreFixture f;
  { auto s = f.open(); }  // the schema exists before the race starts
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(fds[0]);
    try {
      auto s = f.open();
      for (int i = 0; i < 1'000'000; ++i) {
        std::string line = s->create_run(test::three_task_run()).run.id + "\n";
        if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
      }
    } catch (...) {
    }
    _exit(1);  // only reached if the parent never kills it
  }
  close(fds[1]);
  FILE* in = fdopen(fds[0], "r");
  REQUIRE(in);
  std::set<std::string> acknowledged;
  std::string first;
  char buf[64];
  while (acknowledged.size() < 300 && std::fgets(buf, sizeof buf, in)) {
    acknowledged.insert(std::string(buf, std::strlen(buf) - 1));
    if (first.empty()) first = *acknowledged.begin();
  }
  kill(child, SIGKILL);  // mid-stream: likely inside a transaction
  while (std::fgets(buf, sizeof buf, in))
    acknowledged.insert(std::string(buf, std::strlen(buf) - 1));
  std::fclose(in);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(acknowledged.size() >= 300);

  auto s = f.open();
  for (const std::string& id : acknowledged) {
    auto r = s->get_run(id);
    REQUIRE(r);
    CHECK(r->status == model::Status::Queued);
    CHECK(r->tasks.size() == 3);  // never a run without its tasks
  }
  // Every run the database holds is whole, acknowledged or not (the last one may have committed
  // just before the kill without being reported).
  store::ListQuery q;
  q.limit = 100;
  size_t total = 0;
  for (;;) {
    auto p = s->list_runs(q);
    REQUIRE(p);
    for (const store::Run& r : p->items) CHECK(s->get_run(r.id)->tasks.size() == 3);
    total += p->items.size();
    if (!p->has_more) break;
    q.after = p->items.back().id;
  }
  CHECK(total >= acknowledged.size());
  CHECK(total <= acknowledged.size() + 1);

  CHECK(test::sqlite_scalar(f.path, "PRAGMA integrity_check") == "ok");

  // And the queue goes on: the first run acknowledged is the first claimed.
  auto c = s->claim_run("after-crash", std::chrono::seconds(30));
  REQUIRE(c);
  CHECK(c->id == first);
}

}  // namespace
}  // namespace wfc
