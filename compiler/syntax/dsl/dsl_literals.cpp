// Strings with their escapes and numbers, decoded from their tokens (dsl_literals.h).
#include "compiler/syntax/dsl/dsl_literals.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "compiler/diag/wording.h"

namespace wfc::syntax {

using antlr4::Token;
using diag::Code;
using diag::quote;

Value Literals::number(Token* t) {
  std::string text = t->getText();
  Span s = r_.span(t);
  Value out = make_value(ValueType::Integer, s);
  if (text.find_first_of(".eE") == std::string::npos) {
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out.integer);
    if (ec == std::errc() && p == text.data() + text.size()) return out;
  }
  out.type = ValueType::Number;
  out.number = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(out.number)) {
    r_.value_error(Code::InvalidSyntax, s, "number " + quote(text) + " is too large", "");
    out.number = 0;
  }
  return out;
}

Value Literals::malformed_number(Token* t) {
  const std::string text = t->getText();
  Span s = r_.span(t);
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t x = digits.find_first_of("xX");
  std::string hint;
  if (x != std::string::npos && x > 0 && x + 1 < digits.size() &&
      std::all_of(digits.begin(), digits.begin() + x, is_digit) &&
      std::all_of(digits.begin() + x + 1, digits.end(), is_digit)) {
    hint = "a size is two options: width: " + std::string(digits.substr(0, x)) +
           ", height: " + std::string(digits.substr(x + 1));
  } else if (std::count(digits.begin(), digits.end(), '.') > 1) {
    hint = "a number has at most one '.'";
  } else if (digits.size() > 1 && digits[0] == '0' && is_digit(digits[1])) {
    size_t first = digits.find_first_not_of('0');
    hint = "a number does not start with '0'; write " +
           std::string(first == std::string::npos ? "0" : digits.substr(first));
  } else {
    hint =
        "a number is digits with an optional fraction and exponent (1280, -1.5, 2e3), then "
        "optionally one unit (2s, 500ms, 10MB) or '%'";
  }
  r_.value_error(Code::InvalidSyntax, s, "malformed number " + quote(text), hint);
  return make_value(ValueType::Null, s);
}

Value Literals::string(Token* t) {
  const std::string text = t->getText();
  Span s = r_.span(t);
  Position b = r_.begin(t);
  bool closed = text.size() >= 2 && text.back() == '"' && !ends_escaped(text);
  std::string out;
  size_t end = closed ? text.size() - 1 : text.size();
  size_t column_offset = 0;  // code points before i, for escape positions
  for (size_t i = 1; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) ++column_offset;
    if (c != '\\') {
      out += text[i];
      continue;
    }
    Position at_escape{b.line, b.column + static_cast<uint32_t>(column_offset)};
    char e = i + 1 < end ? text[i + 1] : '\0';
    ++i;
    ++column_offset;
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!hex4(text, i + 1, end, &cp)) {
          bad_escape(at_escape, 2, "invalid unicode escape", "write \\u followed by 4 hex digits");
          break;
        }
        i += 4;
        column_offset += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < end + 0 && text[i + 1] == '\\' &&
            text[i + 2] == 'u') {
          uint32_t lo = 0;
          if (hex4(text, i + 3, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
            column_offset += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          bad_escape(at_escape, 6, "unpaired surrogate in unicode escape", "");
          break;
        }
        append_utf8(out, cp);
        break;
      }
      default: {
        std::string shown(1, e);
        bad_escape(at_escape, 2, "invalid escape '\\" + shown + "' in string",
                   "write '\\\\' for a backslash");
      }
    }
  }
  return Value::make_string(std::move(out), s);
}

bool Literals::ends_escaped(const std::string& text) {
  // "abc\" is unterminated: count the backslashes before the final quote.
  size_t n = 0;
  for (size_t i = text.size() - 1; i-- > 1 && text[i] == '\\';) ++n;
  return n % 2 == 1;
}

bool Literals::hex4(const std::string& s, size_t from, size_t end, uint32_t* out) {
  if (from + 4 > end) return false;
  uint32_t v = 0;
  for (size_t i = from; i < from + 4; ++i) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= uint32_t(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= uint32_t(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= uint32_t(c - 'A' + 10);
    else
      return false;
  }
  *out = v;
  return true;
}

void Literals::append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

void Literals::bad_escape(Position p, uint32_t width, std::string message, std::string hint) {
  r_.value_error(Code::InvalidSyntax, Span{p.line, p.column, p.line, p.column + width},
                 std::move(message), std::move(hint));
}

}  // namespace wfc::syntax
