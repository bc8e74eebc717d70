// The dashboard's sessions and CSRF rules over HTTP (issue 22, point 1; docs/security.md,
// "Dashboard sessions"), against the real `wfc serve`: the sign-in cookie's flags, what a visitor
// without a session gets, sign-out, forged cross-site requests, expired and tampered cookies, a
// revoked key ending its sessions, and GET /events/stream with a key or a session.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/api/session.h"
#include "runtime/api/sign_urls.h"
#include "tests/unit/test_api.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::TempDir;

/// A request with no Authorization header (a browser's), with these headers.
Answer browser(const ApiServer& api, const std::string& method, const std::string& path,
               httplib::Headers headers = {}, const std::string& form = "") {
  httplib::Client c = api.client();
  httplib::Result r =
      method == "GET" ? c.Get(path.c_str(), headers)
                      : c.Post(path.c_str(), headers, form, "application/x-www-form-urlencoded");
  REQUIRE(r);
  Answer a;
  a.status = r->status;
  a.text = r->body;
  a.headers = r->headers;
  a.body = json::parse(r->body, nullptr, false);
  return a;
}

/// The session cookie's value in a Set-Cookie header ("" when none).
std::string cookie_of(const Answer& a) {
  std::string set = a.header("Set-Cookie");
  std::string prefix = "wfc_session=";
  if (set.rfind(prefix, 0) != 0) return "";
  return set.substr(prefix.size(), set.find(';') - prefix.size());
}

std::string sign_in(const ApiServer& api, const char* key = wfc::test::kApiKey) {
  Answer a = browser(api, "POST", "/ui/sign-in", {}, std::string("key=") + key);
  REQUIRE(a.status == 303);
  std::string cookie = cookie_of(a);
  REQUIRE(!cookie.empty());
  return cookie;
}

httplib::Headers with(const std::string& cookie, httplib::Headers more = {}) {
  more.emplace("Cookie", "wfc_session=" + cookie);
  return more;
}

/// The CSRF token a page of the session carries (its <meta name="csrf-token">).
std::string csrf_of(const ApiServer& api, const std::string& cookie) {
  Answer page = browser(api, "GET", "/ui/runs", with(cookie));
  REQUIRE(page.status == 200);
  std::string marker = "name=\"csrf-token\" content=\"";
  size_t at = page.text.find(marker);
  REQUIRE(at != std::string::npos);
  at += marker.size();
  return page.text.substr(at, page.text.find('"', at) - at);
}

std::string run_id(const ApiServer& api) {
  Answer made = api.post("/runs", json::parse(R"({"tasks": [{"kind": "ingest", "options":
      {"url": "http://nowhere.invalid/in.mp4"}, "next": [{"kind": "video"}]}]})"));
  REQUIRE(made.status == 201);
  return made.body["id"];
}

}  // namespace

TEST_CASE("dashboard sign-in: the cookie's flags, signed-out visitors refused, sign-out",
          "[ui][ui-session]") {
  TempDir dir;
  ApiServer api(dir);
  // Not signed in: pages redirect to the sign-in page, scripts and streams are 401, and only
  // the sign-in page and its stylesheet are served.
  Answer page = browser(api, "GET", "/ui/runs");
  CHECK(page.status == 303);
  CHECK(page.header("Location") == "/ui/sign-in");
  CHECK(browser(api, "GET", "/ui/automations").status == 303);
  CHECK(browser(api, "GET", "/ui/assets/app.js").status == 401);
  CHECK(browser(api, "GET", "/ui/assets/hls.min.js").status == 401);
  CHECK(browser(api, "GET", "/events/stream").status == 401);
  Answer form = browser(api, "GET", "/ui/sign-in");
  CHECK(form.status == 200);
  CHECK(form.text.find("type=\"password\"") != std::string::npos);
  CHECK(browser(api, "GET", "/ui/assets/app.css").status == 200);

  // A wrong key: no cookie, and the page says so.
  Answer wrong = browser(api, "POST", "/ui/sign-in", {}, "key=wfc_notakey");
  CHECK(wrong.status == 401);
  CHECK(wrong.header("Set-Cookie").empty());
  CHECK(wrong.text.find("not an API key") != std::string::npos);

  Answer in = browser(api, "POST", "/ui/sign-in", {}, std::string("key=") + wfc::test::kApiKey);
  REQUIRE(in.status == 303);
  CHECK(in.header("Location") == "/ui/runs");
  std::string set = in.header("Set-Cookie");
  INFO(set);
  CHECK(set.find("HttpOnly") != std::string::npos);
  CHECK(set.find("SameSite=Strict") != std::string::npos);
  CHECK(set.find("Max-Age=43200") != std::string::npos);
  CHECK(set.find("Path=/") != std::string::npos);
  // The cookie names the key's id, never the key.
  CHECK(set.find(wfc::test::kApiKey) == std::string::npos);
  std::string cookie = cookie_of(in);

  CHECK(browser(api, "GET", "/ui/runs", with(cookie)).status == 200);
  CHECK(browser(api, "GET", "/ui/assets/app.js", with(cookie)).status == 200);

  // Sign-out needs the token; it clears the cookie.
  std::string csrf = csrf_of(api, cookie);
  Answer out = browser(api, "POST", "/ui/sign-out", with(cookie), "csrf=" + csrf);
  CHECK(out.status == 303);
  CHECK(out.header("Location") == "/ui/sign-in");
  CHECK(out.header("Set-Cookie").find("wfc_session=;") == 0);
  CHECK(out.header("Set-Cookie").find("Max-Age=0") != std::string::npos);
}

TEST_CASE("dashboard CSRF: forged cross-site requests are refused", "[ui][ui-session]") {
  TempDir dir;
  ApiServer api(dir);
  std::string cookie = sign_in(api);
  std::string csrf = csrf_of(api, cookie);
  std::string run = run_id(api);
  std::string cancel = "/ui/runs/" + run + "/cancel";

  // A page of another site posting a form: its Origin is not the server's.
  Answer forged = browser(api, "POST", cancel, with(cookie, {{"Origin", "http://evil.example"}}),
                          "csrf=" + csrf);
  CHECK(forged.status == 403);
  CHECK(forged.body["kind"] == "cross_site_refused");
  CHECK(
      browser(api, "POST", cancel, with(cookie, {{"Sec-Fetch-Site", "cross-site"}}), "csrf=" + csrf)
          .status == 403);
  // Without the token, or with another session's: refused.
  Answer bare = browser(api, "POST", cancel, with(cookie));
  CHECK(bare.status == 403);
  CHECK(bare.text.find("CSRF") != std::string::npos);
  std::string other = csrf_of(api, sign_in(api));
  CHECK(browser(api, "POST", cancel, with(cookie), "csrf=" + other).status == 403);
  CHECK(api.get("/runs/" + run).body["status"] != "cancelled");
  // The JSON API does not take the cookie at all: state changes there need the key.
  Answer api_cancel = browser(api, "POST", "/runs/" + run + "/cancel", with(cookie));
  CHECK(api_cancel.status == 401);
  // Signing in from another site's form is refused too (login CSRF).
  Answer login = browser(api, "POST", "/ui/sign-in", {{"Origin", "http://evil.example"}},
                         std::string("key=") + wfc::test::kApiKey);
  CHECK(login.status == 403);
  CHECK(login.header("Set-Cookie").empty());

  // The dashboard's own form: same origin, its token.
  std::string origin = api.address();
  Answer ok = browser(api, "POST", cancel, with(cookie, {{"Origin", origin}}), "csrf=" + csrf);
  INFO(ok.text);
  CHECK(ok.status == 303);
  CHECK(ok.header("Location") == "/ui/runs/" + run);
}

TEST_CASE("dashboard sessions end: expired, tampered, and when the key is revoked",
          "[ui][ui-session]") {
  TempDir dir;
  ApiServer api(dir);
  std::string secret;
  std::ifstream(dir.path() / "data" / "url-secret") >> secret;
  REQUIRE(!secret.empty());
  std::string key_id = api.get("/keys").body["data"][0]["id"];
  int64_t now = wfc::api::unix_now();

  // Signed by the server's secret, but past its expiry.
  auto expired = wfc::api::new_session(secret, key_id, now - 7200, 3600);
  Answer late = browser(api, "GET", "/ui/runs", with(expired.cookie));
  CHECK(late.status == 303);
  CHECK(late.header("Location") == "/ui/sign-in?ended=1");
  Answer stream = browser(api, "GET", "/events/stream", with(expired.cookie));
  CHECK(stream.status == 401);
  CHECK(stream.body["message"].get<std::string>().find("expired") != std::string::npos);
  // A fresh one is accepted; changing its expiry breaks its signature.
  auto fresh = wfc::api::new_session(secret, key_id, now, 3600);
  CHECK(browser(api, "GET", "/ui/runs", with(fresh.cookie)).status == 200);
  std::string tampered = fresh.cookie;
  size_t dot = tampered.find('.', 3);  // after "v1.<key id>"
  tampered.replace(dot + 1, 10, std::to_string(now + 999999).substr(0, 10));
  Answer forged = browser(api, "GET", "/events/stream", with(tampered));
  CHECK(forged.status == 401);
  CHECK(forged.body["kind"] == "session_invalid");
  // A cookie signed with another secret (another deployment) is refused.
  auto foreign = wfc::api::new_session(secret + "x", key_id, now, 3600);
  CHECK(browser(api, "GET", "/ui/runs", with(foreign.cookie)).status == 303);

  // Revoking the key ends the session at its next request.
  std::string cookie = sign_in(api, wfc::test::kOtherKey);
  CHECK(browser(api, "GET", "/ui/runs", with(cookie)).status == 200);
  std::string other_id;
  json keys = api.get("/keys").body;
  INFO(keys.dump());
  for (const json& k : keys["data"]) {
    if (k["hint"].get<std::string>().find("0002") != std::string::npos) other_id = k["id"];
  }
  REQUIRE(!other_id.empty());
  REQUIRE(api.request("DELETE", "/keys/" + other_id).status == 200);
  Answer after = browser(api, "GET", "/ui/runs", with(cookie));
  CHECK(after.status == 303);
  CHECK(after.header("Location") == "/ui/sign-in?ended=1");
  Answer why = browser(api, "GET", "/events/stream", with(cookie));
  CHECK(why.status == 401);
  CHECK(why.body["message"].get<std::string>().find("revoked") != std::string::npos);
}

TEST_CASE("GET /events/stream sends the events as they are recorded, to a key or a session",
          "[ui][ui-stream]") {
  TempDir dir;
  ApiServer api(dir);
  std::string cookie = sign_in(api);
  for (bool session : {false, true}) {
    INFO((session ? "with the session cookie" : "with the key"));
    httplib::Client c = api.client();
    httplib::Headers headers =
        session ? with(cookie)
                : httplib::Headers{{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}};
    std::string got, run;
    bool ready = false;
    std::thread maker;
    // A guard, not a measurement: a stream that never sends the event fails rather than hangs.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto r = c.Get("/events/stream", headers, [&](const char* data, size_t n) {
      got.append(data, n);
      if (std::chrono::steady_clock::now() > give_up) return false;
      if (!ready && got.find("event: ready") != std::string::npos) {
        ready = true;
        maker = std::thread([&] { run = run_id(api); });
      }
      // Keep reading until the run's creation came through the stream.
      return !(ready && got.find("event: run.created") != std::string::npos &&
               got.find("\"run_id\":\"run_") != std::string::npos);
    });
    if (maker.joinable()) maker.join();
    CHECK(ready);
    CHECK(got.find("event: run.created") != std::string::npos);
    CHECK(got.find("\"run_id\":\"" + run + "\"") != std::string::npos);
    CHECK(got.find("\nid: evt_") != std::string::npos);
  }
  // Documented: OpenAPI lists it with both ways in.
  json doc = api.get("/openapi.json").body;
  json op = doc["paths"]["/events/stream"]["get"];
  CHECK(op["responses"]["200"]["content"].contains("text/event-stream"));
  CHECK(op["security"].size() == 2);
}

TEST_CASE("runs filtered by automation: GET /runs and the runs page", "[ui][ui-pages]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  std::string a = api.post("/automations", wfc::test::small_automation("a")).body["id"];
  std::string b = api.post("/automations", wfc::test::small_automation("b")).body["id"];
  std::vector<std::string> of_a;
  for (int i = 0; i < 3; ++i) {
    of_a.push_back(
        api.post("/automations/" + a + "/run", {{"url", "https://example.com/a.mp4"}}).body["id"]);
  }
  std::string of_b =
      api.post("/automations/" + b + "/run", {{"url", "https://example.com/b.mp4"}}).body["id"];
  json only_b = api.get("/runs?automation_id=" + b).body;
  REQUIRE(only_b["data"].size() == 1);
  CHECK(only_b["data"][0]["id"] == of_b);
  CHECK(api.get("/runs?automation_id=" + a).body["data"].size() == 3);
  CHECK(api.get("/runs?automation_id=auto_0000000000000000").body["data"].empty());

  // The page: only a's runs, newest first, each a link to its page; paged with a cursor.
  std::string cookie = sign_in(api);
  Answer page = browser(api, "GET", "/ui/runs?automation_id=" + a, with(cookie));
  REQUIRE(page.status == 200);
  CHECK(page.text.find(of_b) == std::string::npos);
  for (const auto& id : of_a)
    CHECK(page.text.find("href=\"/ui/runs/" + id + "\"") != std::string::npos);
  CHECK(page.text.find(of_a[2]) < page.text.find(of_a[0]));
  Answer older =
      browser(api, "GET", "/ui/runs?automation_id=" + a + "&after=" + of_a[1], with(cookie));
  REQUIRE(older.status == 200);
  CHECK(older.text.find(of_a[0]) != std::string::npos);
  CHECK(older.text.find(of_a[2]) == std::string::npos);
  // A bad filter is said on the page, not a blank list.
  Answer bad = browser(api, "GET", "/ui/runs?status=finished", with(cookie));
  CHECK(bad.status == 400);
  CHECK(bad.text.find("status") != std::string::npos);
}
