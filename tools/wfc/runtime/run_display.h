// What `wfc run` shows while a run goes: on a terminal, a line per task redrawn in place
// (status, percent, speed in media seconds per second, ETA); piped, one plain line per status
// change, so logs read top to bottom. It consumes the scheduler's events.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/exec/scheduler.h"

namespace wfc::cli {

class RunDisplay {
 public:
  RunDisplay(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}
  void on_event(const exec::Event& event);
  /// The final redraw on a terminal (every task in its end state).
  void finish();

 private:
  struct Row {
    std::string node, kind, status;
    double progress = 0;
    double duration = 0;  // of its input, seconds; 0 when unknown
    std::chrono::steady_clock::time_point started;
    bool has_started = false;
    std::string note;  // the error, the skip reason or the first output
  };
  void redraw(bool force);
  std::string line(const Row& row) const;

  std::FILE* out_;
  bool terminal_;
  std::mutex mu_;
  std::vector<std::string> order_;
  std::map<std::string, Row> rows_;  // by task id
  size_t drawn_ = 0;                 // lines drawn last time (terminal)
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace wfc::cli
