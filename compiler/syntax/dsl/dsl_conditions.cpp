// Infix conditions to operator objects (dsl_conditions.h). A conjunction becomes one object
// whose keys are properties; several tests of one property merge into one operator object
// (`width >= 1 && width <= 9` → {"width": {"gte": 1, "lte": 9}}); a conjunct that would repeat
// a key goes into an "and" list, so nothing written is lost or reordered in meaning.
#include "compiler/syntax/dsl/dsl_conditions.h"

#include <string>
#include <utility>

namespace wfc::syntax {
namespace {

using expr::WrittenNode;

Value make(ValueType type, Span span) {
  Value v;
  v.type = type;
  v.span = span;
  return v;
}

Member* find_member(Value& obj, std::string_view key) {
  for (auto& m : obj.members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

Value lower_object(const WrittenNode& n, Span span);

/// The "and" list of `obj`, created on first use.
Value& and_list(Value& obj, Span span) {
  if (Member* m = find_member(obj, "and")) return m->value;
  obj.members.push_back(Member{"and", span, make(ValueType::Array, span)});
  return obj.members.back().value;
}

void add_conjunct(Value& obj, const WrittenNode& n);

/// A test `prop OP operand...` as {prop: {op: operand}}, merged into obj where it can be.
void add_test(Value& obj, const WrittenNode& n) {
  Value ops = make(ValueType::Object, n.span);
  bool negated = false;
  if (n.truthy) {
    Value t = make(ValueType::Bool, n.property_span);
    t.boolean = true;
    ops.members.push_back(Member{"eq", n.property_span, std::move(t)});
  }
  for (const auto& op : n.ops) {
    negated = negated || op.negated;
    ops.members.push_back(Member{op.name, op.span, op.operand});
  }
  if (negated) {
    // `!contains` and friends: {"not": {prop: {op: v}}}.
    Value inner = make(ValueType::Object, n.span);
    inner.members.push_back(Member{n.property, n.property_span, std::move(ops)});
    Value wrapper = make(ValueType::Object, n.span);
    wrapper.members.push_back(Member{"not", n.span, std::move(inner)});
    Member* a = find_member(obj, "not");
    if (!a) {
      obj.members.push_back(std::move(wrapper.members.front()));
    } else {
      and_list(obj, n.span).items.push_back(std::move(wrapper));
    }
    return;
  }
  Member* existing = find_member(obj, n.property);
  if (!existing) {
    obj.members.push_back(Member{n.property, n.property_span, std::move(ops)});
    return;
  }
  bool clash = !existing->value.is_object();
  for (const auto& m : ops.members) {
    if (clash || existing->value.find(m.key)) clash = true;
  }
  if (!clash) {
    for (auto& m : ops.members) existing->value.members.push_back(std::move(m));
    existing->value.span = Span{existing->value.span.line, existing->value.span.column,
                                n.span.end_line, n.span.end_column};
    return;
  }
  Value alone = make(ValueType::Object, n.span);
  alone.members.push_back(Member{n.property, n.property_span, std::move(ops)});
  and_list(obj, n.span).items.push_back(std::move(alone));
}

void add_conjunct(Value& obj, const WrittenNode& n) {
  switch (n.kind) {
    case WrittenNode::Kind::And:
      for (const auto& kid : n.kids) add_conjunct(obj, kid);
      return;
    case WrittenNode::Kind::Test:
      add_test(obj, n);
      return;
    case WrittenNode::Kind::Or:
    case WrittenNode::Kind::Not: {
      const char* key = n.kind == WrittenNode::Kind::Or ? "or" : "not";
      Value v;
      if (n.kind == WrittenNode::Kind::Or) {
        v = make(ValueType::Array, n.span);
        for (const auto& kid : n.kids) v.items.push_back(lower_object(kid, kid.span));
      } else {
        v = n.kids.empty() ? make(ValueType::Object, n.span) : lower_object(n.kids[0], n.span);
      }
      if (!find_member(obj, key)) {
        obj.members.push_back(Member{key, n.span, std::move(v)});
      } else {
        Value alone = make(ValueType::Object, n.span);
        alone.members.push_back(Member{key, n.span, std::move(v)});
        and_list(obj, n.span).items.push_back(std::move(alone));
      }
      return;
    }
    case WrittenNode::Kind::Const:
      // The reader refuses constant conditions before lowering; nothing to add.
      return;
  }
}

Value lower_object(const WrittenNode& n, Span span) {
  Value obj = make(ValueType::Object, span);
  add_conjunct(obj, n);
  return obj;
}

}  // namespace

Value lower_condition(const expr::WrittenNode& root, Span span) { return lower_object(root, span); }

}  // namespace wfc::syntax
