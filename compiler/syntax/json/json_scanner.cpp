// The strict JSON diagnostic scanner; see json_scanner.h. A hand-written state machine over the
// RFC 8259 grammar with an explicit, bounded stack of open brackets: no recursion, so no input
// can exhaust the call stack, and one pass, so no input costs more than linear time.
#include "compiler/syntax/json/json_scanner.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "compiler/util/suggest.h"

namespace wfc::syntax {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// Characters that end a bare word such as `NaN` or `1x`: JSON's structure and whitespace.
bool ends_word(char c) {
  return is_space(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',' ||
         c == '"' || c == '\'' || c == '/' || c == '#';
}
bool starts_value(char c) {
  return c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

size_t utf8_length(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return 4;
}

uint32_t decode_utf8(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned char c = static_cast<unsigned char>(s[i]);
  switch (utf8_length(c)) {
    case 1:
      return c;
    case 2:
      return (c & 0x1Fu) << 6 | (b(1) & 0x3Fu);
    case 3:
      return (c & 0x0Fu) << 12 | (b(1) & 0x3Fu) << 6 | (b(2) & 0x3Fu);
    default:
      return (c & 0x07u) << 18 | (b(1) & 0x3Fu) << 12 | (b(2) & 0x3Fu) << 6 | (b(3) & 0x3Fu);
  }
}

std::string code_point_name(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// Invisible characters that look like whitespace in an editor but are not JSON whitespace.
bool is_invisible(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x3000 || cp == 0xFEFF;
}

// Text quoted for a message, cut at 40 bytes on a character boundary.
std::string quote(std::string_view s) {
  if (s.size() > 40) {
    size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return "'" + std::string(s.substr(0, cut)) + "...'";
  }
  return "'" + std::string(s) + "'";
}

enum class Container : uint8_t { Array, Object };

struct Open {
  Container type;
  size_t offset;  // of the bracket, for "'{' at 3:5 is not closed"
};

// What the grammar allows next.
enum class Expect : uint8_t {
  TopValue,
  ValueAfterColon,
  FirstElement,       // after '[': a value or ']'
  ElementAfterComma,  // after ',' in an array
  FirstKey,           // after '{': a key or '}'
  KeyAfterComma,      // after ',' in an object
  Colon,
  ArrayCommaOrClose,
  ObjectCommaOrClose,
  End,
};

class Scanner {
 public:
  Scanner(const SourceFile& file, size_t start, uint32_t max_depth)
      : file_(file), text_(file.text()), pos_(start), max_depth_(max_depth) {}

  std::optional<JsonError> run();

 private:
  using Result = std::optional<JsonError>;

  JsonError error(size_t begin, size_t end, std::string message, std::string hint = {}) const {
    return {diag::Code::InvalidSyntax, file_.span(begin, std::max(end, begin + 1)),
            std::move(message), std::move(hint)};
  }
  Result skip_space();
  Result value(Expect state);
  Result string_token();
  Result number_token();
  Result word_token();
  Result single_quoted();
  Result push(Container type);
  Result end_of_file(Expect state) const;
  Result unexpected(Expect state) const;
  void after_value();

  size_t word_end(size_t p) const {
    while (p < text_.size() && !ends_word(text_[p])) ++p;
    return p;
  }
  // End of the token starting at p, for spans: a whole string, word or number, else one
  // character.
  size_t token_end(size_t p) const;
  size_t line_end(size_t p) const {
    while (p < text_.size() && text_[p] != '\n' && text_[p] != '\r') ++p;
    return p;
  }
  std::string describe(size_t p) const;
  std::string position_text(size_t offset) const {
    Position pos = file_.position(offset);
    return std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }
  std::string not_closed_hint() const {
    const Open& open = stack_.back();
    return std::string("the '") + (open.type == Container::Array ? '[' : '{') + "' at " +
           position_text(open.offset) + " is not closed";
  }

  const SourceFile& file_;
  std::string_view text_;
  size_t pos_;
  uint32_t max_depth_;
  std::vector<Open> stack_;
  Expect expect_ = Expect::TopValue;
  size_t last_comma_ = 0;
  size_t last_token_end_ = 0;  // where an end-of-file error points
};

std::optional<JsonError> Scanner::run() {
  last_token_end_ = pos_;
  for (;;) {
    if (auto e = skip_space()) return e;
    if (pos_ >= text_.size()) {
      if (expect_ == Expect::End) return std::nullopt;
      return end_of_file(expect_);
    }
    const char c = text_[pos_];
    const size_t here = pos_;
    switch (expect_) {
      case Expect::TopValue:
      case Expect::ValueAfterColon:
      case Expect::FirstElement:
      case Expect::ElementAfterComma:
        if (c == ']' && expect_ == Expect::FirstElement) {
          ++pos_;
          stack_.pop_back();
          after_value();
        } else if (c == ']' && expect_ == Expect::ElementAfterComma) {
          return error(last_comma_, last_comma_ + 1, "trailing comma is not allowed in JSON",
                       "remove the trailing comma");
        } else if (auto e = value(expect_)) {
          return e;
        }
        break;
      case Expect::FirstKey:
      case Expect::KeyAfterComma:
        if (c == '}' && expect_ == Expect::FirstKey) {
          ++pos_;
          stack_.pop_back();
          after_value();
        } else if (c == '}') {
          return error(last_comma_, last_comma_ + 1, "trailing comma is not allowed in JSON",
                       "remove the trailing comma");
        } else if (c == '"') {
          if (auto e = string_token()) return e;
          expect_ = Expect::Colon;
        } else if (c == '\'') {
          return single_quoted();
        } else {
          return unexpected(expect_);
        }
        break;
      case Expect::Colon:
        if (c != ':') return unexpected(expect_);
        ++pos_;
        expect_ = Expect::ValueAfterColon;
        break;
      case Expect::ArrayCommaOrClose:
      case Expect::ObjectCommaOrClose: {
        const bool array = expect_ == Expect::ArrayCommaOrClose;
        if (c == ',') {
          last_comma_ = pos_++;
          expect_ = array ? Expect::ElementAfterComma : Expect::KeyAfterComma;
        } else if (c == (array ? ']' : '}')) {
          ++pos_;
          stack_.pop_back();
          after_value();
        } else {
          return unexpected(expect_);
        }
        break;
      }
      case Expect::End:
        return unexpected(expect_);
    }
    if (pos_ > here) last_token_end_ = pos_;
  }
}

void Scanner::after_value() {
  if (stack_.empty()) {
    expect_ = Expect::End;
  } else {
    expect_ = stack_.back().type == Container::Array ? Expect::ArrayCommaOrClose
                                                     : Expect::ObjectCommaOrClose;
  }
}

std::optional<JsonError> Scanner::skip_space() {
  for (;;) {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    if (pos_ >= text_.size()) return std::nullopt;
    const char c = text_[pos_];
    if (c == '/' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '/' || text_[pos_ + 1] == '*')) {
      size_t end;
      if (text_[pos_ + 1] == '/') {
        end = line_end(pos_);
      } else {
        size_t close = text_.find("*/", pos_ + 2);
        end = close == std::string_view::npos ? line_end(pos_) : close + 2;
        // A block comment over several lines: underline its first line only.
        end = std::min(end, line_end(pos_));
      }
      return error(pos_, end, "comments are not allowed in JSON",
                   "remove the comment (YAML workflow files may use '#' comments)");
    }
    // '#' is no JSON syntax at all, but at the start of a line it is surely meant as a comment.
    if (c == '#') {
      size_t line_begin = pos_;
      while (line_begin > 0 && text_[line_begin - 1] != '\n') --line_begin;
      bool first_on_line = true;
      for (size_t i = line_begin; i < pos_; ++i) first_on_line &= is_space(text_[i]);
      if (first_on_line) {
        return error(pos_, line_end(pos_), "comments are not allowed in JSON",
                     "remove the comment (YAML workflow files may use '#' comments)");
      }
    }
    uint32_t cp = decode_utf8(text_, pos_);
    if (is_invisible(cp)) {
      return error(pos_, pos_ + utf8_length(static_cast<unsigned char>(c)),
                   "unexpected invisible character " + code_point_name(cp),
                   "only spaces, tabs and line breaks may separate JSON tokens");
    }
    return std::nullopt;
  }
}

std::optional<JsonError> Scanner::value(Expect state) {
  const char c = text_[pos_];
  switch (c) {
    case '{':
      if (auto e = push(Container::Object)) return e;
      expect_ = Expect::FirstKey;
      return std::nullopt;
    case '[':
      if (auto e = push(Container::Array)) return e;
      expect_ = Expect::FirstElement;
      return std::nullopt;
    case '"':
      if (auto e = string_token()) return e;
      after_value();
      return std::nullopt;
    case '\'':
      return single_quoted();
    default:
      break;
  }
  if (c == '-' || is_digit(c)) {
    if (auto e = number_token()) return e;
    after_value();
    return std::nullopt;
  }
  if (c == '+' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
      c == '$') {
    if (auto e = word_token()) return e;
    after_value();
    return std::nullopt;
  }
  return unexpected(state);
}

std::optional<JsonError> Scanner::push(Container type) {
  if (stack_.size() >= max_depth_) return too_deep_error(file_, pos_, max_depth_);
  stack_.push_back({type, pos_});
  ++pos_;
  return std::nullopt;
}

std::optional<JsonError> Scanner::string_token() {
  const size_t open = pos_;
  size_t p = pos_ + 1;
  const size_t n = text_.size();
  auto unterminated = [&] {
    return error(open, line_end(open), "unterminated string",
                 "add the closing '\"' (a line break inside a string is written \\n)");
  };
  while (p < n) {
    const unsigned char c = static_cast<unsigned char>(text_[p]);
    if (c == '"') {
      pos_ = p + 1;
      return std::nullopt;
    }
    if (c == '\n' || c == '\r') return unterminated();
    if (c < 0x20) {
      if (c == '\t') {
        return error(p, p + 1, "tab characters must be escaped in JSON strings",
                     "write the tab as \\t");
      }
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      return error(p, p + 1,
                   "control character " + code_point_name(c) + " must be escaped in JSON strings",
                   std::string("write it as ") + esc);
    }
    if (c != '\\') {
      ++p;
      continue;
    }
    if (p + 1 >= n || text_[p + 1] == '\n' || text_[p + 1] == '\r') return unterminated();
    const char e = text_[p + 1];
    if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
        e == 't') {
      p += 2;
      continue;
    }
    if (e != 'u') {
      size_t end = p + 1 + utf8_length(static_cast<unsigned char>(e));
      std::string shown = static_cast<unsigned char>(e) < 0x20
                              ? "\\" + code_point_name(static_cast<unsigned char>(e))
                              : std::string(text_.substr(p, end - p));
      return error(p, end, "invalid escape " + quote(shown) + " in string",
                   "the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a "
                   "backslash as \\\\");
    }
    // \uXXXX, and a surrogate pair as two of them.
    auto hex4 = [&](size_t at, uint32_t& out) -> std::optional<JsonError> {
      out = 0;
      for (size_t k = 0; k < 4; ++k) {
        if (at + 2 + k >= n || !is_hex(text_[at + 2 + k])) {
          size_t end = std::min(at + 2 + k + 1, line_end(at));
          // Show what is there, stopping before a closing quote.
          size_t shown_end = std::min(at + 6, line_end(at));
          size_t quote_at = text_.find('"', at + 2);
          if (quote_at != std::string_view::npos) shown_end = std::min(shown_end, quote_at);
          return error(at, std::max(end, at + 2),
                       "invalid unicode escape " + quote(text_.substr(at, shown_end - at)),
                       "\\u is followed by exactly four hexadecimal digits, as in \\u00e9");
        }
        char h = text_[at + 2 + k];
        out = out * 16 + static_cast<uint32_t>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      return std::nullopt;
    };
    uint32_t unit;
    if (auto err = hex4(p, unit)) return err;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return error(p, p + 6, "lone surrogate " + quote(text_.substr(p, 6)) + " in string",
                   "a low surrogate (\\uDC00-\\uDFFF) must follow a high surrogate "
                   "(\\uD800-\\uDBFF); write the character itself or its full pair");
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = 0;
      bool paired = p + 7 < n && text_[p + 6] == '\\' && text_[p + 7] == 'u';
      if (paired) {
        if (auto err = hex4(p + 6, low)) return err;
        paired = low >= 0xDC00 && low <= 0xDFFF;
      }
      if (!paired) {
        return error(p, p + 6, "lone surrogate " + quote(text_.substr(p, 6)) + " in string",
                     "a high surrogate (\\uD800-\\uDBFF) must be followed by a low surrogate "
                     "(\\uDC00-\\uDFFF); write the character itself or its full pair");
      }
      p += 12;
      continue;
    }
    p += 6;
  }
  return unterminated();
}

std::optional<JsonError> Scanner::number_token() {
  const size_t begin = pos_;
  const size_t n = text_.size();
  const size_t word = word_end(begin);
  size_t p = begin;
  if (text_[p] == '-') ++p;
  if (p >= n || !is_digit(text_[p])) {
    std::string_view rest = text_.substr(p, word - p);
    if (rest == "Infinity" || rest == "NaN" || rest == "inf" || rest == "nan") {
      return error(begin, word,
                   quote(text_.substr(begin, word - begin)) + " is not a valid JSON value",
                   "JSON numbers must be finite; use null or a string");
    }
    return error(begin, std::max(word, begin + 1), "expected a digit after '-'");
  }
  bool integer = true;
  if (text_[p] == '0' && p + 1 < n && is_digit(text_[p + 1])) {
    return error(begin, word, "numbers must not have leading zeros",
                 "remove the leading zero, or quote the value if it is a code such as \"007\"");
  }
  while (p < n && is_digit(text_[p])) ++p;
  if (p < n && text_[p] == '.') {
    integer = false;
    ++p;
    if (p >= n || !is_digit(text_[p])) {
      return error(begin, std::max(word, p), "expected a digit after the decimal point",
                   "write '" + std::string(text_.substr(begin, p - 1 - begin)) + ".0' or '" +
                       std::string(text_.substr(begin, p - 1 - begin)) + "'");
    }
    while (p < n && is_digit(text_[p])) ++p;
  }
  if (p < n && (text_[p] == 'e' || text_[p] == 'E')) {
    integer = false;
    ++p;
    if (p < n && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p >= n || !is_digit(text_[p])) {
      return error(begin, std::max(word, p), "expected a digit in the exponent",
                   "an exponent is written as in 1e6 or 2.5E-3");
    }
    while (p < n && is_digit(text_[p])) ++p;
  }
  if (p < word) {
    std::string_view token = text_.substr(begin, word - begin);
    std::string hint;
    if (token.size() > 1 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
      hint = "JSON numbers are decimal; write the value in decimal";
    } else if (token.find_first_not_of("0123456789.eE+-") == std::string_view::npos) {
      hint = "a number has at most one '.' and one exponent, as in -1.5e3";
    } else {
      hint = "quote the value if it is meant as a string";
    }
    return error(begin, word, "invalid number " + quote(token), hint);
  }
  // Every integer fits a double, if not exactly; only a huge magnitude does not.
  if (!integer || p - begin > 300) {
    std::string digits(text_.substr(begin, p - begin));
    if (std::isinf(std::strtod(digits.c_str(), nullptr))) {
      return error(begin, p, "number " + quote(digits) + " is too large",
                   "JSON numbers must fit a 64-bit float (at most about 1.8e308)");
    }
  }
  pos_ = p;
  return std::nullopt;
}

std::optional<JsonError> Scanner::word_token() {
  const size_t begin = pos_;
  const size_t end = std::max(word_end(begin), begin + 1);
  std::string_view word = text_.substr(begin, end - begin);
  if (word == "true" || word == "false" || word == "null") {
    pos_ = end;
    return std::nullopt;
  }
  const std::string message = quote(word) + " is not a valid JSON value";
  if (word == "NaN" || word == "Infinity" || word == "+Infinity" || word == "inf" ||
      word == "nan") {
    return error(begin, end, message, "JSON numbers must be finite; use null or a string");
  }
  if (word[0] == '+') {
    return error(begin, end, "numbers must not start with '+'", "remove the '+'");
  }
  if (word[0] == '.') {
    return error(begin, end, "numbers must start with a digit",
                 "write '0" + std::string(word) + "'");
  }
  static const std::vector<std::string> kLiterals = {"true", "false", "null"};
  for (const auto& literal : kLiterals) {
    if (word.size() == literal.size() && edit_distance(word, literal) == 0) {
      return error(begin, end, message, "JSON literals are lowercase: write '" + literal + "'");
    }
  }
  if (word == "None" || word == "nil" || word == "undefined" || word == "Nil") {
    return error(begin, end, message, "write null");
  }
  if (word.size() <= 6) {
    if (auto s = suggest(word, kLiterals)) {
      return error(begin, end, message, "did you mean '" + *s + "'?");
    }
  }
  return error(begin, end, message,
               "strings must be in double quotes: \"" + std::string(word.substr(0, 40)) + "\"");
}

std::optional<JsonError> Scanner::single_quoted() {
  size_t close = pos_ + 1;
  const size_t eol = line_end(pos_);
  while (close < eol && text_[close] != '\'') ++close;
  size_t end = close < eol ? close + 1 : pos_ + 1;
  return error(pos_, end, "strings must use double quotes",
               "replace the single quotes with double quotes");
}

size_t Scanner::token_end(size_t p) const {
  if (p >= text_.size()) return p;
  const char c = text_[p];
  if (c == '"') {
    size_t q = p + 1;
    const size_t eol = line_end(p);
    while (q < eol && text_[q] != '"') q += text_[q] == '\\' ? 2 : 1;
    return q < eol ? q + 1 : p + 1;
  }
  if (!ends_word(c)) return std::max(word_end(p), p + 1);
  return p + utf8_length(static_cast<unsigned char>(c));
}

std::string Scanner::describe(size_t p) const {
  return quote(text_.substr(p, utf8_length(static_cast<unsigned char>(text_[p]))));
}

std::optional<JsonError> Scanner::unexpected(Expect state) const {
  const size_t p = pos_;
  const char c = text_[p];
  const size_t end = token_end(p);
  switch (state) {
    case Expect::TopValue:
    case Expect::ValueAfterColon:
    case Expect::FirstElement:
    case Expect::ElementAfterComma: {
      std::string message = state == Expect::ValueAfterColon ? "expected a value after ':'"
                            : state == Expect::FirstElement  ? "expected a value or ']'"
                                                             : "expected a value";
      std::string hint;
      if (c == ',' && state == Expect::ElementAfterComma) {
        hint = "remove the extra ','";
      } else if ((c == '}' || c == ']') && !stack_.empty() &&
                 c != (stack_.back().type == Container::Array ? ']' : '}')) {
        hint = not_closed_hint();
      } else if (c == '}' && state == Expect::ValueAfterColon) {
        hint = "give the key a value, such as null, or remove it";
      } else if (c == '}' || c == ']') {
        hint = "remove the extra " + describe(p);
      } else if (static_cast<unsigned char>(c) >= 0x80 || c == '`' || c == '<') {
        hint = "strings must be in double quotes";
      }
      return error(p, end, message, hint);
    }
    case Expect::FirstKey:
    case Expect::KeyAfterComma: {
      if (!ends_word(c) && c != '\'') {
        std::string_view word = text_.substr(p, end - p);
        return error(p, end, "object keys must be strings in double quotes",
                     "write \"" + std::string(word.substr(0, 40)) + "\"");
      }
      std::string hint;
      if (c == ',' && state == Expect::KeyAfterComma) hint = "remove the extra ','";
      if (c == ']') hint = not_closed_hint();
      return error(p, end, "expected a key in double quotes", hint);
    }
    case Expect::Colon: {
      std::string hint = starts_value(c)        ? "add ':' between the key and its value"
                         : c == ',' || c == '}' ? "every key needs a value, as in \"key\": value"
                                                : "";
      return error(p, end, "expected ':' after the object key", hint);
    }
    case Expect::ArrayCommaOrClose:
    case Expect::ObjectCommaOrClose: {
      const bool array = state == Expect::ArrayCommaOrClose;
      std::string hint;
      if (c == (array ? '}' : ']')) {
        hint = not_closed_hint();
      } else if (starts_value(c) || c == '\'') {
        hint =
            array ? "add a ',' after the previous element" : "add a ',' after the previous member";
      }
      return error(p, end,
                   array ? "expected ',' or ']' after an array element"
                         : "expected ',' or '}' after an object member",
                   hint);
    }
    case Expect::End:
      break;
  }
  // Expect::End: something follows the one value a JSON text holds.
  std::string hint = c == '}' || c == ']'
                         ? "remove the extra " + describe(p)
                         : "a JSON file holds one value; put several values in an array";
  return error(p, end, "unexpected content after the JSON document", hint);
}

std::optional<JsonError> Scanner::end_of_file(Expect state) const {
  std::string expected;
  switch (state) {
    case Expect::TopValue:
    case Expect::ValueAfterColon:
    case Expect::ElementAfterComma:
      expected = "a value";
      break;
    case Expect::FirstElement:
      expected = "a value or ']'";
      break;
    case Expect::FirstKey:
      expected = "a key or '}'";
      break;
    case Expect::KeyAfterComma:
      expected = "a key";
      break;
    case Expect::Colon:
      expected = "':'";
      break;
    case Expect::ArrayCommaOrClose:
      expected = "',' or ']'";
      break;
    case Expect::ObjectCommaOrClose:
      expected = "',' or '}'";
      break;
    case Expect::End:
      return std::nullopt;
  }
  // A zero-width point just after the last token, where the missing text belongs.
  Span at = Span::point(file_.position(last_token_end_));
  return JsonError{diag::Code::InvalidSyntax, at, "unexpected end of file, expected " + expected,
                   stack_.empty() ? std::string() : not_closed_hint()};
}

}  // namespace

std::optional<JsonError> find_json_error(const SourceFile& file, size_t start, uint32_t max_depth) {
  return Scanner(file, start, max_depth).run();
}

JsonError too_deep_error(const SourceFile& file, size_t offset, uint32_t max_depth) {
  return {diag::Code::TooDeep, file.span(offset, offset + 1),
          "objects and arrays nest more than " + std::to_string(max_depth) + " levels deep",
          "workflows need only a few levels; look for brackets that are never closed"};
}

}  // namespace wfc::syntax
