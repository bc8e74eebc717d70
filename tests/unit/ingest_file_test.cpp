// Fetching local paths and file:// URLs: only inside the directories allowed with --allow-files,
// after resolving `..` and symlinks, regular files only, within the size limit.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/ingest/fetch.h"
#include "runtime/ingest/workspace_file.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_fetch.h"

namespace wfc {
namespace {

namespace fs = std::filesystem;

/// A media directory that is allowed, a secret outside it, and a workspace.
struct Tree {
  test::TempDir tmp;
  fs::path media = tmp.path() / "media";
  fs::path workspace = tmp.path() / "ws";
  ingest::AccessPolicy policy;

  Tree() {
    tmp.write("media/clip one.mp4", "clip");
    tmp.write("secret/key.txt", "secret");
    std::string error;
    REQUIRE(policy.allow_file(media.string(), &error));
  }
  ingest::FetchResult fetch(const std::string& input, ingest::FetchLimits limits = {}) const {
    return ingest::fetch(input, workspace, limits, policy);
  }
  bool workspace_empty() const { return !fs::exists(workspace) || fs::is_empty(workspace); }
};

TEST_CASE("A file inside an allowed directory is copied into the workspace", "[ingest]") {
  Tree t;
  auto result = t.fetch((t.media / "clip one.mp4").string());
  REQUIRE(result.ok());
  CHECK(result.file.path == t.workspace / "clip_one.mp4");
  CHECK(result.file.bytes == 4);
  CHECK(test::slurp(result.file.path) == "clip");
  CHECK(result.file.final_url == "file://" + fs::canonical(t.media / "clip one.mp4").string());
  // The original stays where it was.
  CHECK(test::slurp(t.media / "clip one.mp4") == "clip");

  auto by_url = t.fetch("file://" + fs::canonical(t.media).string() + "/clip%20one.mp4");
  REQUIRE(by_url.ok());
  CHECK(by_url.file.path == t.workspace / "clip_one-1.mp4");
}

TEST_CASE("Files outside the allowed directories are refused", "[ingest]") {
  Tree t;
  std::string secret = (t.tmp.path() / "secret/key.txt").string();
  std::string outside =
      ": it is outside the directories allowed with --allow-files or WFC_ALLOW_FILES";
  test::check_fetch_error(t.fetch(secret), "input_refused", "refused to read " + secret + outside);
  std::string dotdot = (t.media / "../secret/key.txt").string();
  test::check_fetch_error(t.fetch(dotdot), "input_refused", "refused to read " + dotdot + outside);
  test::check_fetch_error(t.fetch("file://" + secret), "input_refused",
                          "refused to read file://" + secret + outside);
  // Whether a path outside exists is not revealed.
  std::string nowhere = (t.tmp.path() / "secret/none.txt").string();
  test::check_fetch_error(t.fetch(nowhere), "input_refused",
                          "refused to read " + nowhere + outside);

  ingest::AccessPolicy none;
  auto denied = ingest::fetch((t.media / "clip one.mp4").string(), t.workspace, {}, none);
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error->kind_name() == "input_refused");
  CHECK_THAT(denied.error->message,
             Catch::EndsWith("local files are not readable here; allow a directory with "
                             "--allow-files or WFC_ALLOW_FILES"));
  CHECK(t.workspace_empty());
}

TEST_CASE("A symlink is judged by where it leads", "[ingest]") {
  Tree t;
  fs::create_symlink(t.tmp.path() / "secret/key.txt", t.media / "escape.mp4");
  fs::create_directory_symlink(t.tmp.path() / "secret", t.media / "escape-dir");
  fs::create_symlink(t.media / "clip one.mp4", t.media / "alias.mp4");

  for (const char* name : {"escape.mp4", "escape-dir/key.txt"}) {
    INFO(name);
    auto result = t.fetch((t.media / name).string());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->kind_name() == "input_refused");
  }
  auto inside = t.fetch((t.media / "alias.mp4").string());
  REQUIRE(inside.ok());
  CHECK(test::slurp(inside.file.path) == "clip");
  CHECK(inside.file.path.filename() == "clip_one.mp4");  // the name of the file it leads to
}

TEST_CASE("Directories, special files and missing files are not inputs", "[ingest]") {
  Tree t;
  std::string dir = t.media.string();
  test::check_fetch_error(t.fetch(dir), "input_invalid",
                          "cannot read " + dir + ": it is a directory; give the path of a file");
  std::string fifo = (t.media / "pipe.mp4").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  test::check_fetch_error(
      t.fetch(fifo), "input_invalid",
      "cannot read " + fifo + ": it is not a regular file");  // and does not block
  std::string missing = (t.media / "none.mp4").string();
  test::check_fetch_error(t.fetch(missing), "input_not_found",
                          "cannot read " + missing + ": No such file or directory");
  test::check_fetch_error(
      t.fetch("file://otherhost/media/a.mp4"), "input_invalid",
      "cannot read file://otherhost/media/a.mp4: a file URL names a local path, as in "
      "file:///media/in.mp4");
  CHECK(t.workspace_empty());
}

TEST_CASE("A local file over the size limit is refused", "[ingest]") {
  Tree t;
  ingest::FetchLimits limits;
  limits.max_bytes = 3;
  std::string clip = (t.media / "clip one.mp4").string();
  test::check_fetch_error(t.fetch(clip, limits), "input_too_large",
                          "cannot fetch " + clip + ": it is larger than the limit of 3 bytes");
  CHECK(t.workspace_empty());
  limits.max_bytes = 4;
  CHECK(t.fetch(clip, limits).ok());
}

TEST_CASE("A single allowed file is readable, its neighbours are not", "[ingest]") {
  Tree t;
  ingest::AccessPolicy policy;
  std::string error;
  std::string secret = (t.tmp.path() / "secret/key.txt").string();
  REQUIRE(policy.allow_file(secret, &error));  // as `wfc run --input` does for its input
  CHECK(ingest::fetch(secret, t.workspace, {}, policy).ok());
  t.tmp.write("secret/other.txt", "x");
  auto other = ingest::fetch((t.tmp.path() / "secret/other.txt").string(), t.workspace, {}, policy);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error->kind_name() == "input_refused");
}

TEST_CASE("Workspace names are safe whatever the input is called", "[ingest]") {
  CHECK(ingest::workspace_name("/a/b/clip.mp4", false) == "clip.mp4");
  CHECK(ingest::workspace_name("/a/my%20clip%2Ex.mp4", true) == "my_clip.x.mp4");
  CHECK(ingest::workspace_name("/a/..", false) == "input");
  CHECK(ingest::workspace_name("/a/.hidden", false) == "hidden");
  CHECK(ingest::workspace_name("/a/%2e%2e%2fetc%2fpasswd", true) == "_etc_passwd");
  CHECK(ingest::workspace_name("", true) == "input");
  CHECK(ingest::workspace_name("/a/" + std::string(300, 'x'), false).size() == 100);
  CHECK(ingest::workspace_name("/a/%zz.mp4", true) == "_zz.mp4");
}

}  // namespace
}  // namespace wfc
