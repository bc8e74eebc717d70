// The store's output files (issue 20, point 2): recorded from a task's outputs, listed with
// filters and cursors, marked deleted with the record kept, backfilled by migration 4 from the
// outputs a database stored before it, and forgotten when an interrupted run starts again.
#include <catch2/catch.hpp>
#include <chrono>

#include "test_store.h"

namespace wfc {
namespace {

using std::chrono::seconds;

/// An output File object as exec::annotate_outputs leaves it: id derived from run and path, url
/// on the run's file route.
nlohmann::json output(const std::string& run_id, const std::string& path, const char* kind,
                      int64_t size) {
  return {{"object", "file"},
          {"id", store::file_id(run_id, path)},
          {"kind", kind},
          {"type", std::string(kind) == "image" ? "image/jpeg" : "video/mp4"},
          {"format", std::string(kind) == "image" ? "jpeg" : "mp4"},
          {"filename", path},
          {"filesize", size},
          {"url", "http://127.0.0.1:8080/files/" + run_id + "/" + path}};
}

nlohmann::json task_done(const std::string& node, nlohmann::json outputs) {
  return {{"id", "task_fromscheduler0001"},
          {"object", "task"},
          {"node", node},
          {"status", "succeeded"},
          {"progress", 100},
          {"outputs", std::move(outputs)},
          {"error", nullptr},
          {"finished_at", 1}};
}

std::vector<std::string> ids(const store::Page<store::File>& p) {
  std::vector<std::string> out;
  for (const auto& f : p.items) out.push_back(f.id);
  return out;
}

TEST_CASE("a task's output files are recorded, listed by run, task and kind, and deleted",
          "[api][files][store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  store::Run run = s->create_run(test::three_task_run()).run;
  const std::string& id = run.id;
  REQUIRE(s->claim_run("w", seconds(30)));
  REQUIRE(s->apply_event(id, "w", "task.succeeded",
                         task_done("t0", {output(id, "video.mp4", "video", 1000),
                                          output(id, "poster.jpg", "image", 20)})));
  f.clock.advance_seconds(1);
  REQUIRE(s->apply_event(id, "w", "task.succeeded",
                         task_done("t1", {output(id, "thumbs/a.jpg", "image", 30)})));

  std::string video = store::file_id(id, "video.mp4");
  auto got = s->get_file(video);
  REQUIRE(got);
  CHECK(got->run_id == id);
  CHECK(got->task_id == run.tasks[0].id);  // the stored task id, not the scheduler's
  CHECK(got->path == "video.mp4");
  CHECK(got->kind == "video");
  CHECK(got->size == 1000);
  CHECK(got->type == "video/mp4");
  CHECK(got->format == "mp4");
  CHECK(got->data["filename"] == "video.mp4");
  CHECK(got->created_at == 1'800'000'000);
  CHECK(got->deleted_at == 0);
  CHECK_FALSE(s->get_file("file_0000000000000000"));

  store::ListQuery q;
  q.run_id = id;
  q.order = store::Order::Asc;
  CHECK(ids(*s->list_files(q)) == std::vector<std::string>{video, store::file_id(id, "poster.jpg"),
                                                           store::file_id(id, "thumbs/a.jpg")});
  q.kind = "image";
  CHECK(s->list_files(q)->items.size() == 2);
  q.kind.clear();
  q.task_id = run.tasks[1].id;
  CHECK(ids(*s->list_files(q)) == std::vector<std::string>{store::file_id(id, "thumbs/a.jpg")});
  q.task_id.clear();
  q.run_id = "run_0000000000000000";
  CHECK(s->list_files(q)->items.empty());

  // Cursor pages, newest first: 2 then 1, each row once.
  store::ListQuery pq;
  pq.limit = 2;
  auto first = s->list_files(pq);
  REQUIRE(first->items.size() == 2);
  CHECK(first->has_more);
  CHECK(first->items[0].path == "thumbs/a.jpg");
  pq.after = first->items[1].id;
  auto second = s->list_files(pq);
  CHECK(ids(*second) == std::vector<std::string>{video});
  CHECK_FALSE(second->has_more);
  pq.after = "file_unknown0000000";
  CHECK_FALSE(s->list_files(pq));

  // Deleting keeps the record with its time; a second delete keeps the first time.
  f.clock.advance_seconds(10);
  auto deleted = s->mark_file_deleted(video);
  REQUIRE(deleted);
  CHECK(deleted->deleted_at == 1'800'000'011);
  f.clock.advance_seconds(10);
  CHECK(s->mark_file_deleted(video)->deleted_at == 1'800'000'011);
  CHECK(s->get_file(video)->deleted_at == 1'800'000'011);
  CHECK_FALSE(s->mark_file_deleted("file_0000000000000000"));
}

TEST_CASE("file records survive a reopen, and a retry keeps its succeeded tasks' files",
          "[api][files][store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  std::string id;
  {
    auto s = f.open();
    id = s->create_run(test::three_task_run()).run.id;
    REQUIRE(s->claim_run("w", seconds(30)));
    REQUIRE(s->apply_event(id, "w", "task.succeeded",
                           task_done("t0", {output(id, "video.mp4", "video", 1000)})));
  }
  auto s = f.open();
  REQUIRE(s->get_file(store::file_id(id, "video.mp4")));
  // The worker died: the lease lapses and the next claim resumes the run, keeping what the dead
  // attempt recorded succeeded (the next test: and only that).
  f.clock.advance_seconds(60);
  REQUIRE(s->claim_run("w2", seconds(30)));
  CHECK(s->get_file(store::file_id(id, "video.mp4")));
}

TEST_CASE("migration 4 backfills the files of outputs stored before it", "[api][files][store]") {
  test::StoreFixture f;
  std::string id;
  {
    auto s = f.open();
    id = s->create_run(test::three_task_run()).run.id;
  }
  // The database as a build before migration 4 left it: outputs in tasks, no files table.
  nlohmann::json outs = {output(id, "video.mp4", "video", 1000),
                         {{"object", "file"}, {"kind", "video"}}};  // no id or url: skipped
  std::string sql =
      "DROP TABLE files; DELETE FROM schema_version WHERE version = 4; "
      "UPDATE tasks SET finished_at = 1800000005, outputs = '" +
      outs.dump() + "' WHERE node = 't0';";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(f.path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto s = f.open();
  auto got = s->get_file(store::file_id(id, "video.mp4"));
  REQUIRE(got);
  CHECK(got->path == "video.mp4");
  CHECK(got->run_id == id);
  CHECK(got->task_id == s->get_run(id)->tasks[0].id);
  CHECK(got->size == 1000);
  CHECK(got->created_at == 1'800'000'005);
  CHECK(s->list_files({})->items.size() == 1);
}

}  // namespace
}  // namespace wfc

namespace wfc {

TEST_CASE("a retried run keeps the tasks and files its lost attempt recorded succeeded",
          "[store][files][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::string id = s->create_run(test::three_task_run()).run.id;
  REQUIRE(s->claim_run("lost", seconds(30)));
  REQUIRE(s->apply_event(id, "lost", "task.succeeded",
                         task_done("t0", {output(id, "video.mp4", "video", 1000)})));
  // t1 was half done and had recorded a file of its own as it went when its worker died.
  nlohmann::json half = task_done("t1", {output(id, "thumbs/a.jpg", "image", 30)});
  half["status"] = "processing";
  half["progress"] = 40;
  REQUIRE(s->apply_event(id, "lost", "task.updated", half));
  f.clock.advance_seconds(31);

  auto again = s->claim_run("next", seconds(30));
  REQUIRE(again);
  CHECK(again->attempts == 2);
  REQUIRE(again->tasks.size() == 3);
  CHECK(again->tasks[0].status == model::Status::Succeeded);  // kept, with its outputs
  REQUIRE(again->tasks[0].outputs.size() == 1);
  CHECK(again->tasks[0].outputs[0]["filename"] == "video.mp4");
  CHECK(again->tasks[1].status == model::Status::Queued);  // started again
  CHECK(again->tasks[1].progress == 0);
  CHECK(again->tasks[1].outputs.empty());
  CHECK(s->get_file(store::file_id(id, "video.mp4")));
  CHECK_FALSE(s->get_file(store::file_id(id, "thumbs/a.jpg")));
}

}  // namespace wfc
