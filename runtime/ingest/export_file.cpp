// export_file(): the walk below the allowed directory without following symlinks, the temporary
// file and its rename (runtime/ingest/export_file.h).
#include "runtime/ingest/export_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>
#include <system_error>
#include <vector>

#include "runtime/ingest/fd.h"

namespace wfc::ingest {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kDirMode = 0750;   // directories an export creates (before the umask)
constexpr mode_t kFileMode = 0640;  // exported files (before the umask)

ExportResult failure(std::string kind, std::string message) {
  ExportResult r;
  r.error = ExportError{std::move(kind), std::move(message)};
  return r;
}

/// Opens the directory `name` inside `parent` without following a symlink (O_PATH: enough to
/// look up, create and rename inside it, whatever the directory's read permission). -1 with errno.
int open_dir_at(int parent, const std::string& name) {
  return openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

bool is_symlink_at(int parent, const std::string& name) {
  struct stat st {};
  return fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/// A hidden temporary file in `dir`, created exclusively (never an existing file or a symlink).
Fd create_temp(int dir, std::string* name) {
  std::random_device seed;
  std::mt19937_64 random(seed());
  for (int attempt = 0; attempt < 100; ++attempt) {
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
    *name = std::string(".wfc-export-") + suffix;
    int fd =
        openat(dir, name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode);
    if (fd >= 0 || errno != EEXIST) return Fd(fd);
  }
  errno = EEXIST;
  return Fd(-1);
}

/// Copies all of `in` to `out` and flushes it to the disk; 0 or an errno value.
int copy_all(int in, int out) {
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t got = read(in, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno;
    if (got == 0) break;
    for (ssize_t done = 0; done < got;) {
      ssize_t n = write(out, buffer.data() + done, static_cast<size_t>(got - done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return errno;
      done += n;
    }
  }
  return fdatasync(out) == 0 ? 0 : errno;
}

/// Gives `from` the name `to` in `dir` unless `to` exists: 0, or an errno value (EEXIST if
/// taken).
int rename_no_replace(int dir, const std::string& from, const std::string& to) {
  if (renameat2(dir, from.c_str(), dir, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // File systems without RENAME_NOREPLACE: link() never replaces either.
  if (linkat(dir, from.c_str(), dir, to.c_str(), 0) != 0) return errno;
  unlinkat(dir, from.c_str(), 0);
  return 0;
}

/// Removes the temporary file unless it was renamed into place.
struct TempGuard {
  int dir;
  std::string name;
  bool keep = false;
  ~TempGuard() {
    if (!keep && !name.empty()) unlinkat(dir, name.c_str(), 0);
  }
};

}  // namespace

ExportResult export_file(const AccessPolicy& policy, const fs::path& source, const fs::path& dir,
                         const std::string& name, bool overwrite) {
  std::string refused = "refused to export to '" + dir.string() + "': ";
  if (!policy.writes_files()) {
    return failure("output_refused", refused +
                                         "exports to local directories are not allowed here; "
                                         "allow a directory with --allow-export or "
                                         "WFC_ALLOW_EXPORT");
  }
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return failure("export_failed", "cannot export a file named '" + name + "'");
  }
  // Judged by name first, so that the answer says nothing about what exists outside.
  std::error_code ec;
  fs::path absolute = fs::absolute(dir, ec).lexically_normal();
  auto root = ec ? std::nullopt : policy.export_root(absolute);
  if (!root) {
    return failure("output_refused",
                   refused +
                       "it is outside the directories allowed with --allow-export or "
                       "WFC_ALLOW_EXPORT");
  }

  // The allowed directory itself, from '/', then each component below it: none may be a symlink.
  // The allowed directory was canonical when allowed, so a symlink on its way now was swapped in.
  Fd at(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  fs::path reached = "/";
  for (const auto& part : root->canonical.relative_path()) {
    if (part.empty()) continue;
    reached /= part;
    Fd next(open_dir_at(at.get(), part.string()));
    if (next.get() < 0) {
      int err = errno;
      return failure(err == ELOOP || err == ENOTDIR ? "output_refused" : "export_failed",
                     refused + "the allowed directory '" + root->canonical.string() +
                         "' cannot be reached without following a symlink or is gone (at '" +
                         reached.string() + "': " + errno_text(err) + ")");
    }
    at = std::move(next);
  }
  for (const auto& part : root->below) {
    std::string component = part.string();
    reached /= part;
    Fd next(open_dir_at(at.get(), component));
    if (next.get() < 0 && errno == ENOENT) {
      if (mkdirat(at.get(), component.c_str(), kDirMode) != 0 && errno != EEXIST) {
        return failure("export_failed", "cannot create the directory '" + reached.string() +
                                            "': " + errno_text(errno));
      }
      next = Fd(open_dir_at(at.get(), component));
    }
    if (next.get() < 0) {
      int err = errno;
      if (is_symlink_at(at.get(), component)) {
        return failure("output_refused",
                       refused + "'" + reached.string() +
                           "' is a symbolic link; exports follow no symlink below the "
                           "directories allowed with --allow-export");
      }
      return failure("export_failed",
                     "cannot export into '" + reached.string() +
                         "': " + (err == ENOTDIR ? "it is not a directory" : errno_text(err)));
    }
    at = std::move(next);
  }
  fs::path target = reached / name;

  // An existing destination: decided now, before copying, and again by the rename itself.
  struct stat st {};
  if (fstatat(at.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) {
      return failure("output_refused", refused + "'" + target.string() +
                                           "' is a symbolic link; exports neither follow nor "
                                           "replace symlinks");
    }
    if (!overwrite) {
      return failure("export_exists", "'" + target.string() +
                                          "' already exists; set the export's option "
                                          "`overwrite: true` to replace it");
    }
    if (!S_ISREG(st.st_mode)) {
      return failure("export_exists", "'" + target.string() +
                                          "' exists and is not a regular file; `overwrite` "
                                          "replaces only files");
    }
  }

  std::string copy_error =
      "could not copy '" + source.string() + "' to '" + target.string() + "': ";
  Fd in(open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return failure("export_failed", copy_error + errno_text(errno));
  TempGuard temp{at.get(), ""};
  Fd out = create_temp(at.get(), &temp.name);
  if (out.get() < 0) {
    temp.name.clear();
    return failure("export_failed", copy_error + errno_text(errno));
  }
  if (int err = copy_all(in.get(), out.get())) {
    return failure("export_failed", copy_error + errno_text(err));
  }
  if (close(out.release()) != 0) return failure("export_failed", copy_error + errno_text(errno));
  if (overwrite) {
    // rename() replaces the name, never writes through it: a symlink swapped in is replaced.
    if (renameat(at.get(), temp.name.c_str(), at.get(), name.c_str()) != 0) {
      return failure("export_failed", copy_error + errno_text(errno));
    }
  } else if (int err = rename_no_replace(at.get(), temp.name, name)) {
    if (err == EEXIST) {
      return failure("export_exists", "'" + target.string() +
                                          "' already exists; set the export's option "
                                          "`overwrite: true` to replace it");
    }
    return failure("export_failed", copy_error + errno_text(err));
  }
  temp.keep = true;
  ExportResult r;
  r.path = target;
  return r;
}

}  // namespace wfc::ingest
