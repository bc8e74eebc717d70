// Reference semantics, one rule per line of docs/conditions.md:
// - a missing property is null; `exists` tests for it; every other test is false on null;
// - `not` negates, `and`/`or` combine as booleans (two-valued logic, no "unknown");
// - numbers compare as mathematical values: integers with integers exactly, integers with
//   doubles through long double (64-bit mantissa on x86-64, so exact for both), NaN unordered
//   (every comparison false, so `==` is false and `!=` true);
// - enums compare by name, strings by bytes; `matches` is an RE2 partial match.
#include "compiler/expr/eval_ref.h"

#include <re2/re2.h>

#include <cmath>
#include <optional>
#include <string_view>

namespace wfc::expr {
namespace {

static_assert(sizeof(long double) > sizeof(double), "the oracle needs extended precision");

/// The value a test reads, or nullopt for null.
struct Value {
  FieldTag tag;
  bool b = false;
  long double x = 0;  // Int and Num, exactly
  bool nan = false;
  std::string_view s;  // Str, Enum (the name)
};

std::optional<Value> read(const PropertyRef& p, const Record& r) {
  if (p.is_map) {
    const std::string* text = r.map_value(p.key);
    if (!text) return std::nullopt;
    return Value{FieldTag::Str, false, 0, false, *text};
  }
  const Field& f = r.field(p.slot);
  switch (f.tag) {
    case FieldTag::Null:
      return std::nullopt;
    case FieldTag::Bool:
      return Value{f.tag, f.b, 0, false, {}};
    case FieldTag::Int:
      return Value{f.tag, false, static_cast<long double>(f.i), false, {}};
    case FieldTag::Num:
      return Value{f.tag, false, static_cast<long double>(f.d), std::isnan(f.d), {}};
    case FieldTag::Str:
    case FieldTag::Enum:
      return Value{f.tag, false, 0, false, r.text(p.slot)};
  }
  return std::nullopt;
}

long double number(const Constant& c) {
  return c.type == Type::Int ? static_cast<long double>(c.i) : static_cast<long double>(c.d);
}

bool is_number(const Constant& c) { return c.type == Type::Int || c.type == Type::Num; }

bool equal(const Value& v, const Constant& c) {
  switch (v.tag) {
    case FieldTag::Bool:
      return c.type == Type::Bool && v.b == c.b;
    case FieldTag::Int:
    case FieldTag::Num:
      return is_number(c) && !v.nan && v.x == number(c);
    case FieldTag::Str:
    case FieldTag::Enum:
      return (c.type == Type::Str || c.type == Type::Enum) && v.s == c.s;
    case FieldTag::Null:
      return false;
  }
  return false;
}

bool order(const Value& v, Op op, const Constant& c) {
  if ((v.tag != FieldTag::Int && v.tag != FieldTag::Num) || !is_number(c) || v.nan) return false;
  long double x = v.x, y = number(c);
  if (std::isnan(y)) return false;
  switch (op) {
    case Op::Gt:
      return x > y;
    case Op::Gte:
      return x >= y;
    case Op::Lt:
      return x < y;
    case Op::Lte:
      return x <= y;
    default:
      return false;
  }
}

bool text(const Value& v) { return v.tag == FieldTag::Str || v.tag == FieldTag::Enum; }

bool test(const Node& n, const Record& r) {
  std::optional<Value> v = read(n.prop, r);
  if (n.op == Op::Exists) return v.has_value();
  if (!v) return false;
  switch (n.op) {
    case Op::Eq:
      return equal(*v, n.args[0]);
    case Op::Ne:
      return !equal(*v, n.args[0]);
    case Op::Gt:
    case Op::Gte:
    case Op::Lt:
    case Op::Lte:
      return order(*v, n.op, n.args[0]);
    case Op::In:
    case Op::Nin: {
      bool found = false;
      for (const auto& c : n.args) found = found || equal(*v, c);
      return n.op == Op::In ? found : !found;
    }
    case Op::Contains:
      return text(*v) && v->s.find(n.args[0].s) != std::string_view::npos;
    case Op::StartsWith:
      return text(*v) && v->s.substr(0, n.args[0].s.size()) == n.args[0].s;
    case Op::EndsWith:
      return text(*v) && v->s.size() >= n.args[0].s.size() &&
             v->s.substr(v->s.size() - n.args[0].s.size()) == n.args[0].s;
    case Op::Matches:
      return text(*v) && n.regex && RE2::PartialMatch(v->s, *n.regex);
    case Op::Exists:
      break;
  }
  return false;
}

}  // namespace

bool eval_ref(const Node& n, const Record& r) {
  switch (n.kind) {
    case Node::Kind::True:
      return true;
    case Node::Kind::False:
      return false;
    case Node::Kind::Test:
      return test(n, r);
    case Node::Kind::Not:
      return !eval_ref(n.kids[0], r);
    case Node::Kind::And:
      for (const auto& k : n.kids) {
        if (!eval_ref(k, r)) return false;
      }
      return true;
    case Node::Kind::Or:
      for (const auto& k : n.kids) {
        if (eval_ref(k, r)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace wfc::expr
