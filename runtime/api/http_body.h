// A request body as it streams in (issue 19, point 5): decoded by its Content-Encoding (gzip and
// deflate are inflated with zlib as the bytes arrive; identity is kept as is; anything else is
// 415) and limited while it streams, counted after decoding, whatever the framing
// (Content-Length, chunked). Past the limit nothing more is kept. External interface: BodyReader.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/api/request.h"

namespace wfc::api {

class BodyReader {
 public:
  /// `limit`: the largest decoded body accepted; `route` names it in the 413's message
  /// ("POST /runs").
  BodyReader(size_t limit, std::string route);
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  /// Checks what the headers say before any body byte is read: the Content-Encoding (415 when
  /// it is not identity, gzip, x-gzip or deflate) and a Content-Length over the limit (413).
  std::optional<ApiError> start(std::string_view content_encoding,
                                std::optional<unsigned long long> content_length);
  /// Adds raw bytes as they arrive. Once it returned an error the body is refused: later bytes
  /// are only counted (raw_bytes()), never kept or decoded.
  std::optional<ApiError> feed(std::string_view raw);
  /// The body ended: a compressed body must be complete (400 otherwise).
  std::optional<ApiError> finish();

  /// The first error seen, if any.
  const std::optional<ApiError>& error() const { return error_; }
  /// The decoded body.
  std::string& body() { return body_; }
  /// Raw bytes received so far (before decoding).
  unsigned long long raw_bytes() const { return raw_; }

 private:
  std::optional<ApiError> too_large() const;

  struct Inflater;
  size_t limit_;
  std::string route_;
  std::string body_;
  std::unique_ptr<Inflater> inflater_;  // null for identity
  bool stream_end_ = false;
  unsigned long long raw_ = 0;
  std::optional<ApiError> error_;
};

}  // namespace wfc::api
