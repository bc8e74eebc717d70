// The YAML reader's entry point (yaml_reader.cpp): YAML 1.2 into the located Value tree every
// reader gives (compiler/syntax/reader.h), on yaml-cpp 0.7.
#pragma once

#include <optional>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// YAML 1.2 (yaml-cpp), one document, core schema; duplicate keys WF102, tabs WF108.
std::optional<Value> read_yaml(const SourceFile& file, diag::Diagnostics& diags,
                               const Limits& limits = {});

}  // namespace wfc::syntax
