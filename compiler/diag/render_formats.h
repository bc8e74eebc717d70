// The per-format renderers behind render() (render.h), one file each, plus the helpers they
// share. Internal to compiler/diag: callers use render.h.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/render.h"

namespace wfc::diag {

void render_json(std::ostream& out, const std::vector<Diagnostic>& diags);
void render_github(std::ostream& out, const std::vector<Diagnostic>& diags);
void render_sarif(std::ostream& out, const std::vector<Diagnostic>& diags,
                  const RenderOptions& options);

/// The span with its end never before its start (a producer may leave the end unset), so every
/// format can print end_line/end_column without checking.
Span normalized(Span span);

}  // namespace wfc::diag
