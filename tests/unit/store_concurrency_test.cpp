// The store under concurrent callers: creators on several threads lose no run, readers beside
// them see only whole runs (never a run without its tasks), and concurrent workers claim every
// run exactly once.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "test_store.h"

namespace wfc {
namespace {

TEST_CASE("concurrent creators lose nothing and readers see whole runs", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  constexpr int kThreads = 4, kPerThread = 60;
  std::mutex m;
  std::set<std::string> created;
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, reads{0};

  std::thread reader([&] {
    while (!done) {
      auto p = s->list_runs({});
      for (const store::Run& r : p->items) {
        auto full = s->get_run(r.id);
        if (!full || full->tasks.size() != 3) ++partial;
        ++reads;
      }
    }
  });
  std::vector<std::thread> creators;
  for (int t = 0; t < kThreads; ++t)
    creators.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store::NewRun r = test::three_task_run();
        if (i % 3 == 0) r.idempotency_key = "t" + std::to_string(t) + "-" + std::to_string(i);
        std::string id = s->create_run(r).run.id;
        std::lock_guard lock(m);
        created.insert(id);
      }
    });
  for (auto& t : creators) t.join();
  done = true;
  reader.join();

  CHECK(created.size() == kThreads * kPerThread);
  CHECK(partial == 0);
  // All of them are on disk: a second store on the same file sees every one.
  auto other = f.open();
  std::set<std::string> listed;
  store::ListQuery q;
  q.limit = 100;
  for (;;) {
    auto p = other->list_runs(q);
    for (const store::Run& r : p->items) listed.insert(r.id);
    if (!p->has_more) break;
    q.after = p->items.back().id;
  }
  CHECK(listed == created);
}

TEST_CASE("concurrent creations with the same idempotency keys make one run per key",
          "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  constexpr int kThreads = 6, kKeys = 25;
  // ids[t][k]: the run thread t was given for key k; creations share commits (group commit),
  // so a key's first and second request can land in the same transaction.
  std::vector<std::vector<std::string>> ids(kThreads, std::vector<std::string>(kKeys));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kKeys; ++k) {
        store::NewRun r = test::three_task_run();
        r.idempotency_key = "key-" + std::to_string((k + t) % kKeys);
        ids[t][(k + t) % kKeys] = s->create_run(r).run.id;
      }
    });
  for (auto& t : threads) t.join();
  std::set<std::string> distinct;
  for (int k = 0; k < kKeys; ++k) {
    for (int t = 1; t < kThreads; ++t) CHECK(ids[t][k] == ids[0][k]);
    distinct.insert(ids[0][k]);
  }
  CHECK(distinct.size() == kKeys);
  store::ListQuery q;
  q.limit = 100;
  CHECK(s->list_runs(q)->items.size() == kKeys);
}

TEST_CASE("concurrent workers claim every run exactly once", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::set<std::string> created;
  for (int i = 0; i < 120; ++i) created.insert(s->create_run(test::three_task_run()).run.id);
  // Two stores on the same file: workers in two processes contend through SQLite's lock, the
  // threads of one process through the writer mutex.
  auto s2 = f.open();
  std::mutex m;
  std::multiset<std::string> claimed;
  std::atomic<int> unfinished{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      store::Store& st = w % 2 ? *s2 : *s;
      std::string me = "worker-" + std::to_string(w);
      while (auto r = st.claim_run(me, std::chrono::seconds(60))) {
        if (!st.finish_run(r->id, me, model::Status::Succeeded, nullptr)) ++unfinished;
        std::lock_guard lock(m);
        claimed.insert(r->id);
      }
    });
  for (auto& t : workers) t.join();
  CHECK(unfinished == 0);
  CHECK(claimed.size() == created.size());
  CHECK(std::set<std::string>(claimed.begin(), claimed.end()) == created);
  store::ListQuery q;
  q.status = model::Status::Succeeded;
  q.limit = 100;
  CHECK(s->list_runs(q)->has_more);
}

}  // namespace
}  // namespace wfc
