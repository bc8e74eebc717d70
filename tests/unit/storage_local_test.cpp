// LocalStorage (runtime/storage/local_storage.h): the Storage contract over a directory, and
// what only a directory shows (files where the keys say, no temporary files left behind).
#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/storage/local_storage.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_storage.h"

namespace {
namespace fs = std::filesystem;
using wfc::storage::LocalStorage;
using wfc::test::TempDir;
}  // namespace

TEST_CASE("LocalStorage keeps the Storage contract", "[storage][local]") {
  TempDir dir;
  fs::create_directories(dir.path() / "scratch");
  LocalStorage s(dir.path() / "runs");
  wfc::test::storage_contract(s, dir.path() / "scratch");
}

TEST_CASE("LocalStorage puts objects at their paths, whole, and leaves no temporary file",
          "[storage][local]") {
  TempDir dir;
  LocalStorage s(dir.path() / "runs");
  auto src = wfc::test::write_bytes(dir.path() / "in.bin", wfc::test::random_bytes(700 * 1024));
  REQUIRE_FALSE(s.put_file("run_a/task_b/out.mp4", src));
  fs::path placed = dir.path() / "runs" / "run_a" / "task_b" / "out.mp4";
  REQUIRE(fs::is_regular_file(placed));
  CHECK(wfc::test::slurp(placed) == wfc::test::slurp(src));
  size_t entries = 0;
  for (auto& e : fs::recursive_directory_iterator(dir.path() / "runs")) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 3);  // run_a, task_b, out.mp4: no ".out.mp4.XXXXXX" left
  // Deleting the last object removes the folders it leaves empty, not the root.
  REQUIRE_FALSE(s.remove("run_a/task_b/out.mp4"));
  CHECK_FALSE(fs::exists(dir.path() / "runs" / "run_a"));
  CHECK(fs::is_directory(dir.path() / "runs"));
}
