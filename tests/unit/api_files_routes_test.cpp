// The route matcher on the /files routes (issue 20, point 2): the file object routes, the
// signed byte route and the keyed byte route share a prefix and are told apart by their
// segments and methods, in the order files.cpp adds them; a CORS preflight answers only for the
// signed route.
#include <catch2/catch.hpp>

#include "runtime/api/router.h"

using namespace wfc;

namespace {

struct Routed {
  int status = 0;
  std::string route;
  std::vector<std::string> params;
  httplib::Response res;
};

Routed route(const api::Router& r, const std::string& method, const std::string& path) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  Routed out;
  r.dispatch(req, out.res,
             [](const api::Route&, const httplib::Request&, httplib::Response&, store::ApiKey*) {
               return true;
             });
  out.status = out.res.status;
  out.route = out.res.get_header_value("X-Route");
  auto [from, to] = out.res.headers.equal_range("X-Param");
  for (auto it = from; it != to; ++it) out.params.push_back(it->second);
  return out;
}

// The /files routes as files.cpp adds them (the signed one before the keyed byte route).
api::Router files_table() {
  api::Router r;
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/files"},
           {"GET", "/files/{id}"},
           {"DELETE", "/files/{id}"},
           {"POST", "/files/{id}/url"},
           {"GET", "/files/signed/{token}/{run_id}/{path}"},
           {"GET", "/files/{run_id}/{path}"}}) {
    api::Route route{method, path, "", true, [method, path](api::Call& call) {
                       call.res.status = 200;
                       call.res.set_header("X-Route", method + " " + path);
                       for (const std::string& p : call.params) call.res.set_header("X-Param", p);
                     }};
    route.cors = path.starts_with("/files/signed/");
    r.add(std::move(route));
  }
  return r;
}

}  // namespace

TEST_CASE("the /files routes are told apart by segments and method", "[api][files]") {
  api::Router r = files_table();
  CHECK(route(r, "GET", "/files").route == "GET /files");
  Routed got = route(r, "GET", "/files/file_0123456789abcdef");
  CHECK(got.route == "GET /files/{id}");
  CHECK(got.params == std::vector<std::string>{"file_0123456789abcdef"});
  CHECK(route(r, "DELETE", "/files/file_0123456789abcdef").route == "DELETE /files/{id}");
  got = route(r, "POST", "/files/file_0123456789abcdef/url");
  CHECK(got.route == "POST /files/{id}/url");
  CHECK(got.params == std::vector<std::string>{"file_0123456789abcdef"});

  got = route(r, "GET", "/files/run_0123456789abcdef/t2/v0/seg_000.ts");
  CHECK(got.route == "GET /files/{run_id}/{path}");
  CHECK(got.params == std::vector<std::string>{"run_0123456789abcdef", "t2/v0/seg_000.ts"});
  got = route(r, "GET", "/files/signed/1800000000.abc_-/run_0123456789abcdef/t2/master.m3u8");
  CHECK(got.route == "GET /files/signed/{token}/{run_id}/{path}");
  CHECK(got.params ==
        std::vector<std::string>{"1800000000.abc_-", "run_0123456789abcdef", "t2/master.m3u8"});
  // A GET of …/url is a byte path (whose run id is no run id: the handler's 404), and a POST of
  // a byte path is a 405 naming GET once.
  CHECK(route(r, "GET", "/files/file_0123456789abcdef/url").route == "GET /files/{run_id}/{path}");
  got = route(r, "POST", "/files/signed/t/run_0123456789abcdef/a.mp4");
  CHECK(got.status == 405);
  CHECK(got.res.get_header_value("Allow") == "GET, HEAD");

  // Preflights: CORS headers for the signed route only.
  got = route(r, "OPTIONS", "/files/signed/t/run_0123456789abcdef/a.mp4");
  CHECK(got.status == 204);
  CHECK(got.res.get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(got.res.get_header_value("Access-Control-Allow-Headers") == "Range");
  got = route(r, "OPTIONS", "/files/run_0123456789abcdef/a.mp4");
  CHECK(got.status == 204);
  CHECK_FALSE(got.res.has_header("Access-Control-Allow-Origin"));
}
