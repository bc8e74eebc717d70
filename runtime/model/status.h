// The task and run state machine of the seeds (seeds/002_*): waiting → validating → queued →
// processing → finishing → succeeded, or failed / cancelled from any non-terminal status. The
// scheduler, the store and the API all speak these names; transitions outside the machine are
// programming errors that `can_transition` lets callers assert against. Statuses and ids
// (ids.h) are runtime/model, the runtime's lowest folder: it includes nothing else of the
// runtime, so the store, the scheduler and the API can all speak it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wfc::model {

enum class Status : uint8_t {
  Waiting,
  Validating,
  Queued,
  Processing,
  Finishing,
  Succeeded,
  Failed,
  Cancelled,
};

std::string_view status_name(Status s);  // "waiting", …, "cancelled"
std::optional<Status> parse_status(std::string_view name);
bool is_terminal(Status s);  // succeeded, failed, cancelled

/// Whether `from → to` is a step of the machine: forward along the happy path (skipping steps
/// is allowed, e.g. waiting → queued for a task with nothing to validate), or to failed or
/// cancelled from any non-terminal status. Nothing leaves a terminal status.
bool can_transition(Status from, Status to);

}  // namespace wfc::model
