// Outputs through the Storage interface (docs/storage.md, "Wiring"), once for every kind: a
// StoringExecutor wraps the executor of a run. Tasks still write into the run's working directory
// (FFmpeg needs files); when a node succeeds, its output files — a playlist with its whole folder
// — are put into the storage at "<run id>/<path>" before the result goes back to the scheduler,
// so a recorded success means the bytes are durable. A put that fails fails the node with the
// storage's error kind (`storage_unavailable` when the bucket cannot be reached, after the
// storage's own retries) and a message naming the file and the storage. A file the storage
// already keeps in place (LocalStorage over DATA/runs, the default) is not copied. An input that
// is missing from the working directory (a parent's output from an earlier attempt, on another
// machine) is fetched from the storage before the node runs. External interface:
// StoringExecutor, keeps_in_place, fetch_object.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/exec/executor.h"
#include "runtime/storage/storage.h"

namespace wfc::exec {

class StoringExecutor final : public Executor {
 public:
  StoringExecutor(Executor& inner, storage::Storage& storage, std::string run_id,
                  std::filesystem::path workspace);

  std::optional<nlohmann::json> probe(const std::filesystem::path& path, TaskError* error) override;
  std::vector<NodeResult> execute(const Work& work) override;
  bool serves_chained_members() const override { return inner_.serves_chained_members(); }

 private:
  /// Puts the files of `result`'s outputs; the error that prevented it.
  std::optional<TaskError> store(const NodeResult& result, const FileRef& input);
  /// Fetches `file` (and a playlist's folder) from the storage when it is not in the workspace.
  std::optional<TaskError> restore(const FileRef& file);
  /// The path of `file` relative to the workspace when it is a run file (a valid key), or "".
  std::string relative(const std::filesystem::path& file) const;

  Executor& inner_;
  storage::Storage& storage_;
  std::string run_id_;
  std::filesystem::path workspace_;
};

/// Whether `storage` keeps run `run_id`'s files in `workspace` itself (LocalStorage over
/// DATA/runs): then nothing is copied, and the workspace is the stored copy.
bool keeps_in_place(const storage::Storage& storage, std::string_view run_id,
                    const std::filesystem::path& workspace);

/// Copies the object at `key` into the file `dest` (its folder created), through a temporary
/// file beside it renamed over it.
storage::StorageStatus fetch_object(storage::Storage& storage, std::string_view key,
                                    const std::filesystem::path& dest);

}  // namespace wfc::exec
