// A file being written into a run's workspace: it lives under a hidden temporary name until
// commit() gives it its final name in one rename, so readers never see a partial input, and it is
// removed if anything fails before that.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::ingest {

class WorkspaceFile {
 public:
  /// Creates the workspace directory if needed and a temporary file in it; check ok().
  explicit WorkspaceFile(const std::filesystem::path& workspace);
  ~WorkspaceFile();
  WorkspaceFile(const WorkspaceFile&) = delete;
  WorkspaceFile& operator=(const WorkspaceFile&) = delete;

  /// False when the temporary file could not be created; error() says why.
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  int fd() const { return fd_; }

  /// Appends all of `data`; false (with error()) on failure.
  bool write(std::string_view data);
  /// Closes the file and renames it to `name`, or to name-1.ext, name-2.ext, ... when taken
  /// (never replacing a file). Returns the final path, or nullopt with error().
  std::optional<std::filesystem::path> commit(const std::string& name);

 private:
  std::filesystem::path workspace_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
  std::string error_;
};

/// A safe file name from the last segment of a URL path or file path: percent-decoded, letters,
/// digits, '.', '-' and '_' kept, anything else '_', no leading dot, at most 100 bytes; "input"
/// when nothing is left.
std::string workspace_name(std::string_view path, bool percent_encoded);

/// Percent-decodes `text`; %XX with bad hex digits is kept as written.
std::string percent_decode(std::string_view text);

}  // namespace wfc::ingest
