// Temporary-then-rename writes into the workspace, and the names inputs get there.
#include "runtime/ingest/workspace_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "runtime/ingest/fd.h"

namespace wfc::ingest {
namespace {

namespace fs = std::filesystem;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Gives `from` the name `to` unless `to` exists. Returns 0, or an errno value (EEXIST if taken).
int rename_no_replace(const fs::path& from, const fs::path& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // File systems without RENAME_NOREPLACE: link() never replaces either.
  if (link(from.c_str(), to.c_str()) != 0) return errno;
  unlink(from.c_str());
  return 0;
}

}  // namespace

WorkspaceFile::WorkspaceFile(const fs::path& workspace) : workspace_(workspace) {
  std::error_code ec;
  fs::create_directories(workspace, ec);
  if (ec) {
    error_ = "cannot create the workspace '" + workspace.string() + "': " + ec.message();
    return;
  }
  std::string pattern = (workspace / ".wfc-fetch-XXXXXX").string();
  fd_ = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd_ < 0) {
    error_ = "cannot write into the workspace '" + workspace.string() + "': " + errno_text(errno);
    return;
  }
  temp_ = pattern;
}

WorkspaceFile::~WorkspaceFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_ && !temp_.empty()) unlink(temp_.c_str());
}

bool WorkspaceFile::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ =
          "cannot write into the workspace '" + workspace_.string() + "': " + errno_text(errno);
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<fs::path> WorkspaceFile::commit(const std::string& name) {
  int rc = close(fd_);
  fd_ = -1;
  if (rc != 0) {
    error_ = "cannot write into the workspace '" + workspace_.string() + "': " + errno_text(errno);
    return std::nullopt;
  }
  fs::path wanted(name);
  std::string stem = wanted.stem().string();
  std::string ext = wanted.extension().string();
  for (int i = 0; i < 1000; ++i) {
    fs::path to = workspace_ / (i == 0 ? name : stem + "-" + std::to_string(i) + ext);
    int err = rename_no_replace(temp_, to);
    if (err == EEXIST) continue;
    if (err != 0) {
      error_ = "cannot name the input '" + to.string() + "': " + errno_text(err);
      return std::nullopt;
    }
    committed_ = true;
    return to;
  }
  error_ = "the workspace '" + workspace_.string() + "' already holds 1000 files named like '" +
           name + "'";
  return std::nullopt;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string workspace_name(std::string_view path, bool percent_encoded) {
  auto slash = path.find_last_of('/');
  std::string_view segment = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string decoded = percent_encoded ? percent_decode(segment) : std::string(segment);
  std::string name;
  for (char c : decoded) {
    if (name.size() >= 100) break;
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    if (c == '.' && name.empty()) continue;  // no hidden files, no "." or ".."
    name += keep ? c : '_';
  }
  bool meaningful = name.find_first_not_of("_.-") != std::string::npos;
  return meaningful ? name : "input";
}

}  // namespace wfc::ingest
