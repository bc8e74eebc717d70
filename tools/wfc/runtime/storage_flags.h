// The storage flag every command that runs workflows takes (`wfc serve`, `wfc run`, the worker
// processes, `wfc worker`): --storage URL (env WFC_STORAGE), a local directory (the default:
// DATA/runs) or s3://bucket/prefix with the AWS_* variables and WFC_S3_ENDPOINT
// (runtime/storage/open_storage.h; docs/storage.md, "Wiring"). The URL carries no secret, so it
// may travel to a worker process in argv; credentials stay in the environment, which workers
// inherit.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "runtime/storage/open_storage.h"

namespace wfc::cli {

/// Adds --storage to `command`, storing the URL in *url.
inline void add_storage_flag(CLI::App& command, std::string* url) {
  command
      .add_option("--storage", *url,
                  "Where outputs are kept: a directory (default: DATA/runs) or "
                  "s3://bucket/prefix (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, "
                  "WFC_S3_ENDPOINT)")
      ->envname("WFC_STORAGE");
}

/// The storage of `url` (nullptr after printing why, prefixed with `who`, when it cannot be).
inline std::shared_ptr<storage::Storage> open_storage_flag(const std::string& url,
                                                           const std::filesystem::path& data_dir,
                                                           const char* who) {
  auto opened =
      storage::open_storage(url, data_dir, [](const char* name) { return std::getenv(name); });
  if (!opened.ok()) {
    std::cerr << who << ": --storage: " << opened.error->message << "\n";
    return nullptr;
  }
  return opened.value;
}

}  // namespace wfc::cli
