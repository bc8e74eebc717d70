// The `input` of POST /tasks in the form of seeds/004 ({kind, input, options}): what it names,
// resolved to the input the run behind the task reads. probe and import take {"url": …}; the other
// kinds take a File object from an earlier task, which must name a file this server issued (by its
// `url`, signed or not, else by its `id` through the store's files table) or a URL the access
// policy allows. Anything else is a 422 whose `pointer` is in /input.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/api/context.h"

namespace wfc::api {

struct TaskInput {
  /// What the run stores as its input: the external URL, or an issued file's reference
  /// (ingest::IssuedFile::reference), which the worker reads in the data directory.
  std::string run_input;
  /// The `url` the task's document is compiled with (the URL as the client gave it).
  std::string url;
  /// The task's `input` as the 201 shows it: the File given, or {object: external_file, url}.
  nlohmann::json shown;
};

/// Resolves `input` for a task of `kind`; nullopt on success, with *out filled.
std::optional<ApiError> resolve_task_input(const Context& ctx, const std::string& kind,
                                           const nlohmann::json& input, TaskInput* out);

/// The `input` of a task reading the external URL `url`, before its worker has read it.
nlohmann::json external_file(const std::string& url);

}  // namespace wfc::api
