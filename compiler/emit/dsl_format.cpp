// The DSL formatter (dsl_format.h): emit_dsl()'s canonical text with the source's comments put
// back where they belong.
#include "compiler/emit/dsl_format.h"

#include <antlr4-runtime.h>

#include <algorithm>

#include "WorkflowLexer.h"
#include "compiler/emit/dsl_layout.h"
#include "compiler/frontend.h"
#include "compiler/syntax/dsl/dsl_lexer.h"

namespace wfc::emit {
namespace {

bool before(Position a, Position b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

/// A block comment spread over several lines keeps its inner lines as written, re-indented by
/// the difference between its old and new column.
std::string place(const Comment& c, size_t indent) { return std::string(indent, ' ') + c.text; }

}  // namespace

std::vector<Comment> dsl_comments(const SourceFile& source) {
  // The reader's own lexer, so that what is a comment (and what is inside a string) can never
  // differ between the reader and the formatter. Called only on text the reader accepted.
  std::string_view text = source.text();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // the BOM takes no column
  syntax::DslLexer lexer(text);
  std::vector<Comment> out;
  size_t code_line = 0;  // the line where the last code (or block comment) ended
  for (auto token = lexer.nextToken(); token->getType() != antlr4::Token::EOF;
       token = lexer.nextToken()) {
    size_t line = token->getLine();
    int type = token->getType();
    if (type != wfcdsl::WorkflowLexer::LINE_COMMENT &&
        type != wfcdsl::WorkflowLexer::BLOCK_COMMENT) {
      code_line = line;
      continue;
    }
    std::string t = token->getText();
    if (type == wfcdsl::WorkflowLexer::LINE_COMMENT) {
      while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.pop_back();
    }
    Position at{static_cast<uint32_t>(line),
                static_cast<uint32_t>(token->getCharPositionInLine() + 1)};
    out.push_back({at, t, code_line == line});
    // Code may follow a block comment on its last line.
    if (type == wfcdsl::WorkflowLexer::BLOCK_COMMENT) {
      code_line = line + static_cast<size_t>(std::count(t.begin(), t.end(), '\n'));
    }
  }
  return out;
}

std::optional<std::string> format_dsl(const SourceFile& source, diag::Diagnostics& diags) {
  auto result = compile_source(source, syntax::Syntax::Dsl);
  bool unreadable = !result.document || result.partial;
  for (auto& d : result.diagnostics.items()) {
    // Syntax and shape problems (WF1xx) leave nothing sound to format.
    if (d.severity == diag::Severity::Error && diag::info(d.code).id.substr(0, 3) == "WF1") {
      unreadable = true;
    }
    diags.items().push_back(d);
  }
  if (unreadable) return std::nullopt;

  DslLayout layout;
  std::vector<std::string> lines = split_lines(emit_dsl(*result.document, &layout));
  std::vector<Comment> comments = dsl_comments(source);

  // Trailing comments go to the end of the last output line that starts at or before them on
  // their source line; the rest (and trailing ones with no such line) go before the first
  // output line that starts after them.
  std::vector<std::vector<std::string>> above(lines.size() + 1);
  std::vector<std::string> after(lines.size());
  for (const auto& c : comments) {
    if (c.trailing && c.text.find('\n') == std::string::npos) {
      std::optional<size_t> host;
      for (size_t i = 0; i < layout.lines.size(); ++i) {
        const auto& l = layout.lines[i];
        if (!l.blank && l.from.line == c.at.line && before(l.from, c.at)) host = i;
      }
      if (host) {
        after[*host] += " " + c.text;
        continue;
      }
    }
    size_t slot = lines.size();
    for (size_t i = 0; i < layout.lines.size(); ++i) {
      const auto& l = layout.lines[i];
      if (!l.blank && l.from.line != 0 && before(c.at, l.from)) {
        slot = i;
        break;
      }
    }
    size_t indent = 0;
    if (slot < layout.lines.size()) {
      indent = layout.lines[slot].indent + (layout.lines[slot].closing ? 2 : 0);
    }
    above[slot].push_back(place(c, indent));
  }

  std::string out;
  for (size_t i = 0; i <= lines.size(); ++i) {
    for (const auto& c : above[i]) out += c + "\n";
    if (i < lines.size()) out += lines[i] + after[i] + "\n";
  }
  return out;
}

}  // namespace wfc::emit
