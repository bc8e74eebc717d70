// The infix condition language, the front end the DSL's `when` clauses and the `select` option
// (frame predicates) use: `kind == "video" && width >= 1280`, `||`, `!`, parentheses,
// `in [..]`, `not in [..]`, `contains`, `starts_with`, `ends_with`, `matches`,
// `exists(metadata.source)`, a bare boolean property (`!black`). Spans are relative to a base
// position, so an expression embedded in a larger file (a DSL block, a JSON string) is located
// in that file. External interface: parse_expression() and compile_expression().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"
#include "compiler/expr/written.h"

namespace wfc::expr {

/// Budgets: hostile text costs bounded time, memory and stack.
struct ParseLimits {
  size_t max_length = 64 * 1024;  // bytes of expression text
  uint32_t max_depth = 64;        // nesting of parentheses and `!`
};

struct ExpressionSource {
  std::string_view text;
  Position base{1, 1};  // where text[0] is in the file
  std::string pointer;  // JSON pointer of the text when it sits in a JSON/YAML value
  bool units = false;   // unit literals (`2s`, `10MB`) allowed, the DSL's `when`: Quantity values
};

/// Parses infix text into the written form. Syntax errors are WF411, one per expression (the
/// first), at the offending token; nullopt then.
std::optional<WrittenNode> parse_expression(const ExpressionSource& source,
                                            diag::Diagnostics& diags,
                                            const ParseLimits& limits = {});

/// Parses and type-checks: the entry point for the DSL and for `select`. nullopt when there
/// were errors (all in `diags`).
std::optional<Predicate> compile_expression(const ExpressionSource& source, const Schema& schema,
                                            diag::Diagnostics& diags,
                                            const ParseLimits& limits = {});

}  // namespace wfc::expr
