// The Value tree's names, lookups and JSON text (value.h).
#include "compiler/value/value.h"

#include <nlohmann/json.hpp>

namespace wfc {

std::string_view value_type_name(ValueType t) {
  switch (t) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return "boolean";
    case ValueType::Integer:
      return "integer";
    case ValueType::Number:
      return "number";
    case ValueType::String:
      return "string";
    case ValueType::Array:
      return "array";
    case ValueType::Object:
      return "object";
    case ValueType::Quantity:
      return "quantity";
  }
  return "null";
}

const Member* Value::find(std::string_view key) const {
  for (const auto& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

Value Value::make_string(std::string s, Span span) {
  Value v;
  v.type = ValueType::String;
  v.string = std::move(s);
  v.span = span;
  return v;
}

namespace {
nlohmann::json to_nlohmann(const Value& v) {
  switch (v.type) {
    case ValueType::Null:
      return nullptr;
    case ValueType::Bool:
      return v.boolean;
    case ValueType::Integer:
      return v.integer;
    case ValueType::Number:
      return v.number;
    case ValueType::String:
    case ValueType::Quantity:
      return v.string;
    case ValueType::Array: {
      auto a = nlohmann::json::array();
      for (const auto& i : v.items) a.push_back(to_nlohmann(i));
      return a;
    }
    case ValueType::Object: {
      auto o = nlohmann::json::object();
      for (const auto& m : v.members) o[m.key] = to_nlohmann(m.value);
      return o;
    }
  }
  return nullptr;
}
}  // namespace

std::string json_text(const Value& v) {
  return to_nlohmann(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wfc
