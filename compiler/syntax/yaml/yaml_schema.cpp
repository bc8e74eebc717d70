// YAML 1.2 core schema resolution of plain scalars (see yaml_schema.h). The patterns are the
// spec's (YAML 1.2.2, 10.3.2), matched by hand: this runs for every scalar of every file.
#include "compiler/syntax/yaml/yaml_schema.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace wfc::syntax {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool any_of3(std::string_view s, std::string_view a, std::string_view b, std::string_view c) {
  return s == a || s == b || s == c;
}

// [-+]? [0-9]+
bool is_decimal_int(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_decimal_float(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t int_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

void set_number(Value& out, double d) {
  out.type = ValueType::Number;
  out.number = d;
}

// Integers that overflow int64 become Numbers, as in the JSON reader.
void set_integer(Value& out, std::string_view digits, int base, bool negative) {
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (ec == std::errc() && ptr == digits.data() + digits.size() &&
      magnitude <= kMaxPositive + (negative ? 1 : 0)) {
    out.type = ValueType::Integer;
    out.integer = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    return;
  }
  double d = 0;
  if (base == 10) {
    std::from_chars(digits.data(), digits.data() + digits.size(), d);  // correctly rounded
  } else {
    for (char c : digits) d = d * base + (is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  set_number(out, negative ? -d : d);
}

}  // namespace

void resolve_plain_scalar(std::string_view s, Value& out) {
  if (s.empty() || s == "~" || any_of3(s, "null", "Null", "NULL")) {
    out.type = ValueType::Null;
    return;
  }
  if (any_of3(s, "true", "True", "TRUE")) {
    out.type = ValueType::Bool;
    out.boolean = true;
    return;
  }
  if (any_of3(s, "false", "False", "FALSE")) {
    out.type = ValueType::Bool;
    out.boolean = false;
    return;
  }
  char first = s[0];
  // Cheap exit for the common case: a string that cannot be a number.
  if (!is_digit(first) && first != '-' && first != '+' && first != '.') {
    out.type = ValueType::String;
    out.string.assign(s);
    return;
  }
  if (is_decimal_int(s)) {
    bool negative = first == '-';
    size_t sign = (first == '-' || first == '+') ? 1 : 0;
    set_integer(out, s.substr(sign), 10, negative);
    return;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    bool hex = s[1] == 'x';
    std::string_view digits = s.substr(2);
    bool ok = true;
    for (char c : digits) ok = ok && (hex ? is_hex(c) : is_octal(c));
    if (ok) {
      set_integer(out, digits, hex ? 16 : 8, false);
      return;
    }
  }
  if (is_decimal_float(s)) {
    std::string_view body = s[0] == '+' ? s.substr(1) : s;
    double d = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
    if (ec == std::errc::result_out_of_range) {
      // from_chars leaves d unset on overflow; the spec's value is the infinity (or zero).
      bool tiny = body.find_first_of("eE") != std::string_view::npos &&
                  body[body.find_first_of("eE") + 1] == '-';
      d = tiny ? 0.0 : std::numeric_limits<double>::infinity();
      if (body[0] == '-') d = -d;
    }
    set_number(out, d);
    return;
  }
  std::string_view unsigned_part = (first == '-' || first == '+') ? s.substr(1) : s;
  if (any_of3(unsigned_part, ".inf", ".Inf", ".INF")) {
    double inf = std::numeric_limits<double>::infinity();
    set_number(out, first == '-' ? -inf : inf);
    return;
  }
  if (any_of3(s, ".nan", ".NaN", ".NAN")) {
    set_number(out, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  out.type = ValueType::String;
  out.string.assign(s);
}

bool standard_tag_type(std::string_view tag, ValueType& type) {
  constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
  if (tag.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view name = tag.substr(kPrefix.size());
  if (name == "str") {
    type = ValueType::String;
  } else if (name == "null") {
    type = ValueType::Null;
  } else if (name == "bool") {
    type = ValueType::Bool;
  } else if (name == "int") {
    type = ValueType::Integer;
  } else if (name == "float") {
    type = ValueType::Number;
  } else if (name == "map") {
    type = ValueType::Object;
  } else if (name == "seq") {
    type = ValueType::Array;
  } else {
    return false;
  }
  return true;
}

}  // namespace wfc::syntax
