// The store's records: automations, runs with their tasks, API keys, and their wire JSON.
#include <catch2/catch.hpp>

#include "runtime/model/ids.h"
#include "runtime/store/wire_json.h"
#include "test_store.h"

namespace wfc {
namespace {

using model::Status;

TEST_CASE("automations are created, read, updated, listed and deleted", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::Automation a;
  a.name = "thumbnails";
  a.description = "a poster for every upload";
  a.workflow = nlohmann::json::parse(R"([{"kind": "image", "options": {"width": 320}}])");
  a.plan = {{"version", 1}};
  a.webhook_url = "https://hooks.example.com/wfc";
  store::Automation made = s->create_automation(a);
  CHECK(model::is_id(made.id, "auto"));
  CHECK(made.created_at == 1'800'000'000);

  // Git-deployed automations keep the id their file declares.
  store::Automation git = a;
  git.id = "auto_fromgit000000001";
  git.source_path = "workflows/poster.json";
  s->create_automation(git);

  auto got = s->get_automation(made.id);
  REQUIRE(got);
  CHECK(got->name == "thumbnails");
  CHECK(got->workflow == a.workflow);
  CHECK(got->status == "active");
  CHECK(got->webhook_url == "https://hooks.example.com/wfc");
  CHECK(s->get_automation("auto_fromgit000000001")->source_path == "workflows/poster.json");

  f.clock.advance_seconds(5);
  got->status = "paused";
  got->name = "posters";
  CHECK(s->update_automation(*got));
  auto updated = s->get_automation(made.id);
  CHECK(updated->status == "paused");
  CHECK(updated->name == "posters");
  CHECK(updated->updated_at == updated->created_at + 5);

  store::ListQuery q;
  q.automation_status = "paused";
  auto paused = s->list_automations(q);
  REQUIRE(paused);
  REQUIRE(paused->items.size() == 1);
  CHECK(paused->items[0].id == made.id);

  CHECK(s->delete_automation(made.id));
  CHECK_FALSE(s->get_automation(made.id));
  CHECK_FALSE(s->delete_automation(made.id));
  store::Automation ghost;
  ghost.id = "auto_nosuchautomation";
  CHECK_FALSE(s->update_automation(ghost));
}

TEST_CASE("a created run is queued with its tasks, parents linked, and reads back", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::CreatedRun c = s->create_run(test::three_task_run());
  CHECK(c.created);
  CHECK(model::is_id(c.run.id, "run"));
  CHECK(c.run.status == Status::Queued);

  auto r = s->get_run(c.run.id);
  REQUIRE(r);
  CHECK(r->status == Status::Queued);
  CHECK(r->input_url == "https://example.com/in.mp4");
  CHECK(r->metadata == nlohmann::json{{"customer", "c1"}});
  CHECK(r->created_by == "key_0000000000000000");
  CHECK(r->attempts == 0);
  REQUIRE(r->tasks.size() == 3);
  CHECK(r->tasks[0].node == "t0");
  CHECK(r->tasks[0].parent_id.empty());
  CHECK(r->tasks[1].parent_id == r->tasks[0].id);
  CHECK(r->tasks[2].parent_id == r->tasks[0].id);
  CHECK(r->tasks[0].options == nlohmann::json{{"width", 640}});
  for (const store::Task& t : r->tasks) {
    CHECK(model::is_id(t.id, "task"));
    CHECK(t.status == Status::Queued);
    CHECK(t.run_id == r->id);
    auto one = s->get_task(t.id);
    REQUIRE(one);
    CHECK(one->kind == t.kind);
  }
  CHECK_FALSE(s->get_run("run_nosuchrun0000000"));
  CHECK_FALSE(s->get_task("task_nosuchtask00000"));

  nlohmann::json j = store::to_json(*r);
  CHECK(j["object"] == "run");
  CHECK(j["status"] == "queued");
  CHECK(j["tasks"].size() == 3);
  CHECK(j["tasks"][1]["parent_id"] == r->tasks[0].id);
  CHECK(j["started_at"].is_null());
  CHECK(j["created_at"] == 1'800'000'000);

  store::ListQuery q;
  q.run_id = r->id;
  auto events = s->list_events(q);
  REQUIRE(events);
  REQUIRE(events->items.size() == 1);
  CHECK(events->items[0].kind == "run.created");
  CHECK(events->items[0].data == j);
}

TEST_CASE("invalid UTF-8 in metadata or options is stored replaced, not refused", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::NewRun r = test::three_task_run();
  r.metadata = {{"name", std::string("clip\xff.mp4")}};
  r.tasks[0].options = {{"label", std::string("\xc3")}};
  std::string id = s->create_run(r).run.id;
  auto got = s->get_run(id);
  REQUIRE(got);
  CHECK(got->metadata["name"] == "clip\xef\xbf\xbd.mp4");
  CHECK(got->tasks[0].options["label"] == "\xef\xbf\xbd");
}

TEST_CASE("a task listed before its parent is refused, and nothing is written", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::NewRun bad = test::three_task_run();
  std::swap(bad.tasks[0], bad.tasks[1]);
  CHECK_THROWS_AS(s->create_run(bad), std::invalid_argument);
  CHECK(s->list_runs({})->items.empty());
}

TEST_CASE("API keys are stored hashed and found by their secret", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string secret = store::new_secret();
  CHECK(secret.rfind("wfc_", 0) == 0);
  CHECK(secret.size() == 44);
  CHECK(store::new_secret() != secret);
  CHECK(store::hash_secret("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  store::ApiKey k = s->add_api_key("ci", secret);
  CHECK(model::is_id(k.id, "key"));
  CHECK(k.hash == store::hash_secret(secret));
  CHECK(k.hash.find(secret) == std::string::npos);
  CHECK(s->add_api_key("again", secret).id == k.id);  // the same secret is the same key

  auto found = s->find_api_key(secret);
  REQUIRE(found);
  CHECK(found->id == k.id);
  CHECK(found->status == "active");
  CHECK_FALSE(s->find_api_key(secret + "x"));

  CHECK(s->set_api_key_status(k.id, "paused"));
  CHECK(s->find_api_key(secret)->status == "paused");
  CHECK_FALSE(s->set_api_key_status("key_nosuchkey0000000", "paused"));
  REQUIRE(s->list_api_keys().size() == 1);
  CHECK_FALSE(store::to_json(s->list_api_keys()[0]).contains("hash"));
}

TEST_CASE("keys not configured at a start are retired, kept, and active again once configured",
          "[store][security][keys]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::ApiKey a = s->add_api_key("WFC_API_KEYS:1", store::new_secret());
  store::ApiKey b = s->add_api_key("WFC_API_KEYS:2", store::new_secret());
  store::ApiKey paused = s->add_api_key("keys.txt:1", store::new_secret());
  REQUIRE(s->set_api_key_status(paused.id, "paused"));

  auto retired = s->retire_unconfigured_keys({a.id});
  REQUIRE(retired.size() == 1);
  CHECK(retired[0].id == b.id);
  CHECK(retired[0].status == "retired");
  auto keys = s->list_api_keys();
  REQUIRE(keys.size() == 3);  // nothing deleted
  CHECK(keys[0].status == "active");
  CHECK(keys[1].status == "retired");
  CHECK(keys[2].status == "paused");  // paused stays paused

  CHECK(s->retire_unconfigured_keys({a.id, b.id, paused.id}).empty());
  keys = s->list_api_keys();
  CHECK(keys[1].status == "active");
  CHECK(keys[2].status == "paused");
}

}  // namespace
}  // namespace wfc
