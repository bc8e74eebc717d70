// The canonical JSON writer: 2-space indentation, members in the canonical order, and an object
// or array of scalars on one line (`{ "kind": "summary" }`) when it fits in 100 columns, as the
// hand-written files in workflows/ are laid out.
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/emit/emit.h"
#include "compiler/emit/text_width.h"

namespace wfc::emit {
namespace {

constexpr size_t kWidth = 100;

std::string scalar(const Value& v) {
  switch (v.type) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return v.boolean ? "true" : "false";
    case ValueType::Integer:
      return std::to_string(v.integer);
    case ValueType::Number:
      // Shortest text that reads back as the same double, with ".0" kept so that it stays a
      // number and does not become an integer. JSON has no NaN: json_representable() guards.
      return json_number(v.number);
    case ValueType::String:
      return json_string(v.string);
    case ValueType::Array:
      return "[]";
    case ValueType::Object:
      return "{}";
    case ValueType::Quantity:  // never in a checked document; json_representable() says no
      return json_string(v.string);
  }
  return "null";
}

bool is_leaf(const Value& v) {
  return (!v.is_array() && !v.is_object()) || (v.items.empty() && v.members.empty());
}

bool all_leaves(const Value& v) {
  for (const auto& i : v.items) {
    if (!is_leaf(i)) return false;
  }
  for (const auto& m : v.members) {
    if (!is_leaf(m.value)) return false;
  }
  return true;
}

/// `{ "a": 1, "b": 2 }` or `[1, 2]`.
std::string inline_form(const Value& v) {
  std::string s;
  if (v.is_array()) {
    s += "[";
    for (size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + scalar(v.items[i]);
    return s + "]";
  }
  s += "{ ";
  for (size_t i = 0; i < v.members.size(); ++i) {
    s += (i ? ", " : "") + json_string(v.members[i].key) + ": " + scalar(v.members[i].value);
  }
  return s + " }";
}

/// Writes `v` whose first line starts at column `column` (after a key, or after indentation).
void write(std::string& out, const Value& v, size_t indent, size_t column) {
  if (is_leaf(v)) {
    out += scalar(v);
    return;
  }
  if (all_leaves(v)) {
    std::string one_line = inline_form(v);
    // The closing "," a following sibling adds counts too.
    if (column + text_width(one_line) + 1 <= kWidth) {
      out += one_line;
      return;
    }
  }
  std::string pad(indent + 2, ' ');
  if (v.is_array()) {
    out += "[\n";
    for (size_t i = 0; i < v.items.size(); ++i) {
      out += pad;
      write(out, v.items[i], indent + 2, indent + 2);
      out += i + 1 < v.items.size() ? ",\n" : "\n";
    }
    out += std::string(indent, ' ') + "]";
    return;
  }
  out += "{\n";
  for (size_t i = 0; i < v.members.size(); ++i) {
    std::string key = json_string(v.members[i].key) + ": ";
    out += pad + key;
    write(out, v.members[i].value, indent + 2, indent + 2 + text_width(key));
    out += i + 1 < v.members.size() ? ",\n" : "\n";
  }
  out += std::string(indent, ' ') + "}";
}

}  // namespace

std::string json_string(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_number(double d) { return nlohmann::json(d).dump(); }

std::string emit_json(const Value& value) {
  std::string out;
  write(out, value, 0, 0);
  out += "\n";
  return out;
}

std::string emit_json(const ast::Document& doc) { return emit_json(canonical_value(doc)); }

}  // namespace wfc::emit
