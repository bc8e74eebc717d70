// One signed S3 exchange on libcurl (s3_request.h).
#include "runtime/storage/s3_request.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

namespace wfc::storage::s3 {
namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;

struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

/// What curl's callbacks share during the exchange.
struct Exchange {
  const Request* request = nullptr;
  Response* response = nullptr;
  std::uint64_t sent = 0;  // body bytes read from the file so far
  bool head_done = false;
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' '))
    s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  std::string_view line = trim(std::string_view(data, n));
  if (line.starts_with("HTTP/")) {
    auto space = line.find(' ');
    if (space != std::string_view::npos) {
      std::string_view code = line.substr(space + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), ex->response->status);
    }
    ex->response->etag.clear();
    ex->response->content_length = 0;
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
  if (iequals(name, "etag")) {
    ex->response->etag = value;
  } else if (iequals(name, "content-length")) {
    std::from_chars(value.data(), value.data() + value.size(), ex->response->content_length);
  }
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  Response& r = *ex->response;
  bool success = r.status >= 200 && r.status < 300;
  if (success && ex->request->sink) {
    if (!(*ex->request->sink)(std::string_view(data, n))) {
      r.sink_stopped = true;
      return 0;
    }
    r.bytes_to_sink += n;
    return n;
  }
  std::size_t keep =
      success ? n : std::min(n, kMaxErrorBody - std::min(kMaxErrorBody, r.body.size()));
  r.body.append(data, keep);
  return n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const Request& req = *ex->request;
  std::uint64_t left = req.length - ex->sent;
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
  if (want == 0) return 0;
  while (true) {
    ssize_t got = ::pread(req.file_fd, buffer, want, static_cast<off_t>(req.offset + ex->sent));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return CURL_READFUNC_ABORT;  // a read error, or the file shrank
    ex->sent += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

/// Rewinds the file body when curl must send it again (after a 100-continue refusal, an auth
/// round trip or a reused connection that closed).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<std::uint64_t>(offset) > ex->request->length) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  ex->sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

curl_socket_t on_open_socket(void*, curlsocktype, curl_sockaddr* address) {
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Response perform(const S3Config& config, const Request& request) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  Response response;
  // One easy handle per thread, reset for each request: its connection cache lets the next
  // request to the same endpoint reuse the connection (and TLS session), so a download read in
  // ranged blocks (runtime/api/files.cpp) is one connection, not one per block. A request made
  // while the thread's handle is busy (a sink that calls the storage) gets a handle of its own.
  struct ThreadHandle {
    std::unique_ptr<CURL, EasyFree> easy;
    bool busy = false;
  };
  thread_local ThreadHandle mine;
  std::unique_ptr<CURL, EasyFree> own;
  CURL* c = nullptr;
  bool reuse = !mine.busy;
  if (reuse) {
    if (!mine.easy) mine.easy.reset(curl_easy_init());
    c = mine.easy.get();
    if (c) curl_easy_reset(c);
  } else {
    own.reset(curl_easy_init());
    c = own.get();
  }
  if (!c) {
    response.transport_failed = true;
    response.transport_message = "libcurl could not start a request";
    return response;
  }
  struct Release {
    ThreadHandle* handle;
    ~Release() {
      if (handle) handle->busy = false;
    }
  } release{reuse ? &mine : nullptr};
  if (reuse) mine.busy = true;
  // The payload is not hashed (it streams); S3 accepts that when the signature covers this
  // header, and curl 7.88 signs with the value it finds here. No "Expect: 100-continue" wait.
  std::vector<std::string> lines = request.headers;
  lines.push_back("x-amz-content-sha256: UNSIGNED-PAYLOAD");
  lines.push_back("Expect:");
  std::unique_ptr<curl_slist, ListFree> headers;
  for (const auto& h : lines) {
    curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
    if (grown == nullptr) {
      response.transport_failed = true;
      response.transport_message = "out of memory";
      return response;
    }
    headers.release();
    headers.reset(grown);
  }
  Exchange ex{&request, &response};
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string sigv4 = "aws:amz:" + config.region + ":s3";
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wfc");
  curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, config.access_key_id.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, config.secret_access_key.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, config.low_speed_bytes_per_second);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config.low_speed_time.count()));
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" && request.file_fd >= 0) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &ex);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &ex);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.length));
  } else if (request.method != "GET") {
    if (request.method != "POST")
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    }
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && !response.sink_stopped) {
    response.transport_failed = true;
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    if (rc == CURLE_COULDNT_CONNECT && os_errno != 0) {
      response.transport_message = std::strerror(static_cast<int>(os_errno));
    } else {
      response.transport_message = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    }
  }
  return response;
}

}  // namespace wfc::storage::s3
