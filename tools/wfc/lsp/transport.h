// The Language Server Protocol's base protocol: JSON-RPC 2.0 messages framed by a
// `Content-Length` header, read from and written to file descriptors (`wfc lsp` uses its standard
// input and output). External interface: Transport.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace wfc::lsp {

class Transport {
 public:
  /// Messages larger than this are refused (the stream is then out of step, and closed).
  static constexpr size_t kMaxMessage = size_t{64} << 20;

  Transport(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {}

  /// The next message; nullopt at the end of the input or on a framing error (*error says which;
  /// "" at a clean end). A body that is not JSON is returned as a null json with *error set, so
  /// that the server can answer it with a parse error and read on.
  std::optional<nlohmann::json> read(std::string* error);
  /// Whether a message is already waiting (buffered or readable now): the server coalesces
  /// typing before it re-checks a document.
  bool pending();
  void write(const nlohmann::json& message);

 private:
  bool fill();  // reads more input into buf_; false at the end or on an error

  int in_, out_;
  std::string buf_;
  size_t pos_ = 0;
};

}  // namespace wfc::lsp
