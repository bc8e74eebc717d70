// A request body decoded and limited as it streams in (see http_body.h).
#include "runtime/api/http_body.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>

namespace wfc::api {

struct BodyReader::Inflater {
  z_stream z{};
  bool ready = false;
  ~Inflater() {
    if (ready) inflateEnd(&z);
  }
};

BodyReader::BodyReader(size_t limit, std::string route) : limit_(limit), route_(std::move(route)) {}
BodyReader::~BodyReader() = default;

std::optional<ApiError> BodyReader::too_large() const {
  return ApiError{413, "request_too_large",
                  fmt::format("the request body is larger than {} bytes, the limit of {}{}", limit_,
                              route_, inflater_ ? " (counted after decompression)" : "")};
}

std::optional<ApiError> BodyReader::start(std::string_view content_encoding,
                                          std::optional<unsigned long long> content_length) {
  std::string enc;
  for (char c : content_encoding) {
    if (c != ' ' && c != '\t')
      enc += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (enc == "gzip" || enc == "x-gzip" || enc == "deflate") {
    inflater_ = std::make_unique<Inflater>();
    // 15 + 32: a zlib or a gzip header, detected (some clients send zlib data as gzip).
    if (inflateInit2(&inflater_->z, 15 + 32) != Z_OK) {
      error_ = ApiError{500, "internal_error", "cannot start decompressing the request body"};
      return error_;
    }
    inflater_->ready = true;
  } else if (!enc.empty() && enc != "identity") {
    error_ = ApiError{415, "encoding_unsupported",
                      fmt::format("Content-Encoding '{}' is not supported; send the body as is "
                                  "(identity), gzip or deflate",
                                  content_encoding)};
    return error_;
  }
  // A compressed body may inflate past the limit, but never stays under it while its raw size
  // is over it: a Content-Length over the limit is refused either way.
  if (content_length && *content_length > limit_) error_ = too_large();
  return error_;
}

std::optional<ApiError> BodyReader::feed(std::string_view raw) {
  raw_ += raw.size();
  if (error_) return error_;
  if (!inflater_) {
    if (raw.size() > limit_ - body_.size()) {
      body_.clear();
      body_.shrink_to_fit();
      error_ = too_large();
      return error_;
    }
    body_.append(raw);
    return std::nullopt;
  }
  if (stream_end_) {
    if (!raw.empty()) error_ = bad_request("the compressed request body has data after its end");
    return error_;
  }
  z_stream& z = inflater_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  char out[16 * 1024];
  while (z.avail_in > 0 && !stream_end_) {
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = sizeof out;
    int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      error_ = bad_request(fmt::format("the compressed request body is corrupt: {}",
                                       z.msg ? z.msg : "inflate failed"));
      return error_;
    }
    size_t got = sizeof out - z.avail_out;
    if (got > limit_ - body_.size()) {
      body_.clear();
      body_.shrink_to_fit();
      error_ = too_large();
      return error_;
    }
    body_.append(out, got);
    if (rc == Z_STREAM_END) {
      stream_end_ = true;
      if (z.avail_in > 0)
        error_ = bad_request("the compressed request body has data after its end");
    } else if (rc == Z_BUF_ERROR && got == 0) {
      break;  // needs more input
    }
  }
  return error_;
}

std::optional<ApiError> BodyReader::finish() {
  if (error_) return error_;
  if (inflater_ && !stream_end_ && raw_ > 0)
    error_ = bad_request("the compressed request body ends before its end (truncated)");
  return error_;
}

}  // namespace wfc::api
