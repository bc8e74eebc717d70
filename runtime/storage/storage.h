// Object storage for the bytes of runs (outputs, exports): the `Storage` interface, its error
// values and the rules for keys. Two backends implement it: LocalStorage (local_storage.h, a
// directory: today's DATA/runs layout) and S3Storage (s3_storage.h, any S3-compatible bucket over
// libcurl). Every transfer streams: a put reads the file in chunks, a read hands chunks to a sink;
// no call holds a whole object in memory. docs/storage.md describes both and their settings.
//
// Keys are relative paths with '/' between segments ("run_x/task_y/out.mp4"). A key (or prefix)
// with an empty, ".", ".." or hidden (dot-led) segment, a leading '/', a backslash or a control
// character is refused with storage_invalid before anything is touched. A prefix names a folder:
// list("run_x") and remove_prefix("run_x") see "run_x/a" and "run_x/b/c", never "run_xy/a";
// the empty prefix is the whole storage.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wfc::storage {

enum class StorageErrorKind {
  Unavailable,  // storage_unavailable: network, timeouts, 5xx/429 after the retries, a disk error
  NotFound,     // not_found: no object at that key
  Refused,      // storage_refused: the store said no (4xx: bad credentials, no such bucket, ...)
  Invalid,      // storage_invalid: a key, prefix or range that no backend accepts
};

/// The wire name of a kind: "storage_unavailable", "not_found", "storage_refused", ...
std::string_view error_kind_name(StorageErrorKind kind);

struct StorageError {
  StorageErrorKind kind = StorageErrorKind::Unavailable;
  /// What failed and what to do, never a secret: "cannot reach the bucket at
  /// http://127.0.0.1:9000 after 4 attempts: connection refused (check WFC_S3_ENDPOINT)".
  std::string message;
  std::string_view kind_name() const { return error_kind_name(kind); }
};

/// A value or the error that prevented it.
template <typename T>
struct StorageResult {
  T value{};
  std::optional<StorageError> error;
  bool ok() const { return !error; }
};

/// No value: nullopt on success.
using StorageStatus = std::optional<StorageError>;

struct ObjectStat {
  bool exists = false;
  std::uint64_t size = 0;  // bytes, when it exists
};

struct ObjectInfo {
  std::string key;  // relative to the storage's root, like the keys callers pass
  std::uint64_t size = 0;
};

/// Bytes [offset, offset + length) of an object; no length means up to the end. A length past
/// the end is cut at the end; an offset at or past the end of a non-empty object is
/// storage_invalid (HTTP's 416).
struct ByteRange {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

/// Receives an object's bytes chunk by chunk; false stops the read (storage_unavailable,
/// "the receiver stopped").
using ByteSink = std::function<bool(std::string_view chunk)>;

class Storage {
 public:
  virtual ~Storage() = default;

  /// Where the objects live, for messages and logs, without secrets: "/var/lib/wfc/runs",
  /// "s3://bucket/prefix".
  virtual std::string describe() const = 0;

  /// Stores the local file `file` at `key`, replacing any object there. The object appears whole
  /// or not at all.
  virtual StorageStatus put_file(std::string_view key, const std::filesystem::path& file) = 0;

  /// Streams the object at `key` (or the bytes of `range`) to `sink`. not_found when missing.
  virtual StorageStatus read(std::string_view key, const ByteSink& sink,
                             std::optional<ByteRange> range = std::nullopt) = 0;

  /// Whether an object is at `key`, and its size. A missing object is no error.
  virtual StorageResult<ObjectStat> stat(std::string_view key) = 0;

  /// Deletes the object at `key`; a missing one is no error.
  virtual StorageStatus remove(std::string_view key) = 0;

  /// Deletes every object under the folder `prefix`.
  virtual StorageStatus remove_prefix(std::string_view prefix) = 0;

  /// Every object under the folder `prefix`, sorted by key.
  virtual StorageResult<std::vector<ObjectInfo>> list(std::string_view prefix) = 0;

  /// The file on this machine that holds (or would hold) the object at `key`, when this storage
  /// keeps its objects as local files (LocalStorage); nullopt otherwise. A caller whose file is
  /// already there has nothing to put (an executor writing into DATA/runs with the default
  /// storage).
  virtual std::optional<std::filesystem::path> local_file(std::string_view key) const {
    (void)key;
    return std::nullopt;
  }

  /// A URL that lets anyone GET the object at `key` without credentials until now + lifetime_s
  /// (unix seconds), when this storage can issue one (S3's presigned GET); nullopt otherwise.
  virtual std::optional<std::string> presigned_get(std::string_view key, std::int64_t lifetime_s,
                                                   std::int64_t now) const {
    (void)key, (void)lifetime_s, (void)now;
    return std::nullopt;
  }
};

/// Why `key` is not a key (see above), or "" when it is one.
std::string key_problem(std::string_view key);

/// Why `prefix` is not a prefix, or "": like a key, but it may be empty and may end with '/'.
std::string prefix_problem(std::string_view prefix);

/// The storage_invalid error for a key or prefix with `problem`.
StorageError invalid_key(std::string_view what, std::string_view key, std::string_view problem);

}  // namespace wfc::storage
