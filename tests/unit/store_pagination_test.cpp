// Cursor pagination in the store: 250 runs walked page by page in both orders, forwards with
// `after` and backwards with `before`, with and without a status filter, see every run exactly
// once in the stable order (created_at, then creation sequence), even when the clock steps back.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "test_store.h"

namespace wfc {
namespace {

using model::Status;

struct Made {
  std::string id;
  int64_t created_at;
};

/// 250 runs over a clock that moves forwards in steps and sometimes back a second (NTP), so
/// created_at ties and inversions both occur; every fifth run is cancelled.
std::vector<Made> make_runs(test::StoreFixture& f, store::Store& s) {
  std::vector<Made> made;
  for (int i = 0; i < 250; ++i) {
    if (i % 7 == 0) f.clock.advance_seconds(1);
    if (i % 31 == 30) f.clock.advance_seconds(-1);
    store::CreatedRun c = s.create_run(test::three_task_run());
    made.push_back({c.run.id, c.run.created_at});
    if (i % 5 == 0) s.cancel_run(c.run.id);
  }
  return made;
}

/// The expected ascending order: by created_at, ties in creation order.
std::vector<std::string> ascending(std::vector<Made> made) {
  std::stable_sort(made.begin(), made.end(),
                   [](const Made& a, const Made& b) { return a.created_at < b.created_at; });
  std::vector<std::string> ids;
  for (const Made& m : made) ids.push_back(m.id);
  return ids;
}

/// Walks every page forwards with `after`; checks has_more on each page.
std::vector<std::string> walk_after(store::Store& s, store::ListQuery q) {
  std::vector<std::string> ids;
  for (;;) {
    auto p = s.list_runs(q);
    REQUIRE(p);
    REQUIRE(static_cast<int>(p->items.size()) <= q.limit);
    for (const store::Run& r : p->items) ids.push_back(r.id);
    if (!p->has_more) break;
    REQUIRE(static_cast<int>(p->items.size()) == q.limit);
    q.after = p->items.back().id;
  }
  return ids;
}

/// Walks backwards with `before` from the last id of the list; pages stay in list order.
std::vector<std::string> walk_before(store::Store& s, store::ListQuery q, const std::string& last) {
  std::vector<std::string> ids = {last};
  q.before = last;
  for (;;) {
    auto p = s.list_runs(q);
    REQUIRE(p);
    std::vector<std::string> page;
    for (const store::Run& r : p->items) page.push_back(r.id);
    ids.insert(ids.begin(), page.begin(), page.end());
    if (!p->has_more) break;
    q.before = p->items.front().id;
  }
  return ids;
}

TEST_CASE("250 runs page with no gaps or repeats in both orders and directions", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::vector<Made> made = make_runs(f, *s);
  std::vector<std::string> asc = ascending(made);
  std::vector<std::string> desc(asc.rbegin(), asc.rend());
  REQUIRE(std::set<std::string>(asc.begin(), asc.end()).size() == 250);

  for (int limit : {1, 17, 20, 100}) {
    store::ListQuery q;
    q.limit = limit;
    q.order = store::Order::Asc;
    CHECK(walk_after(*s, q) == asc);
    CHECK(walk_before(*s, q, asc.back()) == asc);
    q.order = store::Order::Desc;
    CHECK(walk_after(*s, q) == desc);
    CHECK(walk_before(*s, q, desc.back()) == desc);
  }
  // The default is newest first, 20 a page.
  auto first = s->list_runs({});
  REQUIRE(first);
  CHECK(first->items.size() == 20);
  CHECK(first->items.front().id == desc.front());
  CHECK(first->has_more);
}

TEST_CASE("a status filter pages over just the matching runs", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::vector<Made> made = make_runs(f, *s);
  std::set<std::string> cancelled;
  for (size_t i = 0; i < made.size(); i += 5) cancelled.insert(made[i].id);
  std::vector<std::string> asc;
  for (const std::string& id : ascending(made))
    if (cancelled.count(id)) asc.push_back(id);
  REQUIRE(asc.size() == 50);

  store::ListQuery q;
  q.status = Status::Cancelled;
  q.limit = 7;
  q.order = store::Order::Asc;
  CHECK(walk_after(*s, q) == asc);
  CHECK(walk_before(*s, q, asc.back()) == asc);
  q.order = store::Order::Desc;
  CHECK(walk_after(*s, q) == std::vector<std::string>(asc.rbegin(), asc.rend()));

  q.status = Status::Queued;
  q.limit = 100;
  CHECK(walk_after(*s, q).size() == 200);
  q.status = Status::Succeeded;
  auto none = s->list_runs(q);
  REQUIRE(none);
  CHECK(none->items.empty());
  CHECK_FALSE(none->has_more);
}

TEST_CASE("an unknown cursor is reported, and limits are clamped to 1-100", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  make_runs(f, *s);
  store::ListQuery q;
  q.after = "run_nosuchrun0000000";
  CHECK_FALSE(s->list_runs(q));
  q.after.clear();
  q.before = "run_nosuchrun0000000";
  CHECK_FALSE(s->list_runs(q));
  q.before.clear();
  q.limit = 0;
  CHECK(s->list_runs(q)->items.size() == 1);
  q.limit = 1000;
  CHECK(s->list_runs(q)->items.size() == 100);
}

TEST_CASE("tasks page by kind, status and run", "[store][pg]") {
  test::StoreFixture f{GENERATE(test::both_backends())};
  auto s = f.open();
  std::vector<Made> made = make_runs(f, *s);

  store::ListQuery q;
  q.run_id = made[3].id;
  auto of_run = s->list_tasks(q);
  REQUIRE(of_run);
  REQUIRE(of_run->items.size() == 3);
  for (const store::Task& t : of_run->items) CHECK(t.run_id == made[3].id);

  q = {};
  q.kind = "image";
  q.limit = 100;
  std::set<std::string> seen;
  for (;;) {
    auto p = s->list_tasks(q);
    REQUIRE(p);
    for (const store::Task& t : p->items) {
      CHECK(t.kind == "image");
      CHECK(seen.insert(t.id).second);
    }
    if (!p->has_more) break;
    q.after = p->items.back().id;
  }
  CHECK(seen.size() == 250);

  q = {};
  q.kind = "audio";
  q.status = Status::Cancelled;  // the tasks of the cancelled runs
  q.limit = 100;
  CHECK(s->list_tasks(q)->items.size() == 50);
}

}  // namespace
}  // namespace wfc
