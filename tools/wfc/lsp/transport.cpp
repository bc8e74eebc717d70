#include "tools/wfc/lsp/transport.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>

namespace wfc::lsp {

bool Transport::fill() {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(in_, chunk, sizeof chunk);
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

bool Transport::pending() {
  if (pos_ < buf_.size()) return true;
  pollfd p{in_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

std::optional<nlohmann::json> Transport::read(std::string* error) {
  error->clear();
  // Headers: "Name: value\r\n" lines up to an empty line; only Content-Length matters.
  size_t length = 0;
  bool have_length = false;
  for (;;) {
    size_t eol = buf_.find("\r\n", pos_);
    if (eol == std::string::npos) {
      if (buf_.size() - pos_ > 8192) {
        *error = "a header line longer than 8 KiB";
        return std::nullopt;
      }
      if (!fill()) {
        if (pos_ < buf_.size()) *error = "the input ended inside a header";
        return std::nullopt;
      }
      continue;
    }
    std::string_view line(buf_.data() + pos_, eol - pos_);
    pos_ = eol + 2;
    if (line.empty()) {
      if (!have_length) {
        *error = "a message without Content-Length";
        return std::nullopt;
      }
      break;
    }
    constexpr std::string_view kLength = "content-length:";
    if (line.size() > kLength.size()) {
      std::string name(line.substr(0, kLength.size()));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == kLength) {
        std::string_view v = line.substr(kLength.size());
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), length);
        if (ec != std::errc() || p != v.data() + v.size()) {
          *error = "a Content-Length that is not a number";
          return std::nullopt;
        }
        have_length = true;
      }
    }
  }
  if (length > kMaxMessage) {
    *error = "a message of " + std::to_string(length) + " bytes (the limit is 64 MiB)";
    return std::nullopt;
  }
  while (buf_.size() - pos_ < length) {
    if (!fill()) {
      *error = "the input ended inside a message";
      return std::nullopt;
    }
  }
  std::string_view body(buf_.data() + pos_, length);
  pos_ += length;
  auto message = nlohmann::json::parse(body, nullptr, false);
  if (message.is_discarded()) {
    *error = "a message that is not JSON";
    return nlohmann::json(nullptr);
  }
  return message;
}

void Transport::write(const nlohmann::json& message) {
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (size_t done = 0; done < out.size();) {
    ssize_t n = ::write(out_, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client is gone; the read loop ends at its end of input
    done += static_cast<size_t>(n);
  }
}

}  // namespace wfc::lsp
