// The DSL pre-scan: nesting depth and unterminated block comments (dsl_prescan.h). Strings and
// comments are skipped the way the grammar's lexer reads them, so a brace inside "..." or a
// comment does not count.
#include "compiler/syntax/dsl/dsl_prescan.h"

#include <string>

namespace wfc::syntax {

bool prescan_dsl(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits) {
  const std::string& s = file.text();
  const size_t n = s.size();
  uint32_t depth = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '"') {
      // To the closing quote or the end of the line (an unterminated string is the parser's).
      for (++i; i < n && s[i] != '"' && s[i] != '\n' && s[i] != '\r'; ++i) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\r') ++i;
      }
    } else if (c == '#' || (c == '/' && i + 1 < n && s[i + 1] == '/')) {
      while (i < n && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string::npos) {
        diags.add(diag::Code::InvalidSyntax, file.span(i, i + 2), "unterminated comment",
                  "close the comment with '*/'");
        return false;
      }
      i = end + 1;
    } else if (c == '(' || c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        diags.add(diag::Code::TooDeep, file.span(i, i + 1),
                  "nesting deeper than " + std::to_string(limits.max_depth) + " levels",
                  "workflows need far fewer levels; check for a runaway generator");
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  return true;
}

}  // namespace wfc::syntax
