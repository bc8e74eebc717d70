// The store as the run queue: idempotent creation, claims in age order, leases that lapse when a
// worker dies, attempts counted up to a maximum, scheduler events persisted with the run and
// task state they describe, cancellation, webhook bookkeeping, and a worker process killed while
// holding a run.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "test_store.h"

namespace wfc {
namespace {

using model::Status;
using std::chrono::seconds;

/// A task object as the scheduler emits it: its own task id, the plan node, the state.
nlohmann::json sched_task(const std::string& node, const char* status, double progress) {
  return {{"id", "task_fromscheduler0001"},
          {"object", "task"},
          {"node", node},
          {"status", status},
          {"progress", progress},
          {"outputs", nlohmann::json::array()},
          {"error", nullptr},
          {"started_at", 1'800'000'001}};
}

TEST_CASE("an idempotency key returns the run it created, per API key", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  std::string first;
  {
    auto s = f.open();
    store::NewRun r = test::three_task_run();
    r.idempotency_key = "upload-42";
    store::CreatedRun a = s->create_run(r);
    CHECK(a.created);
    first = a.run.id;
    store::CreatedRun b = s->create_run(r);
    CHECK_FALSE(b.created);
    CHECK(b.run.id == first);
    CHECK(b.run.tasks.size() == 3);
    store::ListQuery q;
    q.run_id = first;
    CHECK(s->list_events(q)->items.size() == 1);  // one run.created, not one per request

    r.created_by = "key_someoneelse00000";  // another key's namespace
    CHECK(s->create_run(r).run.id != first);
    r.idempotency_key.clear();  // no key: always a new run
    CHECK(s->create_run(r).run.id != s->create_run(r).run.id);
  }
  auto s = f.open();  // the key outlives the process
  store::NewRun r = test::three_task_run();
  r.idempotency_key = "upload-42";
  CHECK(s->create_run(r).run.id == first);
  CHECK(s->list_runs({})->items.size() == 4);
}

TEST_CASE("claims hand out the oldest queued run once, counting the attempt", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string a = s->create_run(test::three_task_run()).run.id;
  f.clock.advance_seconds(1);
  std::string b = s->create_run(test::three_task_run()).run.id;

  auto c1 = s->claim_run("worker-1", seconds(30));
  REQUIRE(c1);
  CHECK(c1->id == a);
  CHECK(c1->status == Status::Processing);
  CHECK(c1->attempts == 1);
  CHECK(c1->worker_id == "worker-1");
  CHECK(c1->tasks.size() == 3);
  auto c2 = s->claim_run("worker-2", seconds(30));
  REQUIRE(c2);
  CHECK(c2->id == b);
  CHECK_FALSE(s->claim_run("worker-3", seconds(30)));
  CHECK(s->get_run(a)->status == Status::Processing);
  CHECK(s->get_run(a)->started_at == 1'800'000'001);  // claimed after the clock moved
}

TEST_CASE("a lapsed lease makes the run claimable again; the old worker can no longer write",
          "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string id = s->create_run(test::three_task_run()).run.id;
  REQUIRE(s->claim_run("worker-1", seconds(30)));
  f.clock.advance_seconds(20);
  CHECK(s->renew_lease(id, "worker-1", seconds(30)) == store::Lease::Held);
  f.clock.advance_seconds(20);  // renewed: 40 s after the claim it is still held
  CHECK_FALSE(s->claim_run("worker-2", seconds(30)));
  f.clock.advance_seconds(11);

  auto again = s->claim_run("worker-2", seconds(30));
  REQUIRE(again);
  CHECK(again->id == id);
  CHECK(again->attempts == 2);
  CHECK(s->renew_lease(id, "worker-1", seconds(30)) == store::Lease::Lost);
  CHECK_FALSE(s->apply_event(id, "worker-1", "task.updated", sched_task("t0", "processing", 50)));
  CHECK_FALSE(s->finish_run(id, "worker-1", Status::Failed, nullptr));
  CHECK(s->get_run(id)->tasks[0].progress == 0);
}

TEST_CASE("a run created held is its creator's until the lease lapses", "[store][pg]") {
  // `wfc run --store` creates the run it executes already claimed, so a worker polling the same
  // store cannot take it between its creation and a claim.
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::NewRun r = test::three_task_run();
  r.worker_id = "wfc-run-1";
  r.lease = seconds(30);
  store::CreatedRun made = s->create_run(r);
  std::string id = made.run.id;
  CHECK(made.run.status == Status::Processing);
  CHECK(made.run.worker_id == "wfc-run-1");
  auto stored = s->get_run(id);
  REQUIRE(stored);
  CHECK(stored->status == Status::Processing);
  CHECK(stored->attempts == 1);
  CHECK(stored->worker_id == "wfc-run-1");
  CHECK(stored->started_at == 1'800'000'000);
  store::ListQuery events;
  events.run_id = id;
  auto created = s->list_events(events);
  REQUIRE(created->items.size() == 1);
  CHECK(created->items[0].kind == "run.created");
  CHECK(created->items[0].data["status"] == "queued");  // the run as created, as for any run

  // Not claimable by a worker while its lease holds, renewed or not.
  CHECK_FALSE(s->claim_run("worker-1", seconds(30)));
  f.clock.advance_seconds(20);
  CHECK(s->renew_lease(id, "wfc-run-1", seconds(30)) == store::Lease::Held);
  f.clock.advance_seconds(20);
  CHECK_FALSE(s->claim_run("worker-1", seconds(30)));
  // Its holder records its events, as a worker that claimed it would.
  CHECK(s->apply_event(id, "wfc-run-1", "task.updated", sched_task("t0", "processing", 50)));
  CHECK(s->get_run(id)->tasks[0].progress == 50);
  CHECK_FALSE(s->apply_event(id, "worker-1", "task.updated", sched_task("t0", "processing", 60)));

  // Its creator died: the lease lapses and a worker takes the run, as the second attempt.
  f.clock.advance_seconds(31);
  auto taken = s->claim_run("worker-1", seconds(30));
  REQUIRE(taken);
  CHECK(taken->id == id);
  CHECK(taken->attempts == 2);
  CHECK(s->renew_lease(id, "wfc-run-1", seconds(30)) == store::Lease::Lost);
}

TEST_CASE("a run interrupted max_attempts times fails with a clear error", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string id = s->create_run(test::three_task_run()).run.id;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto c = s->claim_run("worker-" + std::to_string(attempt), seconds(10));
    REQUIRE(c);
    CHECK(c->attempts == attempt);
    f.clock.advance_seconds(11);  // the worker died without finishing
  }
  CHECK_FALSE(s->claim_run("worker-4", seconds(10)));
  auto r = s->get_run(id);
  REQUIRE(r);
  CHECK(r->status == Status::Failed);
  CHECK(r->error["kind"] == "run_interrupted");
  CHECK(r->error["message"] ==
        "the run was interrupted 3 times (the server stopped while processing it)");
  CHECK(r->worker_id.empty());
  CHECK(r->finished_at > 0);
  for (const store::Task& t : r->tasks) CHECK(t.status == Status::Cancelled);
  store::ListQuery q;
  q.kind = "run.failed";
  auto events = s->list_events(q);
  REQUIRE(events->items.size() == 1);
  CHECK(events->items[0].data["error"]["kind"] == "run_interrupted");
}

TEST_CASE("scheduler events update tasks and the run and are listed in order", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string id = s->create_run(test::hooked_run()).run.id;
  REQUIRE(s->claim_run("w", seconds(30)));

  REQUIRE(s->apply_event(id, "w", "run.started", {{"status", "processing"}, {"progress", 0}}));
  REQUIRE(s->apply_event(id, "w", "task.updated", sched_task("t0", "processing", 42.5)));
  CHECK(s->get_run(id)->tasks[0].progress == 42.5);
  CHECK(s->get_run(id)->tasks[0].status == Status::Processing);
  nlohmann::json done = sched_task("t0", "succeeded", 100);
  done["outputs"] = {{{"object", "file"}, {"kind", "video"}, {"width", 640}}};
  done["finished_at"] = 1'800'000'002;
  REQUIRE(s->apply_event(id, "w", "task.succeeded", done));
  nlohmann::json failed = sched_task("t1", "failed", 0);
  failed["error"] = {{"kind", "encode_failed"}, {"message", "no frames"}};
  REQUIRE(s->apply_event(id, "w", "task.failed", failed));
  nlohmann::json skipped = sched_task("t2", "cancelled", 0);
  skipped["skip_reason"] = "condition 'has_audio' does not hold";
  REQUIRE(s->apply_event(id, "w", "task.cancelled", skipped));
  REQUIRE(s->apply_event(id, "w", "run.failed",
                         {{"status", "failed"},
                          {"progress", 100},
                          {"error", {{"kind", "task_failed"}, {"message", "1 task failed"}}},
                          {"tasks", {sched_task("t0", "succeeded", 100)}}}));

  auto r = s->get_run(id);
  CHECK(r->status == Status::Failed);
  CHECK(r->error["kind"] == "task_failed");
  CHECK(r->worker_id.empty());
  CHECK(r->finished_at > 0);
  CHECK(r->tasks[0].status == Status::Succeeded);
  CHECK(r->tasks[0].outputs[0]["width"] == 640);
  CHECK(r->tasks[0].finished_at == 1'800'000'002);
  CHECK(r->tasks[1].error["message"] == "no frames");
  CHECK(r->tasks[2].status == Status::Cancelled);
  CHECK(r->tasks[2].skip_reason == "condition 'has_audio' does not hold");
  CHECK(s->renew_lease(id, "w", seconds(30)) == store::Lease::Lost);  // finished: let go

  store::ListQuery q;
  q.order = store::Order::Asc;
  q.run_id = id;
  auto events = s->list_events(q);
  REQUIRE(events);
  std::vector<std::string> kinds;
  for (const store::Event& e : events->items) kinds.push_back(e.kind);
  CHECK(kinds == std::vector<std::string>{"run.created", "run.started", "task.updated",
                                          "task.succeeded", "task.failed", "task.cancelled",
                                          "run.failed"});
  // Event data names tasks by the ids the API showed, not the scheduler's.
  CHECK(events->items[2].data["id"] == r->tasks[0].id);
  CHECK(events->items[2].data["run_id"] == id);
  CHECK(events->items[4].data["parent_id"] == r->tasks[0].id);
  CHECK(events->items[6].data["tasks"][0]["id"] == r->tasks[0].id);
  CHECK(events->items[6].webhook_url == "https://hooks.example.com/runs");
}

TEST_CASE("webhook deliveries are due, retried later, then done", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string with_hook = s->create_run(test::hooked_run()).run.id;
  std::string without = s->create_run(test::three_task_run()).run.id;
  REQUIRE(s->claim_run("w", seconds(30)));
  REQUIRE(s->claim_run("w", seconds(30)));
  REQUIRE(s->finish_run(with_hook, "w", Status::Succeeded, nullptr));
  REQUIRE(s->finish_run(without, "w", Status::Succeeded, nullptr));

  int64_t now = 1'800'000'000;
  auto due = s->due_deliveries(now, 10);
  // run.created then run.succeeded, of the run with a webhook only.
  REQUIRE(due.size() == 2);
  CHECK(due[0].kind == "run.created");
  CHECK(due[0].data["id"] == with_hook);
  CHECK(due[0].data["status"] == "queued");
  s->record_delivery(due[0].id, {true, 0});
  due = s->due_deliveries(now, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].kind == "run.succeeded");
  CHECK(due[0].data["status"] == "succeeded");
  CHECK(due[0].data["progress"] == 100);
  s->record_delivery(due[0].id, {false, now + 30});
  CHECK(s->due_deliveries(now + 29, 10).empty());
  auto retry = s->due_deliveries(now + 30, 10);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].attempts == 1);
  s->record_delivery(retry[0].id, {true, 0});
  CHECK(s->due_deliveries(now + 1000, 10).empty());
  store::ListQuery q;
  q.kind = "run.succeeded";
  q.run_id = with_hook;
  auto e = s->list_events(q)->items.at(0);
  CHECK(e.attempts == 2);
  CHECK(e.delivered_at > 0);
}

TEST_CASE("cancelling a queued run ends it; a processing one is flagged for its worker",
          "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string running = s->create_run(test::three_task_run()).run.id;
  std::string waiting = s->create_run(test::three_task_run()).run.id;
  REQUIRE(s->claim_run("w", seconds(30))->id == running);

  auto c = s->cancel_run(waiting);
  REQUIRE(c);
  CHECK(c->status == Status::Cancelled);
  for (const store::Task& t : c->tasks) CHECK(t.status == Status::Cancelled);
  CHECK_FALSE(s->claim_run("w2", seconds(30)));  // a cancelled run is never claimed

  auto flagged = s->cancel_run(running);
  CHECK(flagged->status == Status::Processing);
  CHECK(flagged->cancel_requested);
  CHECK(s->renew_lease(running, "w", seconds(30)) == store::Lease::CancelRequested);
  REQUIRE(s->finish_run(running, "w", Status::Cancelled, nullptr));
  CHECK(s->get_run(running)->status == Status::Cancelled);
  CHECK(s->cancel_run(running)->status == Status::Cancelled);  // terminal stays terminal
  CHECK_FALSE(s->cancel_run("run_nosuchrun0000000"));
}

TEST_CASE("a worker whose process was killed mid-run: the run is claimed again", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  std::string id;
  {
    auto s = f.open();
    id = s->create_run(test::three_task_run()).run.id;
  }
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The worker process: claims, records some progress, and dies without finishing.
    int code = 1;
    try {
      auto s = f.open();
      auto c = s->claim_run("doomed", seconds(30));
      if (c && s->apply_event(id, "doomed", "task.updated", sched_task("t0", "processing", 60)))
        code = 0;
    } catch (...) {
    }
    _exit(code);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  auto s = f.open();  // the restarted server
  auto r = s->get_run(id);
  CHECK(r->status == Status::Processing);  // what the dead process committed is on disk
  CHECK(r->tasks[0].progress == 60);
  CHECK_FALSE(s->claim_run("restarted", seconds(30)));  // held until the lease lapses
  f.clock.advance_seconds(31);
  auto again = s->claim_run("restarted", seconds(30));
  REQUIRE(again);
  CHECK(again->id == id);
  CHECK(again->attempts == 2);
  CHECK(again->tasks[0].status == Status::Queued);  // the retry starts the plan again
  CHECK(again->tasks[0].progress == 0);
  REQUIRE(s->finish_run(id, "restarted", Status::Succeeded, nullptr));
  CHECK(s->get_run(id)->status == Status::Succeeded);
}

TEST_CASE("a store dropped while holding a run leaves it claimable after the lease",
          "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  std::string id;
  {
    auto s = f.open();
    id = s->create_run(test::three_task_run()).run.id;
    REQUIRE(s->claim_run("gone", seconds(5)));
  }
  f.clock.advance_seconds(6);
  auto s = f.open();
  auto again = s->claim_run("next", seconds(5));
  REQUIRE(again);
  CHECK(again->id == id);
  CHECK(again->attempts == 2);
}

}  // namespace
}  // namespace wfc

namespace wfc {
namespace {

TEST_CASE("a restarted worker releases its old leases and claims at once", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  std::string id;
  {
    auto s = f.open();
    id = s->create_run(test::three_task_run()).run.id;
    REQUIRE(s->claim_run("host-a", std::chrono::seconds(30)));
  }
  auto s = f.open();
  CHECK_FALSE(s->claim_run("host-a", std::chrono::seconds(30)));
  CHECK(s->release_worker("host-a") == 1);
  CHECK(s->release_worker("host-b") == 0);
  auto again = s->claim_run("host-a", std::chrono::seconds(30));
  REQUIRE(again);
  CHECK(again->id == id);
  CHECK(again->attempts == 2);
}

}  // namespace
}  // namespace wfc
