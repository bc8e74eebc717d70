// Reading YAML tokens back out of the raw text. yaml-cpp reports where a node starts but not
// where it ends, so the YAML reader measures each token itself: a quoted scalar through its
// closing quote, a plain scalar as far as its (possibly folded) value reaches, and so on.
#pragma once

#include <cstddef>
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"

namespace wfc::syntax {

constexpr size_t kNoOffset = std::string_view::npos;

/// The span of the one character (code point) at `offset`; a point when it is past the end.
Span char_span(const SourceFile& file, size_t offset);

/// WF105 at `span`, with the message the whole YAML reader uses.
void report_too_deep(diag::Diagnostics& diags, Span span, const Limits& limits);

/// Skips spaces, tabs, line breaks and comments from `p`.
size_t skip_space(std::string_view text, size_t p);

/// Skips the node properties (`&anchor`, `!tag`) that start at `p` and the space after them;
/// `props_end` receives the end of the last property (or `p` when there is none).
size_t skip_properties(std::string_view text, size_t p, size_t* props_end = nullptr);

/// The end of a quoted scalar whose opening quote is at `p` (just past the closing quote), or
/// kNoOffset when it is never closed.
size_t quoted_end(std::string_view text, size_t p);

/// The end of a plain scalar starting at `p` whose value (as yaml-cpp folded it) is `value`.
size_t plain_end(std::string_view text, size_t p, std::string_view value);

}  // namespace wfc::syntax
