// The storage of a URL, and the key layout of runs' files (open_storage.h).
#include "runtime/storage/open_storage.h"

#include <cctype>

#include "runtime/storage/local_storage.h"
#include "runtime/storage/s3_storage.h"

namespace wfc::storage {
namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
      return false;
  }
  return true;
}

}  // namespace

StorageResult<std::shared_ptr<Storage>> open_storage(std::string_view url,
                                                     const std::filesystem::path& data_dir,
                                                     const EnvReader& getenv) {
  StorageResult<std::shared_ptr<Storage>> out;
  if (url.empty()) {
    out.value = std::make_shared<LocalStorage>(std::filesystem::absolute(data_dir / "runs"));
    return out;
  }
  if (url.starts_with("s3://")) {
    auto config = s3_config_from_env(url, getenv);
    if (!config.ok()) {
      out.error = config.error;
      return out;
    }
    out.value = std::make_shared<S3Storage>(std::move(config.value));
    return out;
  }
  std::string_view path = url;
  if (url.starts_with("file://")) {
    path = url.substr(7);
    if (!path.starts_with("/")) {
      out.error = StorageError{StorageErrorKind::Invalid,
                               "the storage URL '" + std::string(url.substr(0, 200)) +
                                   "' is refused: a file URL names an absolute path "
                                   "(file:///var/lib/wfc/runs)"};
      return out;
    }
  } else if (auto colon = url.find("://"); colon != std::string_view::npos) {
    out.error = StorageError{
        StorageErrorKind::Invalid,
        "the storage URL '" + std::string(url.substr(0, 200)) +
            "' is refused: storage is a local directory (a path or file:///path) or an "
            "S3-compatible bucket (s3://bucket/prefix), not " +
            std::string(url.substr(0, std::min<std::size_t>(colon, 20))) + "://"};
    return out;
  }
  out.value = std::make_shared<LocalStorage>(std::filesystem::absolute(std::string(path)));
  return out;
}

std::string run_file_key(std::string_view run_id, std::string_view path) {
  return std::string(run_id) + "/" + std::string(path);
}

bool is_playlist(std::string_view format, std::string_view path) {
  return format == "hls" || format == "dash" || ends_with_ci(path, ".m3u8") ||
         ends_with_ci(path, ".mpd");
}

}  // namespace wfc::storage
