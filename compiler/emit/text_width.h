// Small text helpers the emitters share: the width of text in columns (code points, as spans
// count them) and a string as a JSON string literal (which the YAML and DSL writers reuse for
// their double-quoted strings).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wfc::emit {

/// Columns the text takes: its code points (continuation bytes do not count).
inline size_t text_width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

/// `"text"` with JSON escapes (\" \\ \n \t \uXXXX for other control characters).
std::string json_string(std::string_view s);

/// The shortest text that reads back as the same double, with ".0" kept so that it stays a
/// number and does not read back as an integer ("1.0", "1e+300"). Finite numbers only.
std::string json_number(double d);

}  // namespace wfc::emit
