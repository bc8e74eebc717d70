// S3Storage (runtime/storage/s3_storage.h) against a real s3rver (npm, pinned in tools/s3rver)
// on loopback: the Storage contract, a multipart upload, a wrong access key, a server that is not
// there; and against a small fake S3 (cpp-httplib) what s3rver cannot be made to do: answer 503
// and 429 (retries, a read resumed with a Range) and fail a part (the upload is aborted).
// Needs what tools/install-deps installs: node and tools/s3rver/node_modules.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/storage/s3_storage.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_storage.h"

namespace {

namespace fs = std::filesystem;
using wfc::storage::S3Config;
using wfc::storage::S3Storage;
using wfc::storage::StorageErrorKind;
using wfc::test::TempDir;

using wfc::test::kBucket;
using wfc::test::S3rver;

S3Config config_for(const std::string& endpoint, std::string prefix = "base/dir") {
  S3Config c;
  c.bucket = kBucket;
  c.prefix = std::move(prefix);
  c.endpoint = endpoint;
  c.access_key_id = "S3RVER";
  c.secret_access_key = "S3RVER";
  c.part_size = 5ull << 20;  // S3's smallest part
  c.backoff = std::chrono::milliseconds(1);
  return c;
}

/// A loopback port that nothing listens on (bound, then closed).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("S3Storage keeps the Storage contract against s3rver", "[storage][s3]") {
  TempDir dir;
  S3rver server(dir);
  fs::create_directories(dir.path() / "scratch");
  S3Storage s(config_for(server.endpoint()));
  CHECK(s.describe() == "s3://wfc-test/base/dir");
  INFO("s3rver log: " << server.log());
  wfc::test::storage_contract(s, dir.path() / "scratch");
}

TEST_CASE("S3Storage uploads a file over the part size in parts, and reads it back whole",
          "[storage][s3]") {
  TempDir dir;
  S3rver server(dir);
  S3Storage s(config_for(server.endpoint(), ""));
  // Two full 5 MiB parts and a short third one.
  std::string bytes = wfc::test::random_bytes((10ull << 20) + 4321, 11);
  auto file = wfc::test::write_bytes(dir.path() / "big.bin", bytes);
  auto put = s.put_file("run_m/out.bin", file);
  INFO((put ? put->message : "") << "\ns3rver log: " << server.log());
  REQUIRE_FALSE(put);
  // s3rver logged the three part uploads and the completion (its log names each request).
  std::string log = server.log();
  CHECK(log.find("partNumber=3") != std::string::npos);
  CHECK(log.find("partNumber=4") == std::string::npos);
  auto st = s.stat("run_m/out.bin");
  REQUIRE(st.ok());
  CHECK(st.value.size == bytes.size());
  CHECK(wfc::test::read_all(s, "run_m/out.bin") == bytes);
  // A range across the boundary of parts 1 and 2.
  std::uint64_t at = (5ull << 20) - 100;
  CHECK(wfc::test::read_all(s, "run_m/out.bin", wfc::storage::ByteRange{at, 300}) ==
        bytes.substr(at, 300));
  // Without a prefix, keys are the objects' names in the bucket.
  auto listed = s.list("");
  REQUIRE(listed.ok());
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].key == "run_m/out.bin");
}

TEST_CASE("S3Storage: a wrong access key is storage_refused, and no secret is in the message",
          "[storage][s3]") {
  TempDir dir;
  S3rver server(dir);
  // s3rver checks the access key id (and SigV2 signatures) but not SigV4 signatures, so the wrong
  // credential here is the key id; the secret is one that must not leak into any message.
  S3Config c = config_for(server.endpoint());
  c.access_key_id = "AKIAWRONGWRONGWRONG";
  c.secret_access_key = "wJalrXUtnFEMI-very-secret-K7MDENG";
  S3Storage s(c);
  auto file = wfc::test::write_bytes(dir.path() / "a", "abc");
  auto put = s.put_file("a.txt", file);
  REQUIRE(put);
  CHECK(put->kind == StorageErrorKind::Refused);
  CHECK(put->kind_name() == "storage_refused");
  CHECK_THAT(put->message, Catch::Contains("403"));
  CHECK_THAT(put->message, Catch::Contains("InvalidAccessKeyId"));
  CHECK_THAT(put->message, Catch::Contains("AWS_ACCESS_KEY_ID"));
  CHECK(put->message.find(c.secret_access_key) == std::string::npos);
  auto st = s.stat("a.txt");
  REQUIRE(st.error);
  CHECK(st.error->kind == StorageErrorKind::Refused);
  auto listed = s.list("");
  REQUIRE(listed.error);
  CHECK(listed.error->kind == StorageErrorKind::Refused);
  CHECK(listed.error->message.find(c.secret_access_key) == std::string::npos);
  // A bucket that does not exist is refused too, by name.
  S3Config other = config_for(server.endpoint());
  other.bucket = "no-such-bucket";
  auto missing = S3Storage(other).put_file("a.txt", file);
  REQUIRE(missing);
  CHECK(missing->kind == StorageErrorKind::Refused);
  CHECK_THAT(missing->message, Catch::Contains("no-such-bucket"));
}

TEST_CASE("S3Storage: a server that is not there is storage_unavailable after the retries",
          "[storage][s3]") {
  TempDir dir;
  S3Config c = config_for("http://127.0.0.1:" + std::to_string(closed_port()));
  c.max_attempts = 3;
  c.secret_access_key = "a-secret-that-stays-home";
  S3Storage s(c);
  auto file = wfc::test::write_bytes(dir.path() / "a", std::string(1000, 'x'));
  for (auto error :
       {s.put_file("a.txt", file), s.read("a.txt", [](std::string_view) { return true; }),
        s.stat("a.txt").error, s.list("").error}) {
    REQUIRE(error);
    INFO(error->message);
    CHECK(error->kind == StorageErrorKind::Unavailable);
    CHECK(error->kind_name() == "storage_unavailable");
    CHECK_THAT(error->message, Catch::Contains("after 3 attempts"));
    CHECK_THAT(error->message, Catch::Contains("WFC_S3_ENDPOINT"));
    CHECK(error->message.find(c.secret_access_key) == std::string::npos);
  }
}

TEST_CASE("S3Storage retries 5xx and 429 with a bound, and resumes a broken read with a Range",
          "[storage][s3]") {
  wfc::test::HttpServer fake;
  std::mutex mu;
  std::vector<std::string> seen;  // "METHOD path range"
  int failures_left = 0;
  int status_to_fail_with = 503;
  bool break_first_body = false;
  std::string object = "0123456789abcdefghij";
  fake.server().Get(R"(/wfc-test/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back("GET " + req.path + " " + req.get_header_value("Range"));
    if (break_first_body) {
      break_first_body = false;  // 8 bytes of the 20 announced, then the connection drops
      res.set_content_provider(object.size(), "application/octet-stream",
                               [&](size_t, size_t, httplib::DataSink& sink) {
                                 sink.write(object.data(), 8);
                                 return false;
                               });
      return;
    }
    if (failures_left > 0) {
      --failures_left;
      res.status = status_to_fail_with;
      res.set_content("<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>",
                      "application/xml");
      return;
    }
    res.set_content(object, "application/octet-stream");
  });
  fake.start();
  S3Config c = config_for("http://127.0.0.1:" + std::to_string(fake.port()), "");
  c.max_attempts = 3;
  S3Storage s(c);

  SECTION("two 503s, then the answer") {
    failures_left = 2;
    CHECK(wfc::test::read_all(s, "k") == object);
    CHECK(seen.size() == 3);
  }
  SECTION("429 on every attempt: storage_unavailable after max_attempts requests") {
    failures_left = 100;
    status_to_fail_with = 429;
    wfc::storage::StorageStatus status;
    wfc::test::read_all(s, "k", std::nullopt, &status);
    REQUIRE(status);
    CHECK(status->kind == StorageErrorKind::Unavailable);
    CHECK_THAT(status->message, Catch::Contains("429"));
    CHECK_THAT(status->message, Catch::Contains("SlowDown"));
    CHECK_THAT(status->message, Catch::Contains("3 times"));
    CHECK(seen.size() == 3);
  }
  SECTION("a read that breaks after 8 bytes resumes at byte 8, and the sink sees each byte once") {
    break_first_body = true;
    CHECK(wfc::test::read_all(s, "k") == object);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "GET /wfc-test/k ");
    CHECK(seen[1] == "GET /wfc-test/k bytes=8-");
  }
  SECTION("a 400 is not retried") {
    failures_left = 100;
    status_to_fail_with = 400;
    wfc::storage::StorageStatus status;
    wfc::test::read_all(s, "k", std::nullopt, &status);
    REQUIRE(status);
    CHECK(status->kind == StorageErrorKind::Refused);
    CHECK(seen.size() == 1);
  }
}

TEST_CASE("S3Storage aborts a multipart upload whose part is refused", "[storage][s3]") {
  wfc::test::HttpServer fake;
  std::mutex mu;
  std::vector<std::string> seen;
  auto record = [&](const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu);
    std::string params;
    for (const auto& [k, v] : req.params) params += (params.empty() ? "?" : "&") + k + "=" + v;
    seen.push_back(req.method + " " + req.path + params);
  };
  fake.server().Post(R"(/wfc-test/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_content(
        "<InitiateMultipartUploadResult><UploadId>up-1</UploadId>"
        "</InitiateMultipartUploadResult>",
        "application/xml");
  });
  fake.server().Put(R"(/wfc-test/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    if (req.get_param_value("partNumber") == "2") {
      res.status = 400;
      res.set_content("<Error><Code>EntityTooSmall</Code><Message>no</Message></Error>",
                      "application/xml");
      return;
    }
    res.set_header("ETag", "\"etag-" + req.get_param_value("partNumber") + "\"");
  });
  fake.server().Delete(R"(/wfc-test/(.*))",
                       [&](const httplib::Request& req, httplib::Response& res) {
                         record(req);
                         res.status = 204;
                       });
  fake.start();
  TempDir dir;
  S3Config c = config_for("http://127.0.0.1:" + std::to_string(fake.port()), "");
  c.part_size = 1000;
  S3Storage s(c);
  auto file = wfc::test::write_bytes(dir.path() / "f", wfc::test::random_bytes(2500));
  auto put = s.put_file("runs/x.bin", file);
  REQUIRE(put);
  CHECK(put->kind == StorageErrorKind::Refused);
  CHECK_THAT(put->message, Catch::Contains("EntityTooSmall"));
  REQUIRE(seen.size() == 4);
  CHECK(seen[0] == "POST /wfc-test/runs/x.bin?uploads=");
  CHECK(seen[1] == "PUT /wfc-test/runs/x.bin?partNumber=1&uploadId=up-1");
  CHECK(seen[2] == "PUT /wfc-test/runs/x.bin?partNumber=2&uploadId=up-1");
  CHECK(seen[3] == "DELETE /wfc-test/runs/x.bin?uploadId=up-1");
}

TEST_CASE("s3://bucket/prefix URLs and the AWS environment make an S3Config", "[storage][s3]") {
  S3Config c;
  CHECK(wfc::storage::parse_s3_url("s3://media-out/runs/2026/", c) == "");
  CHECK(c.bucket == "media-out");
  CHECK(c.prefix == "runs/2026");
  CHECK(wfc::storage::parse_s3_url("s3://media-out", c) == "");
  CHECK(c.prefix == "");
  for (std::string bad :
       {"http://media-out/x", "s3://", "s3:///x", "s3://Media_Out/x", "s3://ab",
        "s3://media-out/../x", "s3://media-out/a//b", "s3://media-out/a?x=1", "s3://-media/x"}) {
    INFO(bad);
    S3Config d;
    CHECK_FALSE(wfc::storage::parse_s3_url(bad, d).empty());
  }

  std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"},
                                            {"AWS_SECRET_ACCESS_KEY", "shh-secret"},
                                            {"AWS_REGION", "eu-west-3"},
                                            {"WFC_S3_ENDPOINT", "http://127.0.0.1:9000/"}};
  auto reader = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto made = wfc::storage::s3_config_from_env("s3://media-out/p", reader);
  REQUIRE(made.ok());
  CHECK(made.value.bucket == "media-out");
  CHECK(made.value.prefix == "p");
  CHECK(made.value.region == "eu-west-3");
  CHECK(made.value.endpoint == "http://127.0.0.1:9000");
  CHECK(made.value.access_key_id == "AKIAEXAMPLE");
  CHECK(made.value.secret_access_key == "shh-secret");
  CHECK(made.value.part_size == 8ull << 20);

  // An endpoint with user info is refused without being echoed.
  env["WFC_S3_ENDPOINT"] = "http://user:hunter2@127.0.0.1:9000";
  auto userinfo = wfc::storage::s3_config_from_env("s3://media-out/p", reader);
  REQUIRE(userinfo.error);
  CHECK(userinfo.error->kind == StorageErrorKind::Invalid);
  CHECK_THAT(userinfo.error->message, Catch::Contains("WFC_S3_ENDPOINT"));
  CHECK(userinfo.error->message.find("hunter2") == std::string::npos);
  env["WFC_S3_ENDPOINT"] = "ftp://127.0.0.1";
  CHECK(wfc::storage::s3_config_from_env("s3://media-out/p", reader).error);
  env.erase("WFC_S3_ENDPOINT");

  // Missing credentials name the variables.
  env.erase("AWS_SECRET_ACCESS_KEY");
  auto missing = wfc::storage::s3_config_from_env("s3://media-out/p", reader);
  REQUIRE(missing.error);
  CHECK_THAT(missing.error->message, Catch::Contains("AWS_SECRET_ACCESS_KEY"));
  // A bad storage URL is storage_invalid too.
  env["AWS_SECRET_ACCESS_KEY"] = "shh-secret";
  auto bad = wfc::storage::s3_config_from_env("s3://x", reader);
  REQUIRE(bad.error);
  CHECK(bad.error->kind_name() == "storage_invalid");

  // Without an endpoint, AWS virtual-host style: nothing is sent in this test, only described.
  env.erase("AWS_REGION");
  auto aws = wfc::storage::s3_config_from_env("s3://media-out", reader);
  REQUIRE(aws.ok());
  CHECK(aws.value.endpoint.empty());
  CHECK(aws.value.region == "us-east-1");
  CHECK(S3Storage(aws.value).describe() == "s3://media-out");
}
