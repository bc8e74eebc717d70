// Token-level repairs before the full parse (dsl_repair.h). Three passes over the token list:
// missing commas between `name: value` items, missing '{' after a `when` condition, then
// missing '}' placed by indentation. Each pass only inserts tokens; nothing is ever removed, so
// every token the user wrote still reaches the parser.
#include "compiler/syntax/dsl/dsl_repair.h"

#include <antlr4-runtime.h>

#include <string_view>

#include "WorkflowLexer.h"
#include "compiler/diag/wording.h"

namespace wfc::syntax {
namespace {

using L = wfcdsl::WorkflowLexer;
using What = RepairNote::What;
constexpr size_t kEof = antlr4::Token::EOF;

bool is_name(size_t t) {
  switch (t) {
    case L::IDENT:
    case L::AUTOMATION:
    case L::RUN:
    case L::TASK:
    case L::WHEN:
    case L::AS:
    case L::LABEL:
    case L::FOLDER:
    case L::FILENAME:
    case L::DESCRIPTION:
    case L::STATUS:
    case L::METADATA:
    case L::WEBHOOK_URL:
    case L::URL:
    case L::INPUT:
      return true;
    default:
      return false;
  }
}

/// Whether a value can end with this token (so that `name:` after it starts the next item).
bool ends_value(size_t t) {
  switch (t) {
    case L::STRING:
    case L::NUMBER:
    case L::QUANTITY:
    case L::PERCENT:
    case L::TRUE:
    case L::FALSE:
    case L::NULL_LITERAL:
    case L::RBRACK:
    case L::RBRACE:
      return true;
    default:
      return is_name(t);
  }
}

bool is_word_operator(const LexToken& t) {
  if (t.type != L::IDENT) return false;
  std::string_view s = t.text;
  return s == "in" || s == "not" || s == "contains" || s == "starts_with" || s == "ends_with" ||
         s == "matches";
}

/// A binary operator: a condition broken across lines around it goes on.
bool is_binary_operator(const LexToken& t) {
  switch (t.type) {
    case L::EQ:
    case L::NE:
    case L::GE:
    case L::LE:
    case L::GT:
    case L::LT:
    case L::AND:
    case L::OR:
      return true;
    default:
      return is_word_operator(t);
  }
}

/// A condition whose line ends with this token goes on: an operator still needs its operand.
bool leaves_open(const LexToken& t) {
  return is_binary_operator(t) || t.type == L::NOT || t.type == L::LPAREN || t.type == L::LBRACK ||
         t.type == L::COMMA || t.type == L::DOT;
}

/// A line that starts with this token continues the condition of the line before.
bool continues(const LexToken& t) {
  return is_binary_operator(t) || t.type == L::RPAREN || t.type == L::RBRACK ||
         t.type == L::COMMA || t.type == L::DOT;
}

/// Tokens that end a `when` condition in the grammar (conditionToken).
bool ends_condition(const std::vector<LexToken>& ts, size_t j) {
  switch (ts[j].type) {
    case L::LBRACE:
    case L::RBRACE:
    case L::SEMI:
    case L::ARROW:
      return true;
    case L::AS:
    case L::LABEL:
    case L::FOLDER:
    case L::FILENAME:
      return j == 0 || ts[j - 1].type != L::DOT;
    default:
      return ts[j].type == kEof;
  }
}

LexToken synthetic(size_t type, const char* text, Position at) {
  LexToken t;
  t.type = type;
  t.begin = at;
  t.end = at;
  t.text = text;
  t.synthetic = true;
  return t;
}

/// A '{' after these opens an object value, not a block.
bool object_brace(size_t prev) { return prev == L::COLON || prev == L::COMMA || prev == L::LBRACK; }

/// Where the parenthesis or brace at `open` belongs: an option list, an object, or a block.
enum class Opener { Args, Object, Block, Other };

Opener classify(const std::vector<LexToken>& ts, size_t open) {
  size_t prev = open > 0 ? ts[open - 1].type : kEof;
  if (ts[open].type == L::LPAREN) return prev == L::IDENT ? Opener::Args : Opener::Other;
  if (ts[open].type != L::LBRACE) return Opener::Other;
  return object_brace(prev) ? Opener::Object : Opener::Block;
}

RepairNote note(What what, const LexToken& t, Position opened, std::string owner) {
  RepairNote n;
  n.what = what;
  n.span = Span::between(t.begin, t.end);
  n.got_type = t.type;
  n.got_text = t.text;
  n.opened = opened;
  n.owner = std::move(owner);
  return n;
}

/// "the 'when' block", "the block of 'video'", "the automation": what a '{' opens, read back
/// from the tokens before it.
std::string block_owner(const std::vector<LexToken>& ts, size_t open) {
  for (size_t i = open; i-- > 0;) {
    size_t t = ts[i].type;
    if (t == L::LBRACE || t == L::RBRACE || t == L::SEMI) break;
    if (t == L::WHEN && (i == 0 || ts[i - 1].type != L::DOT)) return "the 'when' block";
    if (t == L::AUTOMATION && i == 0) return "the automation";
    if (t == L::RUN && i == 0) return "the run";
    if (t == L::TASK && i == 0) return "the task";
    if (t == L::ARROW) break;
  }
  // A task: skip attributes (`as x`, `label "..."`) and the option list back to the kind.
  size_t i = open;
  while (i > 0) {
    const LexToken& p = ts[i - 1];
    if (i >= 2 && (p.type == L::STRING || is_name(p.type)) &&
        (ts[i - 2].type == L::AS || ts[i - 2].type == L::LABEL || ts[i - 2].type == L::FOLDER ||
         ts[i - 2].type == L::FILENAME)) {
      i -= 2;
      continue;
    }
    if (p.type == L::RPAREN) {
      int depth = 0;
      size_t k = i - 1;
      for (; k > 0; --k) {
        if (ts[k].type == L::RPAREN) ++depth;
        if (ts[k].type == L::LPAREN && --depth == 0) break;
      }
      i = k;
      continue;
    }
    if (p.type == L::IDENT) return "the block of " + diag::quote(p.text);
    break;
  }
  return "the block";
}

/// `video(width: 1280 height: 720)`: a ',' before every `name:` that follows a value directly
/// inside an option list or an object.
void missing_commas(Repaired& r) {
  std::vector<LexToken> out;
  std::vector<size_t> stack;  // indices in `out` of the open '(' '[' '{'
  const auto& ts = r.tokens;
  for (size_t j = 0; j < ts.size(); ++j) {
    const LexToken& t = ts[j];
    if (!stack.empty() && is_name(t.type) && j + 1 < ts.size() && ts[j + 1].type == L::COLON &&
        !out.empty() && ends_value(out.back().type) && out.back().type != L::LBRACE) {
      Opener o = classify(out, stack.back());
      if (o == Opener::Args || o == Opener::Object) {
        std::string owner = o == Opener::Args
                                ? "the options of " + diag::quote(out[stack.back() - 1].text)
                                : "the object";
        r.notes.push_back(note(What::MissingComma, t, out[stack.back()].begin, std::move(owner)));
        out.push_back(synthetic(L::COMMA, ",", out.back().end));
      }
    }
    if (t.type == L::LPAREN || t.type == L::LBRACK || t.type == L::LBRACE) {
      stack.push_back(out.size());
    } else if ((t.type == L::RPAREN || t.type == L::RBRACK || t.type == L::RBRACE) &&
               !stack.empty()) {
      stack.pop_back();
    }
    out.push_back(t);
  }
  r.tokens = std::move(out);
}

/// `when kind == "video"` with the block on the next lines but no '{': the condition ends with
/// its line when the next line cannot continue it.
void missing_when_braces(Repaired& r) {
  std::vector<LexToken> out;
  const auto& ts = r.tokens;
  size_t condition_from = 0;  // index in `out` of the first condition token; 0 when outside
  int depth = 0;
  for (size_t j = 0; j < ts.size(); ++j) {
    const LexToken& t = ts[j];
    if (condition_from && depth == 0 && ends_condition(ts, j)) condition_from = 0;
    if (condition_from && depth == 0 && out.size() > condition_from &&
        t.begin.line > out.back().end.line && !leaves_open(out.back()) && !continues(t)) {
      r.notes.push_back(note(What::MissingBrace, t, {}, ""));
      out.push_back(synthetic(L::LBRACE, "{", out.back().end));
      condition_from = 0;
    }
    if (condition_from) {
      if (t.type == L::LPAREN || t.type == L::LBRACK) ++depth;
      if ((t.type == L::RPAREN || t.type == L::RBRACK) && depth > 0) --depth;
    }
    if (t.type == L::WHEN && (j == 0 || ts[j - 1].type != L::DOT) && j + 1 < ts.size() &&
        ts[j + 1].begin.line == t.begin.line) {
      condition_from = out.size() + 1;
      depth = 0;
    }
    out.push_back(t);
  }
  r.tokens = std::move(out);
}

/// Missing '}' placed by indentation: a block whose lines are indented past the line that
/// opened it ends before the first line indented no further (that is not its '}'). Blocks whose
/// content is not indented say nothing, and when the insertions would not balance the braces
/// none are made (the parser's own message stands).
void missing_closers(Repaired& r) {
  const auto& ts = r.tokens;
  long balance = 0;
  for (const auto& t : ts) balance += t.type == L::LBRACE ? 1 : t.type == L::RBRACE ? -1 : 0;
  if (balance <= 0) return;

  struct Open {
    size_t index;     // in `out`
    uint32_t indent;  // column of the first token on the opener's line
    uint32_t line;
    int indented;  // -1 unknown until the first line after the opener, then 0 or 1
    bool synthetic;
  };
  std::vector<LexToken> out;
  std::vector<RepairNote> notes;
  std::vector<Open> stack;
  uint32_t line_indent = 1;
  long inserted = 0;
  for (size_t j = 0; j < ts.size(); ++j) {
    const LexToken& t = ts[j];
    bool first_on_line = out.empty() || t.type == kEof || t.begin.line > out.back().end.line;
    if (first_on_line && t.type != kEof) line_indent = t.begin.column;
    if (first_on_line) {
      for (auto& o : stack) {
        if (o.indented < 0 && t.type != kEof && t.begin.line > o.line) {
          o.indented = t.type != L::RBRACE && t.begin.column > o.indent;
        }
      }
      while (!stack.empty() && stack.back().indented == 1 &&
             (t.type == kEof || t.begin.column < stack.back().indent ||
              (t.begin.column == stack.back().indent && t.type != L::RBRACE))) {
        Open o = stack.back();
        stack.pop_back();
        Position at = out.back().end;
        if (!o.synthetic) {
          RepairNote n;
          n.what = What::UnclosedBlock;
          n.span = Span::point(at);
          n.opened = out[o.index].begin;
          n.owner = block_owner(out, o.index);
          n.at_end = t.type == kEof;
          notes.push_back(std::move(n));
        }
        out.push_back(synthetic(L::RBRACE, "}", at));
        ++inserted;
      }
    }
    if (t.type == L::LBRACE) {
      // Objects are values; only blocks are judged by indentation.
      bool object = !out.empty() && object_brace(out.back().type);
      stack.push_back({out.size(), line_indent, t.begin.line, object ? 0 : -1, t.synthetic});
    } else if (t.type == L::RBRACE && !stack.empty()) {
      stack.pop_back();
    }
    out.push_back(t);
  }
  if (inserted == 0 || inserted > balance) return;
  r.tokens = std::move(out);
  for (auto& n : notes) r.notes.push_back(std::move(n));
}

}  // namespace

std::optional<Repaired> repair_tokens(const std::vector<LexToken>& tokens) {
  Repaired r;
  r.tokens = tokens;
  missing_commas(r);
  missing_when_braces(r);
  missing_closers(r);
  if (r.notes.empty() && r.tokens.size() == tokens.size()) return std::nullopt;
  return r;
}

}  // namespace wfc::syntax
