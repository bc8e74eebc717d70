// Lowering JSON/YAML condition objects to the written form. Each key of a condition object is a
// combinator (`and`/`or` take a non-empty list of condition objects, `not` takes one) or a
// property; a property maps to an operator object whose operators must all hold
// (`{"gte": 1280, "lte": 3840}`), or to a bare value, which means `eq` (`{"kind": "video"}`).
// Only the shape is judged here; names, operators and operand types are the type checker's, so
// that an unknown property is reported once and not again for its operators.
#include "compiler/expr/lower_json.h"

#include <string_view>

#include "compiler/diag/wording.h"
#include "compiler/expr/ir.h"
#include "compiler/util/json_pointer.h"

namespace wfc::expr {
namespace {

using diag::Code;
using diag::describe_value;
using diag::quote;
using diag::report;

constexpr std::string_view kConditionExample = "{\"width\": {\"gte\": 1280}}";

Span cover(Span a, Span b) { return {a.line, a.column, b.end_line, b.end_column}; }

class Lowerer {
 public:
  Lowerer(diag::Diagnostics& diags, Notation notation) : diags_(diags), notation_(notation) {}

  bool ok() const { return ok_; }

  /// One key of a condition object. Returns false when the entry was malformed (and reported)
  /// and produced no node; the well-formed parts around a malformed one are kept, so that the
  /// type checker still reports their mistakes, but the condition as a whole is not `ok`.
  bool entry(std::string_view key, Span key_span, const Value& value, const std::string& ptr,
             WrittenNode* out) {
    out->span = cover(key_span, value.span);
    out->pointer = ptr;
    if (key == "and" || key == "or") {
      if (!value.is_array()) {
        return fail(Code::MalformedCondition, value.span,
                    quote(key) + " takes a list of conditions, got " + describe_value(value),
                    "write \"" + std::string(key) + "\": [{...}, {...}]", ptr);
      }
      if (value.items.empty()) {
        return fail(Code::EmptyList, value.span, "empty " + quote(key) + " list",
                    key == "and" ? "an empty 'and' always holds; remove it or add conditions"
                                 : "an empty 'or' never holds; remove it or add conditions",
                    ptr);
      }
      out->kind = key == "and" ? WrittenNode::Kind::And : WrittenNode::Kind::Or;
      for (size_t i = 0; i < value.items.size(); ++i) {
        WrittenNode kid;
        if (object(value.items[i], pointer_join(ptr, i), &kid)) out->kids.push_back(std::move(kid));
      }
      return true;
    }
    if (key == "not") {
      if (!value.is_object()) {
        return fail(Code::MalformedCondition, value.span,
                    "'not' takes one condition object, got " + describe_value(value),
                    value.is_array() ? "to negate several conditions, put them in 'and' or 'or' "
                                       "inside 'not'"
                                     : "e.g. \"not\": " + std::string(kConditionExample),
                    ptr);
      }
      out->kind = WrittenNode::Kind::Not;
      WrittenNode kid;
      if (!object(value, ptr, &kid)) return false;
      out->kids.push_back(std::move(kid));
      return true;
    }
    property(key, key_span, value, ptr, out);
    return true;
  }

  /// A condition object: an And of its entries.
  bool object(const Value& v, const std::string& ptr, WrittenNode* out) {
    out->kind = WrittenNode::Kind::And;
    out->span = v.span;
    out->pointer = ptr;
    if (!v.is_object()) {
      return fail(Code::MalformedCondition, v.span,
                  "condition must be an object, got " + describe_value(v),
                  "e.g. " + std::string(kConditionExample), ptr);
    }
    if (v.members.empty()) {
      return fail(
          Code::MalformedCondition, v.span, "empty condition",
          "a condition maps properties to operators, e.g. " + std::string(kConditionExample), ptr);
    }
    for (const auto& m : v.members) {
      WrittenNode kid;
      if (entry(m.key, m.key_span, m.value, pointer_join(ptr, m.key), &kid)) {
        out->kids.push_back(std::move(kid));
      }
    }
    return true;
  }

 private:
  void property(std::string_view key, Span key_span, const Value& value, const std::string& ptr,
                WrittenNode* out) {
    out->kind = WrittenNode::Kind::Test;
    out->property = std::string(key);
    out->property_span = key_span;
    if (!value.is_object()) {
      out->bare = true;
      WrittenOp op;
      op.name = op.spelled = "eq";
      op.span = value.span;
      op.pointer = ptr;
      op.operand = value;
      out->ops.push_back(std::move(op));
      return;
    }
    if (value.members.empty()) {
      out->has_empty_ops = true;
      out->empty_ops_span = value.span;
      return;
    }
    for (const auto& m : value.members) {
      WrittenOp op;
      op.name = op.spelled = m.key;
      if (auto known = parse_op(m.key); known && notation_ == Notation::Dsl) {
        op.spelled = op_infix(*known);
      }
      op.span = m.key_span;
      op.pointer = pointer_join(ptr, m.key);
      op.operand = m.value;
      out->ops.push_back(std::move(op));
    }
  }

  bool fail(Code code, Span span, std::string message, std::string hint, const std::string& ptr) {
    report(diags_, code, span, std::move(message), std::move(hint), ptr);
    ok_ = false;
    return false;
  }

  diag::Diagnostics& diags_;
  Notation notation_;
  bool ok_ = true;
};

}  // namespace

Lowered lower_conditions(const std::vector<ast::Option>& options, Span options_span,
                         const std::string& options_pointer, diag::Diagnostics& diags,
                         Notation notation) {
  Lowerer lowerer(diags, notation);
  Lowered out;
  out.root.kind = WrittenNode::Kind::And;
  out.root.span = options_span;
  out.root.pointer = options_pointer;
  for (const auto& o : options) {
    WrittenNode kid;
    if (lowerer.entry(o.name, o.name_span, o.value, o.pointer, &kid)) {
      out.root.kids.push_back(std::move(kid));
    }
  }
  out.ok = lowerer.ok();
  return out;
}

}  // namespace wfc::expr
