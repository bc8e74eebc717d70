// The JSON reader's entry point (json_reader.cpp): strict RFC 8259 JSON into the located Value
// tree every reader gives (compiler/syntax/reader.h), on simdjson.
#pragma once

#include <optional>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// Strict RFC 8259 JSON (simdjson). Duplicate keys are WF102.
std::optional<Value> read_json(const SourceFile& file, diag::Diagnostics& diags,
                               const Limits& limits = {});

}  // namespace wfc::syntax
