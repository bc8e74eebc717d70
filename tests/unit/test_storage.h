// The Storage contract (runtime/storage/storage.h) as one helper that every backend's test runs:
// LocalStorage in storage_local_test.cpp, S3Storage against a real s3rver in storage_s3_test.cpp;
// and S3rver, a real s3rver (npm, pinned in tools/s3rver; tools/install-deps installs it) on
// loopback for the tests that need a bucket (storage_s3_test.cpp, objects_test.cpp).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/storage/s3_storage.h"
#include "runtime/storage/storage.h"
#include "tests/unit/test_cli.h"

namespace wfc::test {

inline constexpr const char* kBucket = "wfc-test";

/// s3rver on 127.0.0.1 with an ephemeral port, its data in dir/s3rver, the bucket kBucket made at
/// start; stopped (SIGTERM) when destroyed. It accepts the access key S3RVER (secret S3RVER).
class S3rver {
 public:
  explicit S3rver(const TempDir& dir) : dir_(dir.path()) { start(0); }
  ~S3rver() { stop(); }
  /// Stops it (SIGTERM): its port refuses connections from then on, as a bucket that is down.
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  /// Starts it again after stop(), on the same port with the same objects: the bucket is back.
  void restart() {
    stop();
    start(port_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return slurp(log_); }

 private:
  void start(int port) {
    namespace fs = std::filesystem;
    fs::path tools = fs::path(WFC_SOURCE_DIR) / "tools" / "s3rver";
    fs::path bin = tools / "node_modules" / "s3rver" / "bin" / "s3rver.js";
    INFO("run tools/install-deps: it npm ci's tools/s3rver");
    REQUIRE(fs::exists(bin));
    fs::path data = dir_ / "s3rver";
    fs::create_directories(data);
    log_ = dir_ / "s3rver.log";
    port_ = 0;
    std::vector<std::string> args = {"node",
                                     bin.string(),
                                     "-d",
                                     data.string(),
                                     "-a",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(port),
                                     "--configure-bucket",
                                     kBucket};
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int out = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp("node", argv.data());
      _exit(127);
    }
    // Its first line is "S3rver listening on 127.0.0.1:PORT" (a bounded wait for node to start).
    const std::string mark = "listening on 127.0.0.1:";
    for (int i = 0; i < 600 && port_ == 0; ++i) {
      std::string text = slurp(log_);
      if (auto at = text.find(mark); at != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + mark.size());
        break;
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO("s3rver said: " << slurp(log_));
    REQUIRE(port_ > 0);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::filesystem::path log_;
};

/// `size` bytes of pseudo-random data (a fixed seed: the same bytes every run).
inline std::string random_bytes(std::size_t size, unsigned seed = 7) {
  std::mt19937 gen(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

/// The bucket kBucket on `s3`, under `prefix`, as a test reads it: S3RVER's credentials, and a
/// 1 ms backoff, so that a server that is down fails the read at once.
inline storage::S3Storage test_bucket(const S3rver& s3, const std::string& prefix = "") {
  storage::S3Config c;
  c.bucket = kBucket;
  c.prefix = prefix;
  c.endpoint = s3.endpoint();
  c.access_key_id = "S3RVER";
  c.secret_access_key = "S3RVER";
  c.backoff = std::chrono::milliseconds(1);
  return storage::S3Storage(c);
}

inline std::filesystem::path write_bytes(const std::filesystem::path& path,
                                         const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

/// The whole object at `key` (or a range of it), read through the sink.
inline std::string read_all(storage::Storage& s, std::string_view key,
                            std::optional<storage::ByteRange> range = std::nullopt,
                            storage::StorageStatus* status = nullptr) {
  std::string out;
  auto st = s.read(
      key,
      [&](std::string_view chunk) {
        out.append(chunk);
        return true;
      },
      range);
  if (status) *status = st;
  return out;
}

/// The contract: what every backend does alike. `scratch` is a directory for local files.
inline void storage_contract(storage::Storage& s, const std::filesystem::path& scratch) {
  using storage::StorageErrorKind;
  INFO("storage " << s.describe());

  // A round trip of a few MB made now, compared byte for byte.
  std::string big = random_bytes(3 * 1024 * 1024 + 123);
  auto file = write_bytes(scratch / "big.bin", big);
  auto put = s.put_file("runs/r1/big.bin", file);
  INFO((put ? put->message : ""));
  REQUIRE_FALSE(put);
  storage::StorageStatus status;
  CHECK(read_all(s, "runs/r1/big.bin", std::nullopt, &status) == big);
  CHECK_FALSE(status);

  // stat: the size of what is there, no error for what is not.
  auto st = s.stat("runs/r1/big.bin");
  REQUIRE(st.ok());
  CHECK(st.value.exists);
  CHECK(st.value.size == big.size());
  auto missing = s.stat("runs/r1/none.bin");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing.value.exists);

  // Ranges: a middle slice, a tail, a length past the end (cut), a start past the end.
  CHECK(read_all(s, "runs/r1/big.bin", storage::ByteRange{1000, 5000}) == big.substr(1000, 5000));
  CHECK(read_all(s, "runs/r1/big.bin", storage::ByteRange{big.size() - 10, std::nullopt}) ==
        big.substr(big.size() - 10));
  CHECK(read_all(s, "runs/r1/big.bin", storage::ByteRange{big.size() - 3, 100}) ==
        big.substr(big.size() - 3));
  read_all(s, "runs/r1/big.bin", storage::ByteRange{big.size() + 5, 10}, &status);
  REQUIRE(status);
  CHECK(status->kind == StorageErrorKind::Invalid);

  // A missing object is not_found, with its key in the message.
  read_all(s, "runs/r1/none.bin", std::nullopt, &status);
  REQUIRE(status);
  CHECK(status->kind == StorageErrorKind::NotFound);
  CHECK(status->kind_name() == "not_found");
  CHECK_THAT(status->message, Catch::Contains("runs/r1/none.bin"));
  read_all(s, "runs/r1/none.bin", storage::ByteRange{0, 0}, &status);  // even for no bytes
  REQUIRE(status);
  CHECK(status->kind == StorageErrorKind::NotFound);
  CHECK(read_all(s, "runs/r1/big.bin", storage::ByteRange{5, 0}, &status).empty());
  CHECK_FALSE(status);

  // A put replaces; an empty file is an object of 0 bytes.
  REQUIRE_FALSE(s.put_file("runs/r1/a.txt", write_bytes(scratch / "a1", "first")));
  REQUIRE_FALSE(s.put_file("runs/r1/a.txt", write_bytes(scratch / "a2", "second")));
  CHECK(read_all(s, "runs/r1/a.txt") == "second");
  REQUIRE_FALSE(s.put_file("runs/r1/sub/empty", write_bytes(scratch / "e", "")));
  auto empty = s.stat("runs/r1/sub/empty");
  REQUIRE(empty.ok());
  CHECK(empty.value.exists);
  CHECK(empty.value.size == 0);
  CHECK(read_all(s, "runs/r1/sub/empty", std::nullopt, &status).empty());
  CHECK_FALSE(status);

  // A local file that is not there cannot be put.
  auto absent = s.put_file("runs/r1/x", scratch / "no-such-file");
  REQUIRE(absent);
  CHECK(absent->kind == StorageErrorKind::NotFound);

  // list: a prefix is a folder ("runs/r1" does not see "runs/r10"), sorted, with sizes.
  REQUIRE_FALSE(s.put_file("runs/r10/c.txt", write_bytes(scratch / "c", "ccc")));
  REQUIRE_FALSE(s.put_file("other/d.txt", write_bytes(scratch / "d", "dddd")));
  for (std::string prefix : {"runs/r1", "runs/r1/"}) {
    INFO("prefix " << prefix);
    auto listed = s.list(prefix);
    REQUIRE(listed.ok());
    REQUIRE(listed.value.size() == 3);
    CHECK(listed.value[0].key == "runs/r1/a.txt");
    CHECK(listed.value[0].size == 6);
    CHECK(listed.value[1].key == "runs/r1/big.bin");
    CHECK(listed.value[1].size == big.size());
    CHECK(listed.value[2].key == "runs/r1/sub/empty");
  }
  auto all = s.list("");
  REQUIRE(all.ok());
  CHECK(all.value.size() == 5);
  auto none = s.list("nothing/here");
  REQUIRE(none.ok());
  CHECK(none.value.empty());

  // A sink that stops ends the read with an error.
  auto stopped = s.read("runs/r1/big.bin", [](std::string_view) { return false; });
  REQUIRE(stopped);
  CHECK(stopped->kind == StorageErrorKind::Unavailable);

  // remove: gone afterwards; a missing key is no error.
  REQUIRE_FALSE(s.remove("runs/r1/a.txt"));
  CHECK_FALSE(s.stat("runs/r1/a.txt").value.exists);
  CHECK_FALSE(s.remove("runs/r1/a.txt"));

  // remove_prefix: the folder goes, its neighbour "runs/r10" stays.
  REQUIRE_FALSE(s.remove_prefix("runs/r1"));
  CHECK(s.list("runs/r1").value.empty());
  CHECK_FALSE(s.stat("runs/r1/big.bin").value.exists);
  CHECK(s.stat("runs/r10/c.txt").value.exists);
  CHECK(read_all(s, "runs/r10/c.txt") == "ccc");
  CHECK_FALSE(s.remove_prefix("not/there"));

  // Keys that are not relative paths of plain segments are refused before anything is touched.
  for (std::string bad :
       {"", "../x", "runs/../../x", "/abs", "runs/.hidden", "a//b", "a/./b", "a\\b", "trailing/"}) {
    INFO("key '" << bad << "'");
    auto p = s.put_file(bad, scratch / "c");
    REQUIRE(p);
    CHECK(p->kind == StorageErrorKind::Invalid);
    CHECK(p->kind_name() == "storage_invalid");
    read_all(s, bad, std::nullopt, &status);
    REQUIRE(status);
    CHECK(status->kind == StorageErrorKind::Invalid);
    CHECK(s.stat(bad).error->kind == StorageErrorKind::Invalid);
    CHECK(s.remove(bad)->kind == StorageErrorKind::Invalid);
  }
  for (std::string bad : {"..", "../runs", "/", ".hidden/"}) {
    INFO("prefix '" << bad << "'");
    CHECK(s.list(bad).error->kind == StorageErrorKind::Invalid);
    CHECK(s.remove_prefix(bad)->kind == StorageErrorKind::Invalid);
  }
  CHECK(s.stat("runs/r10/c.txt").value.exists);
}

}  // namespace wfc::test
