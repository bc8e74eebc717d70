// GET /runs/{id} is rendered from the stored JSON text (store::to_json_text, issue 19 point 7):
// it must write the very bytes to_json(get_run(id)).dump() writes, for runs in every state a
// user can see (queued, in progress, finished with errors, skips, predicates, outputs), with
// credentials in URLs redacted and odd characters escaped alike; and an automation's trigger
// reads its plan as the stored text (get_automation_plan).
#include <catch2/catch.hpp>

#include "runtime/store/wire_json.h"
#include "test_store.h"

using namespace wfc;
using model::Status;
using std::chrono::seconds;

namespace {

std::string dumped(const store::Run& r) {
  return store::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json sched_task(const std::string& node, const char* status, double progress) {
  return {
      {"node", node}, {"status", status}, {"progress", progress}, {"started_at", 1'800'000'001}};
}

void check_same(store::Store& s, const std::string& id) {
  auto r = s.get_run(id);
  auto t = s.get_run_text(id);
  REQUIRE(r);
  REQUIRE(t);
  CHECK(store::to_json_text(*t) == dumped(*r));
}

}  // namespace

TEST_CASE("a run's answer from stored text is byte for byte the JSON answer",
          "[store][wire_text][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();

  SECTION("queued, with credentials in its input and options and odd characters") {
    store::NewRun in = test::three_task_run("https://user:secret@example.com/in.mp4");
    in.metadata = {{"quote\"back\\slash", "tab\there\nnew line \x01 é ☃"},
                   {"n", 3.25},
                   {"nested", {{"b", nullptr}, {"a", {1, 2, 3}}}}};
    in.tasks[0].options = {{"url", "https://u:p@cdn.example.com/x.mp4"}, {"width", 640}};
    in.tasks[1].options = {{"text", "a@b but no scheme"}, {"format", "jpeg"}};
    std::string id = s->create_run(in).run.id;
    check_same(*s, id);
    std::string text = store::to_json_text(*s->get_run_text(id));
    CHECK(text.find("secret") == std::string::npos);
    CHECK(text.find("u:p@") == std::string::npos);
  }

  SECTION("in progress, then failed with outputs, an error, a skip and a predicate") {
    std::string id = s->create_run(test::three_task_run()).run.id;
    REQUIRE(s->claim_run("w", seconds(10)));
    REQUIRE(s->apply_event(id, "w", "run.started", {{"status", "processing"}, {"progress", 0}}));
    REQUIRE(s->apply_event(id, "w", "task.updated", sched_task("t0", "processing", 42.5)));
    check_same(*s, id);
    nlohmann::json done = sched_task("t0", "succeeded", 100);
    done["outputs"] = {{{"object", "file"}, {"url", "https://u:p@example.com/o.mp4"}}};
    done["finished_at"] = 1'800'000'002;
    done["predicate"] = {{"engine", "vm"}, {"evaluations", 3}};
    REQUIRE(s->apply_event(id, "w", "task.succeeded", done));
    nlohmann::json failed = sched_task("t1", "failed", 0);
    failed["error"] = {{"kind", "encode_failed"}, {"message", "no \"frames\""}};
    REQUIRE(s->apply_event(id, "w", "task.failed", failed));
    nlohmann::json skipped = sched_task("t2", "cancelled", 0);
    skipped["skip_reason"] = "condition 'has_audio' does not hold";
    REQUIRE(s->apply_event(id, "w", "task.cancelled", skipped));
    REQUIRE(s->apply_event(id, "w", "run.failed",
                           {{"status", "failed"},
                            {"progress", 66.7},
                            {"error", {{"kind", "task_failed"}, {"message", "1 task failed"}}}}));
    check_same(*s, id);
  }

  SECTION("outputs go through the writer the caller gives") {
    std::string id = s->create_run(test::three_task_run()).run.id;
    std::string text = store::to_json_text(
        *s->get_run_text(id), [](const store::Task& t, std::string_view stored, std::string* out) {
          *out += "[\"" + t.node + ":" + std::string(stored) + "\"]";
        });
    auto j = nlohmann::json::parse(text);
    CHECK(j["tasks"][0]["outputs"] == nlohmann::json::array({"t0:[]"}));
    CHECK(j["tasks"][2]["outputs"] == nlohmann::json::array({"t2:[]"}));
  }

  SECTION("an unknown run is none") { CHECK_FALSE(s->get_run_text("run_0000000000000000")); }
}

TEST_CASE("a trigger reads the automation's plan as stored text", "[store][wire_text][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::Automation a;
  a.name = "a";
  a.plan = {{"plan_version", 2}, {"nodes", nlohmann::json::array()}};
  a.webhook_url = "https://hooks.example.com/x";
  a = s->create_automation(a);
  auto p = s->get_automation_plan(a.id);
  REQUIRE(p);
  CHECK(p->status == "active");
  CHECK(p->webhook_url == "https://hooks.example.com/x");
  CHECK(nlohmann::json::parse(p->plan_text) == a.plan);

  a.plan = nullptr;
  a.status = "paused";
  REQUIRE(s->update_automation(a));
  p = s->get_automation_plan(a.id);
  CHECK(p->status == "paused");
  CHECK(p->plan_text.empty());
  CHECK_FALSE(s->get_automation_plan("auto_0000000000000000"));

  // A run made with the plan's text stores that text, not `plan`.
  store::NewRun in = test::three_task_run();
  in.plan = {{"ignored", true}};
  in.plan_text = R"({"plan_version":2,"from":"text"})";
  std::string id = s->create_run(in).run.id;
  auto claimed = s->claim_run("w", seconds(10));
  REQUIRE(claimed);
  CHECK(claimed->id == id);
  CHECK(claimed->plan == nlohmann::json::parse(in.plan_text));
  CHECK(f.scalar("SELECT plan FROM runs") == in.plan_text);
}
