// Helpers for tests that run the real `wfc` binary on files written at test time: a temporary
// directory, shell quoting, and running `wfc` with its exit status and both output streams.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace wfc::test {

namespace fs = std::filesystem;

/// A temporary directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wfc-test-XXXXXX").string();
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

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `wfc ARGS...` in `dir` with `env` assignments in front (e.g. "NO_COLOR=1") and standard
/// input from `stdin_file` (or /dev/null).
inline Run run_wfc(const TempDir& dir, const std::vector<std::string>& args,
                   const std::string& env = "", const std::string& stdin_file = "/dev/null") {
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

}  // namespace wfc::test
