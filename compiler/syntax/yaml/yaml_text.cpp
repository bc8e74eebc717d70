// Measuring YAML tokens in the raw text (see yaml_text.h).
#include "compiler/syntax/yaml/yaml_text.h"

#include <algorithm>
#include <string>

namespace wfc::syntax {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool ends_property(char c) {
  return is_space(c) || c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

}  // namespace

Span char_span(const SourceFile& file, size_t offset) {
  std::string_view text = file.text();
  if (offset >= text.size()) {
    // End of file: a point just after the last visible character, where the user would type.
    size_t end = text.size();
    while (end > 0 && is_space(text[end - 1])) --end;
    return Span::point(file.position(end));
  }
  size_t end = offset + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return file.span(offset, end);
}

void report_too_deep(diag::Diagnostics& diags, Span span, const Limits& limits) {
  diags.add(diag::Code::TooDeep, span,
            "the document is nested more than " + std::to_string(limits.max_depth) + " levels deep",
            "workflows need only a few levels; look for runaway indentation or unclosed "
            "brackets");
}

size_t skip_space(std::string_view text, size_t p) {
  while (p < text.size()) {
    if (is_space(text[p])) {
      ++p;
    } else if (text[p] == '#') {
      while (p < text.size() && text[p] != '\n') ++p;
    } else {
      break;
    }
  }
  return p;
}

size_t skip_properties(std::string_view text, size_t p, size_t* props_end) {
  size_t end = p;
  while (p < text.size() && (text[p] == '&' || text[p] == '!')) {
    if (text.substr(p, 2) == "!<") {
      size_t close = text.find('>', p);
      p = close == std::string_view::npos ? text.size() : close + 1;
    } else {
      ++p;
      while (p < text.size() && !ends_property(text[p])) ++p;
    }
    end = p;
    p = skip_space(text, p);
  }
  if (props_end) *props_end = end;
  return p;
}

size_t quoted_end(std::string_view text, size_t p) {
  char quote = text[p];
  for (size_t i = p + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return kNoOffset;
}

size_t plain_end(std::string_view text, size_t p, std::string_view value) {
  size_t i = p;
  size_t j = 0;
  while (j < value.size() && i < text.size()) {
    if (text[i] == value[j]) {
      ++i;
      ++j;
    } else if (is_space(text[i]) && (value[j] == ' ' || value[j] == '\n')) {
      // A line fold: the line break and the indentation around it became one space (or, for
      // blank lines, line breaks) in the value.
      while (i < text.size() && is_space(text[i])) ++i;
      while (j < value.size() && (value[j] == ' ' || value[j] == '\n')) ++j;
    } else {
      break;
    }
  }
  return i > p ? i : std::min(p + 1, text.size());
}

}  // namespace wfc::syntax
