// Condition typing (WF401–WF408) and the file kinds a condition lets through. Regexes are the
// only thing compiled here, and only for `matches`; everything else is a catalog lookup.
#include "compiler/check/conditions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/check/messages.h"
#include "compiler/util/json_pointer.h"
#include "compiler/util/suggest.h"

namespace wfc::check {
namespace {

using catalog::FileKinds;
using catalog::OperatorSpec;
using catalog::TypeKind;
using catalog::TypeSpec;
using diag::Code;
using syntax::Value;

// What people write for an operator, from other languages.
struct Alias {
  std::string_view written, meant;
};
constexpr Alias kOperatorAliases[] = {
    {"==", "eq"},  {"=", "eq"},   {"!=", "ne"},  {"<>", "ne"},         {">", "gt"},
    {">=", "gte"}, {"<", "lt"},   {"<=", "lte"}, {"regex", "matches"}, {"not_in", "nin"},
    {"neq", "ne"}, {"ge", "gte"}, {"le", "lte"}, {"has", "exists"},
};

constexpr std::string_view kConditionExample = "{\"width\": {\"gte\": 1280}}";

bool is_integral(const Value& v) {
  return v.is_integer() || (v.type == syntax::ValueType::Number && std::isfinite(v.number) &&
                            std::floor(v.number) == v.number);
}

bool looks_numeric(const Value& v) {
  if (!v.is_string() || v.string.empty()) return false;
  char* end = nullptr;
  std::strtod(v.string.c_str(), &end);
  return end && *end == '\0' && v.string.find_first_of("0123456789") != std::string::npos &&
         v.string.find_first_of("xXnN") == std::string::npos;
}

class ConditionChecker {
 public:
  ConditionChecker(const catalog::Catalog& catalog, diag::Diagnostics& diags)
      : catalog_(catalog), diags_(diags) {}

  void check_task(const ast::Task& task) {
    if (task.options.empty()) {
      // `options` of the wrong type was reported by the document builder.
      std::string options_ptr = pointer_join(task.pointer, "options");
      for (const auto& d : diags_.items()) {
        if (d.pointer == options_ptr) return;
      }
      report(diags_, Code::MalformedCondition, task.kind.span, "conditions task has no conditions",
             "add options that test the file, e.g. \"options\": " + std::string(kConditionExample),
             task.options_span.valid() ? pointer_join(task.pointer, "options") : task.pointer);
      return;
    }
    for (const auto& o : task.options) entry(o.name, o.name_span, o.value, o.pointer);
  }

 private:
  /// One key of a condition object: a combinator or a property.
  void entry(std::string_view key, Span key_span, const Value& value, const std::string& ptr) {
    if (key == "and" || key == "or") {
      if (!value.is_array()) {
        report(diags_, Code::MalformedCondition, value.span,
               quote(key) + " takes a list of conditions, got " + describe_value(value),
               "write \"" + std::string(key) + "\": [{...}, {...}]", ptr);
        return;
      }
      if (value.items.empty()) {
        report(diags_, Code::EmptyList, value.span, "empty " + quote(key) + " list",
               key == "and" ? "an empty 'and' always holds; remove it or add conditions"
                            : "an empty 'or' never holds; remove it or add conditions",
               ptr);
        return;
      }
      for (size_t i = 0; i < value.items.size(); ++i) {
        condition_object(value.items[i], pointer_join(ptr, i));
      }
      return;
    }
    if (key == "not") {
      if (!value.is_object()) {
        report(diags_, Code::MalformedCondition, value.span,
               "'not' takes one condition object, got " + describe_value(value),
               value.is_array() ? "to negate several conditions, put them in 'and' or 'or' "
                                  "inside 'not'"
                                : "e.g. \"not\": " + std::string(kConditionExample),
               ptr);
        return;
      }
      condition_object(value, ptr);
      return;
    }
    property(key, key_span, value, ptr);
  }

  void condition_object(const Value& v, const std::string& ptr) {
    if (!v.is_object()) {
      report(diags_, Code::MalformedCondition, v.span,
             "condition must be an object, got " + describe_value(v),
             "e.g. " + std::string(kConditionExample), ptr);
      return;
    }
    if (v.members.empty()) {
      report(diags_, Code::MalformedCondition, v.span, "empty condition",
             "a condition maps properties to operators, e.g. " + std::string(kConditionExample),
             ptr);
      return;
    }
    for (const auto& m : v.members) entry(m.key, m.key_span, m.value, pointer_join(ptr, m.key));
  }

  void unknown_property(std::string_view key, Span key_span, const std::string& ptr) {
    // Candidates as the user would write them: a metadata key keeps the user's key.
    std::vector<std::string> candidates;
    std::string nested;
    size_t dot = key.find('.');
    for (const auto& p : catalog_.properties()) {
      if (p.type.kind == TypeKind::Map) {
        candidates.push_back(p.name + (dot == std::string_view::npos
                                           ? std::string(".<key>")
                                           : std::string(key.substr(dot))));
      } else {
        candidates.push_back(p.name);
        if (p.name.size() > key.size() && p.name.compare(0, key.size(), key) == 0 &&
            p.name[key.size()] == '.') {
          nested += (nested.empty() ? "" : ", ") + quote(p.name);
        }
      }
    }
    std::string hint = suggestion(key, candidates);
    if (hint.empty() && !nested.empty()) {
      hint = "write nested properties with a dot: " + nested;
    } else if (hint.empty()) {
      hint = "properties: " + join(catalog_.property_names());
    }
    report(diags_, Code::UnknownProperty, key_span, "unknown property " + quote(key),
           std::move(hint), ptr);
  }

  void property(std::string_view key, Span key_span, const Value& value, const std::string& ptr) {
    const catalog::PropertySpec* spec = catalog_.property(key);
    if (!spec) return unknown_property(key, key_span, ptr);
    const TypeSpec* type = &spec->type;
    if (type->kind == TypeKind::Map) {
      if (key == spec->name) {
        report(diags_, Code::UnknownProperty, key_span,
               "property " + quote(key) + " needs a key: '" + spec->name + ".<key>'",
               "test one key, e.g. '" + spec->name + ".title'", ptr);
        return;
      }
      type = spec->type.items ? spec->type.items.get() : &string_type_;
    }
    if (!value.is_object()) {
      // A bare value means `eq`.
      fits(*type, value, key, ptr,
           value.is_array() ? "to test several values, write {\"in\": [...]}" : "");
      return;
    }
    if (value.members.empty()) {
      report(diags_, Code::MalformedCondition, value.span, "no operator for " + quote(key),
             "e.g. {\"" + std::string(key) + "\": {\"eq\": ...}}", ptr);
      return;
    }
    for (const auto& m : value.members) {
      std::string op_ptr = pointer_join(ptr, m.key);
      const OperatorSpec* op = catalog_.op(m.key);
      if (!op) {
        unknown_operator(m, op_ptr);
        continue;
      }
      if (!applies(*op, type->kind)) {
        std::vector<std::string> fitting;
        for (const auto& o : catalog_.operators()) {
          if (applies(o, type->kind)) fitting.push_back(o.name);
        }
        report(diags_, Code::OperatorMismatch, m.key_span,
               "operator " + quote(m.key) + " does not apply to " + quote(key) + ", which is " +
                   with_article(type_kind_name(type->kind)),
               "operators for " + quote(key) + ": " + join(fitting), op_ptr);
        continue;
      }
      operand(*op, *type, key, m.value, op_ptr);
    }
  }

  static bool applies(const OperatorSpec& op, TypeKind t) {
    if (op.applies_to.empty()) return true;
    return std::find(op.applies_to.begin(), op.applies_to.end(), t) != op.applies_to.end();
  }

  void unknown_operator(const syntax::Member& m, const std::string& ptr) {
    std::string hint;
    for (const auto& a : kOperatorAliases) {
      if (a.written == m.key) hint = "write '" + std::string(a.meant) + "'";
    }
    if (hint.empty()) {
      // Compared without underscores, so that `gt_eq` finds `gte` and `startsWith` finds
      // `starts_with`.
      auto bare = [](std::string_view s) {
        std::string out;
        for (char c : s) {
          if (c != '_' && c != '-') out += c;
        }
        return out;
      };
      std::vector<std::string> names = catalog_.operator_names(), bare_names;
      for (const auto& n : names) bare_names.push_back(bare(n));
      if (auto s = suggest(bare(m.key), bare_names)) {
        size_t i = std::find(bare_names.begin(), bare_names.end(), *s) - bare_names.begin();
        hint = "did you mean '" + names[i] + "'?";
      }
    }
    if (hint.empty() && catalog_.property(m.key)) {
      hint = quote(m.key) + " is a property; combine properties with 'and'";
    }
    if (hint.empty()) hint = "operators: " + join(catalog_.operator_names());
    report(diags_, Code::UnknownOperator, m.key_span, "unknown operator " + quote(m.key),
           std::move(hint), ptr);
  }

  void operand(const OperatorSpec& op, const TypeSpec& type, std::string_view prop, const Value& v,
               const std::string& ptr) {
    switch (op.operand) {
      case OperatorSpec::Operand::Same:
        fits(type, v, prop, ptr, "");
        return;
      case OperatorSpec::Operand::List:
        if (!v.is_array()) {
          std::string hint;
          if (!v.is_object() && !v.is_null()) {
            hint = "write {\"" + op.name + "\": [" + syntax::to_json(v) + "]}";
          }
          report(diags_, Code::WrongValueType, v.span,
                 "operator " + quote(op.name) + " takes a list, got " + describe_value(v),
                 std::move(hint), ptr);
          return;
        }
        if (v.items.empty()) {
          report(diags_, Code::EmptyList, v.span, "empty " + quote(op.name) + " list",
                 op.name == "nin" ? "'nin' with no values always holds; add values"
                                  : quote(op.name) + " with no values never holds; add values",
                 ptr);
          return;
        }
        for (size_t i = 0; i < v.items.size(); ++i) {
          fits(type, v.items[i], prop, pointer_join(ptr, i), "");
        }
        return;
      case OperatorSpec::Operand::Boolean:
        if (!v.is_bool()) {
          report(diags_, Code::WrongValueType, v.span,
                 "operator " + quote(op.name) + " takes true or false, got " + describe_value(v),
                 "", ptr);
        }
        return;
      case OperatorSpec::Operand::String:
        if (!v.is_string()) {
          report(diags_, Code::WrongValueType, v.span,
                 "operator " + quote(op.name) + " takes a string, got " + describe_value(v),
                 v.is_number() ? "quote it: \"" + syntax::to_json(v) + "\"" : "", ptr);
        }
        return;
      case OperatorSpec::Operand::Regex: {
        if (!v.is_string()) {
          report(diags_, Code::WrongValueType, v.span,
                 "operator " + quote(op.name) + " takes a regular expression string, got " +
                     describe_value(v),
                 "", ptr);
          return;
        }
        RE2 re(v.string, RE2::Quiet);
        if (!re.ok()) {
          report(diags_, Code::InvalidRegex, v.span, "invalid regular expression: " + re.error(),
                 "patterns use RE2 syntax, which has no backreferences or lookaround", ptr);
        }
        return;
      }
    }
  }

  /// Whether `v` is a value the property can have; WF404 (type) or WF405 (enum) when not.
  void fits(const TypeSpec& type, const Value& v, std::string_view prop, const std::string& ptr,
            std::string hint) {
    bool ok = false;
    switch (type.kind) {
      case TypeKind::Integer:
      case TypeKind::Dimension:
        ok = is_integral(v);
        break;
      case TypeKind::Number:
      case TypeKind::Seconds:
        ok = v.is_number() && std::isfinite(v.as_double());
        break;
      case TypeKind::Boolean:
        ok = v.is_bool();
        break;
      case TypeKind::Array:
        ok = v.is_array();
        break;
      case TypeKind::Object:
      case TypeKind::Map:
        ok = v.is_object();
        break;
      default:  // string, enum, color, url, language, expression
        ok = v.is_string();
        break;
    }
    if (!ok) {
      if (hint.empty() && v.is_null()) {
        hint = "to test whether a file has " + quote(prop) + ", write {\"exists\": false}";
      } else if (hint.empty() && looks_numeric(v) &&
                 (type.kind == TypeKind::Integer || type.kind == TypeKind::Number ||
                  type.kind == TypeKind::Dimension || type.kind == TypeKind::Seconds)) {
        hint = "remove the quotes: " + v.string;
      } else if (hint.empty() && v.is_string() && type.kind == TypeKind::Boolean &&
                 (v.string == "true" || v.string == "false")) {
        hint = "remove the quotes: " + v.string;
      }
      report(diags_, Code::WrongValueType, v.span,
             "value of " + quote(prop) + " must be " + with_article(type.describe()) + ", got " +
                 describe_value(v),
             std::move(hint), ptr);
      return;
    }
    if (type.kind == TypeKind::Enum &&
        std::find(type.values.begin(), type.values.end(), v.string) == type.values.end()) {
      std::string hint = suggestion(v.string, type.values);
      report(diags_, Code::BadConditionEnum, v.span,
             "unknown value " + quote(v.string) + " for property " + quote(prop),
             hint.empty() ? "expected one of: " + join(type.values) : hint, ptr);
    }
  }

  const catalog::Catalog& catalog_;
  diag::Diagnostics& diags_;
  TypeSpec string_type_;  // the items of a map property that declares none
};

// --- which file kinds pass -------------------------------------------------------------------

FileKinds kind_of(const Value& v) {
  if (!v.is_string()) return catalog::kAnyFile;
  auto k = catalog::parse_file_kind(v.string);
  return k ? FileKinds(*k) : catalog::kAnyFile;
}

FileKinds passing_entry(std::string_view key, const Value& value);

FileKinds passing_object(const Value& v) {
  FileKinds out = catalog::kAnyFile;
  if (!v.is_object()) return out;
  for (const auto& m : v.members) out &= passing_entry(m.key, m.value);
  return out;
}

/// The kinds that pass one operator on `kind`. Values that name no file kind were reported
/// (WF405) and narrow nothing.
FileKinds passing_kind_operator(std::string_view op, const Value& operand) {
  if (op == "eq") return kind_of(operand);
  if (op == "ne") {
    FileKinds k = kind_of(operand);
    return k == catalog::kAnyFile ? k : FileKinds(catalog::kAnyFile & ~k);
  }
  if ((op == "in" || op == "nin") && operand.is_array() && !operand.items.empty()) {
    FileKinds listed = 0;
    for (const auto& item : operand.items) listed |= kind_of(item);
    if (op == "in") return listed;
    return listed == catalog::kAnyFile ? listed : FileKinds(catalog::kAnyFile & ~listed);
  }
  return catalog::kAnyFile;
}

FileKinds passing_entry(std::string_view key, const Value& value) {
  if (key == "and" && value.is_array()) {
    FileKinds out = catalog::kAnyFile;
    for (const auto& item : value.items) out &= passing_object(item);
    return out;
  }
  if (key == "or" && value.is_array() && !value.items.empty()) {
    FileKinds out = 0;
    for (const auto& item : value.items) out |= passing_object(item);
    return out;
  }
  if (key != "kind") return catalog::kAnyFile;  // `not` and other properties: no narrowing
  if (!value.is_object()) return passing_kind_operator("eq", value);
  FileKinds out = catalog::kAnyFile;
  for (const auto& m : value.members) out &= passing_kind_operator(m.key, m.value);
  return out;
}

}  // namespace

void check_conditions(const ast::Task& task, const catalog::Catalog& catalog,
                      diag::Diagnostics& diags) {
  ConditionChecker(catalog, diags).check_task(task);
}

FileKinds kinds_passing(const ast::Task& task) {
  FileKinds out = catalog::kAnyFile;
  for (const auto& o : task.options) out &= passing_entry(o.name, o.value);
  return out;
}

}  // namespace wfc::check
