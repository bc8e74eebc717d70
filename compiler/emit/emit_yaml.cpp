// The canonical YAML writer: block style, 2-space indentation, members in the canonical order.
// A string is plain only when it is made of characters that YAML 1.2 (core schema) can only read
// back as that same string; anything else is double-quoted. A list of scalars goes in flow style
// (`in: [h264, vp9]`) when it fits in 100 columns.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/emit/emit.h"
#include "compiler/emit/text_width.h"

namespace wfc::emit {
namespace {

constexpr size_t kWidth = 100;

bool reserved(std::string_view s) {
  static constexpr std::string_view kWords[] = {"true", "false", "null", "yes", "no",
                                                "on",   "off",   "y",    "n",   "~"};
  for (auto w : kWords) {
    if (s.size() != w.size()) continue;
    bool same = true;
    for (size_t i = 0; i < s.size() && same; ++i) {
      same = (s[i] | 0x20) == w[i] || s[i] == w[i];
    }
    if (same) return true;
  }
  return false;
}

/// Plain when it starts with a letter, '_' or '/', holds only letters, digits and `_ . / -`
/// and spaces, does not end with a space and is no YAML word (true, null, yes...). Such a
/// string can be neither a number nor an indicator in block or flow context.
bool plain_safe(std::string_view s) {
  if (s.empty() || s.back() == ' ' || reserved(s)) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!alpha(s[0]) && s[0] != '_' && s[0] != '/') return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != ' ' && c != '.' && c != '/' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

void hex4(std::string& out, unsigned cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
}

/// A YAML double-quoted string: JSON's escapes plus DEL, the C1 controls and the byte order mark,
/// which YAML does not allow unescaped.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      hex4(out, c);
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      hex4(out, static_cast<unsigned char>(s[i + 1]));
      ++i;
    } else if (c == 0xEF && s.substr(i, 3) == "\xEF\xBB\xBF") {
      hex4(out, 0xFEFF);
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string string_scalar(std::string_view s) { return plain_safe(s) ? std::string(s) : quoted(s); }

std::string scalar(const Value& v) {
  switch (v.type) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return v.boolean ? "true" : "false";
    case ValueType::Integer:
      return std::to_string(v.integer);
    case ValueType::Number:
      if (std::isnan(v.number)) return ".nan";
      if (std::isinf(v.number)) return v.number < 0 ? "-.inf" : ".inf";
      return nlohmann::json(v.number).dump();  // "1.0", "1e+300": floats in the core schema
    case ValueType::String:
      return string_scalar(v.string);
    case ValueType::Array:
      return "[]";
    case ValueType::Object:
      return "{}";
    case ValueType::Quantity:  // never in a checked document; json_representable() says no
      return string_scalar(v.string);
  }
  return "null";
}

bool is_leaf(const Value& v) {
  return (!v.is_array() && !v.is_object()) || (v.items.empty() && v.members.empty());
}

/// `[a, b]` for a list of scalars that fits after `column`; empty when it does not.
std::string flow_list(const Value& v, size_t column) {
  if (!v.is_array() || v.items.empty()) return {};
  std::string s = "[";
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (!is_leaf(v.items[i])) return {};
    s += (i ? ", " : "") + scalar(v.items[i]);
  }
  s += "]";
  return column + text_width(s) <= kWidth ? s : std::string();
}

/// The lines of a non-empty mapping or sequence, each indented by `indent` spaces.
void block(std::string& out, const Value& v, size_t indent) {
  std::string pad(indent, ' ');
  if (v.is_array()) {
    for (const auto& item : v.items) {
      if (is_leaf(item)) {
        out += pad + "- " + scalar(item) + "\n";
      } else if (auto flow = flow_list(item, indent + 2); !flow.empty()) {
        out += pad + "- " + flow + "\n";
      } else if (item.is_object()) {
        // The mapping's first line goes after the dash.
        std::string inner;
        block(inner, item, indent + 2);
        out += pad + "- " + inner.substr(indent + 2);
      } else {
        out += pad + "-\n";
        block(out, item, indent + 2);
      }
    }
    return;
  }
  for (const auto& m : v.members) {
    std::string key = string_scalar(m.key) + ":";
    if (is_leaf(m.value)) {
      out += pad + key + " " + scalar(m.value) + "\n";
    } else if (auto flow = flow_list(m.value, indent + text_width(key) + 1); !flow.empty()) {
      out += pad + key + " " + flow + "\n";
    } else {
      out += pad + key + "\n";
      block(out, m.value, indent + 2);
    }
  }
}

}  // namespace

std::string emit_yaml(const Value& value) {
  if (is_leaf(value)) return scalar(value) + "\n";
  std::string out;
  block(out, value, 0);
  return out;
}

std::string emit_yaml(const ast::Document& doc) { return emit_yaml(canonical_value(doc)); }

}  // namespace wfc::emit
