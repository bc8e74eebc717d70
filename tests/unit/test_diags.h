// Test helpers that print diagnostics as one line each, so a test states everything a user sees:
// "1:24-1:32 WF111 unknown field 'optons' in a task | did you mean 'options'? @/0/optons".
#pragma once

#include <ostream>
#include <string>
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

inline std::vector<std::string> describe(const diag::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(describe(d));
  return out;
}

}  // namespace wfc::test
