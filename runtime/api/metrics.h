// What GET /metrics reports (Prometheus text format 0.0.4): runs and tasks by status and the
// queue's depth, read from the store at each scrape (gauges of the database, right after a
// restart too), and the durations of the tasks this process executed (a histogram by kind, timed
// by the worker pool, which reports each task as it ends: exec::WorkerPool::TaskEnded, wired by
// `wfc serve`; it starts empty with the process, as Prometheus counters do).
// External interface: Metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "runtime/store/store.h"

namespace wfc::api {

class Metrics {
 public:
  /// Upper bounds (seconds) of the duration buckets.
  static constexpr std::array<double, 11> kBuckets = {0.1, 0.25, 0.5, 1,   2.5, 5,
                                                      10,  30,   60,  120, 300};

  /// A task of `kind` ended (`status`: succeeded, failed, cancelled) after `seconds` of work.
  void observe_task(std::string_view kind, std::string_view status, double seconds);
  void count_run_created() { ++runs_created_; }

  std::string render(const store::StatusCounts& counts) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Histogram> durations_;  // (kind, status)
  std::atomic<uint64_t> runs_created_{0};
};

}  // namespace wfc::api
