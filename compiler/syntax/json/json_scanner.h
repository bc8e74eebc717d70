// The strict JSON diagnostic scanner: it finds the first place where a text stops being RFC 8259
// JSON and says why, in words a person can act on ("trailing comma is not allowed in JSON").
// read_json runs it only after simdjson has rejected a file: simdjson is fast, but its error
// codes say little about what is wrong or where. The fuzz harness also runs both on every input
// and insists they agree on what is valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "compiler/diag/codes.h"
#include "compiler/source/source.h"

namespace wfc::syntax {

/// One located JSON error: InvalidSyntax (WF101) or TooDeep (WF105).
struct JsonError {
  diag::Code code = diag::Code::InvalidSyntax;
  Span span;
  std::string message;
  std::string hint;
};

/// The first error in the file's text from byte `start` on (read_json passes 3 to skip a BOM), or
/// nullopt when the rest is exactly one JSON value nested at most `max_depth` levels.
/// Non-recursive and linear in the text; expects valid UTF-8 (precheck has seen to that).
std::optional<JsonError> find_json_error(const SourceFile& file, size_t start, uint32_t max_depth);

/// The WF105 error for the bracket at `offset`, the first to nest deeper than `max_depth`.
JsonError too_deep_error(const SourceFile& file, size_t offset, uint32_t max_depth);

}  // namespace wfc::syntax
