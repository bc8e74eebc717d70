// Frame predicates through the infix parser. The text of a JSON string or YAML scalar is located
// character by character when it is written as is (no escapes, one line): quoted, it starts one
// column after the quote; plain, at the value. Otherwise (escapes, block scalars) a position
// inside the text cannot be mapped back to the file, and problems point at the whole value.
#include "compiler/check/frame_select.h"

#include <optional>

#include "compiler/expr/analyze.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/schema.h"

namespace wfc::check {
namespace {

uint32_t code_points(std::string_view s) {
  uint32_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

/// Where the first character of the value's text is, when the text is written as is.
std::optional<Position> text_start(const Value& v) {
  const Span& s = v.span;
  if (!s.valid() || s.line != s.end_line || v.string.find('\n') != std::string::npos) {
    return std::nullopt;
  }
  uint32_t width = s.end_column - s.column, n = code_points(v.string);
  if (width == n + 2) return Position{s.line, s.column + 1};  // "quoted" or 'quoted'
  if (width == n) return Position{s.line, s.column};          // plain
  return std::nullopt;
}

}  // namespace

void check_frame_predicates(const ast::Task& task, const catalog::KindSpec& kind,
                            const catalog::Catalog& catalog, diag::Diagnostics& diags) {
  for (const auto& o : task.options) {
    const catalog::OptionSpec* spec = kind.option(o.name);
    if (!spec || spec->type.kind != catalog::TypeKind::Expression || !o.value.is_string() ||
        o.value.string.find_first_not_of(" \t\r\n") == std::string::npos) {
      continue;  // not an expression, or not text: options.cpp reports it
    }
    std::optional<Position> start = text_start(o.value);
    diag::Diagnostics found(diags.file());
    expr::ExpressionSource src{o.value.string, start.value_or(o.value.span.begin()), o.pointer};
    std::optional<expr::Schema> local;
    const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::Frame, local);
    if (auto p = expr::compile_expression(src, schema, found)) {
      expr::analyze(p->root, schema, {}, found);
    }
    for (auto& d : found.items()) {
      if (!start) d.span = o.value.span;
      d.pointer = o.pointer;
      diags.add(std::move(d));
    }
  }
}

}  // namespace wfc::check
