// libFuzzer target for the API server's HTTP front end (runtime/api/http_front.h): any bytes are
// sent as they are over a loopback TCP connection to a real HttpFront (libmicrohttpd parses the
// request line, headers and chunked framing; our layer assembles the httplib::Request, routes,
// authenticates from the headers, decodes and limits the body, calls the handler and serializes
// the response, Range included), then the connection is half-closed and the answer read to its
// end. The same bytes also go straight to the pieces our code parses on its own: a Range header
// (plan_ranges) and a gzip body (BodyReader). Besides crashes, leaks and undefined behaviour
// (ASan, UBSan; libmicrohttpd itself is not instrumented), it checks what they promise:
// - a handler never sees a body larger than its route's cap;
// - an answer, when one comes, starts with an HTTP/1.x status line;
// - ranges are sorted, disjoint, inside the body and at most kMaxRanges;
// - a BodyReader never keeps more than its limit.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "runtime/api/http_body.h"
#include "runtime/api/http_front.h"
#include "runtime/api/http_range.h"
#include "runtime/api/request.h"

namespace {

using namespace wfc::api;

constexpr size_t kEchoCap = 4096;
const std::string kFile(3000, 'f');

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_http_request: %s\n", what);
    std::abort();
  }
}

struct Setup {
  Router router;
  Config config;
  std::unique_ptr<HttpFront> front;
  std::thread thread;
  int port = 0;
  Setup() {
    router.add({"GET", "/healthz", "", false, [](Call& call) { send_json(call.res, 200, {}); }});
    router.add({"POST",
                "/echo/{id}",
                "",
                true,
                [](Call& call) {
                  check(call.req.body.size() <= kEchoCap, "a body over its route's cap");
                  nlohmann::json j;
                  if (auto e = parse_object(call.req, &j, true)) return send_error(call.res, *e);
                  send_json(call.res, 201, {{"id", call.params[0]}, {"body", j}});
                },
                {},
                kEchoCap});
    router.add({"GET", "/files/{path}", "", true, [](Call& call) {
                  call.res.set_content_provider(
                      kFile.size(), "text/plain",
                      [](size_t offset, size_t length, httplib::DataSink& sink) {
                        check(offset + length <= kFile.size(), "a range outside the body");
                        return sink.write(kFile.data() + offset, std::min<size_t>(length, 1000));
                      });
                }});
    config.host = "127.0.0.1";
    config.port = 0;
    config.http_threads = 2;
    config.max_body_bytes = 64 * 1024;
    front = std::make_unique<HttpFront>(
        router,
        [](const wfc::api::Route&, const httplib::Request& req, httplib::Response& res,
           wfc::store::ApiKey*) {
          if (req.get_header_value("Authorization") == "Bearer k") return true;
          send_error(res, {401, "token_missing", "no key"});
          return false;
        },
        config);
    std::string error;
    port = front->bind(&error);
    check(port > 0, "cannot bind");
    thread = std::thread([this] { front->run(); });
  }
  ~Setup() {
    front->stop();
    thread.join();
  }
};

// Whether `got` holds a whole response (its head and Content-Length bytes of body).
bool complete(const std::string& got) {
  size_t end = got.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = got.substr(0, end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = head.find("\r\ncontent-length:");
  if (at == std::string::npos) return false;
  return got.size() >= end + 4 + std::strtoull(head.c_str() + at + 17, nullptr, 10);
}

void exchange(int port, const uint8_t* data, size_t size) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  check(fd >= 0, "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (rc != 0 && errno == EINTR) {
    // libFuzzer's timer signal came while the server's accept queue was full (the server is at
    // its connection cap until the half-closed connections of earlier inputs end): the connect
    // goes on in the background. Wait for it, as long as libFuzzer's -timeout allows.
    pollfd p{fd, POLLOUT, 0};
    int ready = 0;
    for (int i = 0; i < 8 && ready == 0; ++i) {
      ready = poll(&p, 1, 1000);
      if (ready < 0 && errno == EINTR) ready = 0;
    }
    int err = ETIMEDOUT;
    socklen_t len = sizeof err;
    if (ready > 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    rc = err == 0 ? 0 : -1;
    errno = err;
  }
  if (rc != 0) {
    std::fprintf(stderr, "fuzz_http_request: connect: %s\n", std::strerror(errno));
    std::abort();
  }
  for (size_t done = 0; done < size;) {
    ssize_t n = send(fd, data + done, size - done, MSG_NOSIGNAL);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  std::string got;
  // Until the first response is whole, the server closes, or it stays silent a while (it sees
  // a half-closed connection's end only about a second later): a shorter wait only costs
  // coverage of what comes after, never a false finding.
  while (!complete(got)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, got.empty() ? 300 : 100) <= 0) break;
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  check(got.empty() || got.rfind("HTTP/1.", 0) == 0, "an answer that is not HTTP");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup* setup = new Setup;  // lives for the process (libFuzzer exits without unwinding)
  exchange(setup->port, data, size);

  std::string_view text(reinterpret_cast<const char*>(data), size);
  RangePlan plan = plan_ranges(text, 5000);
  check(plan.ranges.size() <= kMaxRanges, "too many ranges");
  for (size_t i = 0; i < plan.ranges.size(); ++i) {
    check(plan.ranges[i].first <= plan.ranges[i].last && plan.ranges[i].last < 5000,
          "a range outside the body");
    check(i == 0 || plan.ranges[i - 1].last + 1 < plan.ranges[i].first, "ranges not coalesced");
  }

  BodyReader body(1000, "fuzz");
  body.start("gzip", std::nullopt);
  body.feed(text.substr(0, size / 2));
  body.feed(text.substr(size / 2));
  body.finish();
  check(body.body().size() <= 1000, "a body over its limit");
  return 0;
}
