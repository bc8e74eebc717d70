// `wfc validate` as CI runs it: the real binary on files written at test time, checked for its
// exit status, its output in each format and its summary line.
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/test_cli.h"

namespace fs = std::filesystem;

namespace {

using wfc::test::quote;
using wfc::test::Run;
using wfc::test::run_wfc;
using wfc::test::slurp;
using wfc::test::TempDir;

const char* const kClean =
    "{\n"
    "  \"name\": \"Transcode uploads\",\n"
    "  \"workflow\": [\n"
    "    { \"kind\": \"video\", \"options\": { \"width\": 1280, \"format\": \"mp4\" } }\n"
    "  ]\n"
    "}\n";

// A run request; line 3: the unknown kind "vidoe" is at columns 15-21.
const char* const kUnknownKind =
    "{\n"
    "  \"tasks\": [\n"
    "    { \"kind\": \"vidoe\" }\n"
    "  ]\n"
    "}\n";

// A `conditions` task without `next`: warning WF304, nothing else.
const char* const kWarningOnly =
    "[\n"
    "  { \"kind\": \"conditions\", \"options\": { \"width\": { \"gte\": 1280 } } }\n"
    "]\n";

const char* const kCleanYaml =
    "name: Podcast audio\n"
    "workflow:\n"
    "  - kind: audio\n"
    "    options:\n"
    "      format: mp3\n";

// Line 3: the unknown kind "audoi" is at columns 11-15.
const char* const kUnknownKindYaml =
    "name: Podcast audio\n"
    "workflow:\n"
    "  - kind: audoi\n";

bool has_ansi(const std::string& s) { return s.find("\x1b[") != std::string::npos; }

}  // namespace

TEST_CASE("cli: a clean workflow exits 0 and says so on stderr", "[cli]") {
  TempDir dir;
  dir.write("ok.json", kClean);
  Run r = run_wfc(dir, {"validate", "ok.json"});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err == "checked 1 file: 0 errors, 0 warnings\n");
}

TEST_CASE("cli: an error exits 1 with a located diagnostic", "[cli]") {
  TempDir dir;
  dir.write("bad.json", kUnknownKind);
  Run r = run_wfc(dir, {"validate", "bad.json"});
  CHECK(r.status == 1);
  CHECK(r.out.rfind("error[WF201]: unknown kind 'vidoe'\n  --> bad.json:3:15\n", 0) == 0);
  CHECK(r.out.find("\n 3 |     { \"kind\": \"vidoe\" }\n   |               ^^^^^^^\n") !=
        std::string::npos);
  CHECK(r.out.find("did you mean 'video'?") != std::string::npos);
  CHECK(r.err == "checked 1 file: 1 error, 0 warnings\n");
}

TEST_CASE("cli: a warning passes unless --strict", "[cli]") {
  TempDir dir;
  dir.write("warn.json", kWarningOnly);
  Run lax = run_wfc(dir, {"validate", "warn.json"});
  CHECK(lax.status == 0);
  CHECK(lax.out.rfind("warning[WF304]: ", 0) == 0);
  CHECK(lax.out.find("  --> warn.json:2:") != std::string::npos);
  CHECK(lax.err == "checked 1 file: 0 errors, 1 warning\n");
  Run strict = run_wfc(dir, {"validate", "--strict", "warn.json"});
  CHECK(strict.status == 1);
  CHECK(strict.out == lax.out);
}

TEST_CASE("cli: usage and I/O errors exit 2", "[cli]") {
  TempDir dir;
  dir.write("ok.json", kClean);
  SECTION("a missing file") {
    Run r = run_wfc(dir, {"validate", "ok.json", "missing.json"});
    CHECK(r.status == 2);
    CHECK(r.out.rfind("error[WF100]: ", 0) == 0);
    CHECK(r.out.find("missing.json") != std::string::npos);
  }
  SECTION("an unknown format") {
    Run r = run_wfc(dir, {"validate", "--format", "xml", "ok.json"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("unknown format 'xml'") != std::string::npos);
  }
  SECTION("an extension that names no syntax, without --syntax") {
    dir.write("flow.txt", kClean);
    Run r = run_wfc(dir, {"validate", "flow.txt"});
    CHECK(r.status == 2);
    CHECK(r.err.find("--syntax") != std::string::npos);
    Run forced = run_wfc(dir, {"validate", "--syntax", "json", "flow.txt"});
    CHECK(forced.status == 0);
  }
  SECTION("a missing file wins over problems in another") {
    dir.write("bad.json", kUnknownKind);
    CHECK(run_wfc(dir, {"validate", "bad.json", "missing.json"}).status == 2);
  }
}

// Issue 19: a FIFO named like a workflow used to block `wfc validate DIR` for ever. The command
// runs under timeout(1) so that a regression fails the test (status 124) instead of hanging it.
TEST_CASE("cli: validate refuses a FIFO named like a workflow, without blocking",
          "[cli][security][validate]") {
  TempDir dir;
  dir.write("flows/ok.json", kClean);
  std::string fifo = (dir.path() / "flows/x.json").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  auto validate = [&](const std::string& target) {
    std::string cmd = "cd " + quote(dir.path().string()) + " && timeout 60 " + quote(WFC_BINARY) +
                      " validate " + quote(target) + " </dev/null >.out 2>.err";
    int raw = std::system(cmd.c_str());
    Run r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = slurp(dir.path() / ".out");
    r.err = slurp(dir.path() / ".err");
    return r;
  };
  SECTION("found in a directory") {
    Run r = validate("flows");
    CHECK(r.status == 2);  // an I/O error, not a hang (124)
    CHECK(r.out.find("error[WF100]: 'flows/x.json' is a FIFO (named pipe); only regular files "
                     "are read as workflows") != std::string::npos);
    CHECK(r.err.find("checked 2 files: 1 error, 0 warnings") != std::string::npos);
  }
  SECTION("named on the command line") {
    Run r = validate("flows/x.json");
    CHECK(r.status == 2);
    CHECK(r.out.find("'flows/x.json' is a FIFO") != std::string::npos);
  }
}

TEST_CASE("cli: '-' reads standard input in the syntax given", "[cli]") {
  TempDir dir;
  std::string json = dir.write("in.json", kUnknownKind);
  std::string yaml = dir.write("in.yaml", kUnknownKindYaml);
  std::string clean_yaml = dir.write("ok.yaml", kCleanYaml);

  Run j = run_wfc(dir, {"validate", "--syntax", "json", "-"}, "", json);
  CHECK(j.status == 1);
  CHECK(j.out.rfind("error[WF201]: unknown kind 'vidoe'\n  --> <stdin>:3:15\n", 0) == 0);

  Run y = run_wfc(dir, {"validate", "--syntax", "yaml", "-"}, "", yaml);
  CHECK(y.status == 1);
  CHECK(y.out.rfind("error[WF201]: unknown kind 'audoi'\n  --> <stdin>:3:11\n", 0) == 0);

  CHECK(run_wfc(dir, {"validate", "--syntax", "yaml", "-"}, "", clean_yaml).status == 0);
  // Without --syntax, standard input has no extension to go by.
  CHECK(run_wfc(dir, {"validate", "-"}, "", json).status == 2);
}

TEST_CASE("cli: directories are walked recursively, in path order, whatever the threads", "[cli]") {
  TempDir dir;
  // Names chosen so that creation order, directory order and path order differ.
  dir.write("flows/z.json", kUnknownKind);
  dir.write("flows/b/deep/c.yaml", kUnknownKindYaml);
  dir.write("flows/a.yaml", kUnknownKindYaml);
  dir.write("flows/b/a.json", kWarningOnly);
  dir.write("flows/m.json", kClean);
  dir.write("flows/.git/hooks.json", kUnknownKind);  // hidden directory: skipped
  dir.write("flows/.cache/x.yaml", kUnknownKindYaml);
  dir.write("flows/notes.txt", "not a workflow");  // no workflow extension: skipped
  for (int i = 0; i < 40; ++i)
    dir.write("flows/many/" + std::to_string(1000 + i) + ".json", i % 3 ? kClean : kUnknownKind);

  Run one = run_wfc(dir, {"validate", "-j1", "--format", "json", "flows"});
  Run eight = run_wfc(dir, {"validate", "-j8", "--format", "json", "flows"});
  CHECK(one.status == 1);
  CHECK(one.out == eight.out);

  auto doc = nlohmann::json::parse(one.out);
  std::vector<std::string> files;
  for (const auto& d : doc["diagnostics"]) files.push_back(d["file"]);
  std::vector<std::string> want = {"flows/a.yaml", "flows/b/a.json", "flows/b/deep/c.yaml"};
  for (int i = 0; i < 40; i += 3)
    want.push_back("flows/many/" + std::to_string(1000 + i) + ".json");
  want.push_back("flows/z.json");
  CHECK(files == want);

  Run human = run_wfc(dir, {"validate", "-j8", "flows"});
  Run human1 = run_wfc(dir, {"validate", "-j1", "flows"});
  CHECK(human.out == human1.out);
  CHECK(human.out.find(".git") == std::string::npos);
  CHECK(human.out.find(".cache") == std::string::npos);
  CHECK(human.err == "checked 45 files: 17 errors, 1 warning\n");
}

TEST_CASE("cli: --format json is one document with exactly the nine fields", "[cli]") {
  TempDir dir;
  dir.write("bad.json", kUnknownKind);
  dir.write("warn.json", kWarningOnly);
  Run r = run_wfc(dir, {"validate", "--format", "json", "bad.json", "warn.json", "gone.json"});
  CHECK(r.status == 2);
  CHECK(r.err.empty());  // the summary line is for people; machine formats stay clean
  auto doc = nlohmann::ordered_json::parse(r.out);
  REQUIRE(doc.size() == 1);
  const auto& list = doc.at("diagnostics");
  REQUIRE(list.size() == 3);
  const std::vector<std::string> fields = {"file",     "line", "column",  "end_line", "end_column",
                                           "severity", "code", "message", "hint"};
  for (const auto& d : list) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : d.items()) keys.push_back(k);
    CHECK(keys == fields);
  }
  CHECK(list[0]["file"] == "bad.json");
  CHECK(list[0]["line"] == 3);
  CHECK(list[0]["column"] == 15);
  CHECK(list[0]["end_line"] == 3);
  CHECK(list[0]["end_column"] == 22);
  CHECK(list[0]["severity"] == "error");
  CHECK(list[0]["code"] == "WF201");
  CHECK(list[0]["message"] == "unknown kind 'vidoe'");
  CHECK(list[0]["hint"] == "did you mean 'video'?");
  CHECK(list[1]["file"] == "warn.json");
  CHECK(list[1]["severity"] == "warning");
  CHECK(list[1]["code"] == "WF304");
  CHECK(list[2]["file"] == "gone.json");
  CHECK(list[2]["code"] == "WF100");
  CHECK(list[2]["line"].is_null());
}

TEST_CASE("cli: --format sarif has the fields SARIF 2.1.0 requires", "[cli]") {
  TempDir dir;
  dir.write("bad.json", kUnknownKind);
  Run r = run_wfc(dir, {"validate", "--format", "sarif", "bad.json"});
  CHECK(r.status == 1);
  auto log = nlohmann::json::parse(r.out);
  CHECK(log["version"] == "2.1.0");
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  REQUIRE(log["runs"].size() == 1);
  const auto& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "wfc");
  CHECK(run["tool"]["driver"]["rules"].size() > 30);
  REQUIRE(run["results"].size() == 1);
  const auto& result = run["results"][0];
  CHECK(result["ruleId"] == "WF201");
  CHECK(run["tool"]["driver"]["rules"][result["ruleIndex"].get<size_t>()]["id"] == "WF201");
  CHECK(result["message"]["text"] == "unknown kind 'vidoe'\nhelp: did you mean 'video'?");
  const auto& location = result["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "bad.json");
  CHECK(location["region"] ==
        nlohmann::json{{"startLine", 3}, {"startColumn", 15}, {"endLine", 3}, {"endColumn", 22}});
}

TEST_CASE("cli: --format github escapes properties and data", "[cli]") {
  TempDir dir;
  dir.write("a,b:c.json", kUnknownKind);
  Run r = run_wfc(dir, {"validate", "--format", "github", "a,b:c.json"});
  CHECK(r.status == 1);
  CHECK(r.out ==
        "::error file=a%2Cb%3Ac.json,line=3,col=15,endLine=3,endColumn=22,title=WF201 "
        "unknown-kind::unknown kind 'vidoe'%0Ahelp: did you mean 'video'?\n");
}

TEST_CASE("cli: colour only on a terminal without NO_COLOR, or when forced", "[cli]") {
  TempDir dir;
  dir.write("bad.json", kUnknownKind);
  // Standard output is a file here, not a terminal.
  CHECK_FALSE(has_ansi(run_wfc(dir, {"validate", "bad.json"}, "-u NO_COLOR TERM=xterm").out));
  CHECK_FALSE(has_ansi(run_wfc(dir, {"validate", "bad.json"}, "NO_COLOR=1").out));
  Run forced = run_wfc(dir, {"validate", "--color", "always", "bad.json"}, "NO_COLOR=1");
  CHECK(has_ansi(forced.out));
  CHECK(forced.out.rfind("\x1b[1;31merror[WF201]\x1b[0m", 0) == 0);
  CHECK_FALSE(has_ansi(run_wfc(dir, {"validate", "--color", "never", "bad.json"}).out));
  CHECK(run_wfc(dir, {"validate", "--color", "sometimes", "bad.json"}).status == 2);
}

TEST_CASE("cli: the summary line counts files, errors and warnings; --quiet drops it", "[cli]") {
  TempDir dir;
  dir.write("ok.json", kClean);
  dir.write("bad.json", kUnknownKind);
  dir.write("warn.json", kWarningOnly);
  dir.write("bad.yaml", kUnknownKindYaml);
  Run r = run_wfc(dir, {"validate", "ok.json", "bad.json", "warn.json", "bad.yaml"});
  CHECK(r.status == 1);
  CHECK(r.err == "checked 4 files: 2 errors, 1 warning\n");
  Run q = run_wfc(dir, {"validate", "-q", "ok.json", "bad.json"});
  CHECK(q.err.empty());
  CHECK_FALSE(q.out.empty());
}

TEST_CASE("cli: docs diagnostics prints the committed reference", "[cli]") {
  TempDir dir;
  Run r = run_wfc(dir, {"docs", "diagnostics"});
  CHECK(r.status == 0);
  CHECK(r.out == slurp(fs::path(WFC_SOURCE_DIR) / "docs/diagnostics.md"));
}
