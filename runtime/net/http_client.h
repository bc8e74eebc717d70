// A thin, safe-by-default HTTP client on libcurl: one easy handle per request, http and https only,
// TLS verified, no proxies, no content decoding, bounded redirects, time and size limits, and a
// guard that vets every address before a socket connects to it (so DNS rebinding and redirects to
// internal hosts are caught). Input fetching uses it for GETs and webhooks for POSTs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/net/ip_address.h"
#include "runtime/net/redact.h"  // redact_url, for callers' messages

namespace wfc::net {

/// Limits on one request, redirects included.
struct HttpLimits {
  std::chrono::milliseconds connect_timeout{10'000};
  /// Wall time for the whole request, every redirect hop included.
  std::chrono::milliseconds total_timeout{600'000};
  /// Abort when slower than this many bytes per second for low_speed_time.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  int max_redirects = 5;
  /// The most bytes of response body accepted (checked against Content-Length and while reading).
  std::uint64_t max_body_bytes = 64ull << 20;
};

/// Decides whether a connection may be made to `address` on behalf of a URL whose host is `host`
/// (as written in that URL, without IPv6 brackets). Returns why not, or "" to allow it.
using ConnectGuard = std::function<std::string(std::string_view host, const IpAddress& address)>;

/// Receives the body of a 2xx answer chunk by chunk; false aborts the request.
using BodySink = std::function<bool(std::string_view chunk)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  HttpLimits limits;
  ConnectGuard guard;  // empty: every address allowed
  /// Also read the body of a final non-2xx answer (an API's error object), within
  /// max_body_bytes; it goes to the sink or to body like a 2xx body. Redirects stay unread.
  bool read_error_body = false;
};

/// Why a request failed; callers map these onto their own error kinds.
enum class HttpFailure {
  None,
  InvalidUrl,   // not an absolute http(s) URL
  Refused,      // the guard refused every address, or a redirect left http(s)
  Unreachable,  // DNS, connect, TLS or protocol failure, too many redirects
  Timeout,      // connect, total or low-speed limit
  TooLarge,     // body over max_body_bytes
  Aborted,      // the sink returned false
};

struct HttpResponse {
  HttpFailure failure = HttpFailure::None;
  std::string message;  // what went wrong, when failure != None: "10.0.0.5 is a private address"
  long status = 0;      // the final answer's status; its body is read only when it is 2xx (or when
                        // read_error_body asks for it)
  std::string content_type;
  std::string final_url;    // after redirects
  std::uint64_t bytes = 0;  // body bytes received
  std::string body;         // the body, when no sink was given

  bool ok() const { return failure == HttpFailure::None && status >= 200 && status < 300; }
};

/// Performs the request, following up to limits.max_redirects redirects (303, and 301/302 of a
/// POST, become GETs). With a sink the body streams to it, otherwise it is kept in body.
HttpResponse http_request(const HttpRequest& request, const BodySink& sink = {});

/// Why `url` is not an absolute http(s) URL with a host that http_request accepts ("" when it
/// is): the one check of URLs wfc will send requests to (webhook_url on every route).
std::string web_url_problem(std::string_view url);

}  // namespace wfc::net
