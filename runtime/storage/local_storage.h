// LocalStorage: the Storage interface over a directory on this machine (the embedded default;
// today's DATA/runs layout, where a key is a path relative to the directory). Puts write a hidden
// temporary file beside the target and rename it over the key, so readers see whole objects only.
#pragma once

#include <filesystem>

#include "runtime/storage/storage.h"

namespace wfc::storage {

class LocalStorage final : public Storage {
 public:
  /// Objects live under `root`, which is created when the first object is put.
  explicit LocalStorage(std::filesystem::path root);

  std::string describe() const override;
  StorageStatus put_file(std::string_view key, const std::filesystem::path& file) override;
  StorageStatus read(std::string_view key, const ByteSink& sink,
                     std::optional<ByteRange> range = std::nullopt) override;
  StorageResult<ObjectStat> stat(std::string_view key) override;
  StorageStatus remove(std::string_view key) override;
  StorageStatus remove_prefix(std::string_view prefix) override;
  StorageResult<std::vector<ObjectInfo>> list(std::string_view prefix) override;
  /// root/key, for a valid key.
  std::optional<std::filesystem::path> local_file(std::string_view key) const override;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

}  // namespace wfc::storage
