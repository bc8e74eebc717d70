// The engines a configuration names (runtime/ai/config.h), built once per process by `wfc run`,
// `wfc serve` and `wfc worker`: each role's local engine or HTTP provider. Its own folder, as the
// one place that knows every engine (runtime/ai/local, runtime/ai/http), which know only ai.h.
#pragma once

#include "runtime/ai/ai.h"
#include "runtime/ai/config.h"

namespace wfc::ai {

/// The engines `config` names. Never fails: an engine that cannot be built is null in the
/// result, with the reason its kinds will fail with (a local model not installed).
Engines make_engines(const Config& config);

}  // namespace wfc::ai
