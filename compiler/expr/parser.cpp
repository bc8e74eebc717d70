// A hand-written lexer and recursive-descent parser for infix conditions. Precedence, loosest
// first: `||`, `&&`, `!`, then a test (`width >= 1280`, `kind in ["video"]`, `exists(x)`, a bare
// boolean property). A chain of one operator flattens (`a && b && c` is one And of three);
// parentheses keep their group. The first syntax error ends the parse: later ones would mostly
// be echoes of it.
#include "compiler/expr/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "compiler/catalog/units.h"
#include "compiler/diag/wording.h"
#include "compiler/expr/typecheck.h"
#include "compiler/util/utf8.h"

namespace wfc::expr {
namespace {

using diag::quote;

enum class Tok {
  Path,  // identifier, possibly dotted: width, codecs.video, metadata.take-2
  String,
  Number,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Minus,
  AndAnd,
  OrOr,
  Bang,
  EqEq,
  NotEq,
  Gt,
  Gte,
  Lt,
  Lte,
  End,
};

struct Token {
  Tok kind = Tok::End;
  size_t begin = 0, end = 0;  // byte offsets into the text
  std::string text;           // Path: the name; String: the decoded value; Number: digits
  std::string unit;           // Number: a unit suffix (`2s`), when the source allows units
};

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool key_char(char c) { return ident_char(c) || c == '-'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

struct SyntaxError {
  size_t begin, end;
  std::string message, hint;
};

class Parser {
 public:
  Parser(const ExpressionSource& src, const ParseLimits& limits) : src_(src), limits_(limits) {
    // Position of every byte offset, so spans are exact in code points and across newlines.
    positions_.reserve(src.text.size() + 1);
    Position p = src.base;
    for (size_t i = 0; i < src.text.size(); ++i) {
      positions_.push_back(p);
      if (src.text[i] == '\n') {
        ++p.line;
        p.column = 1;
      } else if (i + 1 >= src.text.size() ||
                 (static_cast<unsigned char>(src.text[i + 1]) & 0xC0) != 0x80) {
        ++p.column;  // after the last byte of a code point
      }
    }
    positions_.push_back(p);
  }

  std::optional<WrittenNode> parse(diag::Diagnostics& diags) {
    if (src_.text.size() > limits_.max_length) {
      error_ = SyntaxError{0, 1,
                           "expression is too long (" + std::to_string(src_.text.size()) +
                               " bytes, at most " + std::to_string(limits_.max_length) + ")",
                           ""};
    } else {
      advance();
      if (!error_) {
        if (tok_.kind == Tok::End) {
          fail(tok_, "empty expression", "write a condition such as 'width >= 1280'");
        }
      }
    }
    std::optional<WrittenNode> root;
    if (!error_) root = or_expr(0);
    if (!error_ && tok_.kind != Tok::End) unexpected("'&&' or '||'");
    if (error_) {
      Span span = span_of(error_->begin, error_->end);
      auto& d = diags.add(diag::Code::ExpressionSyntax, span, error_->message, error_->hint);
      d.pointer = src_.pointer;
      return std::nullopt;
    }
    return root;
  }

 private:
  // --- spans ---------------------------------------------------------------------------------

  Span span_of(size_t begin, size_t end) const {
    begin = std::min(begin, src_.text.size());
    end = std::min(std::max(end, begin), src_.text.size());
    return Span::between(positions_[begin], positions_[end]);
  }

  // --- lexer ---------------------------------------------------------------------------------

  void advance() {
    if (error_) return;
    prev_end_ = tok_.end;
    std::string_view t = src_.text;
    size_t i = pos_;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    Token k;
    k.begin = i;
    if (i >= t.size()) {
      k.kind = Tok::End;
      k.end = i;
      tok_ = k;
      pos_ = i;
      return;
    }
    char c = t[i];
    auto two = [&](char next) { return i + 1 < t.size() && t[i + 1] == next; };
    auto set = [&](Tok kind, size_t len) {
      k.kind = kind;
      k.end = i + len;
    };
    if (ident_start(c)) {
      size_t j = i + 1;
      while (j < t.size() && ident_char(t[j])) ++j;
      while (j + 1 < t.size() && t[j] == '.' && key_char(t[j + 1])) {
        j += 2;
        while (j < t.size() && key_char(t[j])) ++j;
      }
      k.kind = Tok::Path;
      k.end = j;
      k.text = std::string(t.substr(i, j - i));
    } else if (digit(c) || (c == '.' && i + 1 < t.size() && digit(t[i + 1]))) {
      size_t j = i;
      while (j < t.size() && digit(t[j])) ++j;
      if (j < t.size() && t[j] == '.') {
        ++j;
        while (j < t.size() && digit(t[j])) ++j;
      }
      if (j < t.size() && (t[j] == 'e' || t[j] == 'E')) {
        size_t e = j + 1;
        if (e < t.size() && (t[e] == '+' || t[e] == '-')) ++e;
        if (e < t.size() && digit(t[e])) {
          j = e;
          while (j < t.size() && digit(t[j])) ++j;
        }
      }
      k.text = std::string(t.substr(i, j - i));
      if (src_.units) {
        size_t u = j;
        while (u < t.size() && ((t[u] >= 'a' && t[u] <= 'z') || (t[u] >= 'A' && t[u] <= 'Z'))) ++u;
        k.unit = std::string(t.substr(j, u - j));
        j = u;
      }
      if (j < t.size() && ident_char(t[j])) {
        return lex_error(j, j + 1, "unexpected " + describe_char(j) + " in a number", "");
      }
      k.kind = Tok::Number;
      k.end = j;
    } else if (c == '"') {
      if (!lex_string(i, &k)) return;
    } else if (c == '\'') {
      size_t close = t.find('\'', i + 1);
      size_t end = close == std::string_view::npos ? i + 1 : close + 1;
      return lex_error(i, end, "strings take double quotes",
                       close == std::string_view::npos
                           ? ""
                           : "write \"" + std::string(t.substr(i + 1, close - i - 1)) + "\"");
    } else if (c == '(') {
      set(Tok::LParen, 1);
    } else if (c == ')') {
      set(Tok::RParen, 1);
    } else if (c == '[') {
      set(Tok::LBracket, 1);
    } else if (c == ']') {
      set(Tok::RBracket, 1);
    } else if (c == ',') {
      set(Tok::Comma, 1);
    } else if (c == '-') {
      set(Tok::Minus, 1);
    } else if (c == '&') {
      if (!two('&')) return lex_error(i, i + 1, "unexpected '&'", "write '&&' for and");
      set(Tok::AndAnd, 2);
    } else if (c == '|') {
      if (!two('|')) return lex_error(i, i + 1, "unexpected '|'", "write '||' for or");
      set(Tok::OrOr, 2);
    } else if (c == '!') {
      two('=') ? set(Tok::NotEq, 2) : set(Tok::Bang, 1);
    } else if (c == '=') {
      if (!two('=')) return lex_error(i, i + 1, "'=' is not a comparison", "write '==' to compare");
      set(Tok::EqEq, 2);
    } else if (c == '>') {
      two('=') ? set(Tok::Gte, 2) : set(Tok::Gt, 1);
    } else if (c == '<') {
      if (two('>')) return lex_error(i, i + 2, "'<>' is not a comparison", "write '!='");
      two('=') ? set(Tok::Lte, 2) : set(Tok::Lt, 1);
    } else {
      return lex_error(i, i + utf8_length(i), "unexpected " + describe_char(i), "");
    }
    tok_ = std::move(k);
    pos_ = tok_.end;
  }

  size_t utf8_length(size_t i) const {
    unsigned char c = static_cast<unsigned char>(src_.text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    size_t len = 1;
    while (len < n && i + len < src_.text.size() &&
           (static_cast<unsigned char>(src_.text[i + len]) & 0xC0) == 0x80) {
      ++len;
    }
    return len;
  }

  std::string describe_char(size_t i) const {
    unsigned char c = static_cast<unsigned char>(src_.text[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "character U+%04X", c);
      return buf;
    }
    return "'" + std::string(src_.text.substr(i, utf8_length(i))) + "'";
  }

  bool lex_string(size_t i, Token* k) {
    std::string_view t = src_.text;
    std::string out;
    size_t j = i + 1;
    while (true) {
      if (j >= t.size()) {
        lex_error(i, t.size(), "unterminated string", "close it with '\"'");
        return false;
      }
      char c = t[j];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        ++j;
        continue;
      }
      if (j + 1 >= t.size()) {
        lex_error(i, t.size(), "unterminated string", "close it with '\"'");
        return false;
      }
      char e = t[j + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          j += 2;
          break;
        case 'n':
          out += '\n';
          j += 2;
          break;
        case 't':
          out += '\t';
          j += 2;
          break;
        case 'r':
          out += '\r';
          j += 2;
          break;
        case 'b':
          out += '\b';
          j += 2;
          break;
        case 'f':
          out += '\f';
          j += 2;
          break;
        case 'x': {
          int v = hex(j + 2, 2);
          if (v < 0) {
            lex_error(j, std::min(j + 4, t.size()), "invalid escape",
                      "write \\xHH with two hex digits");
            return false;
          }
          out += static_cast<char>(v);
          j += 4;
          break;
        }
        case 'u': {
          int v = hex(j + 2, 4);
          size_t len = 6;
          if (v < 0) {
            lex_error(j, std::min(j + 6, t.size()), "invalid escape",
                      "write \\uHHHH with four hex digits");
            return false;
          }
          uint32_t cp = static_cast<uint32_t>(v);
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = j + 7 < t.size() && t[j + 6] == '\\' && t[j + 7] == 'u' ? hex(j + 8, 4) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
              lex_error(j, j + 6, "unpaired surrogate in escape", "");
              return false;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(lo) - 0xDC00);
            len = 12;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            lex_error(j, j + 6, "unpaired surrogate in escape", "");
            return false;
          }
          append_utf8(out, cp);
          j += len;
          break;
        }
        default:
          lex_error(j, j + 1 + utf8_length(j + 1), "invalid escape " + describe_char(j + 1),
                    "escapes are \\\" \\\\ \\n \\t \\r \\xHH \\uHHHH");
          return false;
      }
    }
    k->kind = Tok::String;
    k->begin = i;
    k->end = j + 1;
    k->text = std::move(out);
    return true;
  }

  int hex(size_t at, int digits) const {
    if (at + digits > src_.text.size()) return -1;
    int v = 0;
    for (int d = 0; d < digits; ++d) {
      char c = src_.text[at + d];
      int x = digit(c)                 ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (x < 0) return -1;
      v = v * 16 + x;
    }
    return v;
  }

  void lex_error(size_t begin, size_t end, std::string message, std::string hint) {
    if (!error_) error_ = SyntaxError{begin, end, std::move(message), std::move(hint)};
    tok_.kind = Tok::End;
  }

  // --- parser --------------------------------------------------------------------------------

  void fail(const Token& at, std::string message, std::string hint) {
    if (error_) return;
    size_t end = at.kind == Tok::End ? at.begin : at.end;
    error_ = SyntaxError{at.begin, end, std::move(message), std::move(hint)};
  }

  std::string describe(const Token& k) const {
    switch (k.kind) {
      case Tok::End:
        return "the end of the expression";
      case Tok::String:
        return "a string";
      case Tok::Number:
        return "a number";
      default:
        return "'" + std::string(src_.text.substr(k.begin, k.end - k.begin)) + "'";
    }
  }

  void unexpected(std::string_view expected) {
    if (error_) return;
    std::string hint;
    if (tok_.kind == Tok::Path && (tok_.text == "and" || tok_.text == "or")) {
      hint = "write '" + std::string(tok_.text == "and" ? "&&" : "||") + "'";
    } else if (tok_.kind == Tok::Path && tok_.text == "not") {
      hint = "write '!' to negate, or 'not in [...]'";
    } else if (tok_.kind == Tok::RParen) {
      hint = "this ')' closes nothing";
    }
    if (tok_.kind == Tok::End) {
      fail(tok_, "unexpected end of the expression; expected " + std::string(expected), hint);
    } else {
      fail(tok_, "expected " + std::string(expected) + ", got " + describe(tok_), hint);
    }
  }

  bool is_word(std::string_view w) const { return tok_.kind == Tok::Path && tok_.text == w; }

  static bool reserved(std::string_view w) {
    for (std::string_view r : {"true", "false", "null", "in", "not", "exists", "contains",
                               "starts_with", "ends_with", "matches"}) {
      if (w == r) return true;
    }
    return false;
  }

  WrittenNode make(WrittenNode::Kind kind, size_t begin) {
    WrittenNode n;
    n.kind = kind;
    n.pointer = src_.pointer;
    n.span = span_of(begin, prev_end_);
    return n;
  }

  bool deeper(uint32_t depth) {
    if (depth < limits_.max_depth) return true;
    fail(tok_,
         "expression is nested too deeply (more than " + std::to_string(limits_.max_depth) +
             " levels)",
         "");
    return false;
  }

  WrittenNode or_expr(uint32_t depth) {
    size_t begin = tok_.begin;
    WrittenNode first = and_expr(depth);
    if (tok_.kind != Tok::OrOr || error_) return first;
    std::vector<WrittenNode> kids;
    kids.push_back(std::move(first));
    while (tok_.kind == Tok::OrOr && !error_) {
      advance();
      kids.push_back(and_expr(depth));
    }
    WrittenNode n = make(WrittenNode::Kind::Or, begin);
    n.kids = std::move(kids);
    return n;
  }

  WrittenNode and_expr(uint32_t depth) {
    size_t begin = tok_.begin;
    WrittenNode first = unary(depth);
    if (tok_.kind != Tok::AndAnd || error_) return first;
    std::vector<WrittenNode> kids;
    kids.push_back(std::move(first));
    while (tok_.kind == Tok::AndAnd && !error_) {
      advance();
      kids.push_back(unary(depth));
    }
    WrittenNode n = make(WrittenNode::Kind::And, begin);
    n.kids = std::move(kids);
    return n;
  }

  WrittenNode unary(uint32_t depth) {
    size_t begin = tok_.begin;
    if (tok_.kind == Tok::Bang) {
      if (!deeper(depth)) return {};
      advance();
      WrittenNode kid = unary(depth + 1);
      WrittenNode n = make(WrittenNode::Kind::Not, begin);
      n.kids.push_back(std::move(kid));
      return n;
    }
    return primary(depth);
  }

  WrittenNode primary(uint32_t depth) {
    size_t begin = tok_.begin;
    if (tok_.kind == Tok::LParen) {
      if (!deeper(depth)) return {};
      Token open = tok_;
      advance();
      WrittenNode inner = or_expr(depth + 1);
      if (error_) return inner;
      if (tok_.kind != Tok::RParen) {
        unexpected("')'");
        if (tok_.kind == Tok::End && error_) {
          error_->hint = "the '(' at " + std::to_string(span_of(open.begin, open.end).line) + ":" +
                         std::to_string(span_of(open.begin, open.end).column) + " is not closed";
        }
        return inner;
      }
      advance();
      inner.span = span_of(begin, prev_end_);  // the group, parentheses included
      return inner;
    }
    if (is_word("true") || is_word("false")) {
      bool value = is_word("true");
      advance();
      WrittenNode out = make(WrittenNode::Kind::Const, begin);
      out.value = value;
      return out;
    }
    if (is_word("exists")) return exists();
    if (tok_.kind == Tok::Path && !reserved(tok_.text)) return test();
    if (tok_.kind == Tok::String || tok_.kind == Tok::Number || tok_.kind == Tok::Minus ||
        is_word("null")) {
      return flipped_test();
    }
    unexpected("a condition");
    return {};
  }

  /// A property name, with an optional map key in brackets: metadata["content type"].
  bool property(std::string* name, size_t* begin, size_t* end) {
    if (tok_.kind != Tok::Path || reserved(tok_.text)) {
      unexpected("a property");
      return false;
    }
    *name = tok_.text;
    *begin = tok_.begin;
    *end = tok_.end;
    advance();
    if (tok_.kind == Tok::LBracket && !error_) {
      advance();
      if (tok_.kind != Tok::String) {
        unexpected("a quoted key");
        return false;
      }
      *name += "." + tok_.text;
      advance();
      if (tok_.kind != Tok::RBracket) {
        unexpected("']'");
        return false;
      }
      *end = tok_.end;
      advance();
    }
    return !error_;
  }

  WrittenNode exists() {
    size_t begin = tok_.begin;
    Token word = tok_;
    advance();
    if (tok_.kind != Tok::LParen) {
      unexpected("'(' after 'exists'");
      return {};
    }
    advance();
    WrittenNode n;
    size_t pb = 0, pe = 0;
    if (!property(&n.property, &pb, &pe)) return {};
    if (tok_.kind != Tok::RParen) {
      unexpected("')'");
      return {};
    }
    advance();
    n.kind = WrittenNode::Kind::Test;
    n.pointer = src_.pointer;
    n.span = span_of(begin, prev_end_);
    n.property_span = span_of(pb, pe);
    WrittenOp op;
    op.name = op.spelled = "exists";
    op.span = span_of(word.begin, word.end);
    op.pointer = src_.pointer;
    op.operand.type = ValueType::Bool;
    op.operand.boolean = true;
    op.operand.span = op.span;
    n.ops.push_back(std::move(op));
    return n;
  }

  struct OpInfo {
    const char* name;
    bool negated;
  };

  /// The comparison at the current token, if any.
  std::optional<OpInfo> comparison() const {
    switch (tok_.kind) {
      case Tok::EqEq:
        return OpInfo{"eq", false};
      case Tok::NotEq:
        return OpInfo{"ne", false};
      case Tok::Gt:
        return OpInfo{"gt", false};
      case Tok::Gte:
        return OpInfo{"gte", false};
      case Tok::Lt:
        return OpInfo{"lt", false};
      case Tok::Lte:
        return OpInfo{"lte", false};
      default:
        break;
    }
    if (tok_.kind != Tok::Path) return std::nullopt;
    for (const char* w : {"in", "contains", "starts_with", "ends_with", "matches"}) {
      if (tok_.text == w) return OpInfo{w, false};
    }
    return std::nullopt;
  }

  WrittenNode test() {
    size_t begin = tok_.begin;
    WrittenNode n;
    n.kind = WrittenNode::Kind::Test;
    n.pointer = src_.pointer;
    size_t pb = 0, pe = 0;
    if (!property(&n.property, &pb, &pe)) return {};
    n.property_span = span_of(pb, pe);
    WrittenOp op;
    size_t ob = tok_.begin;
    if (is_word("not")) {
      advance();
      if (!is_word("in")) {
        unexpected("'in' after 'not'");
        return {};
      }
      op.name = "nin";
    } else if (auto c = comparison()) {
      op.name = c->name;
    } else {
      // A bare property: a boolean tested for true (`black`), checked by the type checker.
      n.truthy = true;
      n.span = span_of(begin, prev_end_);
      if (tok_.kind == Tok::Path && !reserved(tok_.text) && tok_.text != "and" &&
          tok_.text != "or") {
        fail(tok_, "expected an operator after " + quote(n.property) + ", got " + describe(tok_),
             "compare with ==, !=, <, <=, >, >=, in, contains, starts_with, ends_with or "
             "matches");
      }
      return n;
    }
    op.span = span_of(ob, tok_.end);
    op.spelled = std::string(src_.text.substr(ob, tok_.end - ob));
    if (op.name == "nin") op.spelled = "not in";
    advance();
    op.pointer = src_.pointer;
    if (!literal(&op.operand, op.name == "in" || op.name == "nin")) return {};
    n.ops.push_back(std::move(op));
    n.span = span_of(begin, prev_end_);
    return n;
  }

  /// `1280 <= width`: a literal first, then an ordering or equality, then a property.
  WrittenNode flipped_test() {
    size_t begin = tok_.begin;
    WrittenOp op;
    if (!literal(&op.operand, false)) return {};
    size_t ob = tok_.begin;
    static constexpr struct {
      Tok tok;
      const char* name;  // the operator with its operands swapped
    } kFlip[] = {{Tok::EqEq, "eq"}, {Tok::NotEq, "ne"}, {Tok::Gt, "lt"},
                 {Tok::Gte, "lte"}, {Tok::Lt, "gt"},    {Tok::Lte, "gte"}};
    const char* name = nullptr;
    for (const auto& f : kFlip) {
      if (tok_.kind == f.tok) name = f.name;
    }
    if (!name) {
      unexpected("a comparison such as '<=' after the value");
      return {};
    }
    op.name = name;
    op.spelled = std::string(src_.text.substr(ob, tok_.end - ob));
    op.span = span_of(ob, tok_.end);
    op.pointer = src_.pointer;
    advance();
    WrittenNode n;
    n.kind = WrittenNode::Kind::Test;
    n.pointer = src_.pointer;
    size_t pb = 0, pe = 0;
    if (!property(&n.property, &pb, &pe)) return {};
    n.property_span = span_of(pb, pe);
    n.ops.push_back(std::move(op));
    n.span = span_of(begin, prev_end_);
    return n;
  }

  /// A literal value: string, number (optionally negative), true, false, null, or a list.
  bool literal(Value* out, bool list_expected) {
    size_t begin = tok_.begin;
    if (tok_.kind == Tok::LBracket) {
      out->type = ValueType::Array;
      advance();
      while (tok_.kind != Tok::RBracket && !error_) {
        if (tok_.kind == Tok::LBracket) {
          fail(tok_, "lists do not nest", "");
          return false;
        }
        Value item;
        if (!literal(&item, false)) return false;
        out->items.push_back(std::move(item));
        if (tok_.kind == Tok::Comma) {
          advance();
          if (tok_.kind == Tok::RBracket) {
            fail(tok_, "expected a value after ','", "remove the trailing comma");
            return false;
          }
        } else if (tok_.kind != Tok::RBracket) {
          unexpected("',' or ']'");
          return false;
        }
      }
      if (error_) return false;
      advance();
      out->span = span_of(begin, prev_end_);
      return true;
    }
    bool negative = false;
    if (tok_.kind == Tok::Minus) {
      negative = true;
      advance();
      if (tok_.kind != Tok::Number) {
        unexpected("a number after '-'");
        return false;
      }
    }
    switch (tok_.kind) {
      case Tok::String:
        out->type = ValueType::String;
        out->string = tok_.text;
        break;
      case Tok::Number:
        if (!tok_.unit.empty()) {
          // A unit it does not know is a syntax error here, the first of the expression; what
          // it measures against the property is the checker's (compiler/check/quantities.h).
          std::string error, hint;
          if (!catalog::parse_quantity(tok_.text + tok_.unit, &error, &hint)) {
            fail(tok_, error, hint);
            return false;
          }
          out->type = ValueType::Quantity;
          out->string = std::string(src_.text.substr(begin, tok_.end - begin));
          break;
        }
        number(tok_.text, negative, out);
        break;
      case Tok::Path:
        if (tok_.text == "true" || tok_.text == "false") {
          out->type = ValueType::Bool;
          out->boolean = tok_.text == "true";
          break;
        }
        if (tok_.text == "null") {
          out->type = ValueType::Null;
          break;
        }
        [[fallthrough]];
      default:
        unexpected(list_expected ? "a list such as [\"a\", \"b\"]" : "a value");
        return false;
    }
    advance();
    out->span = span_of(begin, prev_end_);
    return !error_;
  }

  /// An integer when the text has no fraction or exponent and fits int64; else a double.
  static void number(const std::string& text, bool negative, Value* out) {
    if (text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      char* end = nullptr;
      unsigned long long magnitude = std::strtoull(text.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        if (!negative && magnitude <= static_cast<unsigned long long>(INT64_MAX)) {
          out->type = ValueType::Integer;
          out->integer = static_cast<int64_t>(magnitude);
          return;
        }
        if (negative && magnitude <= static_cast<unsigned long long>(INT64_MAX) + 1) {
          out->type = ValueType::Integer;
          out->integer = magnitude == static_cast<unsigned long long>(INT64_MAX) + 1
                             ? INT64_MIN
                             : -static_cast<int64_t>(magnitude);
          return;
        }
      }
    }
    out->type = ValueType::Number;
    out->number = std::strtod(text.c_str(), nullptr);
    if (negative) out->number = -out->number;
  }

  const ExpressionSource& src_;
  const ParseLimits& limits_;
  std::vector<Position> positions_;
  Token tok_;
  size_t pos_ = 0;
  size_t prev_end_ = 0;
  std::optional<SyntaxError> error_;
};

}  // namespace

std::optional<WrittenNode> parse_expression(const ExpressionSource& source,
                                            diag::Diagnostics& diags, const ParseLimits& limits) {
  return Parser(source, limits).parse(diags);
}

std::optional<Predicate> compile_expression(const ExpressionSource& source, const Schema& schema,
                                            diag::Diagnostics& diags, const ParseLimits& limits) {
  auto written = parse_expression(source, diags, limits);
  if (!written) return std::nullopt;
  Typed typed = typecheck(*written, schema, Notation::Infix, diags);
  if (!typed.ok) return std::nullopt;
  return Predicate{std::move(typed.node), schema.domain()};
}

}  // namespace wfc::expr
