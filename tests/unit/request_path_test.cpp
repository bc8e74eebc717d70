// The request path's own cost (issue 19, point 7) without giving up correctness: the route
// matcher that replaced a std::regex per route gives the same answers, and the store's API key
// cache still sees a revocation within a second, on this node and on another one sharing the
// database file.
#include <catch2/catch.hpp>

#include "runtime/api/router.h"
#include "test_store.h"

using namespace wfc;

namespace {

struct Routed {
  int status = 0;
  std::string route;
  std::vector<std::string> params;
  std::string allow;
};

Routed route(const api::Router& r, const std::string& method, const std::string& path) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  httplib::Response res;
  r.dispatch(req, res,
             [](const api::Route&, const httplib::Request&, httplib::Response&, store::ApiKey*) {
               return true;
             });
  Routed out;
  out.status = res.status;
  out.route = res.get_header_value("X-Route");
  auto [from, to] = res.headers.equal_range("X-Param");  // in the order they were set
  for (auto it = from; it != to; ++it) out.params.push_back(it->second);
  out.allow = res.get_header_value("Allow");
  return out;
}

api::Router table() {
  api::Router r;
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/runs"},
                                                        {"GET", "/runs/{id}"},
                                                        {"POST", "/runs/{id}/cancel"},
                                                        {"GET", "/files/{run_id}/{path}"}}) {
    r.add({method, path, "", true, [method, path](api::Call& call) {
             call.res.status = 200;  // the handlers say which route and parameters they got
             call.res.set_header("X-Route", method + " " + path);
             for (const std::string& p : call.params) call.res.set_header("X-Param", p);
           }});
  }
  return r;
}

}  // namespace

TEST_CASE("routes match by hand as the regular expressions did", "[security][request-path]") {
  api::Router r = table();

  Routed got = route(r, "GET", "/runs/run_0123456789abcdef");
  CHECK(got.status == 200);
  CHECK(got.route == "GET /runs/{id}");
  CHECK(got.params == std::vector<std::string>{"run_0123456789abcdef"});

  got = route(r, "POST", "/runs/run_1/cancel");
  CHECK(got.route == "POST /runs/{id}/cancel");
  CHECK(got.params == std::vector<std::string>{"run_1"});

  // {path} takes slashes; {run_id} does not.
  got = route(r, "GET", "/files/run_1/out/hls/seg 1.ts");
  CHECK(got.route == "GET /files/{run_id}/{path}");
  CHECK(got.params == std::vector<std::string>{"run_1", "out/hls/seg 1.ts"});

  CHECK(route(r, "GET", "/runs").route == "GET /runs");
  // Empty or extra segments, prefixes and suffixes are no route.
  for (const char* path : {"/runs/", "/runs/a/b", "/runs/a/cancel/x", "/runsx", "/runs/a/cancelx",
                           "/files/run_1", "/files/run_1/", "runs/a", "/", ""}) {
    INFO(path);
    CHECK(route(r, "GET", path).status == 404);
  }
  // Like the expression's `.`, {path} takes no line break.
  CHECK(route(r, "GET", "/files/run_1/a\nb").status == 404);

  // A known path with another method: 405 and what is allowed.
  got = route(r, "DELETE", "/runs/run_1");
  CHECK(got.status == 405);
  CHECK(got.allow == "GET, HEAD");
  got = route(r, "GET", "/runs/run_1/cancel");
  CHECK(got.status == 405);
  CHECK(got.allow == "POST");
}

TEST_CASE("a cached API key is revoked within a second, on this node at once",
          "[security][request-path]") {
  test::StoreFixture f;
  auto here = f.open();
  auto there = f.open();  // another node: its own connections to the same file
  std::string secret = store::new_secret();
  store::ApiKey k = here->add_api_key("ci", secret);

  REQUIRE(here->find_api_key(secret)->status == "active");  // now in here's cache

  // Paused through this store: the next lookup sees it.
  REQUIRE(here->set_api_key_status(k.id, "paused"));
  CHECK(here->find_api_key(secret)->status == "paused");
  REQUIRE(here->set_api_key_status(k.id, "active"));
  CHECK(here->find_api_key(secret)->status == "active");

  // Paused by the other node: seen here once the cache's time has passed, within a second.
  REQUIRE(there->set_api_key_status(k.id, "paused"));
  *f.clock.ms += 500;
  CHECK(here->find_api_key(secret)->status == "paused");

  // Unknown secrets are not remembered: a key added elsewhere works here at once.
  std::string later = store::new_secret();
  CHECK_FALSE(here->find_api_key(later));
  store::ApiKey k2 = there->add_api_key("later", later);
  auto found = here->find_api_key(later);
  REQUIRE(found);
  CHECK(found->id == k2.id);
}

TEST_CASE("key_cache_ms 0 reads every lookup from the database", "[security][request-path]") {
  test::StoreFixture f;
  auto o = f.options();
  o.key_cache_ms = 0;
  store::SqliteStore here(o);
  auto there = f.open();
  std::string secret = store::new_secret();
  store::ApiKey k = here.add_api_key("ci", secret);
  REQUIRE(here.find_api_key(secret)->status == "active");
  REQUIRE(there->set_api_key_status(k.id, "paused"));
  CHECK(here.find_api_key(secret)->status == "paused");  // no time passed
}
