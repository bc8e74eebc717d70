// A linear pre-scan of DSL text before the ANTLR parser sees it. The generated parser is
// recursive, so nesting of ( [ { deeper than Limits::max_depth is refused here (WF105) and never
// reaches it; a block comment without its end (which would otherwise fall apart into many
// stray tokens) is one WF101 here.
#pragma once

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"

namespace wfc::syntax {

/// Returns false (after adding the diagnostic) when the text must not be parsed.
bool prescan_dsl(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits);

}  // namespace wfc::syntax
