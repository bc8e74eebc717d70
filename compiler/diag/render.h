// Renderers turn diagnostics into text: `human` for terminals and logs (source line, caret
// underline, colour), `json` for tools, `github` for Actions annotations, `sarif` for code
// scanning. All take diagnostics already sorted; none reorders them.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace wfc::diag {

enum class Format { Human, Json, Github, Sarif };
std::optional<Format> parse_format(std::string_view name);

/// Finds the text of a file a diagnostic names (for source lines in `human`); may return null.
using SourceLookup = std::function<const SourceFile*(const std::string& path)>;

struct RenderOptions {
  bool color = false;        // ANSI colours (human only)
  std::string tool_version;  // for SARIF's tool.driver.version
};

/// Renders one file's diagnostics in the human format (used per file as results arrive).
void render_human(std::ostream& out, const std::vector<Diagnostic>& diags,
                  const SourceFile* source, const RenderOptions& options);

/// Renders all diagnostics of a run in a machine format (json, github, sarif), or human.
void render(std::ostream& out, Format format, const std::vector<Diagnostic>& diags,
            const SourceLookup& sources, const RenderOptions& options);

/// Whether colour should be used on this stream: a TTY, NO_COLOR unset, TERM not "dumb".
bool want_color(int fd);

}  // namespace wfc::diag
