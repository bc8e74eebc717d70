// The store's ceiling for tools/bench/api/run: raw SQLite durable inserts with the group commit
// SqliteStore::create_run uses (runtime/store/sqlite_store.cpp) and the connection settings it
// opens with (WAL, synchronous=NORMAL unless told, a busy timeout): THREADS threads each create
// "runs" in a loop for SECONDS; a creation is ROWS rows of BYTES text in all (ids as the store
// makes them), and returns once its transaction committed. The first creator to find no commit in
// progress commits everything queued so far in one BEGIN IMMEDIATE … COMMIT. No JSON, no HTTP,
// no indexes beyond the primary key and the id: what durable creations cost at the bottom.
// Prints one line: RESULT creations=N per_second=R p50_ms=… p99_ms=… (wrk's report.lua shape).
//
//   bench_api_inserts DB THREADS SECONDS [ROWS=4] [BYTES=2000] [SYNCHRONOUS=NORMAL]
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void check(int rc, sqlite3* db, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  std::fprintf(stderr, "bench_api_inserts: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

struct Pending {
  std::vector<std::string> ids;
  bool done = false;
};

struct Db {
  sqlite3* db = nullptr;
  sqlite3_stmt *begin = nullptr, *commit = nullptr, *insert = nullptr;
  std::string body;
  std::mutex mu;  // the batch queue (the store's batch_mutex_)
  std::condition_variable done;
  std::vector<Pending*> queue;
  bool committing = false;

  void exec(sqlite3_stmt* s) {
    check(sqlite3_step(s), db, sqlite3_sql(s));
    sqlite3_reset(s);
  }

  // SqliteStore::create_run's group commit, with rows instead of runs.
  void create(Pending* me) {
    std::unique_lock lock(mu);
    queue.push_back(me);
    while (!me->done) {
      if (committing) {
        done.wait(lock);
        continue;
      }
      committing = true;
      std::vector<Pending*> batch;
      batch.swap(queue);
      lock.unlock();
      exec(begin);
      int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      for (Pending* p : batch) {
        for (const std::string& id : p->ids) {
          sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
          sqlite3_bind_int64(insert, 2, now);
          sqlite3_bind_text(insert, 3, body.data(), static_cast<int>(body.size()),
                            SQLITE_TRANSIENT);
          exec(insert);
        }
      }
      exec(commit);
      lock.lock();
      for (Pending* p : batch) p->done = true;
      committing = false;
      done.notify_all();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: bench_api_inserts DB THREADS SECONDS [ROWS=4] [BYTES=2000] "
                 "[SYNCHRONOUS=NORMAL]\n");
    return 2;
  }
  const char* path = argv[1];
  int threads = std::max(1, std::atoi(argv[2]));
  double seconds = std::atof(argv[3]);
  int rows = argc > 4 ? std::max(1, std::atoi(argv[4])) : 4;
  int bytes = argc > 5 ? std::max(rows, std::atoi(argv[5])) : 2000;
  std::string synchronous = argc > 6 ? argv[6] : "NORMAL";
  if (synchronous != "NORMAL" && synchronous != "FULL") {
    std::fprintf(stderr, "bench_api_inserts: SYNCHRONOUS must be NORMAL or FULL\n");
    return 2;
  }

  Db d;
  check(sqlite3_open_v2(path, &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), d.db,
        "open");
  sqlite3_busy_timeout(d.db, 5000);
  std::string setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous +
                      "; CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, id TEXT NOT "
                      "NULL UNIQUE, created_at INTEGER NOT NULL, body TEXT NOT NULL);";
  check(sqlite3_exec(d.db, setup.c_str(), nullptr, nullptr, nullptr), d.db, "schema");
  check(sqlite3_prepare_v2(d.db, "BEGIN IMMEDIATE", -1, &d.begin, nullptr), d.db, "prepare");
  check(sqlite3_prepare_v2(d.db, "COMMIT", -1, &d.commit, nullptr), d.db, "prepare");
  check(sqlite3_prepare_v2(d.db, "INSERT INTO rows (id, created_at, body) VALUES (?, ?, ?)", -1,
                           &d.insert, nullptr),
        d.db, "prepare");
  d.body.assign(static_cast<size_t>(bytes / rows), 'x');

  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919 + 1);
      static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
      while (!stop) {
        Pending p;
        for (int r = 0; r < rows; ++r) {
          std::string id = "row_";
          for (int i = 0; i < 16; ++i) id += kAlphabet[rng() % 36];
          p.ids.push_back(std::move(id));
        }
        auto t0 = Clock::now();
        d.create(&p);
        latencies[static_cast<size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto at = [&](double q) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(q * all.size()))];
  };
  std::printf("RESULT creations=%zu per_second=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
              all.size(), static_cast<double>(all.size()) / elapsed, at(0.5), at(0.99),
              all.empty() ? 0.0 : all.back());
  sqlite3_finalize(d.begin);
  sqlite3_finalize(d.commit);
  sqlite3_finalize(d.insert);
  sqlite3_close(d.db);
  return 0;
}
