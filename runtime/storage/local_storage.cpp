// LocalStorage (local_storage.h): files under a directory, read and written in chunks.
#include "runtime/storage/local_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace wfc::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunk = 256 * 1024;

StorageError disk_error(std::string_view what, const fs::path& path, std::string_view why) {
  return {StorageErrorKind::Unavailable,
          "cannot " + std::string(what) + " " + path.string() + ": " + std::string(why)};
}

/// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

LocalStorage::LocalStorage(fs::path root) : root_(std::move(root)) {}

std::string LocalStorage::describe() const { return root_.string(); }

std::optional<fs::path> LocalStorage::local_file(std::string_view key) const {
  if (!key_problem(key).empty()) return std::nullopt;
  return root_ / fs::path(std::string(key));
}

StorageStatus LocalStorage::put_file(std::string_view key, const fs::path& file) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  fs::path target = root_ / fs::path(std::string(key));
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return StorageError{StorageErrorKind::NotFound, "cannot store " + file.string() + " at '" +
                                                        std::string(key) +
                                                        "': it is not a readable regular file"};
  }
  fs::create_directories(target.parent_path(), ec);
  if (ec) return disk_error("create the folder", target.parent_path(), ec.message());
  // A hidden temporary file beside the target (list skips hidden names), renamed over it.
  std::string tmpl =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  Fd out{::mkostemp(tmpl.data(), O_CLOEXEC)};
  if (out.fd < 0) return disk_error("create a file in", target.parent_path(), std::strerror(errno));
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  auto fail = [&](std::string_view what, const fs::path& path) {
    StorageError e = disk_error(what, path, std::strerror(errno));
    ::unlink(tmpl.c_str());
    return e;
  };
  if (in.fd < 0) return fail("read", file);
  std::string buffer(kChunk, '\0');
  while (true) {
    ssize_t n = ::read(in.fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("read", file);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.fd, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail("write", target);
      done += w;
    }
  }
  if (::fchmod(out.fd, 0644) != 0 || ::fsync(out.fd) != 0) return fail("write", target);
  if (::rename(tmpl.c_str(), target.c_str()) != 0) return fail("write", target);
  return std::nullopt;
}

StorageStatus LocalStorage::read(std::string_view key, const ByteSink& sink,
                                 std::optional<ByteRange> range) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  fs::path path = root_ / fs::path(std::string(key));
  // An object is a regular file: a symbolic link at the key is none (it could lead anywhere).
  Fd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  struct stat st {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (in.fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
      return disk_error("read", path, std::strerror(errno));
    }
    return StorageError{StorageErrorKind::NotFound,
                        "no object at '" + std::string(key) + "' in " + describe()};
  }
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t offset = 0, end = size;
  if (range) {
    if (range->offset >= size && size > 0) {
      return StorageError{StorageErrorKind::Invalid,
                          "the range starts at byte " + std::to_string(range->offset) + " of '" +
                              std::string(key) + "', which has " + std::to_string(size) + " bytes"};
    }
    offset = std::min(range->offset, size);
    if (range->length) end = std::min(size, offset + *range->length);
  }
  std::string buffer(kChunk, '\0');
  while (offset < end) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, end - offset));
    ssize_t n = ::pread(in.fd, buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return disk_error("read", path, std::strerror(errno));
    if (n == 0) break;  // the file shrank under us
    if (!sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) {
      return StorageError{StorageErrorKind::Unavailable,
                          "reading '" + std::string(key) + "': the receiver stopped"};
    }
    offset += static_cast<std::uint64_t>(n);
  }
  return std::nullopt;
}

StorageResult<ObjectStat> LocalStorage::stat(std::string_view key) {
  if (auto problem = key_problem(key); !problem.empty()) {
    return {{}, invalid_key("key", key, problem)};
  }
  fs::path path = root_ / fs::path(std::string(key));
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);  // a link is no object (read refuses it too)
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
    return {{}, disk_error("look at", path, ec.message())};
  }
  if (!fs::is_regular_file(status)) return {{false, 0}, std::nullopt};
  std::uint64_t size = fs::file_size(path, ec);
  if (ec) return {{}, disk_error("look at", path, ec.message())};
  return {{true, size}, std::nullopt};
}

StorageStatus LocalStorage::remove(std::string_view key) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  fs::path path = root_ / fs::path(std::string(key));
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) return std::nullopt;
  if (!fs::remove(path, ec) && ec) return disk_error("delete", path, ec.message());
  // Empty folders left behind go too, up to (not including) the root.
  for (fs::path dir = path.parent_path(); dir != root_ && dir.has_relative_path();
       dir = dir.parent_path()) {
    if (!fs::is_empty(dir, ec) || ec || !fs::remove(dir, ec)) break;
  }
  return std::nullopt;
}

StorageStatus LocalStorage::remove_prefix(std::string_view prefix) {
  if (auto problem = prefix_problem(prefix); !problem.empty()) {
    return invalid_key("prefix", prefix, problem);
  }
  std::string folder(prefix);
  if (!folder.empty() && folder.back() == '/') folder.pop_back();
  fs::path dir = folder.empty() ? root_ : root_ / fs::path(folder);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return std::nullopt;
  if (folder.empty()) {
    for (const auto& entry : fs::directory_iterator(root_, ec)) {
      fs::remove_all(entry.path(), ec);
      if (ec) return disk_error("delete", entry.path(), ec.message());
    }
    if (ec) return disk_error("list", root_, ec.message());
    return std::nullopt;
  }
  fs::remove_all(dir, ec);
  if (ec) return disk_error("delete", dir, ec.message());
  return std::nullopt;
}

StorageResult<std::vector<ObjectInfo>> LocalStorage::list(std::string_view prefix) {
  if (auto problem = prefix_problem(prefix); !problem.empty()) {
    return {{}, invalid_key("prefix", prefix, problem)};
  }
  std::string folder(prefix);
  if (!folder.empty() && folder.back() == '/') folder.pop_back();
  fs::path dir = folder.empty() ? root_ : root_ / fs::path(folder);
  StorageResult<std::vector<ObjectInfo>> out;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(".")) {  // temporary files of puts in progress, and anything hidden
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::uint64_t size = it->file_size(ec);
    if (ec) break;
    out.value.push_back({fs::relative(it->path(), root_).generic_string(), size});
  }
  if (ec) return {{}, disk_error("list", dir, ec.message())};
  std::sort(out.value.begin(), out.value.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace wfc::storage
