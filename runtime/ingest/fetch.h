// Ingest: turns a run's input (an http(s) URL, a file:// URL or a local path) into a file in the
// run's workspace, within size and time limits and the AccessPolicy. External interface: fetch().
// The error kinds are the API's (`input_refused`, ...; docs/security.md lists them).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/ingest/access_policy.h"

namespace wfc::ingest {

struct FetchLimits {
  std::uint64_t max_bytes = 4ull << 30;  // 4 GiB
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30 * 60'000};
  /// A transfer slower than this for low_speed_time is abandoned.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  int max_redirects = 5;
};

enum class FetchErrorKind {
  Invalid,      // input_invalid: not a URL or path we fetch, or not a regular file
  Refused,      // input_refused: the access policy forbids it
  NotFound,     // input_not_found: 404/410, or no such file
  Unreachable,  // input_unreachable: DNS, connection, TLS, other HTTP errors, redirect loops
  TooLarge,     // input_too_large
  Timeout,      // input_timeout
  Internal,     // internal_error: the workspace could not be written
};

/// The API's name of a kind: "input_refused", ...
std::string_view error_kind_name(FetchErrorKind kind);

struct FetchError {
  FetchErrorKind kind = FetchErrorKind::Internal;
  std::string message;  // "refused to fetch http://10.0.0.5/a.mp4: 10.0.0.5 is a private ..."
  std::string_view kind_name() const { return error_kind_name(kind); }
};

struct Fetched {
  std::filesystem::path path;  // inside the workspace
  std::uint64_t bytes = 0;
  std::string content_type;  // as the server said; empty for local files
  std::string final_url;     // after redirects (user name and password removed); file:// for files
};

struct FetchResult {
  Fetched file;
  std::optional<FetchError> error;
  bool ok() const { return !error; }
};

/// Copies `input` into `workspace` (created if missing) under a name taken from the input's last
/// path segment (sanitized; never overwriting). The file appears whole or not at all.
FetchResult fetch(std::string_view input, const std::filesystem::path& workspace,
                  const FetchLimits& limits, const AccessPolicy& policy);

}  // namespace wfc::ingest
