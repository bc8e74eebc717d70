// `wfc convert` and `wfc fmt` as people run them: the real binary on files written at test time,
// checked for exit status, what goes to standard output and error, and what is written.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

const char* const kThumbsJson =
    "{\"name\": \"Thumbs\", \"workflow\": [{\"kind\": \"image\", \"options\": {\"width\": 320, "
    "\"format\": \"png\"}}, {\"kind\": \"summary\"}]}";

const char* const kThumbsWf =
    "automation \"Thumbs\" {\n"
    "  image(width: 320, format: png)\n"
    "  summary\n"
    "}\n";

}  // namespace

TEST_CASE("convert cli: --to writes each syntax to standard output", "[cli][convert]") {
  TempDir dir;
  dir.write("t.json", kThumbsJson);

  Run wf = run_wfc(dir, {"convert", "--to", "wf", "t.json"});
  CHECK(wf.status == 0);
  CHECK(wf.err.empty());
  CHECK(wf.out == kThumbsWf);

  Run yaml = run_wfc(dir, {"convert", "--to", "yaml", "t.json"});
  CHECK(yaml.status == 0);
  CHECK(yaml.out ==
        "name: Thumbs\n"
        "workflow:\n"
        "  - kind: image\n"
        "    options:\n"
        "      width: 320\n"
        "      format: png\n"
        "  - kind: summary\n");

  // And back from the DSL to JSON.
  dir.write("t.wf", kThumbsWf);
  Run json = run_wfc(dir, {"convert", "--to", "json", "t.wf"});
  CHECK(json.status == 0);
  CHECK(json.out ==
        "{\n"
        "  \"name\": \"Thumbs\",\n"
        "  \"workflow\": [\n"
        "    {\n"
        "      \"kind\": \"image\",\n"
        "      \"options\": { \"width\": 320, \"format\": \"png\" }\n"
        "    },\n"
        "    { \"kind\": \"summary\" }\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("convert cli: -o writes the file and nothing to standard output", "[cli][convert]") {
  TempDir dir;
  dir.write("t.json", kThumbsJson);
  Run r = run_wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "t.json"});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  CHECK(slurp(dir.path() / "out.wf") == kThumbsWf);

  Run two = run_wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "t.json", "t.json"});
  CHECK(two.status == 2);
  CHECK(two.err == "wfc: -o takes one input file; use --out-dir for several\n");
}

TEST_CASE("convert cli: a file with errors is refused, its diagnostics on standard error",
          "[cli][convert]") {
  TempDir dir;
  dir.write("bad.json", "{\"name\": \"X\", \"workflow\": [{\"kind\": \"vidoe\"}]}");
  Run r = run_wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "bad.json"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("error[WF201]: unknown kind 'vidoe'\n  --> bad.json:1:37\n") !=
        std::string::npos);
  CHECK(r.err.find("did you mean 'video'?") != std::string::npos);
  CHECK(r.err.find("wfc: not converting 'bad.json': it has errors\n") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out.wf"));

  Run syntax = run_wfc(dir, {"convert", "--to", "toml", "bad.json"});
  CHECK(syntax.status == 2);
  CHECK(syntax.err == "wfc: unknown syntax 'toml' (json, yaml, wf)\n");
}

TEST_CASE("fmt cli: --check lists the files that would change and exits 1", "[cli][fmt]") {
  TempDir dir;
  const std::string messy =
      "automation \"Thumbs\"{\n image(width:320,format:png) // small\n"
      "    summary }\n";
  dir.write("messy.wf", messy);
  dir.write("clean.wf", kThumbsWf);

  Run clean = run_wfc(dir, {"fmt", "--check", "clean.wf"});
  CHECK(clean.status == 0);
  CHECK(clean.out.empty());

  Run check = run_wfc(dir, {"fmt", "--check", "clean.wf", "messy.wf"});
  CHECK(check.status == 1);
  CHECK(check.out == "messy.wf\n");
  CHECK(slurp(dir.path() / "messy.wf") == messy);  // --check writes nothing

  Run fix = run_wfc(dir, {"fmt", "messy.wf"});
  CHECK(fix.status == 0);
  CHECK(slurp(dir.path() / "messy.wf") ==
        "automation \"Thumbs\" {\n"
        "  image(width: 320, format: png) // small\n"
        "  summary\n"
        "}\n");
  Run again = run_wfc(dir, {"fmt", "--check", "messy.wf"});
  CHECK(again.status == 0);
  CHECK(again.out.empty());
}

TEST_CASE("fmt cli: a file that cannot be read is left alone, with its diagnostics", "[cli][fmt]") {
  TempDir dir;
  dir.write("bad.wf", "video(width: 1280\n");
  Run r = run_wfc(dir, {"fmt", "bad.wf"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.err.find("error[WF101]") != std::string::npos);
  CHECK(r.err.find("wfc: not formatting 'bad.wf': it cannot be read\n") != std::string::npos);
  CHECK(slurp(dir.path() / "bad.wf") == "video(width: 1280\n");

  dir.write("t.json", kThumbsJson);
  Run json = run_wfc(dir, {"fmt", "t.json"});
  CHECK(json.status == 2);
  CHECK(json.err == "wfc: fmt formats .wf files; 't.json' is not one\n");
}
