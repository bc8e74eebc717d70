// Test helpers that print diagnostics as one line each, so a test states everything a user sees:
// "1:24-1:32 WF111 unknown field 'optons' in a task | did you mean 'options'? @/0/optons".
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"

namespace wfc {
// Spans print as "1:11-1:18" in test failures (and Catch2 does not mistake them for ranges).
inline std::ostream& operator<<(std::ostream& os, const Span& s) {
  return os << s.line << ':' << s.column << '-' << s.end_line << ':' << s.end_column;
}
}  // namespace wfc

namespace wfc::test {

inline std::string describe(const diag::Diagnostic& d) {
  std::string s = std::to_string(d.span.line) + ":" + std::to_string(d.span.column) + "-" +
                  std::to_string(d.span.end_line) + ":" + std::to_string(d.span.end_column) + " " +
                  std::string(diag::id(d.code)) + " " + d.message;
  if (!d.hint.empty()) s += " | " + d.hint;
  if (!d.pointer.empty()) s += " @" + d.pointer;
  return s;
}

/// "L:C-L:E" of the nth occurrence of `needle` (on one line) in `text`, columns in code points:
/// where a user would find it. An independent oracle for the spans the code computes.
inline std::string at(std::string_view text, std::string_view needle, int nth = 0) {
  size_t pos = text.find(needle);
  while (nth-- > 0 && pos != std::string_view::npos) pos = text.find(needle, pos + 1);
  if (pos == std::string_view::npos) return "<" + std::string(needle) + " not found>";
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  uint32_t end = column;
  for (char c : needle) end += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return std::to_string(line) + ":" + std::to_string(column) + "-" + std::to_string(line) + ":" +
         std::to_string(end);
}

/// at() of `needle` where it first occurs after `context`: at_in(doc, "\"fps\": ", "0").
inline std::string at_in(std::string_view text, std::string_view context, std::string_view needle) {
  size_t start = text.find(context);
  if (start == std::string_view::npos) return "<" + std::string(context) + " not found>";
  size_t pos = text.find(needle, start + context.size());
  if (pos == std::string_view::npos) return "<" + std::string(needle) + " not found>";
  int nth = 0;
  for (size_t p = text.find(needle); p < pos; p = text.find(needle, p + 1)) ++nth;
  return at(text, needle, nth);
}

inline std::vector<std::string> describe(const diag::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(describe(d));
  return out;
}

}  // namespace wfc::test
