// fetch(): http(s) through the guarded HTTP client; file:// URLs and local paths through the
// policy's directories, checked on the canonical path and again on the file actually opened (so a
// symlink swapped in after the check cannot escape).
#include "runtime/ingest/fetch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "runtime/ingest/fd.h"
#include "runtime/ingest/workspace_file.h"
#include "runtime/net/http_client.h"

namespace wfc::ingest {
namespace {

namespace fs = std::filesystem;

FetchResult failure(FetchErrorKind kind, std::string message) {
  FetchResult r;
  r.error = FetchError{kind, std::move(message)};
  return r;
}

/// The path of an http(s) URL, without query or fragment ("" when it has none).
std::string_view url_path(std::string_view url) {
  std::string_view rest = url.substr(0, url.find_first_of("?#"));
  rest.remove_prefix(rest.find("://") + 3);
  auto slash = rest.find('/');
  return slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
}

std::string too_large(std::string_view shown, std::uint64_t max) {
  return "cannot fetch " + std::string(shown) + ": it is larger than the limit of " +
         std::to_string(max) + " bytes";
}

FetchResult fetch_http(std::string_view url, const fs::path& workspace, const FetchLimits& limits,
                       const AccessPolicy& policy) {
  std::string shown = net::redact_url(url);
  WorkspaceFile part(workspace);
  if (!part.ok()) return failure(FetchErrorKind::Internal, part.error());

  net::HttpRequest request;
  request.url = std::string(url);
  request.limits = {limits.connect_timeout, limits.total_timeout, limits.low_speed_bytes_per_second,
                    limits.low_speed_time,  limits.max_redirects, limits.max_bytes};
  request.guard = [&policy](std::string_view host, const net::IpAddress& address) {
    return policy.connect_refusal(host, address);
  };
  auto response =
      net::http_request(request, [&part](std::string_view chunk) { return part.write(chunk); });

  std::string cannot = "cannot fetch " + shown + ": ";
  switch (response.failure) {
    case net::HttpFailure::None:
      break;
    case net::HttpFailure::InvalidUrl:
      return failure(FetchErrorKind::Invalid, cannot + response.message);
    case net::HttpFailure::Refused:
      return failure(FetchErrorKind::Refused,
                     "refused to fetch " + shown + ": " + response.message);
    case net::HttpFailure::Unreachable:
      return failure(FetchErrorKind::Unreachable, cannot + response.message);
    case net::HttpFailure::Timeout:
      return failure(FetchErrorKind::Timeout, cannot + response.message);
    case net::HttpFailure::TooLarge:
      return failure(FetchErrorKind::TooLarge, cannot + response.message);
    case net::HttpFailure::Aborted:
      return failure(FetchErrorKind::Internal, part.error());
  }
  if (response.status == 404 || response.status == 410) {
    return failure(FetchErrorKind::NotFound,
                   cannot + "the server answered " + std::to_string(response.status));
  }
  if (!response.ok()) {
    return failure(FetchErrorKind::Unreachable,
                   cannot + "the server answered " + std::to_string(response.status));
  }
  auto final_path = part.commit(workspace_name(url_path(url), true));
  if (!final_path) return failure(FetchErrorKind::Internal, part.error());
  return {Fetched{*final_path, response.bytes, response.content_type,
                  net::redact_url(response.final_url)},
          std::nullopt};
}

/// Copies the open regular file `in` into `part`, at most max bytes.
std::optional<FetchError> copy_capped(int in, WorkspaceFile& part, std::uint64_t max,
                                      std::string_view shown, std::uint64_t* copied) {
  std::array<char, 1 << 16> buffer;
  bool kernel_copy = true;
  while (true) {
    ssize_t n;
    // Ask for one byte past the limit, so that a file grown since fstat() is caught.
    std::uint64_t left = max - *copied;
    std::size_t chunk = kernel_copy ? std::size_t{16} << 20 : buffer.size();
    std::size_t want = left < chunk ? static_cast<std::size_t>(left) + 1 : chunk;
    if (kernel_copy) {
      n = copy_file_range(in, nullptr, part.fd(), nullptr, want, 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        continue;
      }
    } else {
      n = read(in, buffer.data(), want);
      if (n > 0 && !part.write(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) {
        return FetchError{FetchErrorKind::Internal, part.error()};
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == ENOSPC || errno == EDQUOT)) {
      return FetchError{FetchErrorKind::Internal,
                        "cannot write into the workspace: " + errno_text(errno)};
    }
    if (n < 0) {
      return FetchError{FetchErrorKind::Unreachable,
                        "cannot read " + std::string(shown) + ": " + errno_text(errno)};
    }
    if (n == 0) return std::nullopt;
    *copied += static_cast<std::uint64_t>(n);
    if (*copied > max) return FetchError{FetchErrorKind::TooLarge, too_large(shown, max)};
  }
}

FetchResult fetch_file(std::string_view shown, const fs::path& path, const fs::path& workspace,
                       const FetchLimits& limits, const AccessPolicy& policy) {
  std::string refused = "refused to read " + std::string(shown) + ": ";
  fs::path canonical;
  std::error_code ec;
  std::string why = policy.file_refusal(path, &canonical, &ec);
  if (!why.empty()) return failure(FetchErrorKind::Refused, refused + why);
  if (ec) {
    bool missing = ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
    return failure(missing ? FetchErrorKind::NotFound : FetchErrorKind::Unreachable,
                   "cannot read " + std::string(shown) + ": " + ec.message());
  }

  Fd in(open(canonical.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW));
  if (in.get() < 0) {
    int err = errno;
    return failure(err == ENOENT ? FetchErrorKind::NotFound : FetchErrorKind::Unreachable,
                   "cannot read " + std::string(shown) + ": " + errno_text(err));
  }
  // The path may have changed since canonical(); what counts is the file actually opened.
  if (std::string opened = policy.opened_refusal(in.get()); !opened.empty()) {
    return failure(FetchErrorKind::Refused, refused + opened);
  }
  struct stat st {};
  if (fstat(in.get(), &st) != 0) {
    return failure(FetchErrorKind::Unreachable,
                   "cannot read " + std::string(shown) + ": " + errno_text(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return failure(FetchErrorKind::Invalid, "cannot read " + std::string(shown) +
                                                ": it is a directory; give the path of a file");
  }
  if (!S_ISREG(st.st_mode)) {
    return failure(FetchErrorKind::Invalid,
                   "cannot read " + std::string(shown) + ": it is not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_bytes) {
    return failure(FetchErrorKind::TooLarge, too_large(shown, limits.max_bytes));
  }
  int flags = fcntl(in.get(), F_GETFL);
  if (flags >= 0) fcntl(in.get(), F_SETFL, flags & ~O_NONBLOCK);

  WorkspaceFile part(workspace);
  if (!part.ok()) return failure(FetchErrorKind::Internal, part.error());
  std::uint64_t copied = 0;
  if (auto error = copy_capped(in.get(), part, limits.max_bytes, shown, &copied)) {
    FetchResult r;
    r.error = std::move(error);
    return r;
  }
  auto final_path = part.commit(workspace_name(canonical.string(), false));
  if (!final_path) return failure(FetchErrorKind::Internal, part.error());
  return {Fetched{*final_path, copied, "", "file://" + canonical.string()}, std::nullopt};
}

}  // namespace

std::string_view error_kind_name(FetchErrorKind kind) {
  switch (kind) {
    case FetchErrorKind::Invalid:
      return "input_invalid";
    case FetchErrorKind::Refused:
      return "input_refused";
    case FetchErrorKind::NotFound:
      return "input_not_found";
    case FetchErrorKind::Unreachable:
      return "input_unreachable";
    case FetchErrorKind::TooLarge:
      return "input_too_large";
    case FetchErrorKind::Timeout:
      return "input_timeout";
    case FetchErrorKind::Internal:
      return "internal_error";
  }
  return "internal_error";
}

FetchResult fetch(std::string_view input, const fs::path& workspace, const FetchLimits& limits,
                  const AccessPolicy& policy) {
  if (input.empty())
    return failure(FetchErrorKind::Invalid, "no input given: give a URL or a path");
  if (input.find('\0') != std::string_view::npos) {
    return failure(FetchErrorKind::Invalid, "the input holds a NUL byte");
  }
  std::string scheme = url_scheme(input);
  if (scheme == "http" || scheme == "https") return fetch_http(input, workspace, limits, policy);
  if (scheme == "file") {
    auto path = file_url_path(input);
    if (!path) {
      return failure(FetchErrorKind::Invalid, "cannot read " + std::string(input) +
                                                  ": a file URL names a local path, as in "
                                                  "file:///media/in.mp4");
    }
    return fetch_file(input, *path, workspace, limits, policy);
  }
  if (!scheme.empty()) {
    return failure(FetchErrorKind::Invalid, "cannot fetch " + net::redact_url(input) + ": '" +
                                                scheme +
                                                "' URLs are not fetched; use http, https or file");
  }
  return fetch_file(input, fs::path(input), workspace, limits, policy);
}

}  // namespace wfc::ingest
