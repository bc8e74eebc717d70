// One SigV4-signed exchange with an S3-compatible server on libcurl (CURLOPT_AWS_SIGV4, so no
// SDK): the body streamed from a file range or a small string, the answer's body streamed to a
// sink (2xx) or kept for its error code (other statuses). It keeps http_client.h's safe defaults
// (http/https only, TLS verified, no proxy, no redirects, connect and low-speed limits) but not
// its interface, which has no streamed uploads and no response headers. Retries are the
// caller's (s3_storage.cpp): this file makes one attempt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/storage/s3_config.h"
#include "runtime/storage/storage.h"

namespace wfc::storage::s3 {

struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  /// Absolute URL whose query is already in SigV4's canonical form (names sorted, values
  /// percent-encoded, "name=" for a flag): curl 7.88 signs the query as it is written.
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  /// The body: `body` when file_fd < 0, else `length` bytes of file_fd from `offset`.
  std::string body;
  int file_fd = -1;
  std::uint64_t offset = 0, length = 0;
  /// Receives a 2xx body; without one it is kept in Response::body.
  const ByteSink* sink = nullptr;
};

struct Response {
  /// The transfer failed before an answer: connection refused, DNS, TLS, timeout (no status).
  bool transport_failed = false;
  bool timed_out = false;
  bool sink_stopped = false;  // the sink returned false
  std::string transport_message;
  std::string refused;  // S3Config::guard refused the address: why (no request was sent)
  long status = 0;
  std::string body;  // a non-2xx body (capped at 64 KiB), or a 2xx body without a sink
  std::string etag;  // the ETag header, quotes kept
  std::uint64_t content_length = 0;  // the Content-Length header (HEAD's object size)
  std::uint64_t bytes_to_sink = 0;

  bool ok() const { return !transport_failed && status >= 200 && status < 300; }
};

/// Performs one signed request with `config`'s credentials and limits.
Response perform(const S3Config& config, const Request& request);

/// `text` percent-encoded for a URL path (keep_slash) or a query value: RFC 3986's unreserved
/// characters stay, everything else becomes %XX, as SigV4 requires.
std::string uri_encode(std::string_view text, bool keep_slash);

}  // namespace wfc::storage::s3
