// Names and transitions of the task/run statuses (see status.h).
#include "runtime/model/status.h"

#include <array>

namespace wfc::model {
namespace {

constexpr std::array<std::string_view, 8> kNames = {"waiting",    "validating", "queued",
                                                    "processing", "finishing",  "succeeded",
                                                    "failed",     "cancelled"};

}  // namespace

std::string_view status_name(Status s) { return kNames[static_cast<size_t>(s)]; }

std::optional<Status> parse_status(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

bool is_terminal(Status s) {
  return s == Status::Succeeded || s == Status::Failed || s == Status::Cancelled;
}

bool can_transition(Status from, Status to) {
  if (is_terminal(from)) return false;
  if (to == Status::Failed || to == Status::Cancelled) return true;
  return static_cast<uint8_t>(to) > static_cast<uint8_t>(from);
}

}  // namespace wfc::model
