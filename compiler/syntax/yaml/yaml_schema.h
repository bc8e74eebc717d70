// YAML 1.2 core schema: what a plain (unquoted, untagged) scalar means. `null`, `~` and the
// empty scalar are null; `true`/`false` (three spellings each) are booleans; decimal, `0o` and
// `0x` integers; decimal floats, `.inf` and `.nan`. Everything else, `yes`/`no`/`on`/`off`
// included (they were booleans only in YAML 1.1), is a string.
#pragma once

#include <string_view>

#include "compiler/value/value.h"

namespace wfc::syntax {

/// Sets `out`'s type and payload (not its span) from a plain scalar.
void resolve_plain_scalar(std::string_view text, Value& out);

/// The core-schema type a standard tag (`tag:yaml.org,2002:int` …) asks for; false for a tag
/// that is not one of str, null, bool, int, float, map, seq.
bool standard_tag_type(std::string_view tag, ValueType& type);

}  // namespace wfc::syntax
