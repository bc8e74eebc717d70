// `wfc run`'s progress display (see run_display.h).
#include "tools/wfc/runtime/run_display.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

namespace wfc::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string clock_text(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string note_of(const nlohmann::json& task) {
  if (task["error"].is_object()) return task["error"].value("message", "");
  if (task.value("skipped", false)) return task.value("skip_reason", "");
  if (task["outputs"].is_array() && !task["outputs"].empty() && task["outputs"][0].is_object()) {
    return task["outputs"][0].value("filename", "");
  }
  return "";
}

}  // namespace

void RunDisplay::on_event(const exec::Event& event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (event.kind.rfind("task.", 0) != 0) {
    if (terminal_) redraw(false);
    return;
  }
  const nlohmann::json& t = event.data;
  std::string id = t.value("id", "");
  auto [it, fresh] = rows_.try_emplace(id);
  Row& row = it->second;
  if (fresh) order_.push_back(id);
  std::string before = row.status;
  row.node = t.value("node", "");
  row.kind = t.value("kind", "");
  row.status = t.value("status", "");
  row.progress = t["progress"].is_number() ? t["progress"].get<double>() : 0;
  if (t["inputs"].is_array() && !t["inputs"].empty() && t["inputs"][0].is_object()) {
    row.duration = t["inputs"][0].value("duration", 0.0);
  }
  if (row.status == "processing" && !row.has_started) {
    row.started = Clock::now();
    row.has_started = true;
  }
  // A task that failed transiently stays processing until its retry (scheduler.h, RetryPolicy):
  // its note is that failure, a line of its own.
  std::string before_note = std::exchange(row.note, note_of(t));
  bool retrying = row.status == "processing" && t["error"].is_object() && row.note != before_note;
  if (terminal_) {
    redraw(before != row.status || retrying);
  } else if (before != row.status || retrying) {
    std::fputs((line(row) + "\n").c_str(), out_);
    std::fflush(out_);
  }
}

std::string RunDisplay::line(const Row& row) const {
  std::string head = fmt::format("{:<12} {:<15} {:<10}", row.node, row.kind, row.status);
  if (row.status == "processing" && row.has_started) {
    double elapsed = std::chrono::duration<double>(Clock::now() - row.started).count();
    std::string extra = fmt::format("{:3.0f}%", row.progress);
    if (row.progress >= 1 && elapsed > 0.2) {
      if (row.duration > 0)
        extra += fmt::format("  {:.1f}x", row.duration * row.progress / 100 / elapsed);
      extra += "  ETA " + clock_text(elapsed * (100 - row.progress) / row.progress);
    }
    if (!row.note.empty()) extra += "  " + row.note;  // a transient failure, retried
    return head + " " + extra;
  }
  if (!row.note.empty() && row.status != "waiting") return head + " " + row.note;
  return head;
}

void RunDisplay::redraw(bool force) {
  auto now = Clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::string text;
  if (drawn_ > 0) text += fmt::format("\x1b[{}A", drawn_);  // back to the first line
  for (const std::string& id : order_) text += "\x1b[2K" + line(rows_.at(id)) + "\n";
  drawn_ = order_.size();
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

void RunDisplay::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (terminal_) redraw(true);
}

}  // namespace wfc::cli
