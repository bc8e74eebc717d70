// What a run's inputs may reach besides the public internet: the allow-lists shared by `wfc run`
// and `wfc serve` (--allow-hosts / WFC_ALLOW_HOSTS, --allow-files / WFC_ALLOW_FILES). By default
// nothing but public addresses over http(s) is reachable; each entry widens that on purpose.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/net/ip_address.h"

namespace wfc::ingest {

class AccessPolicy {
 public:
  /// Adds one host entry: an IP address (127.0.0.1, ::1), a CIDR block (10.0.0.0/8, fd00::/8) or
  /// a host name (minio.internal, matched exactly, case-insensitively, against the URL's host).
  /// Returns false and says why in *error when the entry is malformed; a blank entry adds nothing.
  bool allow_host(std::string_view entry, std::string* error);
  /// Adds one file entry: an existing directory (every file below it) or an existing file (that
  /// file alone; `wfc run` adds its own --input this way). Held canonical (symlinks resolved).
  /// Returns false and says why in *error; a blank entry adds nothing.
  bool allow_file(std::string_view entry, std::string* error);
  /// allow_host/allow_file for each entry of a comma-separated list; blank entries are skipped.
  bool allow_hosts(std::string_view list, std::string* error);
  bool allow_files(std::string_view list, std::string* error);

  /// Why a connection for a URL whose host is `host` must not go to `address`; "" if it may.
  /// Public addresses always may; others only when an entry names the address or the host.
  std::string connect_refusal(std::string_view host, const net::IpAddress& address) const;
  /// Whether the canonical path `file` is an allowed file or lies below an allowed directory.
  bool file_allowed(const std::filesystem::path& file) const;
  /// Whether any file entry exists; without one no local file can be read.
  bool reads_files() const { return !dirs_.empty() || !files_.empty(); }

 private:
  std::vector<net::Cidr> blocks_;
  std::vector<std::string> hosts_;  // lower case, no trailing dot
  std::vector<std::filesystem::path> dirs_;
  std::vector<std::filesystem::path> files_;
};

/// Splits a comma-separated list, trimming blanks around entries and dropping empty ones.
std::vector<std::string_view> split_list(std::string_view list);

}  // namespace wfc::ingest
