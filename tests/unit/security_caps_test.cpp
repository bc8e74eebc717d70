// Issue 19, point 6: the caps (tasks per workflow and per run, `next` depth, diagnostics
// returned) and the checks made when a run is created (an input the access policy refuses by its
// text is a located 422) or a local input is opened (no /proc: refused, not read unchecked).
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/diag/codes.h"
#include "compiler/frontend.h"
#include "compiler/util/caps.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"

namespace wfc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::ApiServer;
using test::TempDir;

std::vector<diag::Diagnostic> compile(const std::string& text, syntax::Syntax syntax) {
  SourceFile source("t", text);
  return compile_source(source, syntax).diagnostics.items();
}

/// `n` copies of `task`, as a JSON array's elements.
std::string repeated(const std::string& task, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + task;
  return out;
}

/// A bare workflow array: a chain of `depth` video tasks, each in the previous one's `next`.
std::string json_chain(size_t depth) {
  std::string open, close;
  for (size_t i = 0; i < depth; ++i) {
    open += std::string(i ? ",\"next\":[" : "[") + "{\"kind\":\"video\"";
    close += i ? "}]" : "";
  }
  return open + close + "}]";
}

std::string dsl_chain(size_t depth) {
  std::string text = "run {\n  ingest(url: \"https://example.com/a.mp4\")";
  for (size_t i = 0; i < depth; ++i) text += " -> video";
  return text + "\n}\n";
}

TEST_CASE("a workflow over the task cap is one located WF116 error", "[security][caps]") {
  const size_t cap = caps::kMaxTasksPerWorkflow;
  SECTION("at the cap: no error") {
    auto diags = compile("[" + repeated(R"({"kind":"summary"})", cap) + "]", syntax::Syntax::Json);
    CHECK(diags.empty());
  }
  SECTION("one past it, at the top: the error points at the first task too many") {
    auto diags =
        compile("[" + repeated(R"({"kind":"summary"})", cap + 1) + "]", syntax::Syntax::Json);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == diag::Code::TooManyTasks);
    CHECK(diags[0].pointer == "/" + std::to_string(cap) + "/kind");
    CHECK(diags[0].span.line == 1);
    CHECK_THAT(diags[0].message, Catch::Contains("1001 tasks, more than the limit of 1000"));
    CHECK_THAT(diags[0].hint, Catch::Contains("split"));
  }
  SECTION("counted through next, and no per-task checks past the cap") {
    // 1,500 unknown kinds would be 1,500 WF201 errors; over the cap they are one WF116.
    std::string doc = R"({"tasks":[{"kind":"ingest","options":{"url":"https://e.com/a.mp4"},)"
                      R"("next":[)" +
                      repeated(R"({"kind":"vidoe"})", 1500) + "]}]}";
    auto diags = compile(doc, syntax::Syntax::Json);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == diag::Code::TooManyTasks);
    CHECK(diags[0].pointer == "/tasks/0/next/999/kind");
    CHECK_THAT(diags[0].message, Catch::Contains("1501 tasks"));
  }
  SECTION("the same in the workflow language") {
    std::string text = "run {\n  ingest(url: \"https://example.com/a.mp4\") {\n";
    for (size_t i = 0; i < cap; ++i) text += "    summary\n";
    text += "  }\n}\n";
    auto diags = compile(text, syntax::Syntax::Dsl);
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == diag::Code::TooManyTasks);
    CHECK(diags[0].span.line == cap + 2);  // the 1,000th summary is the 1,001st task
  }
}

TEST_CASE("a next chain deeper than the cap is one located WF117 error", "[security][caps]") {
  const size_t cap = caps::kMaxNextDepth;
  CHECK(compile(json_chain(cap), syntax::Syntax::Json).empty());
  CHECK(compile(dsl_chain(cap - 1), syntax::Syntax::Dsl).empty());  // the ingest is the first

  auto diags = compile(json_chain(cap + 1), syntax::Syntax::Json);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == diag::Code::NextTooDeep);
  std::string pointer = "/0";
  for (size_t i = 1; i <= cap; ++i) pointer += "/next/0";
  CHECK(diags[0].pointer == pointer + "/kind");
  CHECK_THAT(diags[0].message,
             Catch::Contains("33 deep through 'next', more than the limit of 32"));

  auto dsl = compile(dsl_chain(cap + 5), syntax::Syntax::Dsl);
  REQUIRE(dsl.size() == 1);
  CHECK(dsl[0].code == diag::Code::NextTooDeep);
  CHECK_THAT(dsl[0].message, Catch::Contains("38 deep"));
  CHECK(dsl[0].span.line == 2);
}

TEST_CASE("a next chain 100,000 deep is a located error in every syntax, not a crash",
          "[security][caps]") {
  const size_t n = 100'000;
  std::string json = json_chain(n);
  std::string yaml = "tasks: ";
  for (size_t i = 0; i < n; ++i) yaml += "[{kind: video, next: ";
  yaml += "[]";
  for (size_t i = 0; i < n; ++i) yaml += "}]";
  yaml += "\n";
  for (auto [text, syntax] :
       {std::pair{json, syntax::Syntax::Json}, std::pair{yaml, syntax::Syntax::Yaml},
        std::pair{dsl_chain(n), syntax::Syntax::Dsl}}) {
    INFO(syntax::syntax_name(syntax));
    auto diags = compile(text, syntax);
    REQUIRE_FALSE(diags.empty());
    CHECK(diags[0].code == diag::Code::TooDeep);
    CHECK(diags[0].span.valid());
  }
}

TEST_CASE("diag::truncate keeps the first N and counts the rest in one note", "[security][caps]") {
  std::vector<diag::Diagnostic> diags(7);
  for (size_t i = 0; i < diags.size(); ++i) {
    diags[i].file = "w.json";
    diags[i].span = Span{static_cast<uint32_t>(i + 1), 1, static_cast<uint32_t>(i + 1), 2};
    diags[i].severity = i == 5 ? diag::Severity::Warning : diag::Severity::Error;
    diags[i].message = "problem " + std::to_string(i);
  }
  auto copy = diags;
  CHECK(diag::truncate(copy, 7) == 0);
  CHECK(copy.size() == 7);
  CHECK(diag::truncate(diags, 3) == 4);
  REQUIRE(diags.size() == 4);
  CHECK(diags[2].message == "problem 2");
  const diag::Diagnostic& note = diags[3];
  CHECK(note.code == diag::Code::MoreDiagnostics);
  CHECK(note.severity == diag::Severity::Note);
  CHECK(note.omitted == 4);
  CHECK(note.span.line == 4);  // where the first one left out was
  CHECK(note.message ==
        "4 more diagnostics not shown (3 errors, 1 warning), the first of them here");
  // The explanation gives the numbers of caps.h.
  CHECK_THAT(std::string(diag::info(diag::Code::MoreDiagnostics).explain),
             Catch::Contains(std::to_string(caps::kMaxDiagnostics) + " diagnostics"));
  CHECK_THAT(std::string(diag::info(diag::Code::NextTooDeep).explain),
             Catch::Contains("at most " + std::to_string(caps::kMaxNextDepth)));
  CHECK_THAT(std::string(diag::info(diag::Code::TooManyTasks).explain),
             Catch::Contains("at most 1,000 tasks"));
}

/// A workflow of `n` tasks of an unknown kind: n WF201 errors.
std::string unknown_kinds(size_t n) { return "[" + repeated(R"({"kind":"vidoe"})", n) + "]"; }

TEST_CASE("wfc validate shows at most 100 diagnostics per file and counts the rest",
          "[security][caps]") {
  TempDir dir;
  dir.write("bad.json", unknown_kinds(900));
  dir.write("ok.json", R"([{"kind":"video"}])");
  SECTION("json: 100 entries, one WF118 note, and truncated") {
    auto r = test::run_wfc(dir, {"validate", "-f", "json", "bad.json", "ok.json"});
    CHECK(r.status == 1);
    json doc = json::parse(r.out);
    REQUIRE(doc["diagnostics"].size() == caps::kMaxDiagnostics + 1);
    CHECK(doc["truncated"] == 800);
    const json& note = doc["diagnostics"].back();
    CHECK(note["code"] == "WF118");
    CHECK(note["severity"] == "note");
    CHECK(note["message"] ==
          "800 more diagnostics not shown (800 errors, 0 warnings), the first of them here");
    CHECK(note["line"] == 1);
  }
  SECTION("human: the note, and the summary counts every error") {
    auto r = test::run_wfc(dir, {"validate", "bad.json"}, "NO_COLOR=1");
    CHECK(r.status == 1);
    CHECK_THAT(r.out, Catch::Contains("note[WF118]: 800 more diagnostics not shown"));
    size_t shown = 0;
    for (size_t at = 0; (at = r.out.find("error[WF201]", at)) != std::string::npos; ++at) ++shown;
    CHECK(shown == caps::kMaxDiagnostics);
    CHECK_THAT(r.err, Catch::Contains("checked 1 file: 900 errors, 0 warnings"));
  }
  SECTION("a file within the cap is shown whole, without a note") {
    dir.write("some.json", unknown_kinds(100));
    auto r = test::run_wfc(dir, {"validate", "-f", "json", "some.json"});
    json doc = json::parse(r.out);
    CHECK(doc["diagnostics"].size() == 100);
    CHECK_FALSE(doc.contains("truncated"));
  }
}

/// A run request: an ingest of `url` and `n` summaries in its next.
json run_request(const std::string& url, size_t n) {
  json next = json::array();
  for (size_t i = 0; i < n; ++i) next.push_back({{"kind", "summary"}});
  return {{"tasks", {{{"kind", "ingest"}, {"options", {{"url", url}}}, {"next", next}}}}};
}

TEST_CASE("the API refuses too many tasks and returns at most 100 diagnostics",
          "[security][caps][api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0"});  // nothing is fetched: tests talk only to loopback
  const std::string url = "https://example.com/a.mp4";
  SECTION("a run of 1,001 tasks is a 422 located at the task too many; nothing is created") {
    auto made = api.post("/runs", run_request(url, caps::kMaxTasksPerRun));
    REQUIRE(made.status == 422);
    CHECK(made.body["kind"] == "request_invalid");
    REQUIRE(made.body["diagnostics"].size() == 1);
    CHECK(made.body["diagnostics"][0]["code"] == "WF116");
    CHECK(made.body["diagnostics"][0]["pointer"] == "/tasks/0/next/999/kind");
    CHECK_THAT(made.body["message"].get<std::string>(), Catch::Contains("more than the limit"));
    CHECK(api.get("/runs").body["data"].empty());
  }
  SECTION("1,000 tasks are accepted") {
    CHECK(api.post("/runs", run_request(url, caps::kMaxTasksPerRun - 1)).status == 201);
  }
  SECTION("an automation with 900 mistakes: 100 diagnostics, a note, truncated, all counted") {
    json workflow = json::parse(unknown_kinds(900));
    auto made = api.post("/automations", {{"name", "bad"}, {"workflow", workflow}});
    REQUIRE(made.status == 422);
    REQUIRE(made.body["diagnostics"].size() == caps::kMaxDiagnostics + 1);
    CHECK(made.body["diagnostics"].back()["code"] == "WF118");
    CHECK(made.body["truncated"] == 800);
    CHECK_THAT(made.body["message"].get<std::string>(), Catch::Contains("(900 errors)"));
    CHECK(made.text.size() < 100'000);
  }
}

TEST_CASE("an input the access policy refuses by its text is a located 422 at creation",
          "[security][caps][api]") {
  TempDir dir;
  dir.write("media/in.mp4", "x");
  ApiServer api(dir, {"--workers", "0", "--allow-files", (dir.path() / "media").string()});
  std::string auto_id =
      api.post("/automations", {{"name", "a"}, {"workflow", {{{"kind", "video"}}}}}).body["id"];
  struct Case {
    std::string url, kind, reason;
  };
  const std::vector<Case> refused = {
      {"http://127.0.0.1:9/in.mp4", "input_refused", "127.0.0.1 is a loopback address"},
      {"http://user:secret@10.0.0.5/in.mp4", "input_refused", "10.0.0.5 is a private address"},
      {"https://[::1]:8443/in.mp4", "input_refused", "::1 is a loopback address"},
      {"http://169.254.169.254/latest/meta-data", "input_refused", "169.254.169.254 is"},
      {"file:///etc/passwd", "input_refused", "outside the directories allowed with --allow-files"},
      {"file://" + (dir.path() / "media/../wfc.db").string(), "input_refused", "outside"},
      {"ftp://example.com/in.mp4", "input_invalid", "'ftp' URLs are not fetched"},
      {"file://otherhost/in.mp4", "input_invalid", "a file URL names a local path"},
  };
  for (const Case& c : refused) {
    INFO(c.url);
    auto task = api.post("/tasks", {{"url", c.url}, {"kind", "video"}});
    CHECK(task.status == 422);
    CHECK(task.body["kind"] == c.kind);
    CHECK(task.body["pointer"] == "/url");
    CHECK(task.body["field"] == "url");
    CHECK_THAT(task.body["message"].get<std::string>(), Catch::Contains(c.reason));
    CHECK(task.text.find("secret") == std::string::npos);  // the password is not echoed

    auto run = api.post("/runs", run_request(c.url, 1));
    CHECK(run.status == 422);
    if (c.kind == "input_invalid" && run.body["kind"] == "request_invalid") {
      // The compiler knows the ingest's schemes already (WF205), at the same place.
      REQUIRE(run.body["diagnostics"].size() == 1);
      CHECK(run.body["diagnostics"][0]["pointer"] == "/tasks/0/options/url");
    } else {
      CHECK(run.body["kind"] == c.kind);
      CHECK(run.body["pointer"] == "/tasks/0/options/url");
      CHECK_THAT(run.body["message"].get<std::string>(), Catch::Contains(c.reason));
    }

    auto trigger = api.post("/automations/" + auto_id + "/run", {{"url", c.url}});
    CHECK(trigger.status == 422);
    CHECK(trigger.body["kind"] == c.kind);
    CHECK(trigger.body["pointer"] == "/url");
  }
  CHECK(api.get("/runs").body["data"].empty());

  // What the text cannot tell is left to the fetch: a host name (DNS may change by then), a file
  // inside --allow-files.
  const std::string allowed_file = "file://" + (dir.path() / "media/in.mp4").string();
  for (const std::string& url : std::vector<std::string>{
           "http://localhost:9/in.mp4", "https://example.com/in.mp4", allowed_file}) {
    INFO(url);
    CHECK(api.post("/tasks", {{"url", url}, {"kind", "video"}}).status == 201);
  }
}

TEST_CASE("an address allowed with --allow-hosts passes the creation check",
          "[security][caps][api]") {
  TempDir dir;
  ApiServer api(dir, {"--workers", "0", "--allow-hosts", "127.0.0.1"});
  CHECK(api.post("/tasks", {{"url", "http://127.0.0.1:9/in.mp4"}, {"kind", "video"}}).status ==
        201);
  CHECK(api.post("/tasks", {{"url", "http://10.0.0.5/in.mp4"}, {"kind", "video"}}).status == 422);
}

TEST_CASE("check_without_resolving judges the text and leaves host names to the fetch",
          "[security][caps]") {
  TempDir dir;
  dir.write("media/in.mp4", "x");
  ingest::AccessPolicy policy;
  using P = ingest::InputVerdict::Problem;
  CHECK(policy.check_without_resolving("file:///etc/passwd").reason ==
        "local files are not readable here; allow a directory with --allow-files or "
        "WFC_ALLOW_FILES");
  std::string error;
  REQUIRE(policy.allow_file((dir.path() / "media").string(), &error));
  REQUIRE(policy.allow_host("10.1.0.0/16", &error));
  CHECK(policy.check_without_resolving("http://10.1.2.3/a.mp4").ok());
  CHECK(policy.check_without_resolving("http://10.2.2.3/a.mp4").problem == P::Refused);
  CHECK(policy.check_without_resolving("http://u:p@[::ffff:127.0.0.1]:80/a").problem == P::Refused);
  CHECK(policy.check_without_resolving("http://internal.example/a.mp4").ok());
  CHECK(policy.check_without_resolving("HTTPS://8.8.8.8/a.mp4").ok());
  CHECK(policy.check_without_resolving((dir.path() / "media/in.mp4").string()).ok());
  CHECK(policy.check_without_resolving((dir.path() / "media/missing.mp4").string()).ok());
  CHECK(policy.check_without_resolving((dir.path() / "secret").string()).problem == P::Refused);
  CHECK(policy.check_without_resolving("gopher://example.com/").problem == P::Invalid);
  // A symlink inside the allowed directory that leads out is refused like the fetch refuses it.
  fs::create_symlink("/etc/passwd", dir.path() / "media/link.mp4");
  CHECK(policy.check_without_resolving("file://" + (dir.path() / "media/link.mp4").string())
            .problem == P::Refused);
}

TEST_CASE("without /proc, the post-open check refuses a local file instead of skipping",
          "[security][caps]") {
  TempDir dir;
  std::string inside = dir.write("media/in.mp4", "clip");
  dir.write("secret/key.txt", "secret");
  ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(policy.allow_file((dir.path() / "media").string(), &error));
  fs::path workspace = dir.path() / "ws";

  SECTION("with /proc the file is read") {
    CHECK(ingest::fetch(inside, workspace, {}, policy).ok());
  }
  SECTION("a proc root without self/fd: input_refused, saying why, and nothing copied") {
    fs::create_directories(dir.path() / "noproc");
    policy.set_proc_root(dir.path() / "noproc");
    auto result = ingest::fetch(inside, workspace, {}, policy);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->kind_name() == "input_refused");
    CHECK_THAT(result.error->message, Catch::Contains("cannot check which file was opened"));
    CHECK_THAT(result.error->message, Catch::Contains("/proc is mounted"));
    CHECK((!fs::exists(workspace) || fs::is_empty(workspace)));
  }
  SECTION("the check reads the opened path from the proc root: a path outside is refused") {
    int fd = ::open(inside.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    fs::path fake = dir.path() / "fakeproc";
    fs::create_directories(fake / "self/fd");
    fs::create_symlink(dir.path() / "secret/key.txt", fake / "self/fd" / std::to_string(fd));
    policy.set_proc_root(fake);
    CHECK_THAT(policy.opened_refusal(fd), Catch::Contains("outside the directories allowed"));
    policy.set_proc_root("/proc");
    CHECK(policy.opened_refusal(fd).empty());
    ::close(fd);
  }
}

}  // namespace
}  // namespace wfc
