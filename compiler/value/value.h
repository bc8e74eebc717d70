// Value is the located tree that every reader produces (compiler/syntax/): a JSON-like value
// where every node, and every object key, carries its exact Span. The document builder
// (compiler/syntax/document_builder.h) turns it into an ast::Document; option values stay Values
// so the checker can point into them. It sits below every other folder of the compiler, beside
// Span, so that the AST, the diagnostics' wording and the condition layer can all name it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace wfc {

enum class ValueType : uint8_t { Null, Bool, Integer, Number, String, Array, Object };

/// "null", "boolean", "integer", "number", "string", "array", "object".
std::string_view value_type_name(ValueType t);

struct Member;

/// One value. Integers that fit int64 without a fraction or exponent are Integer; all other
/// numbers are Number (double).
struct Value {
  ValueType type = ValueType::Null;
  Span span;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;
  std::vector<Value> items;     // Array
  std::vector<Member> members;  // Object, in source order (duplicates are rejected by readers)

  bool is_null() const { return type == ValueType::Null; }
  bool is_bool() const { return type == ValueType::Bool; }
  bool is_string() const { return type == ValueType::String; }
  bool is_integer() const { return type == ValueType::Integer; }
  bool is_number() const { return type == ValueType::Integer || type == ValueType::Number; }
  bool is_array() const { return type == ValueType::Array; }
  bool is_object() const { return type == ValueType::Object; }
  /// The numeric value of an Integer or Number.
  double as_double() const { return type == ValueType::Integer ? double(integer) : number; }

  /// The member with this key, or nullptr.
  const Member* find(std::string_view key) const;

  static Value make_string(std::string s, Span span);
};

struct Member {
  std::string key;
  Span key_span;
  Value value;
};

/// Compact JSON text of a value (for messages and tests).
std::string json_text(const Value& v);

}  // namespace wfc
