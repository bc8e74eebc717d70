// Files and directories that only the owner may read: the data directory, the runs' directories,
// the database and the secrets kept beside it (docs/security.md, "Private files"). Each is
// created with its final mode, never opened up and then narrowed with chmod, so there is no
// moment when another user could open it. `wfc serve` also narrows its umask to 077, which
// covers the files other code creates (FFmpeg's outputs, SQLite's -wal and -shm files).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace wfc::store {

/// Creates `dir` and its missing parents, each one created with mode 0700 (existing ones are
/// left as they are). False with *error when one cannot be made.
bool create_private_dirs(const std::filesystem::path& dir, std::string* error);

/// Creates `path` empty with mode 0600 unless it exists (for a database that SQLite then opens).
/// False with *error when it can be neither found nor made.
bool create_private_file(const std::filesystem::path& path, std::string* error);

/// Keeps `content` (a secret) in `path`, mode 0600 from its first byte: written to a temporary
/// file that mkstemp makes 0600, flushed, then linked into place, so a reader sees the whole
/// secret or nothing. A file there that already holds something is kept, not replaced: the
/// answer is what `path` holds afterwards (`content`, or what another process wrote first), or
/// nullopt with *error.
std::optional<std::string> keep_private_file(const std::filesystem::path& path,
                                             const std::string& content, std::string* error);

/// The permission bits of `path` other than the owner's (0 when it is private or absent).
unsigned shared_mode_bits(const std::filesystem::path& path);

}  // namespace wfc::store
