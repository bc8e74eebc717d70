// Slow and abusive HTTP clients (issue 19, point 5; docs/security.md, "Slow and abusive
// clients"): the API server runs in this process (so /proc/self/status shows its memory) on
// loopback, and raw sockets play the clients: bodies refused before they are read, limits
// counted after decompression, JSON accepted whatever its Content-Type, hundreds of slow
// connections that do not starve /healthz, the per-address connection cap, header deadlines,
// and the byte-range cap.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "runtime/api/server.h"
#include "runtime/store/sqlite_store.h"
#include "tests/unit/test_cli.h"

namespace {

using nlohmann::json;
using wfc::test::TempDir;
namespace fs = std::filesystem;

constexpr const char* kKey = "wfc_httptest000000000000000000000000000000001";

// The API server on 127.0.0.1:0 in this process, with one key.
struct InProcessServer {
  explicit InProcessServer(wfc::api::Config config = {}) {
    wfc::store::SqliteStore::Options o;
    o.path = dir.path() / "wfc.db";
    store = std::make_unique<wfc::store::SqliteStore>(o);
    store->add_api_key("test", kKey);
    config.host = "127.0.0.1";
    config.port = 0;
    config.data_dir = dir.path() / "data";
    server = std::make_unique<wfc::api::Server>(*store, config, metrics);
    std::string error;
    port = server->bind(&error);
    REQUIRE(port > 0);
    thread = std::thread([this] { server->run(); });
  }
  ~InProcessServer() {
    server->stop();
    thread.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    c.set_connection_timeout(60, 0);
    return c;
  }

  TempDir dir;
  std::unique_ptr<wfc::store::SqliteStore> store;
  wfc::api::Metrics metrics;
  std::unique_ptr<wfc::api::Server> server;
  std::thread thread;
  int port = 0;
};

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A raw TCP connection to the server from `source` (a 127.x.y.z address).
struct Raw {
  Raw(int port, const std::string& source = "127.0.0.1") {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &a.sin_addr);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    a.sin_port = htons(static_cast<uint16_t>(port));
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~Raw() {
    if (fd >= 0) close(fd);
  }
  Raw(const Raw&) = delete;
  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads until the peer closes or `seconds` pass; "" if nothing came.
  std::string read_until_close(int seconds) {
    std::string got;
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  // Reads one response's head (up to the blank line), waiting up to `seconds`.
  std::string read_head(int seconds) {
    std::string got;
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (got.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < end) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    return got;
  }
  int fd = -1;
  bool closed = false;
};

int status_of(const std::string& head) {
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return 0;
  return std::stoi(head.substr(9, 3));
}

// `bytes` of zeros compressed as gzip.
std::string gzip_zeros(size_t bytes) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string in(1 << 20, '\0'), out;
  char buf[1 << 16];
  for (size_t done = 0; done < bytes;) {
    size_t n = std::min(in.size(), bytes - done);
    done += n;
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(n);
    int flush = done == bytes ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      deflate(&z, flush);
      out.append(buf, sizeof buf - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

std::string gzip(const std::string& text) {
  std::string out(compressBound(text.size()) + 64, '\0');
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

json automation(size_t description_bytes = 10) {
  return {{"name", "http"},
          {"description", std::string(description_bytes, 'd')},
          {"workflow", {{{"kind", "video"}, {"options", {{"width", 160}, {"format", "mp4"}}}}}}};
}

}  // namespace

TEST_CASE("an unauthenticated chunked 300 MiB POST is answered 401 before its body is read",
          "[security][http]") {
  InProcessServer api;
  long before = rss_kib();
  Raw c(api.port);
  REQUIRE(
      c.send_all("POST /automations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n"));
  // The answer comes from the headers alone: no body byte has been sent yet.
  std::string head = c.read_head(60);
  CHECK(status_of(head) == 401);
  // Then the body: the server reads none of it and closes, so most of it cannot be sent.
  std::string chunk = fmt::format("{:x}\r\n{}\r\n", 1 << 20, std::string(1 << 20, '{'));
  size_t sent = 0;
  for (int i = 0; i < 300 && c.send_all(chunk); ++i) sent += 1 << 20;
  CHECK(sent < (300u << 20));
  CHECK(rss_kib() - before < 64 * 1024);
}

TEST_CASE("an unauthenticated gzip bomb is answered 401 without being inflated",
          "[security][http]") {
  InProcessServer api;
  std::string bomb = gzip_zeros(size_t{500} << 20);  // ~0.5 MB
  long before = rss_kib();
  Raw c(api.port);
  REQUIRE(
      c.send_all(fmt::format("POST /runs HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\n"
                             "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                             bomb.size())));
  CHECK(status_of(c.read_head(60)) == 401);
  c.send_all(bomb);
  CHECK(rss_kib() - before < 64 * 1024);
}

TEST_CASE("a compressed body is limited after decompression, as it streams", "[security][http]") {
  InProcessServer api;
  httplib::Client client = api.client();
  httplib::Headers auth{{"Authorization", std::string("Bearer ") + kKey},
                        {"Content-Encoding", "gzip"}};
  SECTION("a gzip bomb with a key is 413, and memory stays bounded") {
    std::string bomb = gzip_zeros(size_t{500} << 20);
    long before = rss_kib();
    auto r = client.Post("/automations", auth, bomb, "application/json");
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(json::parse(r->body)["kind"] == "request_too_large");
    CHECK(r->body.find("after decompression") != std::string::npos);
    CHECK(rss_kib() - before < 64 * 1024);
  }
  SECTION("a JSON body 2 MiB once inflated is 413 though it is sent in a few KB") {
    std::string big = automation(2 << 20).dump();
    std::string packed = gzip(big);
    REQUIRE(packed.size() < (1u << 20));
    auto r = client.Post("/automations", auth, packed, "application/json");
    REQUIRE(r);
    CHECK(r->status == 413);
  }
  SECTION("a gzip body under the limit is inflated and served") {
    auto r = client.Post("/automations", auth, gzip(automation().dump()), "application/json");
    REQUIRE(r);
    CHECK(r->status == 201);
  }
  SECTION("a corrupt gzip body is a 400, an unknown encoding a 415") {
    auto r = client.Post("/automations", auth, std::string("not gzip at all"), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    httplib::Headers br{{"Authorization", std::string("Bearer ") + kKey},
                        {"Content-Encoding", "br"}};
    r = client.Post("/automations", br, automation().dump(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 415);
    CHECK(json::parse(r->body)["kind"] == "encoding_unsupported");
  }
}

TEST_CASE("a chunked body with a key is limited as it streams", "[security][http]") {
  InProcessServer api;
  long before = rss_kib();
  Raw c(api.port);
  REQUIRE(
      c.send_all(fmt::format("POST /automations HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
                             "{}\r\nTransfer-Encoding: chunked\r\n\r\n",
                             kKey)));
  std::string chunk = fmt::format("{:x}\r\n{}\r\n", 1 << 20, std::string(1 << 20, ' '));
  size_t sent = 0;
  for (int i = 0; i < 300 && c.send_all(chunk); ++i) sent += 1 << 20;
  // Past the limit the server drops what comes and soon closes: it never takes 300 MiB.
  CHECK(sent < (300u << 20));
  CHECK(rss_kib() - before < 64 * 1024);
}

TEST_CASE("a 9 KB JSON body is accepted with curl -d's form content type", "[security][http]") {
  InProcessServer api;
  httplib::Client client = api.client();
  std::string body = automation(9000).dump();
  REQUIRE(body.size() > 9000);
  auto r = client.Post("/automations", {{"Authorization", std::string("Bearer ") + kKey}}, body,
                       "application/x-www-form-urlencoded");
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(json::parse(r->body)["description"].get<std::string>().size() == 9000);
}

TEST_CASE("a body larger than its route's cap is 413 from the Content-Length alone",
          "[security][http]") {
  InProcessServer api;
  Raw c(api.port);
  // GET takes no body: its cap is 16 KiB (kNoBodyBytes), and the headers say 100 MiB follow.
  REQUIRE(c.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 104857600\r\n\r\n"));
  CHECK(status_of(c.read_head(60)) == 413);
}

TEST_CASE("300 slow connections do not keep /healthz from answering", "[security][http]") {
  InProcessServer api;
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 300; ++i) {
    std::string source = fmt::format("127.0.{}.{}", 1 + i / 250, 2 + i % 250);
    slow.push_back(std::make_unique<Raw>(api.port, source));
    // Headers begun and never finished.
    REQUIRE(slow.back()->send_all("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: a"));
  }
  httplib::Client client = api.client();
  auto r = client.Get("/healthz");
  REQUIRE(r);
  CHECK(r->status == 200);
  // A slow connection is still open (not refused to make room): it finishes and is answered.
  REQUIRE(slow[0]->send_all("\r\n\r\n"));
  CHECK(status_of(slow[0]->read_head(60)) == 200);
}

TEST_CASE("the connection over the per-address cap is closed, other addresses are served",
          "[security][http]") {
  wfc::api::Config config;
  config.max_connections_per_address = 4;
  InProcessServer api(config);
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<Raw>(api.port, "127.0.0.9"));
    REQUIRE(held.back()->send_all("GET /healthz HTTP/1.1\r\nHost: t\r\n"));
  }
  Raw fifth(api.port, "127.0.0.9");
  fifth.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string got = fifth.read_until_close(60);
  CHECK(fifth.closed);
  CHECK(status_of(got) != 200);
  // The held ones are still served, and so is another address.
  REQUIRE(held[0]->send_all("\r\n"));
  CHECK(status_of(held[0]->read_head(60)) == 200);
  Raw other(api.port, "127.0.0.10");
  REQUIRE(other.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  CHECK(status_of(other.read_head(60)) == 200);
}

TEST_CASE("a connection whose headers do not arrive within the deadline is closed",
          "[security][http]") {
  wfc::api::Config config;
  config.header_timeout_s = 1;
  InProcessServer api(config);
  Raw c(api.port);
  REQUIRE(c.send_all("GET /healthz HTTP/1.1\r\nHost: t\r\n"));
  // One byte every 200 ms keeps the connection busy, so only the deadline can close it.
  bool open = true;
  for (int i = 0; i < 300 && open; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    open = c.send_all("X");
  }
  CHECK_FALSE(open);
}

TEST_CASE("byte ranges are coalesced and capped per request", "[security][http]") {
  InProcessServer api;
  std::string run = "run_0123456789abcdef";
  fs::create_directories(api.dir.path() / "data" / "runs" / run);
  std::string content;
  for (int i = 0; i < 10000; ++i) content += static_cast<char>('a' + i % 26);
  std::ofstream(api.dir.path() / "data" / "runs" / run / "out.txt", std::ios::binary) << content;
  httplib::Client client = api.client();
  std::string path = "/files/" + run + "/out.txt";
  auto get = [&](const std::string& range) {
    auto r = client.Get(path.c_str(),
                        {{"Authorization", std::string("Bearer ") + kKey}, {"Range", range}});
    REQUIRE(r);
    return *r;
  };
  SECTION("overlapping ranges are one") {
    auto r = get("bytes=0-99,50-199,200-299");
    CHECK(r.status == 206);
    CHECK(r.get_header_value("Content-Range") == "bytes 0-299/10000");
    CHECK(r.body == content.substr(0, 300));
  }
  SECTION("two ranges are a multipart answer with both") {
    auto r = get("bytes=0-9,-5");
    CHECK(r.status == 206);
    CHECK(r.get_header_value("Content-Type").rfind("multipart/byteranges; boundary=", 0) == 0);
    CHECK(r.body.find("Content-Range: bytes 0-9/10000\r\n\r\n" + content.substr(0, 10)) !=
          std::string::npos);
    CHECK(r.body.find("Content-Range: bytes 9995-9999/10000\r\n\r\n" + content.substr(9995)) !=
          std::string::npos);
  }
  SECTION("1,500 overlapping ranges cost one copy") {
    std::string many = "bytes=";
    for (int i = 0; i < 1500; ++i) many += fmt::format("{}{}-{}", i ? "," : "", i, i + 5000);
    auto r = get(many);
    CHECK(r.status == 206);
    CHECK(r.body.size() == 6500);
  }
  SECTION("more than 16 separate ranges is a 416") {
    std::string many = "bytes=";
    for (int i = 0; i < 100; ++i) many += fmt::format("{}{}-{}", i ? "," : "", i * 10, i * 10);
    auto r = get(many);
    CHECK(r.status == 416);
    CHECK(json::parse(r.body)["kind"] == "range_not_satisfiable");
  }
  SECTION("a range past the end is a 416 with the size") {
    auto r = get("bytes=20000-");
    CHECK(r.status == 416);
    CHECK(r.get_header_value("Content-Range") == "bytes */10000");
  }
}
