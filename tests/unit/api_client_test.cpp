// What a client trips on (issue 20, point 4), through the real server over loopback HTTP: a POST
// with no body and no Content-Length (curl's `-X POST`), integer progress, cancelling a run that
// has ended, unknown query parameters; and GET /openapi.json checked against every route the
// server dispatches (summary, path and query parameters, request bodies), with real answers of
// the main routes validated against the schemas it gives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "tests/unit/test_api.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_media.h"

namespace {

using nlohmann::json;
using wfc::test::Answer;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// One raw keep-alive connection to the server: requests written byte for byte as a client
// such as curl writes them, each answer read by its Content-Length.
struct Raw {
  explicit Raw(int port) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Raw() { close(fd); }
  Raw(const Raw&) = delete;

  void send_all(std::string data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      REQUIRE(n > 0);
      data.erase(0, static_cast<size_t>(n));
    }
  }
  // The status and body of the next answer; status 0 when the connection closed first (or
  // nothing came for a minute: a server that waits for a body that never comes).
  std::pair<int, std::string> answer() {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      size_t head = buf.find("\r\n\r\n");
      if (head != std::string::npos) {
        std::smatch m;
        std::string h = buf.substr(0, head);
        size_t length = 0;
        if (std::regex_search(h, m, std::regex("Content-Length: *([0-9]+)", std::regex::icase)))
          length = std::stoul(m[1]);
        if (buf.size() >= head + 4 + length) {
          int status = std::stoi(h.substr(9, 3));
          std::string body = buf.substr(head + 4, length);
          buf.erase(0, head + 4 + length);
          return {status, body};
        }
      }
      if (std::chrono::steady_clock::now() > end) return {0, ""};
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char chunk[4096];
      ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return {0, ""};
      buf.append(chunk, static_cast<size_t>(n));
    }
  }
  int fd = -1;
  std::string buf;
};

// `curl -X POST URL -H 'Authorization: Bearer …'`: no body, no Content-Length.
std::string bare(const std::string& method, const std::string& path) {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/7.88.1\r\n" +
         "Accept: */*\r\nAuthorization: Bearer " + wfc::test::kApiKey + "\r\n\r\n";
}

// ---- a small JSON Schema check (the parts of 2020-12 the document uses) ----------------------

const json& resolve(const json& doc, const json& schema) {
  if (!schema.contains("$ref")) return schema;
  std::string ref = schema["$ref"];
  REQUIRE(ref.rfind("#/components/schemas/", 0) == 0);
  const json& schemas = doc["components"]["schemas"];
  std::string name = ref.substr(std::string("#/components/schemas/").size());
  INFO("$ref " << ref);
  REQUIRE(schemas.contains(name));
  return resolve(doc, schemas[name]);
}

bool has_type(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  FAIL("the schema names an unknown type '" << t << "'");
  return false;
}

// Appends to `problems` what in `v` (at JSON pointer `at`) the schema does not allow. Objects
// with `properties` are closed unless `additionalProperties` is true: an answer's field that
// the document does not describe is a problem, so the document cannot fall behind the server.
void validate(const json& doc, const json& raw, const json& v, const std::string& at,
              std::vector<std::string>* problems) {
  const json& s = resolve(doc, raw);
  auto problem = [&](const std::string& what) {
    problems->push_back((at.empty() ? "/" : at) + ": " + what);
  };
  if (s.contains("oneOf")) {
    int matched = 0;
    for (const json& alt : s["oneOf"]) {
      std::vector<std::string> inner;
      validate(doc, alt, v, at, &inner);
      matched += inner.empty();
    }
    if (matched != 1) problem("matches " + std::to_string(matched) + " of oneOf: " + v.dump());
    return;
  }
  if (s.contains("type")) {
    bool ok = false;
    if (s["type"].is_array()) {
      for (const json& t : s["type"]) ok |= has_type(v, t);
    } else {
      ok = has_type(v, s["type"]);
    }
    if (!ok) return problem("is " + v.dump() + ", not of type " + s["type"].dump());
  }
  if (s.contains("const") && v != s["const"]) problem(v.dump() + " is not " + s["const"].dump());
  if (s.contains("enum")) {
    bool in = false;
    for (const json& e : s["enum"]) in |= e == v;
    if (!in) problem(v.dump() + " is not one of " + s["enum"].dump());
  }
  if (v.is_number()) {
    if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>()) problem("too small");
    if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>()) problem("too large");
  }
  if (v.is_string() && s.contains("pattern") &&
      !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>()))) {
    problem(v.dump() + " does not match " + s["pattern"].get<std::string>());
  }
  if (v.is_object()) {
    for (const json& r : s.value("required", json::array())) {
      if (!v.contains(r)) problem("lacks the required '" + r.get<std::string>() + "'");
    }
    if (s.contains("properties")) {
      bool open = s.value("additionalProperties", false) == true;
      for (const auto& [k, item] : v.items()) {
        if (s["properties"].contains(k)) {
          validate(doc, s["properties"][k], item, at + "/" + k, problems);
        } else if (!open) {
          problem("has '" + k + "', which the schema does not describe");
        }
      }
    }
  }
  if (v.is_array() && s.contains("items")) {
    for (size_t i = 0; i < v.size(); ++i) {
      validate(doc, s["items"], v[i], at + "/" + std::to_string(i), problems);
    }
  }
}

// The operation of `method` on the path template `path` in the document.
const json& operation(const json& doc, const std::string& method, const std::string& path) {
  INFO(method << " " << path);
  REQUIRE(doc["paths"].contains(path));
  REQUIRE(doc["paths"][path].contains(method));
  return doc["paths"][path][method];
}

// Checks a real answer of the route against the response the document gives for its status
// (or `default`), and returns it.
Answer conforms(const json& doc, const std::string& method, const std::string& path,
                const Answer& a) {
  const json& responses = operation(doc, method, path)["responses"];
  std::string status = std::to_string(a.status);
  INFO(method << " " << path << " answered " << a.status << " " << a.text);
  const json& r = responses.contains(status) ? responses[status] : responses["default"];
  REQUIRE(r.contains("content"));
  REQUIRE(r["content"].contains("application/json"));
  std::vector<std::string> problems;
  validate(doc, r["content"]["application/json"]["schema"], a.body, "", &problems);
  for (const auto& p : problems) INFO(p);
  CHECK(problems.empty());
  return a;
}

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> out;
  for (const auto& [k, v] : object.items()) out.insert(k);
  return out;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A path template with its parameters filled: {id} by `id`, {path} by "y", any other by "x".
std::string fill(const std::string& path, const std::string& id = "x") {
  std::string out;
  std::regex param("\\{([a-z_]+)\\}");
  size_t last = 0;
  for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) {
    out += path.substr(last, static_cast<size_t>(it->position()) - last);
    std::string name = (*it)[1];
    out += name == "id" ? id : name == "path" ? "y" : "x";
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + path.substr(last);
}

}  // namespace

TEST_CASE("a POST with no body and no Content-Length is answered at once on every route",
          "[api][client]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  json doc = api.get("/openapi.json", nullptr).body;
  std::string auto_id = api.post("/automations", wfc::test::small_automation()).body["id"];
  auto run = api.post("/automations/" + auto_id + "/run", {{"url", "https://example.com/a.mp4"}});
  REQUIRE(run.status == 201);
  std::string run_id = run.body["id"];

  // One connection for all of them, as a client reusing it would: each answer comes without a
  // body being waited for, and the next request is read as a request, not as a body.
  Raw raw(api.port());
  int routes = 0;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (method != "post" && method != "patch") continue;
      ++routes;
      std::string id = path.rfind("/runs/", 0) == 0 ? run_id : auto_id;
      raw.send_all(bare(upper(method), fill(path, id)));
      auto [status, text] = raw.answer();
      INFO(upper(method) << " " << fill(path, id) << " → " << status << " " << text);
      REQUIRE(status != 0);
      json body = json::parse(text, nullptr, false);
      bool needs_body = op.contains("requestBody") && op["requestBody"].value("required", false);
      if (needs_body) {
        // 400 request_invalid, located at the start of the (missing) document.
        CHECK(status == 400);
        CHECK(body["kind"] == "request_invalid");
        CHECK_THAT(body.value("message", ""), Catch::Contains("needs a JSON body"));
        CHECK(body["pointer"] == "");
        CHECK(body["line"] == 1);
      } else {
        CHECK_THAT(text, !Catch::Contains("needs a JSON body"));
        if (path == "/runs/{id}/cancel") CHECK(status == 200);
      }
    }
  }
  CHECK(routes >= 6);  // automations ×3, runs ×2, tasks, keys
  // The cancel above, like `curl -X POST …/cancel`, did cancel the queued run.
  CHECK(api.get("/runs/" + run_id).body["status"] == "cancelled");

  // Content-Length: 0 is the same as none.
  raw.send_all(std::string("POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n") +
               "Content-Type: application/json\r\nAuthorization: Bearer " + wfc::test::kApiKey +
               "\r\n\r\n");
  auto [status, text] = raw.answer();
  CHECK(status == 400);
  CHECK_THAT(text, Catch::Contains("POST /tasks needs a JSON body"));
}

TEST_CASE("progress is an integer; cancelling an ended run is 409 run_finished naming its status",
          "[api][client]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  wfc::test::HttpServer http;
  http.server().Get("/in.mp4", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  auto made = api.post("/tasks", {{"url", http.url("/in.mp4")},
                                  {"kind", "image"},
                                  {"options", {{"width", 64}, {"format", "png"}}}});
  REQUIRE(made.status == 201);
  CHECK(made.body["progress"].is_number_integer());
  json run = api.wait_run(made.body["run_id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  CHECK(run["progress"].is_number_integer());
  CHECK(run["progress"] == 100);
  CHECK(run["progress"].dump() == "100");  // not 100.0
  for (const json& t : run["tasks"]) CHECK(t["progress"].dump() == "100");
  json task = api.get("/tasks/" + made.body["id"].get<std::string>()).body;
  CHECK(task["progress"].dump() == "100");
  for (const json& t : api.get("/tasks").body["data"]) CHECK(t["progress"].is_number_integer());
  for (const json& r : api.get("/runs").body["data"]) CHECK(r["progress"].is_number_integer());

  auto again = api.post("/runs/" + run["id"].get<std::string>() + "/cancel", json::object());
  CHECK(again.status == 409);
  CHECK(again.body["kind"] == "run_finished");
  CHECK(again.body["status"] == "succeeded");
  CHECK_THAT(again.body.value("message", ""), Catch::Contains("succeeded"));
  CHECK(api.get("/runs/" + run["id"].get<std::string>()).body["status"] == "succeeded");
}

TEST_CASE("cancelling a cancelled run is 409; an unknown run is still 404", "[api][client]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post("/tasks", {{"url", "https://example.com/a.mp4"}, {"kind", "audio"}});
  REQUIRE(made.status == 201);
  std::string run = made.body["run_id"];
  auto first = api.post("/runs/" + run + "/cancel", json::object());
  REQUIRE(first.status == 200);
  CHECK(first.body["status"] == "cancelled");
  auto second = api.post("/runs/" + run + "/cancel", json::object());
  CHECK(second.status == 409);
  CHECK(second.body["kind"] == "run_finished");
  CHECK(second.body["status"] == "cancelled");
  CHECK(api.post("/runs/run_0000000000000000/cancel", json::object()).status == 404);
}

TEST_CASE("unknown query parameters are a 400 listing the accepted ones, on every route",
          "[api][client]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  auto made = api.post("/tasks", {{"url", "https://example.com/a.mp4"}, {"kind", "audio"}});
  REQUIRE(made.status == 201);
  std::string run = made.body["run_id"];

  auto typo = api.get("/runs?limt=5");
  CHECK(typo.status == 400);
  CHECK(typo.body["kind"] == "request_invalid");
  CHECK(typo.body["field"] == "limt");
  CHECK(typo.body["in"] == "query");
  CHECK(typo.body["accepted"] ==
        json({"after", "before", "limit", "order", "status", "automation_id"}));
  CHECK_THAT(typo.body.value("message", ""), Catch::Contains("did you mean 'limit'?"));

  // A route that takes none says so, and nothing happens.
  auto get = api.get("/runs/" + run + "?expand=tasks");
  CHECK(get.status == 400);
  CHECK(get.body["accepted"] == json::array());
  CHECK_THAT(get.body.value("message", ""),
             Catch::Contains("GET /runs/{id} takes no query parameters"));
  auto cancel = api.post("/runs/" + run + "/cancel?force=true", json::object());
  CHECK(cancel.status == 400);
  CHECK(api.get("/runs/" + run).body["status"] == "queued");
  CHECK(api.get("/healthz?verbose=1", nullptr).status == 400);
  // The accepted ones still work.
  CHECK(api.get("/runs?limit=5&status=queued").body["data"].size() == 1);
}

TEST_CASE("openapi.json describes every route the server dispatches, as it behaves",
          "[api][client]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});
  Answer got = api.get("/openapi.json", nullptr);
  REQUIRE(got.status == 200);
  const json& doc = got.body;
  const json& schemas = doc["components"]["schemas"];
  for (const char* s : {"Run", "Task", "File", "Automation", "Key", "Event", "Error"})
    CHECK(schemas.contains(s));
  CHECK(resolve(doc, schemas["Error"]["properties"]["kind"]).contains("enum"));

  int routes = 0;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      ++routes;
      std::string route = upper(method) + " " + path;
      INFO(route);
      CHECK(!op.value("summary", "").empty());
      CHECK(op["responses"].contains("default"));

      // Path parameters: exactly the pattern's.
      std::set<std::string> in_path, documented_path, documented_query;
      std::regex name("\\{([a-z_]+)\\}");
      for (std::sregex_iterator it(path.begin(), path.end(), name), end; it != end; ++it)
        in_path.insert((*it)[1]);
      for (const json& p : op.value("parameters", json::array())) {
        (p["in"] == "path" ? documented_path : documented_query).insert(p["name"]);
        if (p["in"] == "path") CHECK(p["required"] == true);
      }
      CHECK(documented_path == in_path);

      // Query parameters: an unknown one is refused with exactly the documented ones accepted,
      // and each documented one is accepted (with a value of its schema's type).
      std::string at = fill(path);
      std::string body = method == "get" || method == "delete" ? "" : "{}";
      Answer unknown = api.request(upper(method), at + "?zz_unknown=1", body);
      if (op.value("x-query-ignored", false)) {
        // A file download ignores a player's own query (cache busting) instead.
        CHECK_THAT(unknown.text, !Catch::Contains("unknown query parameter"));
        CHECK(op.value("parameters", json::array()).size() == in_path.size());
        continue;
      }
      CHECK(unknown.status == 400);
      CHECK(unknown.body["field"] == "zz_unknown");
      std::set<std::string> accepted;
      for (const json& n : unknown.body.value("accepted", json::array())) accepted.insert(n);
      CHECK(accepted == documented_query);
      for (const json& p : op.value("parameters", json::array())) {
        if (p["in"] != "query") continue;
        const json& schema = p["schema"];
        std::string value = schema.contains("enum")      ? schema["enum"][0].get<std::string>()
                            : schema.contains("default") ? schema["default"].dump()
                                                         : "x";
        std::string with_param = at + "?" + p["name"].get<std::string>() + "=" + value;
        if (op["responses"].contains("200") &&
            op["responses"]["200"].value("content", json::object()).contains("text/event-stream")) {
          // A stream never ends: read its first record (`ready`), or the refusal, and stop.
          httplib::Client c = api.client();
          std::string first;
          c.Get(with_param.c_str(),
                {{"Authorization", std::string("Bearer ") + wfc::test::kApiKey}},
                [&](const char* d, size_t n) {
                  first.append(d, n);
                  return first.find("\n\n") == std::string::npos;
                });
          INFO(p["name"] << " → " << first);
          CHECK_THAT(first, Catch::Contains("event: ready"));
          continue;
        }
        Answer known = api.request(upper(method), with_param, body);
        INFO(p["name"] << " → " << known.text);
        CHECK_THAT(known.text, !Catch::Contains("unknown query parameter"));
      }

      if (method == "get" || method == "delete") continue;
      // Bodies: a route that needs one documents it, and its schema's fields are exactly the
      // ones the route accepts (its 400 for an unknown field lists them).
      Answer none = api.request(upper(method), at, "");
      bool needs = none.status == 400 && none.text.find("needs a JSON body") != std::string::npos;
      bool documented =
          op.contains("requestBody") && op["requestBody"].value("required", false) == true;
      CHECK(needs == documented);
      if (!documented) continue;
      const json& schema = resolve(doc, op["requestBody"]["content"]["application/json"]["schema"]);
      REQUIRE(schema.contains("properties"));
      Answer stray = api.request(upper(method), at, R"({"zz_unknown": 1})");
      CHECK(stray.status == 400);
      CHECK(stray.body["field"] == "zz_unknown");
      std::set<std::string> fields;
      for (const json& n : stray.body.value("accepted", json::array())) fields.insert(n);
      CHECK(fields == keys_of(schema["properties"]));
      // The first field an empty object lacks is one the schema requires.
      Answer empty = api.request(upper(method), at, "{}");
      std::set<std::string> required;
      for (const json& r : schema.value("required", json::array())) required.insert(r);
      if (!required.empty()) {
        CHECK(empty.status == 400);
        CHECK(required.count(empty.body.value("field", "")) == 1);
      }
    }
  }
  CHECK(routes >= 22);

  // Real answers of the main routes validate against the schemas the document gives.
  Answer a = conforms(doc, "post", "/automations",
                      api.post("/automations", wfc::test::small_automation()));
  std::string auto_id = a.body["id"];
  conforms(doc, "get", "/automations", api.get("/automations"));
  conforms(doc, "get", "/automations/{id}", api.get("/automations/" + auto_id));
  conforms(doc, "patch", "/automations/{id}",
           api.request("PATCH", "/automations/" + auto_id, R"({"status": "active"})"));
  Answer run = conforms(doc, "post", "/automations/{id}/run",
                        api.post("/automations/" + auto_id + "/run",
                                 {{"url", "https://example.com/a.mp4"}, {"metadata", {{"n", 1}}}}));
  std::string run_id = run.body["id"];
  conforms(doc, "post", "/runs", api.post("/runs", json::parse(R"({"tasks": [{"kind": "ingest",
               "options": {"url": "https://example.com/v.mp4"},
               "next": [{"kind": "image", "options": {"format": "png"}}]}]})")));
  conforms(doc, "get", "/runs", api.get("/runs"));
  conforms(doc, "get", "/runs/{id}", api.get("/runs/" + run_id));
  Answer task = conforms(doc, "post", "/tasks",
                         api.post("/tasks", {{"url", "https://example.com/a.mp4"},
                                             {"kind", "video"},
                                             {"options", {{"width", 320}}}}));
  conforms(doc, "get", "/tasks", api.get("/tasks"));
  conforms(doc, "get", "/tasks/{id}", api.get("/tasks/" + task.body["id"].get<std::string>()));
  conforms(doc, "get", "/events", api.get("/events"));
  conforms(doc, "post", "/runs/{id}/cancel",
           api.post("/runs/" + run_id + "/cancel", json::object()));
  conforms(doc, "post", "/runs/{id}/cancel",
           api.post("/runs/" + run_id + "/cancel", json::object()));
  Answer key = conforms(doc, "post", "/keys", api.post("/keys", {{"name", "ci"}}));
  std::string key_id = key.body["id"];
  conforms(doc, "get", "/keys", api.get("/keys"));
  conforms(doc, "get", "/keys/{id}", api.get("/keys/" + key_id));
  conforms(doc, "delete", "/keys/{id}", api.request("DELETE", "/keys/" + key_id));
  conforms(doc, "delete", "/automations/{id}", api.request("DELETE", "/automations/" + auto_id));
  conforms(doc, "get", "/healthz", api.get("/healthz", nullptr));
  // Errors too.
  conforms(doc, "get", "/runs/{id}", api.get("/runs/run_0000000000000000"));
  conforms(doc, "post", "/tasks", api.post("/tasks", {{"kind", "video"}}));
  conforms(doc, "post", "/runs", api.request("POST", "/runs", "{\"tasks\": [}"));
  conforms(doc, "post", "/automations",
           api.post("/automations", {{"name", "bad"}, {"workflow", {{{"kind", "vidoe"}}}}}));
  conforms(doc, "get", "/tasks", api.get("/tasks?limit=0"));
  conforms(doc, "get", "/runs", api.get("/runs", "wfc_nope"));
}

TEST_CASE("a finished run's tasks, output files and a failed run validate against the document",
          "[api][client]") {
  std::string bytes = wfc::test::slurp_file(wfc::test::sample("av.mp4"));
  wfc::test::HttpServer http;
  http.server().Get("/in.mp4", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "video/mp4");
  });
  http.start();
  TempDir dir;
  ApiServer api(dir, {"--allow-hosts", "127.0.0.1"});
  json doc = api.get("/openapi.json", nullptr).body;
  auto made =
      api.post("/runs", json::parse(R"({"tasks": [{"kind": "ingest", "options": {"url": ")" +
                                    http.url("/in.mp4") + R"("}, "next": [
      {"kind": "video", "options": {"width": 160, "format": "mp4"}},
      {"kind": "image", "options": {"width": 80, "format": "png"}}]}]})"));
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  INFO(run.dump(2) << api.log());
  REQUIRE(run["status"] == "succeeded");
  Answer got = conforms(doc, "get", "/runs/{id}", api.get("/runs/" + run["id"].get<std::string>()));
  size_t outputs = 0;
  for (const json& t : got.body["tasks"]) outputs += t["outputs"].size();
  CHECK(outputs >= 2);
  conforms(doc, "get", "/tasks", api.get("/tasks?run_id=" + run["id"].get<std::string>()));

  // A run that failed (its input is not there) carries its error: that validates too.
  auto missing = api.post("/tasks", {{"url", http.url("/missing.mp4")}, {"kind", "image"}});
  REQUIRE(missing.status == 201);
  json failed = api.wait_run(missing.body["run_id"]);
  REQUIRE(failed["status"] == "failed");
  REQUIRE(failed["error"].is_object());
  conforms(doc, "get", "/runs/{id}", api.get("/runs/" + failed["id"].get<std::string>()));
  conforms(doc, "get", "/runs", api.get("/runs"));
  conforms(doc, "get", "/events", api.get("/events?limit=100"));
}
