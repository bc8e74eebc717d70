// Opening the storage the runs' bytes go to from its URL (`--storage URL` / `WFC_STORAGE`, the
// same for `wfc serve`, `wfc run`, `wfc worker` and the worker processes): nothing (the default)
// is the local directory DATA/runs, today's layout; a path or file:///path is another local
// directory; s3://bucket/prefix is an S3-compatible bucket with the AWS_* variables and
// WFC_S3_ENDPOINT (s3_config.h). Also the key layout of a run's files in any storage.
// docs/storage.md, "Wiring".
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/storage/s3_config.h"
#include "runtime/storage/storage.h"

namespace wfc::storage {

/// The storage at `url` ("" for DATA/runs under `data_dir`), its settings read through `getenv`.
/// storage_invalid, naming the URL or the variable (never a secret's value), when it cannot be
/// one. Nothing is contacted: a bucket that cannot be reached shows at the first transfer.
StorageResult<std::shared_ptr<Storage>> open_storage(std::string_view url,
                                                     const std::filesystem::path& data_dir,
                                                     const EnvReader& getenv);

/// The key of the file `path` (relative to the run's directory, '/'-separated) of run `run_id`:
/// "<run id>/<path>", the layout DATA/runs has always had. A playlist's folder is the prefix
/// "<run id>/<folder>".
std::string run_file_key(std::string_view run_id, std::string_view path);

/// Whether a file is a playlist (HLS or DASH: format "hls" or "dash", or a .m3u8 or .mpd path)
/// whose folder goes with it: stored, signed and deleted together.
bool is_playlist(std::string_view format, std::string_view path);

}  // namespace wfc::storage
