// What a run's inputs may reach besides the public internet, and where its exports may write: the
// allow-lists shared by `wfc run` and `wfc serve` (--allow-hosts / WFC_ALLOW_HOSTS, --allow-files
// / WFC_ALLOW_FILES for reading, --allow-export / WFC_ALLOW_EXPORT for writing). By default nothing
// but public addresses over http(s) is reachable and nothing may be written; each entry widens
// that on purpose. Reading a directory never grants writing to it. check_without_resolving judges
// an input by its text alone, for the API to refuse at a run's creation what a fetch would refuse.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "runtime/net/ip_address.h"

namespace wfc::ingest {

/// What the policy says of an input judged by its text (AccessPolicy::check_without_resolving).
struct InputVerdict {
  enum class Problem {
    None,     // nothing in the text is refused; a fetch still checks every connection and file
    Invalid,  // never fetched whatever the policy: another scheme, a file URL of another host
    Refused,  // the policy refuses it: an internal IP address, a local file not allowed
  };
  Problem problem = Problem::None;
  std::string reason;  // for the user: "10.0.0.5 is a private address; allow it with --allow-…"
  bool ok() const { return problem == Problem::None; }
};

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
  /// Why the local file `path` (absolute, or relative to the working directory) must not be read;
  /// "" if it may. Judged on the canonical path (`..` and symlinks resolved, set in *canonical)
  /// when it resolves, else on the absolute path (*error says why it did not resolve), so a
  /// refusal does not reveal whether a path outside the allowed directories exists.
  std::string file_refusal(const std::filesystem::path& path, std::filesystem::path* canonical,
                           std::error_code* error) const;

  /// Why the file open on descriptor `fd`, which file_refusal allowed by name, must not be read;
  /// "" if it may. The path it was opened by is read back from /proc/self/fd/FD, so a symlink
  /// swapped in between the check and the open cannot escape. Where that cannot be read (/proc
  /// not mounted, as in some containers) the file is refused, not read unchecked.
  std::string opened_refusal(int fd) const;
  /// Where opened_refusal finds procfs ("/proc"); tests point it elsewhere.
  void set_proc_root(std::filesystem::path root) { proc_root_ = std::move(root); }

  /// Judges an input (an http(s) URL, a file:// URL or a local path) by its text, resolving no
  /// host name: a scheme never fetched, an http(s) URL whose host is an IP address that
  /// connect_refusal refuses, a local file that file_refusal refuses. A host name passes: where
  /// it points is judged at each connection of the fetch, after DNS, because DNS may answer
  /// differently by then (and does, in a rebinding attack). Passing is no promise: the fetch
  /// checks everything again.
  InputVerdict check_without_resolving(std::string_view input) const;

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
  std::filesystem::path proc_root_ = "/proc";
};

/// Splits a comma-separated list, trimming blanks around entries and dropping empty ones.
std::vector<std::string_view> split_list(std::string_view list);

/// The scheme of `input` in lower case when it is written as a URL ("scheme://..."), else "".
std::string url_scheme(std::string_view input);
/// The local path a file:// URL names (percent-decoded); nullopt when it names another host than
/// "" or "localhost", or holds a NUL.
std::optional<std::filesystem::path> file_url_path(std::string_view url);
/// The host of an http(s) URL: no user info, no port, no brackets around an IPv6 address.
std::string_view url_host(std::string_view url);

}  // namespace wfc::ingest
