// The DSL's lexer, hand-written, feeding the generated ANTLR parser.
//
// Why not the lexer ANTLR generates from grammar/Workflow.g4: with the ANTLR 4.9 C++ runtime it
// was a third of `wfc validate`'s time on .wf files (a global lock and a hash lookup for every
// character, a dynamic_cast and a UTF-32 to UTF-8 conversion for every token; the profile is in
// docs/benchmarks.md). The token rules are few and plain, so this reads them directly from the
// UTF-8 text. It gives exactly the tokens the generated lexer gives — same types (the generated
// lexer's constants; keywords and operators from its vocabulary), channels, code-point indices,
// lines, columns and text — and dsl_lexer_test.cpp checks that token for token against the
// generated lexer, which stays the definition (dsl_token_listing.h).
#pragma once

#include <antlr4-runtime.h>

#include <memory>
#include <string>
#include <string_view>

namespace wfc::syntax {

class DslLexer : public antlr4::TokenSource {
 public:
  /// Reads `text` (UTF-8; an invalid byte counts as one character). The text must outlive this.
  explicit DslLexer(std::string_view text) : text_(text) {}

  /// The next token, skipping white space; at the end, EOF (text "<EOF>", as ANTLR's).
  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() override { return column_; }
  /// None: every token carries its own text.
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "<wf>"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  /// The code point at byte `at` (0 past the end) and its length in bytes.
  char32_t peek(size_t at, size_t* length = nullptr) const;
  /// Advances to byte `end`, keeping the code-point index, line and column.
  void advance_to(size_t end);
  /// The token from the current position to byte `end` (exclusive), advancing past it.
  std::unique_ptr<antlr4::Token> token(size_t type, size_t channel, size_t end);

  std::string_view text_;
  size_t at_ = 0;     // byte offset
  size_t index_ = 0;  // code-point index: ANTLR's token start/stop indexes count code points
  size_t line_ = 1;
  size_t column_ = 0;  // code points since the last '\n'
};

}  // namespace wfc::syntax
