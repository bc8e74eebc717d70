// Fetching inputs over HTTP from loopback servers started by the tests: the allow-list, redirects,
// status codes, size and time limits, and that a failed download leaves nothing in the workspace.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/ingest/fetch.h"
#include "runtime/net/http_client.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_fetch.h"
#include "tests/unit/test_http_server.h"

namespace wfc {
namespace {

namespace fs = std::filesystem;
using ingest::FetchErrorKind;

/// The names of the files in `dir` (hidden temporaries included).
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

ingest::AccessPolicy hosts(const std::string& list) {
  ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(policy.allow_hosts(list, &error));
  return policy;
}

/// Streams 20 blocks of 1000 bytes without saying how many.
bool twenty_blocks(size_t offset, httplib::DataSink& sink) {
  if (offset >= 20000) {
    sink.done();
    return true;
  }
  std::string block(1000, 'b');
  return sink.write(block.data(), block.size());
}

/// A server with the routes the tests below use.
class MediaServer : public test::HttpServer {
 public:
  explicit MediaServer(std::string host = "127.0.0.1") : HttpServer(std::move(host)) {
    auto& s = server();
    s.Get("/clip.mp4", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3000, 'v'), "video/mp4");
    });
    s.Get(R"(/hop/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      int n = std::stoi(req.matches[1]);
      res.set_redirect(n == 0 ? "/clip.mp4" : "/hop/" + std::to_string(n - 1), 302);
    });
    s.Get("/to", [](const httplib::Request& req, httplib::Response& res) {
      res.set_redirect(req.get_param_value("url"), 302);
    });
    s.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    s.Get("/broken", [](const httplib::Request&, httplib::Response& res) {
      res.status = 500;
      res.set_content("internal", "text/plain");
    });
    s.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("video/mp4", twenty_blocks);
    });
    s.Get("/unsized", [](const httplib::Request&, httplib::Response& res) {
      // No Content-Length and no chunking: the body ends when the connection closes.
      res.set_content_provider("video/mp4", twenty_blocks);
    });
    s.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("video/mp4", [](size_t offset, httplib::DataSink& sink) {
        if (offset >= 50) {  // at most 5 s, whatever the client does
          sink.done();
          return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return sink.write("s", 1);
      });
    });
    s.Post("/hook", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.get_header_value("X-Signature") + "|" + req.body, "text/plain");
    });
    start();
  }
};

TEST_CASE("An allowed loopback URL is fetched into the workspace", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  auto result =
      ingest::fetch(server.url("/clip.mp4?token=1"), tmp.path() / "ws", {}, hosts("127.0.0.1"));
  REQUIRE(result.ok());
  CHECK(result.file.path == tmp.path() / "ws" / "clip.mp4");
  CHECK(result.file.bytes == 3000);
  CHECK(result.file.content_type == "video/mp4");
  CHECK(result.file.final_url == server.url("/clip.mp4?token=1"));
  CHECK(test::slurp(result.file.path) == std::string(3000, 'v'));
  CHECK(files_in(tmp.path() / "ws") == std::vector<std::string>{"clip.mp4"});

  // The same name again does not replace the first file.
  auto again = ingest::fetch(server.url("/clip.mp4"), tmp.path() / "ws", {}, hosts("127.0.0.1"));
  REQUIRE(again.ok());
  CHECK(again.file.path.filename() == "clip-1.mp4");
}

TEST_CASE("Loopback is refused without an allow-list entry, by address not by name", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  ingest::AccessPolicy none;
  auto result = ingest::fetch(server.url("/clip.mp4"), tmp.path(), {}, none);
  test::check_fetch_error(result, "input_refused",
                          "refused to fetch " + server.url("/clip.mp4") +
                              ": 127.0.0.1 is a loopback address; allow it with "
                              "--allow-hosts or WFC_ALLOW_HOSTS");
  CHECK(files_in(tmp.path()).empty());

  // A name that resolves to loopback is refused too: the address connected is what counts.
  std::string by_name = "http://localhost:" + std::to_string(server.port()) + "/clip.mp4";
  auto named = ingest::fetch(by_name, tmp.path(), {}, none);
  REQUIRE_FALSE(named.ok());
  CHECK(named.error->kind_name() == "input_refused");
  CHECK(ingest::fetch(by_name, tmp.path(), {}, hosts("localhost")).ok());

  // So is loopback spelled as an IPv4-mapped IPv6 address.
  std::string mapped = "http://[::ffff:127.0.0.1]:" + std::to_string(server.port()) + "/clip.mp4";
  auto via_mapped = ingest::fetch(mapped, tmp.path(), {}, none);
  REQUIRE_FALSE(via_mapped.ok());
  CHECK(via_mapped.error->kind_name() == "input_refused");
  CHECK_THAT(via_mapped.error->message, Catch::Contains("127.0.0.1 is a loopback address"));
}

TEST_CASE("Redirects are followed up to the limit", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  ingest::FetchLimits limits;
  limits.max_redirects = 3;
  auto three = ingest::fetch(server.url("/hop/2"), tmp.path(), limits, hosts("127.0.0.1"));
  REQUIRE(three.ok());
  CHECK(three.file.final_url == server.url("/clip.mp4"));
  CHECK(three.file.bytes == 3000);
  CHECK(three.file.path.filename() == "2");  // named after the URL asked for

  auto four = ingest::fetch(server.url("/hop/3"), tmp.path() / "b", limits, hosts("127.0.0.1"));
  test::check_fetch_error(four, "input_unreachable",
                          "cannot fetch " + server.url("/hop/3") + ": more than 3 redirects");
  CHECK(files_in(tmp.path() / "b").empty());
}

TEST_CASE("A redirect to a refused address or a non-http scheme is refused", "[ingest]") {
  MediaServer server;
  MediaServer internal("127.0.0.2");  // as reachable as the first, but not allowed
  test::TempDir tmp;
  std::string to_internal = server.url("/to?url=") + internal.url("/clip.mp4");
  auto refused = ingest::fetch(to_internal, tmp.path(), {}, hosts("127.0.0.1"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error->kind_name() == "input_refused");
  CHECK_THAT(refused.error->message, Catch::Contains("127.0.0.2 is a loopback address"));
  CHECK(ingest::fetch(to_internal, tmp.path(), {}, hosts("127.0.0.1,127.0.0.2")).ok());

  for (const char* target :
       {"file:///etc/passwd", "ftp://example.com/a.mp4", "gopher://127.0.0.1/"}) {
    INFO(target);
    auto result =
        ingest::fetch(server.url("/to?url=") + target, tmp.path() / "x", {}, hosts("127.0.0.1"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->kind_name() == "input_refused");
    CHECK_THAT(result.error->message, Catch::Contains("only http and https are followed"));
  }
  CHECK(files_in(tmp.path() / "x").empty());
}

TEST_CASE("Error statuses map to not found and unreachable", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  auto missing = ingest::fetch(server.url("/missing"), tmp.path(), {}, hosts("127.0.0.1"));
  test::check_fetch_error(missing, "input_not_found",
                          "cannot fetch " + server.url("/missing") + ": the server answered 404");
  auto broken = ingest::fetch(server.url("/broken"), tmp.path(), {}, hosts("127.0.0.1"));
  test::check_fetch_error(broken, "input_unreachable",
                          "cannot fetch " + server.url("/broken") + ": the server answered 500");
  CHECK(files_in(tmp.path()).empty());

  // A port held bound but not listening refuses connections, and no other test can take it.
  int held = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(held >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(held, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(getsockname(held, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  int port = ntohs(address.sin_port);
  auto closed = ingest::fetch("http://127.0.0.1:" + std::to_string(port) + "/clip.mp4", tmp.path(),
                              {}, hosts("127.0.0.1"));
  REQUIRE_FALSE(closed.ok());
  CHECK(closed.error->kind_name() == "input_unreachable");
  CHECK_THAT(closed.error->message, Catch::Contains("cannot connect to 127.0.0.1"));
  close(held);
}

TEST_CASE("A body over the size limit is refused by its header or while streaming", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  ingest::FetchLimits limits;
  limits.max_bytes = 2999;
  auto announced = ingest::fetch(server.url("/clip.mp4"), tmp.path(), limits, hosts("127.0.0.1"));
  test::check_fetch_error(announced, "input_too_large",
                          "cannot fetch " + server.url("/clip.mp4") +
                              ": the server announced 3000 bytes, more than the "
                              "limit of 2999");
  limits.max_bytes = 3000;
  CHECK(ingest::fetch(server.url("/clip.mp4"), tmp.path() / "ok", limits, hosts("127.0.0.1")).ok());

  limits.max_bytes = 5000;
  for (const char* path : {"/chunked", "/unsized"}) {
    INFO(path);
    auto streamed = ingest::fetch(server.url(path), tmp.path() / "s", limits, hosts("127.0.0.1"));
    REQUIRE_FALSE(streamed.ok());
    CHECK(streamed.error->kind_name() == "input_too_large");
    CHECK(streamed.error->message ==
          "cannot fetch " + server.url(path) + ": the body is larger than the limit of 5000 bytes");
  }
  CHECK(files_in(tmp.path() / "s").empty());
  limits.max_bytes = 20000;
  auto whole = ingest::fetch(server.url("/chunked"), tmp.path() / "w", limits, hosts("127.0.0.1"));
  REQUIRE(whole.ok());
  CHECK(whole.file.bytes == 20000);
}

TEST_CASE("A server slower than the time limit times out and leaves nothing", "[ingest]") {
  MediaServer server;
  test::TempDir tmp;
  ingest::FetchLimits limits;
  limits.total_timeout = std::chrono::milliseconds(1000);
  auto slow = ingest::fetch(server.url("/slow"), tmp.path(), limits, hosts("127.0.0.1"));
  test::check_fetch_error(slow, "input_timeout",
                          "cannot fetch " + server.url("/slow") + ": took longer than 1 s");
  CHECK(files_in(tmp.path()).empty());

  limits.total_timeout = std::chrono::milliseconds(60'000);
  limits.low_speed_bytes_per_second = 1000;
  limits.low_speed_time = std::chrono::seconds(1);
  auto trickle = ingest::fetch(server.url("/slow"), tmp.path(), limits, hosts("127.0.0.1"));
  test::check_fetch_error(
      trickle, "input_timeout",
      "cannot fetch " + server.url("/slow") + ": slower than 1000 bytes/s for 1 s");
}

TEST_CASE("Inputs that are not http, https or file URLs are invalid", "[ingest]") {
  test::TempDir tmp;
  ingest::AccessPolicy none;
  auto ftp = ingest::fetch("ftp://user:secret@example.com/a.mp4", tmp.path(), {}, none);
  test::check_fetch_error(
      ftp, "input_invalid",
      "cannot fetch ftp://example.com/a.mp4: 'ftp' URLs are not fetched; use http, https or "
      "file");
  auto empty = ingest::fetch("", tmp.path(), {}, none);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error->kind_name() == "input_invalid");
  for (const char* url : {"http://", "https://:80/a.mp4", "http://exa mple.com/"}) {
    INFO(url);
    auto bad = ingest::fetch(url, tmp.path(), {}, none);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error->kind_name() == "input_invalid");
    CHECK(bad.error->message == "cannot fetch " + std::string(url) + ": not an http or https URL");
  }
}

TEST_CASE("The HTTP client posts with headers and reads the answer, as webhooks will", "[ingest]") {
  MediaServer server;
  net::HttpRequest post;
  post.method = "POST";
  post.url = server.url("/hook");
  post.headers = {"X-Signature: sha256=abc", "Content-Type: application/json"};
  post.body = R"({"kind":"run.succeeded"})";
  post.guard = [](std::string_view, const net::IpAddress&) { return std::string(); };
  auto answer = net::http_request(post);
  REQUIRE(answer.ok());
  CHECK(answer.status == 200);
  CHECK(answer.body == R"(sha256=abc|{"kind":"run.succeeded"})");

  post.guard = [](std::string_view host, const net::IpAddress& address) {
    return "no " + address.to_string() + " for " + std::string(host);
  };
  auto refused = net::http_request(post);
  CHECK(refused.failure == net::HttpFailure::Refused);
  CHECK(refused.message == "no 127.0.0.1 for 127.0.0.1");
  CHECK(net::redact_url("https://u:p@h.example/a?b=c") == "https://h.example/a?b=c");
}

}  // namespace
}  // namespace wfc
