// Object ids on the wire (DESIGN.md "Runtime contracts"): a prefix (`run_`, `task_`, `auto_`,
// `file_`, `evt_`, `key_`) and 16 characters of [0-9a-z] from a CSPRNG, so ids are not
// guessable and never collide in practice (82 bits).
#pragma once

#include <string>
#include <string_view>

namespace wfc::model {

std::string new_id(std::string_view prefix);  // new_id("run") → "run_k3h9…" (16 chars after _)

/// Whether `id` has this prefix, an underscore and 16 characters of [0-9a-z].
bool is_id(std::string_view id, std::string_view prefix);

}  // namespace wfc::model
