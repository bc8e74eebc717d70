// libcurl behind http_request(). Redirects are followed here rather than by libcurl so that every
// hop's URL is checked (scheme, host for the guard) before it is fetched, and the body of a
// redirect or error answer is never read.
#include "runtime/net/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>

namespace wfc::net {
namespace {

using Clock = std::chrono::steady_clock;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

/// One hop's absolute URL and the parts the checks need.
struct Target {
  std::string url;
  std::string scheme;
  std::string host;  // without IPv6 brackets
};

std::string url_part(CURLU* u, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string s(text);
  curl_free(text);
  return s;
}

/// `ref` resolved against `base` (empty for an absolute URL); nullopt when it is no URL.
std::optional<Target> resolve(const std::string& base, const std::string& ref) {
  std::unique_ptr<CURLU, UrlFree> u(curl_url());
  if (!u) return std::nullopt;
  if (!base.empty() && curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  if (curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return std::nullopt;
  }
  Target t{url_part(u.get(), CURLUPART_URL), url_part(u.get(), CURLUPART_SCHEME),
           url_part(u.get(), CURLUPART_HOST)};
  if (t.host.size() >= 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  if (t.url.empty()) return std::nullopt;
  return t;
}

bool web_scheme(const Target& t) { return t.scheme == "http" || t.scheme == "https"; }

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

/// What curl's callbacks share during one hop.
struct Hop {
  const HttpRequest* request = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse* response = nullptr;
  std::string host;
  std::string refusal;  // the guard's last refusal
  long status = 0;
  std::string location;
  std::string content_type;
  std::optional<std::uint64_t> content_length;
  bool head_done = false;
  bool stopped = false;  // ended on purpose: a redirect, an error status, a limit, the sink
};

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

/// Stops the transfer with a failure the caller will see.
std::size_t stop(Hop* hop, HttpFailure failure, std::string message) {
  hop->stopped = true;
  hop->response->failure = failure;
  hop->response->message = std::move(message);
  return 0;
}

/// Ends a head: decides whether the body is wanted before a byte of it is read.
std::size_t end_of_head(Hop* hop, std::size_t n) {
  if (hop->status >= 100 && hop->status < 200) return n;  // informational; the real head follows
  hop->head_done = true;
  bool wanted = (hop->status >= 200 && hop->status < 300) ||
                (hop->request->read_error_body && !is_redirect(hop->status));
  if (!wanted) {
    hop->stopped = true;
    return 0;
  }
  std::uint64_t max = hop->request->limits.max_body_bytes;
  if (hop->content_length && *hop->content_length > max) {
    return stop(hop, HttpFailure::TooLarge,
                "the server announced " + std::to_string(*hop->content_length) +
                    " bytes, more than the limit of " + std::to_string(max));
  }
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* hop = static_cast<Hop*>(user);
  std::size_t n = size * count;
  if (hop->head_done) return n;  // trailers
  std::string_view line = trim(std::string_view(data, n));
  if (line.starts_with("HTTP/")) {
    hop->status = 0;
    auto space = line.find(' ');
    if (space != std::string_view::npos) {
      std::string_view code = line.substr(space + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), hop->status);
    }
    hop->location.clear();
    hop->content_type.clear();
    hop->content_length.reset();
    return n;
  }
  if (line.empty()) return end_of_head(hop, n);
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view name = trim(line.substr(0, colon));
  std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "location")) {
    hop->location = value;
  } else if (iequals(name, "content-type")) {
    hop->content_type = value;
  } else if (iequals(name, "content-length")) {
    std::uint64_t length = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec == std::errc() && end == value.data() + value.size()) hop->content_length = length;
  }
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* hop = static_cast<Hop*>(user);
  std::size_t n = size * count;
  std::uint64_t max = hop->request->limits.max_body_bytes;
  if (hop->response->bytes + n > max) {
    return stop(hop, HttpFailure::TooLarge,
                "the body is larger than the limit of " + std::to_string(max) + " bytes");
  }
  hop->response->bytes += n;
  std::string_view chunk(data, n);
  if (*hop->sink) {
    if (!(*hop->sink)(chunk)) return stop(hop, HttpFailure::Aborted, "the receiver stopped");
  } else {
    hop->response->body.append(chunk);
  }
  return n;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* hop = static_cast<Hop*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && hop->request->guard) {
    auto ip = IpAddress::from_sockaddr(&address->addr);
    std::string why = ip ? hop->request->guard(hop->host, *ip) : "it is not an IP address";
    if (!why.empty()) {
      hop->refusal = std::move(why);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/// Sets every option for one hop on a freshly reset handle.
void configure(CURL* c, Hop* hop, const Target& target, const std::string& method,
               const std::string& body, curl_slist* headers, std::chrono::milliseconds remaining,
               char* error_buffer) {
  const HttpLimits& limits = hop->request->limits;
  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // a proxy would connect on our behalf, unguarded
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wfc");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<std::int64_t>(1, remaining.count())));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, limits.low_speed_bytes_per_second);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_time.count()));
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, hop);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, hop);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, hop);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  }
}

/// The failure behind a curl error that no callback explained.
std::pair<HttpFailure, std::string> explain(CURL* c, CURLcode rc, const Hop& hop,
                                            const char* error_buffer, bool past_deadline) {
  const HttpLimits& limits = hop.request->limits;
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  long os_errno = 0;
  curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      if (!hop.refusal.empty()) return {HttpFailure::Refused, hop.refusal};
      return {HttpFailure::Unreachable,
              "cannot connect to " + hop.host +
                  (os_errno ? std::string(": ") + std::strerror(static_cast<int>(os_errno)) : "")};
    case CURLE_COULDNT_RESOLVE_HOST:
      return {HttpFailure::Unreachable, "cannot resolve host '" + hop.host + "'"};
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
      // curl says only "timed out"; which limit it was follows from when and what was done.
      if (past_deadline) {
        return {HttpFailure::Timeout, "took longer than " + seconds_text(limits.total_timeout)};
      }
      if (connected == 0) {
        return {HttpFailure::Timeout, "could not connect to " + hop.host + " within " +
                                          seconds_text(limits.connect_timeout)};
      }
      return {HttpFailure::Timeout,
              "slower than " + std::to_string(limits.low_speed_bytes_per_second) + " bytes/s for " +
                  std::to_string(limits.low_speed_time.count()) + " s"};
    }
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {HttpFailure::InvalidUrl, detail};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return {HttpFailure::Unreachable, "TLS with " + hop.host + " failed: " + detail};
    default:
      return {HttpFailure::Unreachable, detail};
  }
}

}  // namespace

HttpResponse http_request(const HttpRequest& request, const BodySink& sink) {
  global_init();
  HttpResponse response;
  auto fail = [&](HttpFailure failure, std::string message) {
    response.failure = failure;
    response.message = std::move(message);
    return response;
  };
  auto target = resolve("", request.url);
  if (!target || !web_scheme(*target) || target->host.empty()) {
    return fail(HttpFailure::InvalidUrl, "not an http or https URL");
  }
  std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
  if (!easy) return fail(HttpFailure::Unreachable, "libcurl could not start a request");
  std::unique_ptr<curl_slist, ListFree> headers;
  for (const auto& h : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
    if (grown == nullptr) return fail(HttpFailure::Unreachable, "out of memory");
    headers.release();
    headers.reset(grown);
  }
  std::string method = request.method;
  std::string body = request.body;
  const auto deadline = Clock::now() + request.limits.total_timeout;
  for (int redirects = 0;; ++redirects) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      return fail(HttpFailure::Timeout,
                  "took longer than " + seconds_text(request.limits.total_timeout));
    }
    Hop hop;
    hop.request = &request;
    hop.sink = &sink;
    hop.response = &response;
    hop.host = target->host;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_reset(easy.get());
    configure(easy.get(), &hop, *target, method, body, headers.get(), remaining, error_buffer);
    CURLcode rc = curl_easy_perform(easy.get());
    response.final_url = target->url;
    if (response.failure != HttpFailure::None) return response;  // a callback stopped it
    if (rc != CURLE_OK && !hop.stopped) {
      auto [failure, message] = explain(easy.get(), rc, hop, error_buffer,
                                        Clock::now() + std::chrono::milliseconds(100) >= deadline);
      return fail(failure, std::move(message));
    }
    response.status = hop.status;
    response.content_type = hop.content_type;
    if (!is_redirect(hop.status) || hop.location.empty() || request.limits.max_redirects <= 0) {
      return response;
    }
    if (redirects >= request.limits.max_redirects) {
      return fail(HttpFailure::Unreachable,
                  "more than " + std::to_string(request.limits.max_redirects) + " redirects");
    }
    auto next = resolve(target->url, hop.location);
    if (!next) {
      return fail(HttpFailure::Unreachable, "the server redirected to '" +
                                                redact_url(hop.location) + "', which is not a URL");
    }
    if (!web_scheme(*next)) {
      return fail(HttpFailure::Refused, "the server redirected to '" + redact_url(next->url) +
                                            "'; only http and https are followed");
    }
    if (hop.status == 303 || ((hop.status == 301 || hop.status == 302) && method == "POST")) {
      method = "GET";
      body.clear();
    }
    target = std::move(next);
  }
}

std::string web_url_problem(std::string_view url) {
  auto target = resolve("", std::string(url));
  if (!target) return "it is not an absolute URL";
  if (!web_scheme(*target))
    return "'" + target->scheme + "' URLs are not sent to; use http or https";
  if (target->host.empty()) return "it has no host";
  return "";
}

}  // namespace wfc::net
