// The hand-written DSL lexer (dsl_lexer.h). Each branch of nextToken is one group of lexer rules
// of grammar/Workflow.g4, with ANTLR's rule for choosing among them: the longest match wins, and
// on equal length the rule written first (so a keyword beats IDENT).
#include "compiler/syntax/dsl/dsl_lexer.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "WorkflowLexer.h"
#include "compiler/syntax/dsl/dsl_token_listing.h"

namespace wfc::syntax {
namespace {

using L = wfcdsl::WorkflowLexer;

constexpr size_t kErrorChannel = 2;  // ERROR_CHAR's channel in the grammar

/// The grammar's literal tokens ('automation', '->', '==' ...), from the generated lexer's
/// vocabulary, so a keyword or operator added to the grammar needs nothing here. Filed by first
/// character; operators longest first, for the longest match.
struct Literals {
  using Bucket = std::vector<std::pair<std::string, size_t>>;
  std::array<Bucket, 128> words;      // keywords: literals that start like an IDENT
  std::array<Bucket, 128> operators;  // the rest
};

const Literals& literals() {
  static const Literals table = [] {
    antlr4::ANTLRInputStream empty;
    L lexer(&empty);
    const auto& vocabulary = lexer.getVocabulary();
    Literals t;
    for (size_t type = 1; type <= vocabulary.getMaxTokenType(); ++type) {
      std::string literal = vocabulary.getLiteralName(type);  // "'->'"
      if (literal.size() < 3) continue;
      literal = literal.substr(1, literal.size() - 2);
      auto c = static_cast<unsigned char>(literal[0]);
      if (c >= 128) continue;
      bool word = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      (word ? t.words : t.operators)[c].emplace_back(literal, type);
    }
    for (auto& bucket : t.operators) {
      std::stable_sort(bucket.begin(), bucket.end(), [](const auto& a, const auto& b) {
        return a.first.size() > b.first.size();
      });
    }
    return t;
  }();
  return table;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_letter(c) || is_digit(c) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

}  // namespace

char32_t DslLexer::peek(size_t at, size_t* length) const {
  if (at < text_.size() && static_cast<unsigned char>(text_[at]) < 0x80) {
    if (length) *length = 1;
    return static_cast<unsigned char>(text_[at]);
  }
  size_t n = 1;
  char32_t c = 0;
  if (at < text_.size()) {
    unsigned char b = static_cast<unsigned char>(text_[at]);
    c = b;
    size_t more = b >= 0xF8 ? 0 : b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    if (more && at + more < text_.size()) {
      char32_t v = b & (0x3F >> more);
      size_t i = 1;
      for (; i <= more; ++i) {
        unsigned char k = static_cast<unsigned char>(text_[at + i]);
        if ((k & 0xC0) != 0x80) break;
        v = (v << 6) | (k & 0x3F);
      }
      if (i > more) {  // a whole sequence; otherwise the lead byte alone counts as one
        c = v;
        n = more + 1;
      }
    }
  }
  if (length) *length = n;
  return c;
}

void DslLexer::advance_to(size_t end) {
  while (at_ < end && at_ < text_.size()) {
    size_t n;
    char32_t c = peek(at_, &n);
    at_ += n;
    ++index_;
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
  }
}

std::unique_ptr<antlr4::Token> DslLexer::token(size_t type, size_t channel, size_t end) {
  size_t start_at = at_, start_index = index_, line = line_, column = column_;
  advance_to(end);
  auto t = std::make_unique<antlr4::CommonToken>(std::make_pair(this, nullptr), type, channel,
                                                 start_index, index_ - 1);
  t->setLine(line);
  t->setCharPositionInLine(column);
  t->setText(std::string(text_.substr(start_at, at_ - start_at)));
  return t;
}

std::unique_ptr<antlr4::Token> DslLexer::nextToken() {
  const size_t n = text_.size();
  auto byte = [&](size_t i) -> char { return i < n ? text_[i] : '\0'; };
  size_t blank = at_;
  while (blank < n && is_space(text_[blank])) ++blank;
  advance_to(blank);  // WS: skipped
  if (at_ >= n) {
    auto eof =
        std::make_unique<antlr4::CommonToken>(std::make_pair(this, nullptr), antlr4::Token::EOF,
                                              antlr4::Token::DEFAULT_CHANNEL, index_, index_ - 1);
    eof->setLine(line_);
    eof->setCharPositionInLine(column_);
    eof->setText("<EOF>");
    return eof;
  }
  const char c = text_[at_];
  size_t i = at_;

  // STRING: '"' (ESCAPE | ~["\\\r\n])* '"'?  with ESCAPE: '\\' ~[\r\n]
  if (c == '"') {
    for (++i; i < n;) {
      char k = text_[i];
      if (k == '"') {
        ++i;
        break;
      }
      if (k == '\r' || k == '\n') break;
      size_t len;
      if (k == '\\') {
        if (i + 1 >= n || text_[i + 1] == '\r' || text_[i + 1] == '\n') break;
        peek(i + 1, &len);
        i += 1 + len;
        continue;
      }
      peek(i, &len);
      i += len;
    }
    return token(L::STRING, antlr4::Token::DEFAULT_CHANNEL, i);
  }
  // LINE_COMMENT: ('//' | '#') ~[\r\n]*   BLOCK_COMMENT: '/*' .*? '*/'   (both hidden)
  if (c == '#' || (c == '/' && byte(i + 1) == '/')) {
    while (i < n && text_[i] != '\r' && text_[i] != '\n') ++i;
    return token(L::LINE_COMMENT, antlr4::Token::HIDDEN_CHANNEL, i);
  }
  if (c == '/' && byte(i + 1) == '*') {
    size_t close = text_.find("*/", i + 2);
    if (close != std::string_view::npos) {
      return token(L::BLOCK_COMMENT, antlr4::Token::HIDDEN_CHANNEL, close + 2);
    }
  }
  // PERCENT, QUANTITY, NUMBER: '-'? DIGITS FRACTION?, then '%', [a-zA-Z]+ or EXPONENT?; else
  // MALFORMED_NUMBER when it reaches further
  if (is_digit(c) || (c == '-' && is_digit(byte(i + 1)))) {
    if (c == '-') ++i;
    if (text_[i] == '0') {
      ++i;
    } else {
      while (is_digit(byte(i))) ++i;
    }
    if (byte(i) == '.' && is_digit(byte(i + 1))) {
      for (i += 1; is_digit(byte(i)); ++i) {
      }
    }
    if (byte(i) == '%') return token(L::PERCENT, antlr4::Token::DEFAULT_CHANNEL, i + 1);
    size_t number_end = i;
    if (byte(i) == 'e' || byte(i) == 'E') {
      size_t e = i + 1;
      if (byte(e) == '+' || byte(e) == '-') ++e;
      if (is_digit(byte(e))) {
        while (is_digit(byte(e))) ++e;
        number_end = e;
      }
    }
    size_t quantity_end = i;
    while (is_letter(byte(quantity_end))) ++quantity_end;
    // MALFORMED_NUMBER: '-'? [0-9] [a-zA-Z0-9_.]*, chosen only when longer than both.
    size_t malformed_end = at_ + (c == '-' ? 2 : 1);
    while (is_word(byte(malformed_end)) || byte(malformed_end) == '.') ++malformed_end;
    if (malformed_end > std::max(quantity_end, number_end)) {
      return token(L::MALFORMED_NUMBER, antlr4::Token::DEFAULT_CHANNEL, malformed_end);
    }
    if (quantity_end > number_end) {
      return token(L::QUANTITY, antlr4::Token::DEFAULT_CHANNEL, quantity_end);
    }
    return token(L::NUMBER, antlr4::Token::DEFAULT_CHANNEL, number_end);
  }
  // Keywords, then IDENT: [a-zA-Z_] [a-zA-Z0-9_]*
  if (is_letter(c) || c == '_') {
    while (i < n && is_word(text_[i])) ++i;
    std::string_view word = text_.substr(at_, i - at_);
    size_t type = L::IDENT;
    for (const auto& [literal, t] : literals().words[static_cast<unsigned char>(c)]) {
      if (word == literal) {
        type = t;
        break;
      }
    }
    return token(type, antlr4::Token::DEFAULT_CHANNEL, i);
  }
  // Operators and punctuation.
  if (static_cast<unsigned char>(c) < 128) {
    for (const auto& [literal, t] : literals().operators[static_cast<unsigned char>(c)]) {
      if (text_.compare(at_, literal.size(), literal) == 0) {
        return token(t, antlr4::Token::DEFAULT_CHANNEL, at_ + literal.size());
      }
    }
  }
  // ERROR_CHAR: any one character, on the channel the reader reports from.
  size_t len;
  peek(at_, &len);
  return token(L::ERROR_CHAR, kErrorChannel, at_ + len);
}

std::string describe_tokens(std::string_view text, bool generated) {
  antlr4::ANTLRInputStream input(text.data(), text.size());
  L antlr_lexer(&input);
  antlr_lexer.removeErrorListeners();
  DslLexer own_lexer(text);
  antlr4::TokenSource& lexer = generated ? static_cast<antlr4::TokenSource&>(antlr_lexer)
                                         : static_cast<antlr4::TokenSource&>(own_lexer);
  std::string out;
  for (bool more = true; more;) {
    auto t = lexer.nextToken();
    more = t->getType() != antlr4::Token::EOF;
    out += std::to_string(static_cast<long>(t->getType())) + " " + std::to_string(t->getChannel()) +
           " " + std::to_string(t->getStartIndex()) + " " + std::to_string(t->getStopIndex()) +
           " " + std::to_string(t->getLine()) + ":" + std::to_string(t->getCharPositionInLine()) +
           " " + t->getText() + "\n";
  }
  return out;
}

}  // namespace wfc::syntax
