// Outputs of the media pass made from a kind and its options alone, without a workflow: for the
// tests and benchmarks that drive the pass directly. They go through the compiler as a one-task
// workflow would (checked, planned, options typed and defaulted, `select` as typed IR built for
// the VM), so a bad option is refused with the checker's first message, as `wfc validate`
// would report it. External interface: standalone_output().
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/media/pass.h"

namespace wfc::operators {

/// The output `id` of a `kind` task with `options` (a JSON object), writing into `out_dir`;
/// nullopt with *error when the task does not check or its kind has no media operator.
std::optional<media::OutputSpec> standalone_output(const std::string& id, const std::string& kind,
                                                   const nlohmann::json& options,
                                                   const std::filesystem::path& out_dir,
                                                   std::string* error);

}  // namespace wfc::operators
