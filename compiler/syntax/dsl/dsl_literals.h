// Literal tokens of the DSL decoded into located Values: strings with JSON's escapes (a bad
// escape reported where it is), numbers (an integer when it has no fraction or exponent and fits),
// unit literals kept as written (the checker converts them: compiler/check/quantities.h), and
// bare words, which are strings.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/source/source.h"
#include "compiler/syntax/dsl/dsl_errors.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

inline Value make_value(ValueType type, Span span) {
  Value v;
  v.type = type;
  v.span = span;
  return v;
}

class Literals {
 public:
  explicit Literals(Reporter& r) : r_(r) {}

  /// A "..." literal with JSON's escapes; an unterminated one is reported and read to the end of
  /// its line.
  Value string(antlr4::Token* t);
  /// A number too large for a double is reported, and read as 0.
  Value number(antlr4::Token* t);
  /// A unit literal (`2s`, `10MB`) as written: what it measures and whether the option or
  /// property takes that is the checker's to say.
  Value quantity(antlr4::Token* t) {
    Value out = make_value(ValueType::Quantity, r_.span(t));
    out.string = t->getText();
    return out;
  }
  /// A number run on into more characters (`1280x720`, `1.2.3`, `0123`, `1h30m`): reported once,
  /// at the whole of it, with a hint for what it looks like it meant; read as null.
  Value malformed_number(antlr4::Token* t);
  /// A bare word (`mp4`, `high`) is a string.
  Value word(antlr4::Token* t) { return Value::make_string(t->getText(), r_.span(t)); }

 private:
  static bool ends_escaped(const std::string& text);
  static bool hex4(const std::string& s, size_t from, size_t end, uint32_t* out);
  static void append_utf8(std::string& out, uint32_t cp);
  void bad_escape(Position p, uint32_t width, std::string message, std::string hint);

  Reporter& r_;
};

}  // namespace wfc::syntax
