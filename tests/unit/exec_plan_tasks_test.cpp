// A run's task list from its plan (runtime/exec/plan_tasks.h), the one the scheduler starts from
// and the API stores with each new run: written order, parents, pruned tasks skipped.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/exec/plan_tasks.h"
#include "runtime/model/ids.h"
#include "test_plan.h"

using wfc::exec::plan_tasks;
using wfc::exec::TaskState;
using wfc::model::Status;
using wfc::test::plan_text;
using wfc::test::with_input;

namespace {

const char* kGated = R"([
  {"kind": "video", "options": {"width": 320}, "next": [{"kind": "image"}]},
  {"kind": "conditions", "options": {"kind": {"eq": "video"}},
   "next": [{"kind": "audio"}]}
])";

const TaskState& task(const std::vector<TaskState>& tasks, const std::string& node) {
  for (const TaskState& t : tasks) {
    if (t.node == node) return t;
  }
  FAIL("no task " << node);
  return tasks.front();
}

}  // namespace

TEST_CASE("plan tasks: written order, new ids, parents by what a task reads",
          "[exec][plan_tasks]") {
  auto r = plan_text(kGated);
  std::vector<TaskState> tasks = plan_tasks(r.plan);
  std::vector<std::string> nodes;
  for (const TaskState& t : tasks) {
    nodes.push_back(t.node);
    CHECK(wfc::model::is_id(t.id, "task"));
    CHECK(t.status == Status::Waiting);
    CHECK(t.created_at == 0);
  }
  CHECK(nodes == std::vector<std::string>{"t0", "t0.0", "t1", "t1.0"});
  CHECK(task(tasks, "t0").kind == "video");
  CHECK(task(tasks, "t0").options.value("width", 0) == 320);
  CHECK(task(tasks, "t0").parent.empty());
  CHECK(task(tasks, "t0.0").parent == task(tasks, "t0").id);
  CHECK(task(tasks, "t1").kind == "conditions");
  CHECK(task(tasks, "t1").parent.empty());
  CHECK(task(tasks, "t1.0").parent == task(tasks, "t1").id);
  // Every call makes new ids: each run has its own tasks.
  CHECK(plan_tasks(r.plan)[0].id != tasks[0].id);
}

TEST_CASE("plan tasks: a pruned task is listed, cancelled and skipped with the reason",
          "[exec][plan_tasks]") {
  auto r = plan_text(kGated, with_input("kind=audio,duration=30"));
  std::vector<TaskState> tasks = plan_tasks(r.plan);
  const TaskState& pruned = task(tasks, "t1.0");
  CHECK(pruned.status == Status::Cancelled);
  CHECK(pruned.skipped);
  CHECK_FALSE(pruned.skip_reason.empty());
  CHECK(task(tasks, "t0").status == Status::Waiting);
}
