// POST /tasks in the form of seeds/004 ({kind, input, options}), through the real server over
// HTTP: the seed's composition walk (probe a URL, encode the probe's `output`, export the
// encode's `output`) written from the seed's own example bodies, with its example.com URL pointed
// at a loopback server serving media made at test time; the File inputs this server issued (by
// their url, signed or not) and those it refuses, each a 422 located in /input; and the parsing
// of API file URLs behind it (runtime/ingest/issued_file.h).
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "runtime/ingest/issued_file.h"
#include "runtime/model/ids.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// The seed's example body with its example.com URL pointed at `url`.
json seed_body(const std::string& text, const std::string& url) {
  std::string s = text;
  const std::string example = "https://example.com/video.mp4";
  for (size_t at = s.find(example); at != std::string::npos; at = s.find(example, at)) {
    s.replace(at, example.size(), url);
  }
  return json::parse(s);
}

// Polls GET /tasks/{id} until the task ends; returns it.
json wait_task(const ApiServer& api, const std::string& id) {
  json task;
  for (int i = 0; i < 120 * 20; ++i) {
    auto a = api.get("/tasks/" + id);
    REQUIRE(a.status == 200);
    task = a.body;
    std::string s = task["status"];
    if (s == "succeeded" || s == "failed" || s == "cancelled") return task;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("task " << id << " did not end: " << task.dump(2) << "\n" << api.log());
  return task;
}

// GET of a url this server issued, with the key.
httplib::Result download(const ApiServer& api, const std::string& url) {
  REQUIRE(url.rfind(api.address(), 0) == 0);
  httplib::Client c = api.client();
  return c.Get(url.substr(api.address().size()).c_str(),
               {{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}});
}

// A file url without its signature (…/files/signed/<token>/… → …/files/…): urls are signed when
// answered, so two answers of the same file differ in their expiry.
std::string unsigned_url(const std::string& url) {
  static const std::regex token("/files/signed/[^/]+/");
  return std::regex_replace(url, token, "/files/");
}

bool is_unix_seconds(const json& t) {
  // Seconds of this century, not milliseconds (seeds/000–001).
  return t.is_number_integer() && t.get<int64_t>() > 1'000'000'000 &&
         t.get<int64_t>() < 100'000'000'000;
}

void check_refused(const wfc::test::Answer& a, const std::string& kind, const std::string& pointer,
                   const std::string& says) {
  INFO(a.text);
  CHECK(a.status == 422);
  CHECK(a.body["kind"] == kind);
  CHECK(a.body["pointer"] == pointer);
  CHECK_THAT(a.body["message"].get<std::string>(), Catch::Contains(says));
}

}  // namespace

TEST_CASE("seeds/004: probe a URL, encode the probe's output, export the encode's output",
          "[api][task_input][media]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("hd.mp4"));
  wfc::test::HttpServer http;
  http.server().Get("/video.mp4", [bytes](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  http.start();
  TempDir dir;
  fs::create_directories(dir.path() / "exports");
  ApiServer api(
      dir, {"--allow-hosts", "127.0.0.1", "--allow-export", (dir.path() / "exports").string()});
  const std::string source = http.url("/video.mp4");

  // 1. Probe: the seed's body, and its 201.
  auto probe = api.post("/tasks", seed_body(R"({ "kind": "probe", "input": { "url":
      "https://example.com/video.mp4" } })",
                                            source));
  INFO(probe.text);
  REQUIRE(probe.status == 201);
  CHECK(probe.body["object"] == "task");
  CHECK(probe.body["kind"] == "probe");
  CHECK(probe.body["input"] == json{{"object", "external_file"}, {"url", source}});
  CHECK(probe.body["output"].is_null());
  CHECK(probe.body["options"] == json::object());
  CHECK(probe.body["error"].is_null());
  CHECK(is_unix_seconds(probe.body["created_at"]));
  CHECK(probe.body["finished_at"].is_null());
  // seeds/001's fields stay beside seeds/004's.
  CHECK(probe.body["inputs"].is_array());
  CHECK(probe.body["outputs"].is_array());
  CHECK(wfc::model::is_id(probe.body["run_id"].get<std::string>(), "run"));

  json probed = wait_task(api, probe.body["id"]);
  INFO(probed.dump(2));
  REQUIRE(probed["status"] == "succeeded");
  // The probe's output is the File of the seed's video example: the file it read, at its url.
  json file = probed["output"];
  CHECK(file["object"] == "file");
  CHECK(file["url"] == source);
  CHECK(file["kind"] == "video");
  CHECK(file["format"] == "mp4");
  CHECK(file["width"] == 1280);
  CHECK(file["height"] == 720);
  CHECK(file["codecs"] == json{{"video", "h264"}, {"audio", "aac"}});
  CHECK(file["duration"].get<double>() > 0.9);
  CHECK(probed["input"]["object"] == "external_file");
  CHECK(probed["input"]["url"] == source);
  CHECK(probed["outputs"][0] == file);
  CHECK(is_unix_seconds(probed["finished_at"]));

  // 2. Encode, as the seed's script does: its body with "input": probeResult.output.
  json encode_task = seed_body(R"({ "kind": "video", "options": { "width": 720 } })", source);
  encode_task["input"] = file;
  auto encode = api.post("/tasks", encode_task);
  INFO(encode.text);
  REQUIRE(encode.status == 201);
  CHECK(encode.body["input"] == file);
  json encoded = wait_task(api, encode.body["id"]);
  INFO(encoded.dump(2) << api.log());
  REQUIRE(encoded["status"] == "succeeded");
  json video = encoded["output"];
  CHECK(video["object"] == "file");
  CHECK(video["width"] == 720);
  CHECK(video["height"] == 406);  // 720 × 720/1280, even for 4:2:0
  CHECK(video["id"].get<std::string>().rfind("file_", 0) == 0);
  auto got = download(api, video["url"]);
  REQUIRE(got);
  REQUIRE(got->status == 200);
  fs::path copy = dir.path() / "encoded.mp4";
  std::ofstream(copy, std::ios::binary) << got->body;
  CHECK(wfc::test::probe_ok(copy)["width"] == 720);

  // 3. Export: the seed's body, to a local directory (to S3 through a connection:
  // connections_test.cpp); the input is a file this server issued, read in its data directory,
  // never fetched over HTTP. The seed's connection id names no connection here: a located 422.
  json export_task = json::parse(R"({
      "kind": "export",
      "input": { "object": "file", "url": "...", "kind": "video", "format": "mp4" },
      "options": { "url": "s3://bucket/output.mp4", "connection_id": "conn_abc123" } })");
  export_task["input"]["url"] = video["url"];
  auto s3 = api.post("/tasks", export_task);
  check_refused(s3, "connection_not_found", "/options/connection_id",
                "no connection 'conn_abc123'");
  export_task["options"]["url"] = "file://" + (dir.path() / "exports").string() + "/";
  auto exp = api.post("/tasks", export_task);
  INFO(exp.text);
  REQUIRE(exp.status == 201);
  json exported = wait_task(api, exp.body["id"]);
  INFO(exported.dump(2) << api.log());
  REQUIRE(exported["status"] == "succeeded");
  CHECK(unsigned_url(exported["input"]["url"]) == unsigned_url(video["url"]));
  CHECK(exported["input"]["id"] == video["id"]);
  CHECK(exported["options"]["connection_id"] == "conn_abc123");
  std::string written = exported["output"]["url"];
  REQUIRE(written.rfind("file://", 0) == 0);
  CHECK(wfc::test::slurp(written.substr(7)) == got->body);
  CHECK(fs::path(written.substr(7)).parent_path() == dir.path() / "exports");
}

TEST_CASE("a File input names a file this server issued or a URL the policy allows, else 422",
          "[api][task_input][media]") {
  TempDir dir;
  fs::path media = dir.path() / "media";
  fs::create_directories(media);
  fs::copy_file(wfc::test::sample("av.mp4"), media / "in.mp4");
  ApiServer api(dir, {"--allow-files", media.string()});
  std::string in = "file://" + (media / "in.mp4").string();

  // An image of a file from an earlier task, named by its url with a signature on it (ignored:
  // the server reads it by run and path).
  auto made = api.post("/tasks", {{"kind", "video"},
                                  {"input", {{"object", "file"}, {"url", in}}},
                                  {"options", {{"width", 160}}}});
  REQUIRE(made.status == 201);
  json video = wait_task(api, made.body["id"]);
  REQUIRE(video["status"] == "succeeded");
  std::string url = video["output"]["url"];
  json file = video["output"];
  file["url"] = url + "?expires=4102444800&signature=0123abcd";
  auto still = api.post("/tasks", {{"kind", "image"}, {"input", file}});
  INFO(still.text);
  REQUIRE(still.status == 201);
  json image = wait_task(api, still.body["id"]);
  INFO(image.dump(2) << api.log());
  CHECK(image["status"] == "succeeded");
  CHECK(image["input"]["id"] == video["output"]["id"]);
  CHECK(image["output"]["width"] == 160);

  // By its id alone, through the files table.
  auto by_id = api.post("/tasks", {{"kind", "image"},
                                   {"input", {{"object", "file"}, {"id", video["output"]["id"]}}},
                                   {"options", {{"width", 80}}}});
  INFO(by_id.text);
  REQUIRE(by_id.status == 201);
  json thumb = wait_task(api, by_id.body["id"]);
  INFO(thumb.dump(2) << api.log());
  CHECK(thumb["status"] == "succeeded");
  CHECK(unsigned_url(thumb["input"]["url"]) == unsigned_url(url));
  CHECK(thumb["output"]["width"] == 80);

  // seeds/001's form with the same url: the same file, read the same way.
  auto by_url = api.post("/tasks", {{"kind", "image"}, {"url", url}});
  INFO(by_url.text);
  REQUIRE(by_url.status == 201);
  json still_by_url = wait_task(api, by_url.body["id"]);
  INFO(still_by_url.dump(2) << api.log());
  CHECK(still_by_url["status"] == "succeeded");
  CHECK(still_by_url["input"]["id"] == video["output"]["id"]);

  SECTION("what is refused") {
    check_refused(
        api.post("/tasks", {{"kind", "image"},
                            {"url", api.address() + "/files/" + video["run_id"].get<std::string>() +
                                        "/gone.mp4"}}),
        "input_not_found", "/url", "has no file 'gone.mp4'");
    check_refused(
        api.post("/tasks", {{"kind", "video"},
                            {"input", {{"object", "file"}, {"id", "file_0000000000000000"}}}}),
        "input_not_found", "/input/id", "no file 'file_0000000000000000'");
    std::string run = video["run_id"];
    check_refused(
        api.post("/tasks", {{"kind", "video"},
                            {"input",
                             {{"object", "file"},
                              {"url", api.address() + "/files/" + run + "/nothere.mp4"}}}}),
        "input_not_found", "/input/url", "has no file 'nothere.mp4'");
    check_refused(
        api.post("/tasks", {{"kind", "video"},
                            {"input",
                             {{"object", "file"},
                              {"url", api.address() + "/files/run_aaaaaaaaaaaaaaaa/t0.mp4"}}}}),
        "input_not_found", "/input/url", "run_aaaaaaaaaaaaaaaa");
    // Its fetched input is not one of a run's files.
    check_refused(
        api.post(
            "/tasks",
            {{"kind", "video"},
             {"input",
              {{"object", "file"},
               {"url", "file://" + (dir.path() / "data/runs" / run / ".input/in.mp4").string()}}}}),
        "input_refused", "/input/url", "refused to read");
    check_refused(
        api.post("/tasks", {{"kind", "video"},
                            {"input", {{"object", "file"}, {"url", "http://10.0.0.5/a.mp4"}}}}),
        "input_refused", "/input/url", "10.0.0.5 is a private address");
    check_refused(api.post("/tasks", {{"kind", "video"}, {"input", {{"url", in}}}}),
                  "input_invalid", "/input", "a File object");
    check_refused(api.post("/tasks", {{"kind", "video"}, {"input", {{"object", 5}, {"url", in}}}}),
                  "input_invalid", "/input/object", "\"object\": \"file\"");
    check_refused(api.post("/tasks", {{"kind", "probe"}, {"input", "in.mp4"}}), "input_invalid",
                  "/input", "{\"url\": …}");
    check_refused(api.post("/tasks", {{"kind", "video"}, {"input", {{"object", "file"}}}}),
                  "input_invalid", "/input", "needs a `url` or an `id`");
    check_refused(api.post("/tasks", {{"kind", "import"}, {"input", {{"url", url}}}}),
                  "input_invalid", "/input/url", "already a file of this server");
    auto both = api.post("/tasks", {{"kind", "probe"}, {"url", in}, {"input", {{"url", in}}}});
    CHECK(both.status == 422);
    CHECK(both.body["pointer"] == "/url");
  }
}

TEST_CASE("a file this server issued is named by its run and a plain path, nothing else",
          "[api][task_input]") {
  using wfc::ingest::issued_path_ok;
  CHECK(issued_path_ok("t0.mp4"));
  CHECK(issued_path_ok("renditions/a b.mp4"));
  CHECK_FALSE(issued_path_ok(""));
  CHECK_FALSE(issued_path_ok("/etc/passwd"));
  CHECK_FALSE(issued_path_ok("../wfc.db"));
  CHECK_FALSE(issued_path_ok("a/../../wfc.db"));
  CHECK_FALSE(issued_path_ok("./t0.mp4"));
  CHECK_FALSE(issued_path_ok(".input/in.mp4"));
  CHECK_FALSE(issued_path_ok("a//b"));
  CHECK_FALSE(issued_path_ok("a/"));
  wfc::ingest::IssuedFile f{"run_0123456789abcdef", "t0/a b.mp4"};
  CHECK(f.reference() == "wfc-file:run_0123456789abcdef/t0/a b.mp4");
  CHECK(f.local_path("/d") == "/d/runs/run_0123456789abcdef/t0/a b.mp4");
  auto back = wfc::ingest::parse_issued_reference(f.reference());
  REQUIRE(back);
  CHECK(back->run_id == f.run_id);
  CHECK(back->path == f.path);
  CHECK_FALSE(wfc::ingest::parse_issued_reference("file:///etc/passwd"));
  CHECK_FALSE(wfc::ingest::parse_issued_reference("wfc-file:run_0123456789abcdef/../x"));
  CHECK_FALSE(wfc::ingest::parse_issued_reference("wfc-file:run_short/x"));
  CHECK_FALSE(wfc::ingest::parse_issued_reference("wfc-file:run_0123456789abcdef/.input/x"));
}
