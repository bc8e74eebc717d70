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

namespace fs = std::filesystem;

namespace {

/// A temporary directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wfc-convert-cli-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

  /// Writes `text` to the relative path `name` (creating directories) and returns the path.
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

struct Run {
  int status = -1;
  std::string out, err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `wfc ARGS...` in `dir` with `env` assignments in front (e.g. "NO_COLOR=1") and standard
/// input from `stdin_file` (or /dev/null).
Run wfc(const TempDir& dir, const std::vector<std::string>& args, const std::string& env = "",
        const std::string& stdin_file = "/dev/null") {
  std::string cmd = "cd " + quote(dir.path().string()) + " && env " + env + " " + quote(WFC_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " <" + quote(stdin_file) + " >.out 2>.err";
  int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(dir.path() / ".out");
  r.err = slurp(dir.path() / ".err");
  return r;
}

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

  Run wf = wfc(dir, {"convert", "--to", "wf", "t.json"});
  CHECK(wf.status == 0);
  CHECK(wf.err.empty());
  CHECK(wf.out == kThumbsWf);

  Run yaml = wfc(dir, {"convert", "--to", "yaml", "t.json"});
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
  Run json = wfc(dir, {"convert", "--to", "json", "t.wf"});
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
  Run r = wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "t.json"});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  CHECK(slurp(dir.path() / "out.wf") == kThumbsWf);

  Run two = wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "t.json", "t.json"});
  CHECK(two.status == 2);
  CHECK(two.err == "wfc: -o takes one input file; use --out-dir for several\n");
}

TEST_CASE("convert cli: a file with errors is refused, its diagnostics on standard error",
          "[cli][convert]") {
  TempDir dir;
  dir.write("bad.json", "{\"name\": \"X\", \"workflow\": [{\"kind\": \"vidoe\"}]}");
  Run r = wfc(dir, {"convert", "--to", "wf", "-o", "out.wf", "bad.json"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("error[WF201]: unknown kind 'vidoe'\n  --> bad.json:1:37\n") !=
        std::string::npos);
  CHECK(r.err.find("did you mean 'video'?") != std::string::npos);
  CHECK(r.err.find("wfc: not converting 'bad.json': it has errors\n") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out.wf"));

  Run syntax = wfc(dir, {"convert", "--to", "toml", "bad.json"});
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

  Run clean = wfc(dir, {"fmt", "--check", "clean.wf"});
  CHECK(clean.status == 0);
  CHECK(clean.out.empty());

  Run check = wfc(dir, {"fmt", "--check", "clean.wf", "messy.wf"});
  CHECK(check.status == 1);
  CHECK(check.out == "messy.wf\n");
  CHECK(slurp(dir.path() / "messy.wf") == messy);  // --check writes nothing

  Run fix = wfc(dir, {"fmt", "messy.wf"});
  CHECK(fix.status == 0);
  CHECK(slurp(dir.path() / "messy.wf") ==
        "automation \"Thumbs\" {\n"
        "  image(width: 320, format: png) // small\n"
        "  summary\n"
        "}\n");
  Run again = wfc(dir, {"fmt", "--check", "messy.wf"});
  CHECK(again.status == 0);
  CHECK(again.out.empty());
}

TEST_CASE("fmt cli: a file that cannot be read is left alone, with its diagnostics", "[cli][fmt]") {
  TempDir dir;
  dir.write("bad.wf", "video(width: 1280\n");
  Run r = wfc(dir, {"fmt", "bad.wf"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.err.find("error[WF101]") != std::string::npos);
  CHECK(r.err.find("wfc: not formatting 'bad.wf': it cannot be read\n") != std::string::npos);
  CHECK(slurp(dir.path() / "bad.wf") == "video(width: 1280\n");

  dir.write("t.json", kThumbsJson);
  Run json = wfc(dir, {"fmt", "t.json"});
  CHECK(json.status == 2);
  CHECK(json.err == "wfc: fmt formats .wf files; 't.json' is not one\n");
}
