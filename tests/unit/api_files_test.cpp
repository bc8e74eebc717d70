// Output files through the real `wfc serve` (issue 20, points 2, 3 and 7): GET /files with its
// filters and cursor pages, GET and DELETE /files/{id} (410 file_deleted after), ids that survive
// a restart; and signed URLs: no key needed, Range, CORS, tampered and expired signatures, a
// fresh URL from POST /files/{id}/url, and ffmpeg reading a signed MP4 and a signed HLS ladder
// whose playlists reference their segments relatively. The input is made with lavfi and served
// from a loopback HTTP server.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "runtime/api/sign_urls.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// One run of three outputs: an MP4 rendition, a PNG still and an HLS ladder (a playlist File).
json three_outputs() {
  return json::parse(R"({"name": "outputs", "workflow": [
      {"kind": "video", "options": {"width": 160, "format": "mp4"}},
      {"kind": "image", "options": {"width": 80, "format": "png"}},
      {"kind": "adaptive_video", "options": {"renditions": [{"height": 90}]}}]})");
}

// The input at /in.mp4, and a webhook receiver at /hook keeping the events it is sent.
struct Served {
  wfc::test::HttpServer http;
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  std::mutex mu;
  std::vector<json> hooks;
  Served() {
    http.server().Get("/in.mp4", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(bytes, "video/mp4");
    });
    http.server().Post("/hook", [this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard lock(mu);
      hooks.push_back(json::parse(req.body, nullptr, false));
    });
    http.start();
  }
};

// Runs three_outputs() on `api` to success; the run object.
json finished_run(const ApiServer& api, Served& in, const std::string& webhook_url = "") {
  std::string auto_id = api.post("/automations", three_outputs()).body["id"];
  json body = {{"url", in.http.url("/in.mp4")}};
  if (!webhook_url.empty()) body["webhook_url"] = webhook_url;
  auto made = api.post("/automations/" + auto_id + "/run", body);
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  return run;
}

json output_of(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"]) {
    if (t["kind"] == kind) {
      REQUIRE(t["outputs"].size() == 1);
      json f = t["outputs"][0];
      f["task_id"] = t["id"];
      return f;
    }
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

// The path and query of an output URL. Its host is the address the server had when the run
// executed (no --public-url): after a restart on another ephemeral port, the path is what counts.
std::string local(const ApiServer&, const std::string& url) {
  size_t scheme = url.find("://");
  REQUIRE(scheme != std::string::npos);
  return url.substr(url.find('/', scheme + 3));
}

// GET without any key.
Answer fetch(const ApiServer& api, const std::string& url, httplib::Headers h = {}) {
  return api.request("GET", local(api, url), "", std::move(h), nullptr);
}

std::set<std::string> ids_of(const json& list) {
  std::set<std::string> out;
  for (const json& f : list["data"]) out.insert(f["id"].get<std::string>());
  return out;
}

int ffmpeg_reads(const std::string& url) {
  std::string cmd =
      "ffmpeg -nostdin -v error -i " + wfc::test::quote(url) + " -f null - >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

}  // namespace

TEST_CASE("files are listed, filtered, paged, fetched, deleted (410 after) and keep their ids",
          "[api][files]") {
  Served in;
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json run = finished_run(api, in);
  std::string run_id = run["id"];
  json video = output_of(run, "video"), image = output_of(run, "image");
  json playlist = output_of(run, "adaptive_video");

  Answer all = api.get("/files?run_id=" + run_id);
  REQUIRE(all.status == 200);
  CHECK(all.body["object"] == "list");
  CHECK(ids_of(all.body) == std::set<std::string>{video["id"], image["id"], playlist["id"]});
  for (const json& f : all.body["data"]) {
    CHECK(f["object"] == "file");
    CHECK(f["run_id"] == run_id);
    CHECK(f["status"] == "ready");
    CHECK(f["deleted_at"].is_null());
  }
  // Filters.
  Answer images = api.get("/files?run_id=" + run_id + "&kind=image");
  CHECK(ids_of(images.body) == std::set<std::string>{image["id"]});
  Answer of_task = api.get("/files?task_id=" + video["task_id"].get<std::string>());
  CHECK(ids_of(of_task.body) == std::set<std::string>{video["id"]});
  CHECK(api.get("/files?run_id=run_0000000000000000").body["data"].empty());
  Answer bad = api.get("/files?run=" + run_id);
  CHECK(bad.status == 400);
  CHECK(bad.body["message"].get<std::string>().find("task_id") != std::string::npos);
  // Pages of 2: every file once.
  Answer first = api.get("/files?run_id=" + run_id + "&limit=2");
  REQUIRE(first.body["data"].size() == 2);
  CHECK(first.body["has_more"] == true);
  Answer second = api.get("/files?run_id=" + run_id +
                          "&limit=2&after=" + first.body["data"][1]["id"].get<std::string>());
  REQUIRE(second.body["data"].size() == 1);
  CHECK(second.body["has_more"] == false);
  std::set<std::string> paged = ids_of(first.body);
  paged.insert(second.body["data"][0]["id"].get<std::string>());
  CHECK(paged == ids_of(all.body));

  // One file: its run and task, its recorded fields, a signed url.
  Answer one = api.get("/files/" + video["id"].get<std::string>());
  REQUIRE(one.status == 200);
  CHECK(one.body["run_id"] == run_id);
  CHECK(one.body["task_id"] == video["task_id"]);
  CHECK(one.body["kind"] == "video");
  CHECK(one.body["width"] == 160);
  CHECK(one.body["filesize"] == video["filesize"]);
  CHECK(one.body["url"].get<std::string>().find("/files/signed/") != std::string::npos);
  CHECK(api.get("/files/file_0000000000000000").status == 404);
  CHECK(api.get("/files/file_0000000000000000").body["kind"] == "file_not_found");

  // A restart on the same data directory: the same files under the same ids.
  api.restart({"--allow-hosts", "127.0.0.1"}, true);
  CHECK(ids_of(api.get("/files?run_id=" + run_id).body) == ids_of(all.body));
  json again = api.get("/runs/" + run_id).body;
  CHECK(output_of(again, "video")["id"] == video["id"]);
  CHECK(api.get("/files/" + video["id"].get<std::string>()).body["task_id"] == video["task_id"]);

  // Delete: the bytes go, the record stays, the URL answers 410 (signed or with the key).
  std::string signed_url = one.body["url"];
  REQUIRE(fetch(api, signed_url).status == 200);
  fs::path bytes = dir.path() / "data" / "runs" / run_id / video["filename"].get<std::string>();
  REQUIRE(fs::exists(bytes));
  Answer deleted = api.request("DELETE", "/files/" + video["id"].get<std::string>());
  REQUIRE(deleted.status == 200);
  CHECK(deleted.body["status"] == "deleted");
  CHECK(deleted.body["deleted_at"].is_number());
  CHECK_FALSE(fs::exists(bytes));
  Answer gone = fetch(api, signed_url);
  CHECK(gone.status == 410);
  CHECK(gone.body["kind"] == "file_deleted");
  auto unsigned_path = "/files/" + run_id + "/" + video["filename"].get<std::string>();
  CHECK(api.get(unsigned_path).status == 410);
  CHECK(api.get("/files/" + video["id"].get<std::string>()).body["status"] == "deleted");
  CHECK(api.post("/files/" + video["id"].get<std::string>() + "/url", nullptr).status == 410);
  // A second delete answers the same record.
  CHECK(api.request("DELETE", "/files/" + video["id"].get<std::string>()).body["deleted_at"] ==
        deleted.body["deleted_at"]);
  CHECK(api.get("/files?run_id=" + run_id).body["data"].size() == 3);  // still listed

  // A playlist goes with its folder: a segment's URL answers 410 too.
  fs::path hls =
      bytes.parent_path() / fs::path(playlist["filename"].get<std::string>()).parent_path();
  REQUIRE(fs::exists(hls / "v0" / "seg_000.ts"));
  REQUIRE(api.request("DELETE", "/files/" + playlist["id"].get<std::string>()).status == 200);
  CHECK_FALSE(fs::exists(hls));
  std::string seg = fs::relative(hls / "v0" / "seg_000.ts", bytes.parent_path()).generic_string();
  CHECK(api.get("/files/" + run_id + "/" + seg).status == 410);
  // The still is untouched.
  CHECK(fetch(api, api.get("/files/" + image["id"].get<std::string>()).body["url"]).status == 200);
}

TEST_CASE("signed URLs work without the key, by Range, across origins, and for ffmpeg",
          "[api][signed]") {
  Served in;
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1", "--url-lifetime", "600"});
  json run = finished_run(api, in, in.http.url("/hook"));
  std::string run_id = run["id"];
  json video = output_of(run, "video"), playlist = output_of(run, "adaptive_video");
  std::string url = video["url"];
  INFO(url);
  CHECK(url.find(api.address() + "/files/signed/") == 0);

  // No key: the whole file, a range, the CORS headers a browser on another origin needs.
  Answer whole = fetch(api, url, {{"Origin", "http://player.example"}});
  REQUIRE(whole.status == 200);
  CHECK(static_cast<int64_t>(whole.text.size()) == video["filesize"].get<int64_t>());
  CHECK(whole.header("Access-Control-Allow-Origin") == "*");
  CHECK(whole.header("Access-Control-Expose-Headers").find("Content-Range") != std::string::npos);
  Answer part = fetch(api, url, {{"Range", "bytes=100-199"}});
  CHECK(part.status == 206);
  CHECK(part.text == whole.text.substr(100, 100));
  // A player's own cache-busting query is ignored, not refused.
  Answer busted = fetch(api, url + "?_=1796668966", {});
  CHECK(busted.status == 200);
  CHECK(busted.text == whole.text);
  httplib::Client client = api.client();
  auto preflight =
      client.Options(local(api, url).c_str(), {{"Origin", "http://player.example"},
                                               {"Access-Control-Request-Method", "GET"},
                                               {"Access-Control-Request-Headers", "range"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK(preflight->get_header_value("Access-Control-Allow-Headers") == "Range");

  // The key still works on the unsigned route; without either, 401.
  std::string unsigned_path = "/files/" + run_id + "/" + video["filename"].get<std::string>();
  CHECK(api.get(unsigned_path).status == 200);
  CHECK(api.get(unsigned_path, nullptr).status == 401);

  // Tampered: the signature, the expiry, or the path under the same token.
  auto f = wfc::api::parse_file_url(url);
  REQUIRE(f);
  std::string sig_changed = url;
  size_t last = url.find('/', url.find(f->token)) - 1;
  sig_changed[last] = sig_changed[last] == 'A' ? 'B' : 'A';
  Answer bad_sig = fetch(api, sig_changed);
  CHECK(bad_sig.status == 403);
  CHECK(bad_sig.body["kind"] == "signature_invalid");
  std::string later = url;
  later.replace(later.find(f->token), 1, f->token[0] == '9' ? "8" : "9");
  CHECK(fetch(api, later).body["kind"] == "signature_invalid");
  std::string other = f->base + "/files/signed/" + f->token + "/" + run_id + "/" +
                      output_of(run, "image")["filename"].get<std::string>();
  CHECK(fetch(api, other).status == 403);
  CHECK(fetch(api, other).body["kind"] == "signature_invalid");

  // Expired: a genuine signature (the server's secret, from the data directory) whose time
  // has passed.
  std::string secret;
  std::ifstream(dir.path() / "data" / "url-secret") >> secret;
  REQUIRE_FALSE(secret.empty());
  wfc::api::UrlSigning signing{secret, 60};
  std::string expired = wfc::api::signed_file_url(signing, f->base, run_id, f->path, false,
                                                  wfc::api::unix_now() - 3600);
  Answer old = fetch(api, expired);
  CHECK(old.status == 403);
  CHECK(old.body["kind"] == "signature_expired");
  // The same secret signs a URL the server takes: the test's reading of the scheme is right.
  CHECK(fetch(api, wfc::api::signed_file_url(signing, f->base, run_id, f->path, false,
                                             wfc::api::unix_now()))
            .status == 200);

  // A fresh URL, with the configured lifetime.
  Answer fresh = api.post("/files/" + video["id"].get<std::string>() + "/url", nullptr);
  REQUIRE(fresh.status == 200);
  CHECK(fresh.body["id"] == video["id"]);
  int64_t left = fresh.body["url_expires_at"].get<int64_t>() - wfc::api::unix_now();
  CHECK(left > 500);
  CHECK(left <= 600);
  CHECK(fetch(api, fresh.body["url"]).text == whole.text);

  // Events carry signed URLs too.
  Answer events = api.get("/events?run_id=" + run_id + "&kind=task.succeeded");
  REQUIRE_FALSE(events.body["data"].empty());
  bool any = false;
  for (const json& e : events.body["data"]) {
    for (const json& o : e["data"]["outputs"]) {
      any = true;
      CHECK(o["url"].get<std::string>().find("/files/signed/") != std::string::npos);
    }
  }
  CHECK(any);

  // And webhook bodies: the task.succeeded of the video, once delivered.
  std::string hooked_url;
  for (int i = 0; i < 600 && hooked_url.empty(); ++i) {
    {
      std::lock_guard lock(in.mu);
      for (const json& e : in.hooks) {
        if (e.is_object() && e["kind"] == "task.succeeded" && e["data"]["kind"] == "video")
          hooked_url = e["data"]["outputs"][0]["url"];
      }
    }
    if (hooked_url.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_FALSE(hooked_url.empty());
  CHECK(hooked_url.find("/files/signed/") != std::string::npos);
  CHECK(fetch(api, hooked_url).text == whole.text);

  // HLS: the master playlist's relative references resolve under the same signature.
  std::string master_url = playlist["url"];
  Answer master = fetch(api, master_url);
  REQUIRE(master.status == 200);
  std::string variant_ref;
  std::istringstream lines(master.text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') variant_ref = line;
  }
  REQUIRE(variant_ref == "v0/index.m3u8");
  std::string folder = master_url.substr(0, master_url.rfind('/') + 1);
  Answer variant = fetch(api, folder + variant_ref);
  REQUIRE(variant.status == 200);
  CHECK(variant.text.find("seg_000.ts") != std::string::npos);
  CHECK(fetch(api, folder + "v0/seg_000.ts").status == 200);
  // The MP4's signature covers that file only.
  auto fv = wfc::api::parse_file_url(url);
  CHECK(fetch(api, f->base + "/files/signed/" + fv->token + "/" + run_id + "/" +
                       wfc::api::parse_file_url(master_url)->path)
            .status == 403);

  // ffmpeg, without a key: the MP4 and the whole HLS ladder; a tampered playlist URL fails.
  CHECK(ffmpeg_reads(url) == 0);
  CHECK(ffmpeg_reads(master_url) == 0);
  std::string broken = master_url;
  size_t at = broken.find(wfc::api::parse_file_url(master_url)->token) + 12;
  broken[at] = broken[at] == 'A' ? 'B' : 'A';
  CHECK(ffmpeg_reads(broken) != 0);
}
