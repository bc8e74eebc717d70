// The task/run state machine and wire ids, as the API reports them.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "runtime/model/ids.h"
#include "runtime/model/status.h"

using wfc::model::Status;

TEST_CASE("status names are the seeds' and parse back", "[model][status]") {
  for (auto name : {"waiting", "validating", "queued", "processing", "finishing", "succeeded",
                    "failed", "cancelled"}) {
    auto s = wfc::model::parse_status(name);
    REQUIRE(s.has_value());
    CHECK(wfc::model::status_name(*s) == name);
  }
  CHECK_FALSE(wfc::model::parse_status("done").has_value());
  CHECK_FALSE(wfc::model::parse_status("Succeeded").has_value());
}

TEST_CASE("the state machine only moves forward and never leaves a terminal status",
          "[model][status]") {
  using wfc::model::can_transition;
  CHECK(can_transition(Status::Waiting, Status::Queued));
  CHECK(can_transition(Status::Processing, Status::Finishing));
  CHECK(can_transition(Status::Finishing, Status::Succeeded));
  CHECK(can_transition(Status::Queued, Status::Cancelled));
  CHECK(can_transition(Status::Processing, Status::Failed));
  CHECK_FALSE(can_transition(Status::Processing, Status::Queued));
  CHECK_FALSE(can_transition(Status::Succeeded, Status::Failed));
  CHECK_FALSE(can_transition(Status::Cancelled, Status::Processing));
  CHECK_FALSE(can_transition(Status::Failed, Status::Cancelled));
  CHECK(wfc::model::is_terminal(Status::Cancelled));
  CHECK_FALSE(wfc::model::is_terminal(Status::Finishing));
}

TEST_CASE("ids have the prefix and 16 random characters", "[model][ids]") {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = wfc::model::new_id("run");
    REQUIRE(wfc::model::is_id(id, "run"));
    seen.insert(id);
  }
  CHECK(seen.size() == 2000);
  CHECK(wfc::model::new_id("task").size() == 21);
  CHECK_FALSE(wfc::model::is_id("run_ABCDEFGH12345678", "run"));
  CHECK_FALSE(wfc::model::is_id("run_abc", "run"));
  CHECK_FALSE(wfc::model::is_id("task_abcdefgh12345678", "run"));
}
