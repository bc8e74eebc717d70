// A file descriptor closed on every path out (Fd), and errno's text (errno_text): what the
// ingest files (fetch, export, workspace writes) share when they work with POSIX calls.
#pragma once

#include <unistd.h>

#include <string>
#include <system_error>

namespace wfc::ingest {

/// Owns a descriptor: closes it when it goes, unless released.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

/// What an errno value means, e.g. "No such file or directory".
inline std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

}  // namespace wfc::ingest
