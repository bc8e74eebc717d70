// What a run's inputs may reach besides the public internet, and where its exports may write: the
// allow-lists shared by `wfc run` and `wfc serve` (--allow-hosts / WFC_ALLOW_HOSTS, --allow-files
// / WFC_ALLOW_FILES for reading, --allow-export / WFC_ALLOW_EXPORT for writing). By default nothing
// but public addresses over http(s) is reachable and nothing may be written; each entry widens
// that on purpose. Reading a directory never grants writing to it.
#pragma once

#include <filesystem>
#include <optional>
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
  /// Adds one export entry: an existing directory that exports may write below (`wfc run` adds
  /// its own --out this way). Held as given (absolute, `.` and `..` removed) and canonical: a
  /// symlink in the entry itself is the operator's choice, and an export URL may name the
  /// directory either way; nothing below it is followed (runtime/ingest/export_file.h).
  /// Returns false and says why in *error; a blank entry adds nothing.
  bool allow_export(std::string_view entry, std::string* error);
  bool allow_exports(std::string_view list, std::string* error);

  /// Why a connection for a URL whose host is `host` must not go to `address`; "" if it may.
  /// Public addresses always may; others only when an entry names the address or the host.
  std::string connect_refusal(std::string_view host, const net::IpAddress& address) const;
  /// Whether the canonical path `file` is an allowed file or lies below an allowed directory.
  bool file_allowed(const std::filesystem::path& file) const;
  /// Whether any file entry exists; without one no local file can be read.
  bool reads_files() const { return !dirs_.empty() || !files_.empty(); }

  /// An export directory, and where `path` lies below it.
  struct ExportRoot {
    std::filesystem::path canonical;  // the directory, symlinks resolved when it was allowed
    std::filesystem::path below;      // relative, no `.` or `..` ("" for the directory itself)
  };
  /// The export directory the absolute, lexically normal `path` is or lies below (compared by
  /// name, without touching the disk); nullopt when it is outside every one.
  std::optional<ExportRoot> export_root(const std::filesystem::path& path) const;
  /// Whether any export entry exists; without one nothing can be exported to local directories.
  bool writes_files() const { return !exports_.empty(); }

 private:
  std::vector<net::Cidr> blocks_;
  std::vector<std::string> hosts_;  // lower case, no trailing dot
  std::vector<std::filesystem::path> dirs_;
  std::vector<std::filesystem::path> files_;
  struct ExportDir {
    std::filesystem::path given;  // absolute, lexically normal
    std::filesystem::path canonical;
  };
  std::vector<ExportDir> exports_;
};

/// Splits a comma-separated list, trimming blanks around entries and dropping empty ones.
std::vector<std::string_view> split_list(std::string_view list);

}  // namespace wfc::ingest
