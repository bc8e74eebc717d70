// Syntax errors of the DSL reader (dsl_reader.cpp): Reporter, which knows where tokens are and
// reports at most one syntax error per line; the ANTLR error strategy that words the parser's
// complaints for this grammar; the lexer's stray characters and the repairs' notes; and Damage,
// which tells lowering (dsl_lowering.h) where in a recovered parse tree the parser or the lexer
// met a mistake, so that those parts are left out.
#pragma once

#include <antlr4-runtime.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/dsl/dsl_repair.h"

namespace wfc::syntax {

/// "3:8", for "opened at 3:8" and "first defined at 3:8".
std::string position_text(Position p);

/// Where tokens are, and the syntax diagnostics: one per line at most, since a second complaint
/// on a line where the parser already lost its way is almost always a follow-on.
class Reporter {
 public:
  Reporter(const SourceFile& file, diag::Diagnostics& diags) : file_(file), diags_(diags) {}

  Position begin(const antlr4::Token* t) const {
    return {static_cast<uint32_t>(t->getLine()),
            static_cast<uint32_t>(t->getCharPositionInLine() + 1)};
  }
  Position end(const antlr4::Token* t) const {
    Position p = begin(t);
    // A token read from the text spans stop - start + 1 code points (its indexes count them),
    // which spares copying its text; EOF and tokens the error strategy made up have only text.
    bool read = t->getType() != antlr4::Token::EOF && t->getStartIndex() != INVALID_INDEX &&
                t->getStopIndex() != INVALID_INDEX && t->getStopIndex() >= t->getStartIndex();
    p.column += static_cast<uint32_t>(read ? t->getStopIndex() - t->getStartIndex() + 1
                                           : code_points(t->getText()));
    return p;
  }
  Span span(const antlr4::Token* t) const { return Span::between(begin(t), end(t)); }
  Span span(const antlr4::Token* a, const antlr4::Token* b) const {
    return Span::between(begin(a), end(b));
  }
  Span span(const antlr4::ParserRuleContext* c) const {
    return c->stop && c->stop->getTokenIndex() >= c->start->getTokenIndex()
               ? span(c->start, c->stop)
               : Span::point(begin(c->start));
  }
  /// A syntax error at this token; at the end of the file, the point after the last token.
  void syntax(const antlr4::Token* t, const antlr4::Token* last, std::string message,
              std::string hint) {
    Span s = t->getType() == antlr4::Token::EOF ? (last ? Span::point(end(last)) : Span{1, 1, 1, 1})
                                                : span(t);
    error(diag::Code::InvalidSyntax, s, std::move(message), std::move(hint));
  }
  void error(diag::Code code, Span s, std::string message, std::string hint) {
    fail();
    if (!lines_.insert(s.line).second) return;
    diags_.add(code, s, std::move(message), std::move(hint));
  }
  /// A mistake the lexer found (a stray character, an unterminated string): the parser reads
  /// on past it, so what holds it is damaged although the parse tree does not show it.
  void lex_error(diag::Code code, Span s, std::string message, std::string hint) {
    lex_errors_.push_back(s);
    error(code, s, std::move(message), std::move(hint));
  }
  /// Lex errors come in file order, so the first at or after `outer` decides (a hostile file
  /// may hold millions of them).
  bool lex_error_within(Span outer) const {
    auto it = std::lower_bound(lex_errors_.begin(), lex_errors_.end(), outer.begin(),
                               [](const Span& s, Position p) { return before(s.begin(), p); });
    return it != lex_errors_.end() && !before(outer.end(), it->end());
  }
  /// A problem in a value that leaves the rest of the document sound (a bad escape, a duplicate
  /// key): reported, and the document is still built without that part.
  void value_error(diag::Code code, Span s, std::string message, std::string hint) {
    if (code != diag::Code::DuplicateKey) fail();
    diags_.add(code, s, std::move(message), std::move(hint));
  }
  bool failed() const { return failures_ > 0; }
  /// How many failures so far, so that lowering can tell which part a failure was in.
  size_t failures() const { return failures_; }
  void fail() { ++failures_; }
  /// A failure after which not even a partial document is built (nesting past the limit).
  void fatal() {
    fail();
    fatal_ = true;
  }
  bool fatal_failure() const { return fatal_; }
  const SourceFile& file() const { return file_; }
  diag::Diagnostics& diags() { return diags_; }

 private:
  static bool before(Position a, Position b) {
    return a.line < b.line || (a.line == b.line && a.column < b.column);
  }
  static size_t code_points(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  const SourceFile& file_;
  diag::Diagnostics& diags_;
  std::set<uint32_t> lines_;
  std::vector<Span> lex_errors_;
  size_t failures_ = 0;
  bool fatal_ = false;
};

/// Replaces ANTLR's messages ("mismatched input ... expecting {...}") with ones that name the
/// construct; recovery is ANTLR's (single-token insertion and deletion, then resynchronising
/// on the follow set), and the Reporter keeps to one complaint per line.
std::shared_ptr<antlr4::ANTLRErrorStrategy> error_strategy(Reporter& r);

/// Characters the lexer could not place (its error channel) and unterminated strings, reported
/// with a hint for the likely intent.
void report_stray(Reporter& r, const std::vector<antlr4::Token*>& tokens);

/// The repairs' diagnostics, worded like the parser's own.
void report_repairs(Reporter& r, const std::vector<RepairNote>& notes);

/// Where the parser recovered from a mistake (a token it skipped or conjured, a rule that
/// failed) or the lexer reported one. Lowering leaves those parts of a recovered tree out; in a
/// tree read without mistakes (or when not recovering) nothing is damaged.
class Damage {
 public:
  Damage(const Reporter& r, bool recovered) : r_(r), recovered_(recovered) {}

  /// Somewhere inside this context.
  bool within(antlr4::ParserRuleContext* c) const {
    return recovered_ && c && (has_error(c) || r_.lex_error_within(r_.span(c)));
  }
  /// In this context itself, not within one of its rules.
  bool here(antlr4::ParserRuleContext* c) const;

 private:
  static bool has_error(antlr4::tree::ParseTree* t);

  const Reporter& r_;
  bool recovered_;  // the parser or the lexer reported a mistake: look for damage
};

}  // namespace wfc::syntax
