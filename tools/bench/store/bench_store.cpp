// Store micro-benchmark (docs/benchmarks.md, "The store"): how many durable run creations and
// run reads per second SqliteStore sustains, and their p50/p99 latencies, on a fresh database in
// a temporary directory. A run is the shape POST /automations/{id}/run creates: a plan of a few
// KB, metadata, four tasks. Prints one markdown row per configuration.
//
//   bench_store [--runs N] [--threads T] [--synchronous NORMAL|FULL] [--stores shared|per-thread]
//               [--dir DIR] [--store postgres://…] [--claims]
//
// With --claims it measures the queue instead: --runs runs are created, then --threads workers,
// each with a store of its own (as `wfc worker` processes have), claim and finish them as fast as
// they can ("empty workflows": nothing is executed between the claim and the finish) until none
// is left; one row of claims per second and the claim's p50/p99.
//
// With --store, the store that URL opens (open_store; a PostgreSQL database should be empty:
// its runs are left there) instead of a SQLite file; the first column then says "postgres".
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/store/open_store.h"
#include "runtime/store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace store = wfc::store;

struct Config {
  int runs = 20000;
  int threads = 1;
  std::string synchronous = "NORMAL";
  bool store_per_thread = false;  // each thread its own SqliteStore (its own writer connection)
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::string url;  // --store: a store URL instead of a SQLite file in `dir`
  bool claims = false;
};

store::NewRun sample_run(int i) {
  store::NewRun r;
  r.automation_id = "auto_benchmark00000001";
  r.input_url = "https://media.example.com/uploads/" + std::to_string(i) + ".mp4";
  r.created_by = "key_benchmark000000001";
  r.metadata = {{"customer", "c" + std::to_string(i % 97)}, {"source", "bench"}};
  nlohmann::json nodes = nlohmann::json::array();
  for (int n = 0; n < 4; ++n)
    nodes.push_back({{"id", "t" + std::to_string(n)},
                     {"kind", n == 0 ? "video" : "image"},
                     {"options", {{"width", 1280 >> n}, {"format", "mp4"}, {"quality", "high"}}}});
  r.plan = {{"version", 1}, {"nodes", nodes}, {"gates", nlohmann::json::array()}};
  r.tasks = {{"t0", "video", {{"width", 1280}}, ""},
             {"t1", "image", {{"width", 640}}, "t0"},
             {"t2", "image", {{"width", 320}}, "t0"},
             {"t3", "audio", nlohmann::json::object(), ""}};
  return r;
}

struct Result {
  double per_second;
  double p50_ms, p99_ms;
};

/// Runs `op(thread, i)` `total` times split over `threads` threads; latency of each call.
template <typename Op>
Result measure(int total, int threads, Op op) {
  std::vector<std::vector<double>> lat(threads);
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      lat[t].reserve(total / threads + 1);
      for (int i = t; i < total; i += threads) {
        auto a = Clock::now();
        op(t, i);
        lat[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
      }
    });
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[static_cast<size_t>(p * (all.size() - 1))]; };
  return {total / secs, pct(0.50), pct(0.99)};
}

/// The --claims measurement (see the top of the file).
int claims(const Config& cfg, const store::SqliteStore::Options& sqlite, store::Store& first) {
  for (int i = 0; i < cfg.runs; ++i) first.create_run(sample_run(i));
  std::vector<std::unique_ptr<store::Store>> workers;
  for (int t = 0; t < cfg.threads; ++t) {
    if (cfg.url.empty())
      workers.push_back(std::make_unique<store::SqliteStore>(sqlite));
    else
      workers.push_back(store::open_store(cfg.url));
  }
  std::vector<std::vector<double>> lat(cfg.threads);
  std::atomic<int> claimed{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < cfg.threads; ++t)
    pool.emplace_back([&, t] {
      std::string worker = "wkr_bench" + std::to_string(t);
      for (;;) {
        auto a = Clock::now();
        auto run = workers[t]->claim_run(worker, std::chrono::seconds(30));
        lat[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
        if (!run) break;
        ++claimed;
        workers[t]->finish_run(run->id, worker, wfc::model::Status::Succeeded, nullptr);
      }
    });
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all[static_cast<size_t>(p * (all.size() - 1))]; };
  std::printf("| %s | %d | %d | %d | %.0f | %.3f | %.3f |\n",
              cfg.url.empty() ? "sqlite" : "postgres", cfg.threads, cfg.runs, claimed.load(),
              claimed / secs, pct(0.50), pct(0.99));
  return claimed == cfg.runs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--claims") {
      cfg.claims = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench_store: %s needs a value\n", k.c_str());
      return 2;
    }
    std::string v = argv[i + 1];
    if (k == "--runs")
      cfg.runs = std::max(1, std::atoi(v.c_str()));
    else if (k == "--threads")
      cfg.threads = std::max(1, std::atoi(v.c_str()));
    else if (k == "--synchronous")
      cfg.synchronous = v;
    else if (k == "--stores")
      cfg.store_per_thread = v == "per-thread";
    else if (k == "--dir")
      cfg.dir = v;
    else if (k == "--store")
      cfg.url = v;
    else {
      std::fprintf(stderr, "bench_store: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  std::filesystem::path db = cfg.dir / ("wfc-bench-store-" + std::to_string(getpid()) + ".db");
  store::SqliteStore::Options o;
  o.path = db;
  o.synchronous = cfg.synchronous;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int t = 0; t < (cfg.store_per_thread ? cfg.threads : 1); ++t) {
    if (cfg.url.empty())
      stores.push_back(std::make_unique<store::SqliteStore>(o));
    else
      stores.push_back(store::open_store(cfg.url));
  }
  auto store_of = [&](int t) -> store::Store& { return *stores[cfg.store_per_thread ? t : 0]; };

  if (cfg.claims) {
    int rc = claims(cfg, o, *stores.front());
    stores.clear();
    if (cfg.url.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
    return rc;
  }

  std::vector<store::NewRun> inputs;
  for (int i = 0; i < cfg.runs; ++i) inputs.push_back(sample_run(i));
  std::vector<std::string> ids(cfg.runs);
  // With a store per thread, writers meet on SQLite's lock, whose busy handler (sleep and retry)
  // is not fair: a writer can starve past busy_timeout. Those failures are counted, not fatal.
  std::atomic<int> failed{0};
  Result create = measure(cfg.runs, cfg.threads, [&](int t, int i) {
    try {
      ids[i] = store_of(t).create_run(inputs[i]).run.id;
    } catch (const store::StoreError&) {
      ++failed;
    }
  });
  std::erase(ids, std::string());
  std::vector<std::mt19937> rng;
  for (int t = 0; t < cfg.threads; ++t) rng.emplace_back(t + 1);
  if (ids.empty()) return 1;
  Result get = measure(cfg.runs, cfg.threads, [&](int t, int) {
    auto r = store_of(t).get_run(ids[rng[t]() % ids.size()]);
    if (!r || r->tasks.size() != 4) std::abort();
  });
  std::printf("| %s | %d | %s | %d | %d | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f |\n",
              cfg.url.empty() ? cfg.synchronous.c_str() : "postgres", cfg.threads,
              cfg.store_per_thread ? "per thread" : "shared", cfg.runs, failed.load(),
              create.per_second, create.p50_ms, create.p99_ms, get.per_second, get.p50_ms,
              get.p99_ms);
  stores.clear();
  if (cfg.url.empty())
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  return 0;
}
