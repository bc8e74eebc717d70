// Format names, the dispatch from render() to each format, and the colour decision.
#include "compiler/diag/render.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "compiler/diag/render_formats.h"

namespace wfc::diag {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "human") return Format::Human;
  if (name == "json") return Format::Json;
  if (name == "github") return Format::Github;
  if (name == "sarif") return Format::Sarif;
  return std::nullopt;
}

Span normalized(Span span) {
  if (!span.valid()) return {};
  if (span.column == 0) span.column = 1;
  if (span.end_line < span.line || (span.end_line == span.line && span.end_column < span.column)) {
    span.end_line = span.line;
    span.end_column = span.column;
  }
  if (span.end_column == 0) span.end_column = 1;
  return span;
}

void render(std::ostream& out, Format format, const std::vector<Diagnostic>& diags,
            const SourceLookup& sources, const RenderOptions& options) {
  switch (format) {
    case Format::Human: {
      // One batch per file, so each file's gutter is as wide as its largest line number.
      for (size_t begin = 0; begin < diags.size();) {
        size_t end = begin + 1;
        while (end < diags.size() && diags[end].file == diags[begin].file) ++end;
        std::vector<Diagnostic> batch(diags.begin() + static_cast<std::ptrdiff_t>(begin),
                                      diags.begin() + static_cast<std::ptrdiff_t>(end));
        render_human(out, batch, sources ? sources(diags[begin].file) : nullptr, options);
        begin = end;
      }
      return;
    }
    case Format::Json:
      render_json(out, diags);
      return;
    case Format::Github:
      render_github(out, diags);
      return;
    case Format::Sarif:
      render_sarif(out, diags, options);
      return;
  }
}

bool want_color(int fd) {
  if (!::isatty(fd)) return false;
  const char* no_color = std::getenv("NO_COLOR");  // https://no-color.org: set and non-empty
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return !(term && std::strcmp(term, "dumb") == 0);
}

}  // namespace wfc::diag
