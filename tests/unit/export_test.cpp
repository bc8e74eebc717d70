// Exports write only where writing was allowed (issue 19, point 2): inside --allow-export
// directories (never because of --allow-files), following no symlink out of them, replacing an
// existing file only with `overwrite: true`, and through a temporary name that never remains.
// First export_file() itself on directories made here, then `wfc run` as a user runs it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/export_file.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"
#include "tools/wfc/runtime/access_flags.h"

namespace wfc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::Run;
using test::slurp;
using test::TempDir;

/// The names in `dir` (hidden ones included: a leftover temporary file would be one).
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

/// A source file, an allowed export directory and, beside it, a directory that must stay
/// untouched.
struct Tree {
  TempDir tmp;
  fs::path source, allowed, outside;
  ingest::AccessPolicy policy;
  Tree() {
    source = tmp.write("work/clip.mp4", "new bytes");
    tmp.write("secret/clip.mp4", "secret bytes");
    allowed = tmp.path() / "exports";
    outside = tmp.path() / "secret";
    fs::create_directories(allowed);
    std::string error;
    REQUIRE(policy.allow_export(allowed.string(), &error));
  }
  ingest::ExportResult to(const fs::path& dir, bool overwrite = false) const {
    return ingest::export_file(policy, source, dir, "clip.mp4", overwrite);
  }
};

TEST_CASE("export: writes inside an --allow-export directory, and nowhere else",
          "[security][export]") {
  Tree t;
  SECTION("into the directory, and a subdirectory it creates") {
    auto r = t.to(t.allowed);
    INFO((r.error ? r.error->message : ""));
    REQUIRE(r.ok());
    CHECK(r.path == fs::canonical(t.allowed) / "clip.mp4");
    CHECK(slurp(r.path) == "new bytes");
    CHECK(names_in(t.allowed) == std::set<std::string>{"clip.mp4"});  // no temporary file left

    auto nested = t.to(t.allowed / "a/b/");
    REQUIRE(nested.ok());
    CHECK(slurp(t.allowed / "a/b/clip.mp4") == "new bytes");
  }
  SECTION("a sibling, a name sharing the prefix, and `..` out of it are refused") {
    fs::create_directories(t.tmp.path() / "exports-other");
    for (const fs::path& dir : {t.outside, t.tmp.path() / "exports-other",
                                t.allowed / ".." / "secret", t.allowed / "a/../../secret"}) {
      INFO(dir);
      auto r = t.to(dir, true);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error->kind == "output_refused");
      CHECK(r.error->message.find("outside the directories allowed with --allow-export") !=
            std::string::npos);
    }
    CHECK(slurp(t.outside / "clip.mp4") == "secret bytes");
    CHECK(fs::is_empty(t.tmp.path() / "exports-other"));
    CHECK_FALSE(fs::exists(t.allowed / "a"));
  }
  SECTION("--allow-files alone grants reading, not writing") {
    ingest::AccessPolicy reads_only;
    std::string error;
    REQUIRE(reads_only.allow_file(t.allowed.string(), &error));
    auto r = ingest::export_file(reads_only, t.source, t.allowed, "clip.mp4", false);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->kind == "output_refused");
    CHECK(r.error->message.find("allow a directory with --allow-export or WFC_ALLOW_EXPORT") !=
          std::string::npos);
    CHECK(fs::is_empty(t.allowed));
  }
  SECTION("the allowed directory may be named through the symlink it was allowed by") {
    fs::create_directory_symlink(t.allowed, t.tmp.path() / "alias");
    ingest::AccessPolicy by_alias;
    std::string error;
    REQUIRE(by_alias.allow_export((t.tmp.path() / "alias").string(), &error));
    auto r = ingest::export_file(by_alias, t.source, t.tmp.path() / "alias/x", "clip.mp4", false);
    REQUIRE(r.ok());
    CHECK(slurp(t.allowed / "x/clip.mp4") == "new bytes");
  }
}

TEST_CASE("export: no symlink below the allowed directory is followed", "[security][export]") {
  Tree t;
  SECTION("a symlinked directory pointing outside") {
    fs::create_directory_symlink(t.outside, t.allowed / "link");
    for (bool overwrite : {false, true}) {
      for (const fs::path& dir : {t.allowed / "link", t.allowed / "link/deeper"}) {
        INFO(dir << " overwrite " << overwrite);
        auto r = t.to(dir, overwrite);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error->kind == "output_refused");
        CHECK(r.error->message.find("is a symbolic link") != std::string::npos);
      }
    }
    CHECK(names_in(t.outside) == std::set<std::string>{"clip.mp4"});
    CHECK(slurp(t.outside / "clip.mp4") == "secret bytes");
  }
  SECTION("a symlinked file pointing outside is neither written through nor replaced") {
    fs::create_symlink(t.outside / "clip.mp4", t.allowed / "clip.mp4");
    for (bool overwrite : {false, true}) {
      auto r = t.to(t.allowed, overwrite);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error->kind == "output_refused");
      CHECK(r.error->message.find("neither follow nor replace symlinks") != std::string::npos);
    }
    CHECK(slurp(t.outside / "clip.mp4") == "secret bytes");
    CHECK(fs::is_symlink(t.allowed / "clip.mp4"));
    CHECK(names_in(t.allowed) == std::set<std::string>{"clip.mp4"});
  }
  SECTION("a symlinked directory that stays inside is refused too") {
    fs::create_directories(t.allowed / "real");
    fs::create_directory_symlink(t.allowed / "real", t.allowed / "inner");
    auto r = t.to(t.allowed / "inner");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error->kind == "output_refused");
    CHECK(fs::is_empty(t.allowed / "real"));
  }
}

TEST_CASE("export: an existing file is replaced only with overwrite", "[security][export]") {
  Tree t;
  std::ofstream(t.allowed / "clip.mp4") << "old bytes";
  auto kept = t.to(t.allowed);
  REQUIRE_FALSE(kept.ok());
  CHECK(kept.error->kind == "export_exists");
  CHECK(kept.error->message.find("`overwrite: true`") != std::string::npos);
  CHECK(slurp(t.allowed / "clip.mp4") == "old bytes");
  CHECK(names_in(t.allowed) == std::set<std::string>{"clip.mp4"});

  auto replaced = t.to(t.allowed, true);
  REQUIRE(replaced.ok());
  CHECK(slurp(t.allowed / "clip.mp4") == "new bytes");
  CHECK(names_in(t.allowed) == std::set<std::string>{"clip.mp4"});

  fs::create_directories(t.allowed / "dir/clip.mp4");  // not a file: not replaced either way
  auto directory = t.to(t.allowed / "dir", true);
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error->kind == "export_exists");
  CHECK(fs::is_directory(t.allowed / "dir/clip.mp4"));
}

TEST_CASE("export: a failed copy leaves no file, temporary or final", "[security][export]") {
  Tree t;
  // A directory as the source opens, then fails on the first read: after the temporary file
  // was made.
  auto r = ingest::export_file(t.policy, t.tmp.path() / "work", t.allowed, "clip.mp4", false);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->kind == "export_failed");
  CHECK(fs::is_empty(t.allowed));

  auto missing = ingest::export_file(t.policy, t.tmp.path() / "nope.mp4", t.allowed, "x", false);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error->kind == "export_failed");
  CHECK(fs::is_empty(t.allowed));
}

TEST_CASE("export: --allow-export and WFC_ALLOW_EXPORT are parsed like --allow-files",
          "[security][export]") {
  auto parse = [](const std::string& args) {
    CLI::App app;
    cli::AccessFlags flags;
    cli::add_access_flags(app, &flags);
    app.parse(args, false);
    return flags;
  };
  TempDir a, b;
  unsetenv("WFC_ALLOW_EXPORT");
  auto flags = parse("--allow-export " + a.path().string() + "," + b.path().string());
  CHECK(flags.exports == std::vector<std::string>{a.path().string(), b.path().string()});
  CHECK(flags.files.empty());
  setenv("WFC_ALLOW_EXPORT", a.path().c_str(), 1);
  CHECK(parse("").exports == std::vector<std::string>{a.path().string()});
  CHECK(parse("--allow-export " + b.path().string()).exports ==
        std::vector<std::string>{b.path().string()});  // the flag replaces the variable
  ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(cli::access_policy(parse(""), &policy, &error));
  CHECK(policy.writes_files());
  CHECK_FALSE(policy.reads_files());  // writing does not grant reading either
  unsetenv("WFC_ALLOW_EXPORT");
  CHECK_THROWS_WITH(parse("--allow-export /no/such/dir"),
                    Catch::Contains("export entry '/no/such/dir'"));
  std::string file = a.write("f.txt", "x");
  CHECK_THROWS_WITH(parse("--allow-export " + file), Catch::Contains("is not a directory"));
}

// `wfc run` end to end: a workflow that exports its input.
json task_of(const json& run, const std::string& node) {
  for (const json& t : run["tasks"]) {
    if (t["node"] == node) return t;
  }
  FAIL("no task " << node);
  return {};
}

std::string export_workflow(const fs::path& dir, bool overwrite) {
  json options = {{"url", "file://" + dir.string()}};
  if (overwrite) options["overwrite"] = true;
  return json{{"name", "export"},
              {"workflow", json::array({{{"kind", "export"}, {"options", options}}})}}
      .dump();
}

TEST_CASE("export: wfc run exports only where --allow-export, WFC_ALLOW_EXPORT or --out allow",
          "[security][export][cli][run][media]") {
  TempDir dir;
  fs::path input = test::sample("av.mp4");
  fs::path target = dir.path() / "exports";
  fs::create_directories(target);
  dir.write("w.json", export_workflow(target, false));
  auto run = [&](std::vector<std::string> extra, const std::string& env = "") {
    std::vector<std::string> args = {"run", "w.json", "--input", input.string(), "--out", "out"};
    args.insert(args.end(), extra.begin(), extra.end());
    Run r = test::run_wfc(dir, args, env);
    INFO(r.err);
    return std::make_pair(r, json::parse(slurp(dir.path() / "out/run.json")));
  };

  auto [refused, refused_run] = run({"--allow-files", target.string()});
  CHECK(refused.status == 1);
  CHECK(task_of(refused_run, "t0")["error"]["kind"] == "output_refused");
  CHECK(fs::is_empty(target));

  auto [allowed, allowed_run] = run({"--allow-export", target.string()});
  CHECK(allowed.status == 0);
  CHECK(fs::file_size(target / "av.mp4") == fs::file_size(input));
  CHECK(task_of(allowed_run, "t0")["outputs"][0]["url"] ==
        "file://" + (fs::canonical(target) / "av.mp4").string());

  auto [exists, exists_run] = run({}, "WFC_ALLOW_EXPORT=" + target.string());
  CHECK(exists.status == 1);
  json error = task_of(exists_run, "t0")["error"];
  CHECK(error["kind"] == "export_exists");
  CHECK(error["message"].get<std::string>().find("overwrite") != std::string::npos);

  dir.write("w.json", export_workflow(target, true));
  auto [replaced, replaced_run] = run({}, "WFC_ALLOW_EXPORT=" + target.string());
  CHECK(replaced.status == 0);
  CHECK(names_in(target) == std::set<std::string>{"av.mp4"});

  // Its own --out is writable without a flag, as before.
  dir.write("w.json", export_workflow(dir.path() / "out/exported", false));
  auto [into_out, into_out_run] = run({});
  CHECK(into_out.status == 0);
  CHECK(fs::file_size(dir.path() / "out/exported/av.mp4") == fs::file_size(input));
}

TEST_CASE("export: wfc serve takes --allow-export", "[security][export][cli]") {
  TempDir dir;
  Run r = test::run_wfc(dir, {"serve", "--help"});
  CHECK(r.status == 0);
  CHECK(r.out.find("--allow-export") != std::string::npos);
  CHECK(r.out.find("WFC_ALLOW_EXPORT") != std::string::npos);
}

}  // namespace
}  // namespace wfc
