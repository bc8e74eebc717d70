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

/// Quantity is a unit literal of the DSL as written (`2s`, `-500ms`, `10MB`, `5Mbps`), its text
/// in `string`: the DSL reader keeps it so, and the checker types it against the catalog and
/// turns it into the Integer or Number of the catalog's unit (compiler/check/quantities.h)
/// before the document is built. No other reader makes one.
enum class ValueType : uint8_t { Null, Bool, Integer, Number, String, Array, Object, Quantity };

/// "null", "boolean", "integer", "number", "string", "array", "object", "quantity".
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
  std::string string;           // String; Quantity: the literal as written
  std::vector<Value> items;     // Array
  std::vector<Member> members;  // Object, in source order (duplicates are rejected by readers)

  bool is_null() const { return type == ValueType::Null; }
  bool is_bool() const { return type == ValueType::Bool; }
  bool is_string() const { return type == ValueType::String; }
  bool is_integer() const { return type == ValueType::Integer; }
  bool is_number() const { return type == ValueType::Integer || type == ValueType::Number; }
  bool is_array() const { return type == ValueType::Array; }
  bool is_object() const { return type == ValueType::Object; }
  bool is_quantity() const { return type == ValueType::Quantity; }
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

/// Compact JSON text of a value (for messages and tests); a Quantity is the string of its text.
std::string json_text(const Value& v);

}  // namespace wfc
