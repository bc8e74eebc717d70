// Writing a file into a local export directory, only where the access policy lets exports write
// (--allow-export): the destination directory is reached from the allowed directory one component
// at a time with openat(O_NOFOLLOW), so no symlink below it is followed (one swapped in meanwhile
// included); the bytes go to a hidden temporary name in the destination directory, which is
// renamed into place only when complete, so a half-written export is never seen and a failed one
// leaves nothing behind; an existing file is replaced only when the task asks for it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "runtime/ingest/access_policy.h"

namespace wfc::ingest {

/// Why an export failed, as the task reports it: `{kind, message}`.
struct ExportError {
  std::string kind;  // output_refused, export_exists, export_failed
  std::string message;
};

struct ExportResult {
  std::filesystem::path path;  // where the file now is (absolute, below the allowed directory)
  std::optional<ExportError> error;
  bool ok() const { return !error; }
};

/// Copies `source` into the directory `dir` (an absolute or relative path; missing directories
/// below the allowed one are created) under the name `name` (one path component). Refused
/// (`output_refused`) when `dir` is not inside an --allow-export directory, when a component
/// below that directory, or the destination itself, is a symlink. An existing destination fails
/// with `export_exists` unless `overwrite`; with it, a regular file is replaced in one rename.
ExportResult export_file(const AccessPolicy& policy, const std::filesystem::path& source,
                         const std::filesystem::path& dir, const std::string& name, bool overwrite);

}  // namespace wfc::ingest
