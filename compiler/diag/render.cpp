#include "compiler/diag/render.h"
namespace wfc::diag {
std::optional<Format> parse_format(std::string_view name) {  // STUB
  if (name == "human") return Format::Human;
  return std::nullopt;
}
void render_human(std::ostream& out, const std::vector<Diagnostic>& diags, const SourceFile*,
                  const RenderOptions&) {  // STUB
  for (const auto& d : diags)
    out << d.file << ":" << d.span.line << ":" << d.span.column << ": " << id(d.code) << " "
        << d.message << "\n";
}
void render(std::ostream& out, Format, const std::vector<Diagnostic>& diags, const SourceLookup&,
            const RenderOptions& o) {  // STUB
  render_human(out, diags, nullptr, o);
}
bool want_color(int) { return false; }  // STUB
}  // namespace wfc::diag
