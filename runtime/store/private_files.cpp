// Private files and directories (see private_files.h).
#include "runtime/store/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace wfc::store {

namespace fs = std::filesystem;

namespace {

std::string errno_text(const std::string& what, const fs::path& path) {
  return what + " '" + path.string() + "': " + std::strerror(errno);
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool create_private_dirs(const fs::path& dir, std::string* error) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      *error = errno_text("cannot create", *it);
      return false;
    }
  }
  if (!fs::is_directory(dir, ec)) {
    *error = "'" + dir.string() + "' is not a directory";
    return false;
  }
  return true;
}

bool create_private_file(const fs::path& path, std::string* error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  if (errno == EEXIST) return true;
  *error = errno_text("cannot create", path);
  return false;
}

std::optional<std::string> keep_private_file(const fs::path& path, const std::string& content,
                                             std::string* error) {
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(temp.data());  // mode 0600, whatever the umask
  if (fd < 0) {
    *error = errno_text("cannot create a file in", dir);
    return std::nullopt;
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() { ::unlink(path.c_str()); }
  } cleanup{temp};
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = errno_text("cannot write", temp);
      ::close(fd);
      return std::nullopt;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    *error = errno_text("cannot write", temp);
    return std::nullopt;
  }
  if (::link(temp.c_str(), path.c_str()) == 0) return content;
  if (errno != EEXIST) {
    *error = errno_text("cannot create", path);
    return std::nullopt;
  }
  // Someone else's file: theirs wins, unless it is empty (a write that never finished).
  std::string there = read_all(path);
  if (!there.empty()) return there;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    *error = errno_text("cannot replace", path);
    return std::nullopt;
  }
  return content;
}

unsigned shared_mode_bits(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode & 077);
}

}  // namespace wfc::store
