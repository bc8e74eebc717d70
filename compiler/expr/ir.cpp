// The IR's names, constructors and canonical text.
#include "compiler/expr/ir.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wfc::expr {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Bool:
      return "boolean";
    case Type::Int:
      return "integer";
    case Type::Num:
      return "number";
    case Type::Str:
      return "string";
    case Type::Enum:
      return "enum";
  }
  return "?";
}

std::string_view op_name(Op op) {
  static constexpr std::string_view kNames[] = {
      "eq",  "ne",       "gt",          "gte",       "lt",      "lte",   "in",
      "nin", "contains", "starts_with", "ends_with", "matches", "exists"};
  return kNames[static_cast<size_t>(op)];
}

std::string_view op_infix(Op op) {
  static constexpr std::string_view kInfix[] = {
      "==",     "!=",       ">",           ">=",        "<",       "<=",    "in",
      "not in", "contains", "starts_with", "ends_with", "matches", "exists"};
  return kInfix[static_cast<size_t>(op)];
}

std::optional<Op> parse_op(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Op::Exists); ++i) {
    if (op_name(static_cast<Op>(i)) == name) return static_cast<Op>(i);
  }
  return std::nullopt;
}

bool is_ordering(Op op) { return op == Op::Gt || op == Op::Gte || op == Op::Lt || op == Op::Lte; }

Constant Constant::boolean(bool v) {
  Constant c;
  c.type = Type::Bool;
  c.b = v;
  return c;
}

Constant Constant::integer(int64_t v) {
  Constant c;
  c.type = Type::Int;
  c.i = v;
  return c;
}

Constant Constant::number(double v) {
  Constant c;
  c.type = Type::Num;
  c.d = v;
  return c;
}

Constant Constant::string(std::string v) {
  Constant c;
  c.type = Type::Str;
  c.s = std::move(v);
  return c;
}

Constant Constant::enumerator(std::string v, int32_t index) {
  Constant c;
  c.type = Type::Enum;
  c.s = std::move(v);
  c.enum_index = index;
  return c;
}

bool Constant::operator==(const Constant& o) const {
  if (type != o.type) return false;
  switch (type) {
    case Type::Bool:
      return b == o.b;
    case Type::Int:
      return i == o.i;
    case Type::Num:
      // Bitwise, so that the cache never confuses -0.0 and 0.0 in canonical text either.
      return std::signbit(d) == std::signbit(o.d) && (d == o.d || (d != d && o.d != o.d));
    case Type::Str:
    case Type::Enum:
      return s == o.s;
  }
  return false;
}

Node Node::constant(bool v, Span span) {
  Node n;
  n.kind = v ? Kind::True : Kind::False;
  n.span = span;
  return n;
}

Node Node::negate(Node n) {
  if (n.kind == Kind::True || n.kind == Kind::False) {
    n.kind = n.kind == Kind::True ? Kind::False : Kind::True;
    return n;
  }
  Node out;
  out.kind = Kind::Not;
  out.span = n.span;
  out.pointer = n.pointer;
  out.kids.push_back(std::move(n));
  return out;
}

namespace {

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

/// The shortest text that reads back as the same double, always with a '.' or an exponent so
/// that it reads back as a number, not an integer.
std::string number_text(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  double magnitude = std::fabs(d);
  if (std::strchr(buf, 'e') && magnitude >= 1e-4 && magnitude < 1e16) {
    // People write 1500.0, not 1.5e+03: the shortest fixed form that reads back the same.
    for (int decimals = 1; decimals <= 20; ++decimals) {
      std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
      if (std::strtod(buf, nullptr) == d) break;
    }
  }
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void append_constant(std::string& out, const Constant& c) {
  switch (c.type) {
    case Type::Bool:
      out += c.b ? "true" : "false";
      return;
    case Type::Int:
      out += std::to_string(c.i);
      return;
    case Type::Num:
      out += number_text(c.d);
      return;
    case Type::Str:
    case Type::Enum:
      append_string(out, c.s);
      return;
  }
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

void append_property(std::string& out, const PropertyRef& p) {
  if (!p.is_map) {
    out += p.name;
    return;
  }
  std::string_view map = std::string_view(p.name).substr(0, p.name.size() - p.key.size() - 1);
  bool plain = !p.key.empty() && p.key[0] != '-';
  for (char c : p.key) plain = plain && is_key_char(c);
  out += map;
  if (plain) {
    out += '.';
    out += p.key;
  } else {
    out += '[';
    append_string(out, p.key);
    out += ']';
  }
}

void append(std::string& out, const Node& n, int parent_precedence);

// Precedence: || 1, && 2, ! and tests 3.
int precedence(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Or:
      return 1;
    case Node::Kind::And:
      return 2;
    default:
      return 3;
  }
}

void append_test(std::string& out, const Node& n) {
  if (n.op == Op::Exists) {
    out += "exists(";
    append_property(out, n.prop);
    out += ')';
    return;
  }
  append_property(out, n.prop);
  out += ' ';
  out += op_infix(n.op);
  out += ' ';
  if (n.op == Op::In || n.op == Op::Nin) {
    out += '[';
    for (size_t i = 0; i < n.args.size(); ++i) {
      if (i > 0) out += ", ";
      append_constant(out, n.args[i]);
    }
    out += ']';
    return;
  }
  if (!n.args.empty()) append_constant(out, n.args[0]);
}

void append(std::string& out, const Node& n, int parent_precedence) {
  switch (n.kind) {
    case Node::Kind::True:
      out += "true";
      return;
    case Node::Kind::False:
      out += "false";
      return;
    case Node::Kind::Test:
      append_test(out, n);
      return;
    case Node::Kind::Not: {
      out += '!';
      const Node& kid = n.kids[0];
      bool bare = kid.is_const() || kid.kind == Node::Kind::Not ||
                  (kid.kind == Node::Kind::Test && kid.op == Op::Exists);
      if (!bare) out += '(';
      append(out, kid, bare ? 3 : 0);
      if (!bare) out += ')';
      return;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
      int p = precedence(n);
      // A nested And inside an And (or Or inside Or) is parenthesized so that the text parses
      // back to the same tree rather than a flattened one.
      bool parens = p <= parent_precedence;
      if (parens) out += '(';
      for (size_t i = 0; i < n.kids.size(); ++i) {
        if (i > 0) out += n.kind == Node::Kind::And ? " && " : " || ";
        append(out, n.kids[i], p);
      }
      if (parens) out += ')';
      return;
    }
  }
}

}  // namespace

std::string to_string(const Node& n) {
  std::string out;
  append(out, n, 0);
  return out;
}

uint64_t structural_hash(const Predicate& p) {
  std::string text = to_string(p.root);
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  mix(static_cast<unsigned char>(p.domain));
  for (char c : text) mix(static_cast<unsigned char>(c));
  return h;
}

size_t node_count(const Node& n) {
  size_t count = 1;
  for (const auto& k : n.kids) count += node_count(k);
  return count;
}

}  // namespace wfc::expr
