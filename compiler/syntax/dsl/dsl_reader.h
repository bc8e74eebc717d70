// The workflow DSL reader (.wf; grammar/Workflow.g4, described in grammar/README.md). It reads
// a file into the same located Value tree the JSON reader gives for the equivalent JSON, spans on
// the DSL's tokens, so the document builder and the checker treat every syntax alike.
#pragma once

#include <optional>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// Syntax errors are WF101, one per mistake, and reading goes on after each so that every
/// mistake is reported; with any of them the result is nullopt (a half-understood file would
/// only produce follow-on errors). Nesting past limits.max_depth is WF105, before parsing. Unit
/// literals (`2s`, `10MB`) are kept as written, ValueType::Quantity: the checker types and
/// converts them (compiler/check/quantities.h).
std::optional<Value> read_dsl(const SourceFile& file, diag::Diagnostics& diags,
                              const Limits& limits = {});

/// For `wfc validate`: like read_dsl, but after mistakes it still returns the document made of
/// what was read cleanly, so that independent mistakes elsewhere are reported too. A task whose
/// options or condition were lost, a task list that lost a task, and a task that lost the rest
/// of its chain have their spans (of the task object or the list) added to `incomplete`, so
/// that what they lack is not reported as missing (check/cascades.h). nullopt when the file is
/// beyond that (an unclosed brace the indentation cannot place, nesting past the limits).
std::optional<Value> read_dsl_recovering(const SourceFile& file, diag::Diagnostics& diags,
                                         std::vector<Span>& incomplete, const Limits& limits = {});

}  // namespace wfc::syntax
