// Typing written conditions into the IR (WF401–WF408). For each test: resolve the property
// (WF401, with "did you mean"), then each operator (WF402 unknown, WF403 not for this type),
// then its operand (WF404 wrong type, WF405 enum value that does not exist, WF406 empty list,
// WF407 invalid RE2 pattern). A property that does not resolve stops there, so one mistake is
// one diagnostic. Regexes are compiled here once and kept in the IR for every engine.
#include "compiler/expr/typecheck.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/diag/wording.h"
#include "compiler/expr/regex_hint.h"
#include "compiler/util/names.h"

namespace wfc::expr {
namespace {

using catalog::OperatorSpec;
using catalog::TypeKind;
using catalog::TypeSpec;
using diag::Code;
using diag::describe_value;
using diag::join;
using diag::quote;
using diag::report;
using diag::suggestion;
using diag::with_article;

// What people write for an operator or a property, from other languages and APIs. Used only
// for hints, and only when the catalog has the name meant.
struct Alias {
  std::string_view written, meant;
};
constexpr Alias kOperatorAliases[] = {
    {"==", "eq"},
    {"=", "eq"},
    {"!=", "ne"},
    {"<>", "ne"},
    {">", "gt"},
    {">=", "gte"},
    {"<", "lt"},
    {"<=", "lte"},
    {"equals", "eq"},
    {"equal", "eq"},
    {"is", "eq"},
    {"not_equals", "ne"},
    {"not_equal", "ne"},
    {"neq", "ne"},
    {"greater_than", "gt"},
    {"greater_than_or_equal", "gte"},
    {"greater_or_equal", "gte"},
    {"ge", "gte"},
    {"less_than", "lt"},
    {"less_than_or_equal", "lte"},
    {"less_or_equal", "lte"},
    {"le", "lte"},
    {"one_of", "in"},
    {"not_in", "nin"},
    {"regex", "matches"},
    {"match", "matches"},
    {"has", "exists"},
};
constexpr Alias kPropertyAliases[] = {
    {"mimetype", "type"},
    {"mime_type", "type"},
    {"mime", "type"},
    {"content_type", "type"},
    {"size", "filesize"},
    {"length", "duration"},
    {"codec", "codecs.video"},
    {"video_codec", "codecs.video"},
    {"audio_codec", "codecs.audio"},
    {"framerate", "fps"},
    {"frame_rate", "fps"},
    {"container", "format"},
};

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_integral(const Value& v) {
  return v.is_integer() || (v.type == ValueType::Number && std::isfinite(v.number) &&
                            std::floor(v.number) == v.number);
}

bool looks_numeric(const Value& v) {
  if (!v.is_string() || v.string.empty()) return false;
  char* end = nullptr;
  std::strtod(v.string.c_str(), &end);
  return end && *end == '\0' && v.string.find_first_of("0123456789") != std::string::npos &&
         v.string.find_first_of("xXnN") == std::string::npos;
}

Span cover(Span a, Span b) { return {a.line, a.column, b.end_line, b.end_column}; }

class Typer {
 public:
  Typer(const Schema& schema, Notation notation, diag::Diagnostics& diags)
      : schema_(schema),
        catalog_(schema.catalog()),
        infix_(notation != Notation::Json),
        text_(notation == Notation::Infix),
        diags_(diags) {}

  bool failed() const { return failed_; }

  Node node(const WrittenNode& w) {
    switch (w.kind) {
      case WrittenNode::Kind::And:
      case WrittenNode::Kind::Or: {
        Node n;
        n.kind = w.kind == WrittenNode::Kind::And ? Node::Kind::And : Node::Kind::Or;
        n.span = w.span;
        n.pointer = w.pointer;
        for (const auto& k : w.kids) n.kids.push_back(node(k));
        if (n.kids.empty()) return Node::constant(n.kind == Node::Kind::And, w.span);
        if (n.kids.size() == 1) return std::move(n.kids[0]);
        return n;
      }
      case WrittenNode::Kind::Not: {
        Node n;
        n.kind = Node::Kind::Not;
        n.span = w.span;
        n.pointer = w.pointer;
        n.kids.push_back(w.kids.empty() ? Node::constant(true) : node(w.kids[0]));
        return n;
      }
      case WrittenNode::Kind::Test:
        return test(w);
      case WrittenNode::Kind::Const:
        return Node::constant(w.value, w.span);
    }
    return Node::constant(true);
  }

 private:
  // --- properties ----------------------------------------------------------------------------

  struct Resolved {
    PropertyRef ref;
    const TypeSpec* type = nullptr;
  };

  std::optional<Resolved> resolve(const WrittenNode& w) {
    const std::string& key = w.property;
    if (schema_.domain() == Domain::Frame) {
      const catalog::PropertySpec* spec = catalog_.frame_property(key);
      if (!spec) {
        unknown_frame_property(w);
        return std::nullopt;
      }
      Resolved r;
      r.type = &spec->type;
      r.ref.name = key;
      r.ref.type = ir_type(spec->type.kind);
      r.ref.slot = static_cast<uint16_t>(schema_.slot(key));
      return r;
    }
    const catalog::PropertySpec* spec = catalog_.property(key);
    if (!spec) {
      unknown_property(w);
      return std::nullopt;
    }
    Resolved r;
    r.ref.name = key;
    if (spec->type.kind == TypeKind::Map) {
      if (key == spec->name) {
        fail(Code::UnknownProperty, w.property_span,
             "property " + quote(key) + " needs a key: '" + spec->name + ".<key>'",
             "test one key, e.g. '" + spec->name + ".title'", w.pointer);
        return std::nullopt;
      }
      r.type = spec->type.items ? spec->type.items.get() : &string_type_;
      r.ref.is_map = true;
      r.ref.key = key.substr(spec->name.size() + 1);
      // The record's map holds text: a map of another scalar type is compared as its text.
      r.ref.type = Type::Str;
      return r;
    }
    r.type = &spec->type;
    r.ref.type = ir_type(spec->type.kind);
    r.ref.slot = static_cast<uint16_t>(schema_.slot(key));
    if (r.ref.type == Type::Enum) r.ref.enum_values = &spec->type.values;  // outlives the schema
    return r;
  }

  void unknown_property(const WrittenNode& w) {
    const std::string& key = w.property;
    // Candidates as the user would write them: a metadata key keeps the user's key.
    std::vector<std::string> candidates;
    std::string nested;
    size_t dot = key.find('.');
    for (const auto& p : catalog_.properties()) {
      if (p.type.kind == TypeKind::Map) {
        candidates.push_back(p.name +
                             (dot == std::string::npos ? std::string(".<key>") : key.substr(dot)));
      } else {
        candidates.push_back(p.name);
        if (p.name.size() > key.size() && p.name.compare(0, key.size(), key) == 0 &&
            p.name[key.size()] == '.') {
          nested += (nested.empty() ? "" : ", ") + quote(p.name);
        }
      }
    }
    std::string hint = suggestion(key, candidates);
    for (const auto& a : kPropertyAliases) {
      if (hint.empty() && a.written == lowercase(key) && catalog_.property(a.meant)) {
        hint = "did you mean '" + std::string(a.meant) + "'?";
      }
    }
    if (hint.empty() && (key == "resolution" || key == "size" || key == "dimensions") &&
        catalog_.property("width") && catalog_.property("height")) {
      hint = infix_ ? "test 'width' and 'height', e.g. 'width >= 1280'"
                    : "test 'width' and 'height', e.g. {\"width\": {\"gte\": 1280}}";
    }
    if (hint.empty() && !nested.empty()) {
      hint = "write nested properties with a dot: " + nested;
    } else if (hint.empty() && catalog_.frame_property(key)) {
      hint = quote(key) + " is a frame property; conditions test the file";
    } else if (hint.empty()) {
      hint = "properties: " + join(catalog_.property_names());
    }
    fail(Code::UnknownProperty, w.property_span, "unknown property " + quote(key), std::move(hint),
         w.pointer);
  }

  void unknown_frame_property(const WrittenNode& w) {
    std::vector<std::string> names;
    for (const auto& p : catalog_.frame_properties()) names.push_back(p.name);
    std::string hint = suggestion(w.property, names);
    if (hint.empty()) {
      hint = (catalog_.property(w.property) ? quote(w.property) + " is a file property; f"
                                            : std::string("f")) +
             "rame predicates test " + (names.empty() ? std::string("nothing") : join(names));
    }
    fail(Code::UnknownProperty, w.property_span, "unknown frame property " + quote(w.property),
         std::move(hint), w.pointer);
  }

  // --- tests ---------------------------------------------------------------------------------

  Node test(const WrittenNode& w) {
    auto resolved = resolve(w);
    if (!resolved) return Node::constant(true, w.span);
    const TypeSpec& type = *resolved->type;
    const std::string& prop = w.property;
    if (w.truthy) {
      if (resolved->ref.type == Type::Bool) {
        return make_test(w, *resolved, Op::Eq, {Constant::boolean(true)}, w.span, w.pointer);
      }
      fail(Code::OperatorMismatch, w.property_span,
           quote(prop) + " is " + with_article(type_kind_name(type.kind)) + ", not a condition",
           "compare it, e.g. '" + example_test(prop, resolved->ref.type) + "', or test 'exists(" +
               prop + ")'",
           w.pointer);
      return Node::constant(true, w.span);
    }
    if (w.has_empty_ops) {
      fail(Code::MalformedCondition, w.empty_ops_span, "no operator for " + quote(prop),
           "e.g. {\"" + prop + "\": {\"eq\": ...}}", w.pointer);
      return Node::constant(true, w.span);
    }
    std::vector<Node> tests;
    for (const auto& o : w.ops) {
      if (w.bare) {
        auto c = fits(type, resolved->ref, o.operand, prop, o.pointer,
                      o.operand.is_array() ? "to test several values, write {\"in\": [...]}" : "");
        if (c) tests.push_back(make_test(w, *resolved, Op::Eq, {*c}, w.span, w.pointer));
        continue;
      }
      const OperatorSpec* spec = catalog_.op(o.name);
      std::optional<Op> op = parse_op(o.name);
      if (!spec || !op) {
        unknown_operator(o);
        continue;
      }
      if (!applies(*spec, type.kind)) {
        std::vector<std::string> fitting;
        for (const auto& s : catalog_.operators()) {
          if (!applies(s, type.kind)) continue;
          auto known = parse_op(s.name);
          fitting.push_back(infix_ && known ? std::string(op_infix(*known)) : s.name);
        }
        fail(Code::OperatorMismatch, o.span,
             "operator " + quote(o.spelled) + " does not apply to " + quote(prop) + ", which is " +
                 with_article(type_kind_name(type.kind)),
             "operators for " + quote(prop) + ": " + join(fitting), o.pointer);
        continue;
      }
      Span span = text_ ? w.span : cover(o.span, o.operand.span);
      if (auto n = operand(*spec, *op, o, type, *resolved, prop, span)) {
        if (o.negated) *n = Node::negate(std::move(*n));
        tests.push_back(std::move(*n));
      }
    }
    if (tests.empty()) return Node::constant(true, w.span);
    if (tests.size() == 1) return std::move(tests[0]);
    Node all;
    all.kind = Node::Kind::And;
    all.span = w.span;
    all.pointer = w.pointer;
    all.kids = std::move(tests);
    return all;
  }

  static std::string example_test(const std::string& prop, Type t) {
    switch (t) {
      case Type::Int:
      case Type::Num:
        return prop + " > 0";
      default:
        return prop + " == \"...\"";
    }
  }

  Node make_test(const WrittenNode& w, const Resolved& r, Op op, std::vector<Constant> args,
                 Span span, const std::string& pointer) {
    Node n;
    n.kind = Node::Kind::Test;
    n.op = op;
    n.prop = r.ref;
    n.args = std::move(args);
    n.span = span;
    n.pointer = pointer;
    return n;
  }

  static bool applies(const OperatorSpec& op, TypeKind t) {
    if (op.applies_to.empty()) return true;
    return std::find(op.applies_to.begin(), op.applies_to.end(), t) != op.applies_to.end();
  }

  void unknown_operator(const WrittenOp& o) {
    std::string hint;
    for (const auto& a : kOperatorAliases) {
      if (hint.empty() && a.written == lowercase(o.name) && catalog_.op(a.meant)) {
        hint = "did you mean '" + std::string(a.meant) + "'?";
      }
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
      if (auto s = suggest_name(bare(o.name), bare_names)) {
        size_t i = std::find(bare_names.begin(), bare_names.end(), *s) - bare_names.begin();
        hint = "did you mean '" + names[i] + "'?";
      }
    }
    if (hint.empty() && catalog_.property(o.name)) {
      hint = quote(o.name) + " is a property; combine properties with 'and'";
    }
    if (hint.empty()) hint = "operators: " + join(catalog_.operator_names());
    fail(Code::UnknownOperator, o.span, "unknown operator " + quote(o.name), std::move(hint),
         o.pointer);
  }

  // --- operands ------------------------------------------------------------------------------

  std::optional<Node> operand(const OperatorSpec& spec, Op op, const WrittenOp& o,
                              const TypeSpec& type, const Resolved& r, const std::string& prop,
                              Span span) {
    const Value& v = o.operand;
    Node n;
    n.kind = Node::Kind::Test;
    n.op = op;
    n.prop = r.ref;
    n.span = span;
    n.pointer = o.pointer;
    switch (spec.operand) {
      case OperatorSpec::Operand::Same: {
        auto c = fits(type, r.ref, v, prop, o.pointer, "");
        if (!c) return std::nullopt;
        n.args.push_back(std::move(*c));
        return n;
      }
      case OperatorSpec::Operand::List: {
        if (!v.is_array()) {
          std::string hint;
          if (!v.is_object() && !v.is_null() &&
              (!v.is_string() || short_enough_to_echo(v.string))) {
            hint = infix_ ? "write " + prop + " " + o.spelled + " [" + json_text(v) + "]"
                          : "write {\"" + o.name + "\": [" + json_text(v) + "]}";
          }
          fail(Code::WrongValueType, v.span,
               "operator " + quote(o.spelled) + " takes a list, got " + describe_value(v),
               std::move(hint), o.pointer);
          return std::nullopt;
        }
        if (v.items.empty()) {
          fail(Code::EmptyList, v.span, "empty " + quote(o.spelled) + " list",
               op == Op::Nin ? quote(o.spelled) + " with no values always holds; add values"
                             : quote(o.spelled) + " with no values never holds; add values",
               o.pointer);
          return std::nullopt;
        }
        bool all = true;
        for (size_t i = 0; i < v.items.size(); ++i) {
          auto c = fits(type, r.ref, v.items[i], prop,
                        text_ ? o.pointer : o.pointer + "/" + std::to_string(i), "");
          if (c) {
            n.args.push_back(std::move(*c));
          } else {
            all = false;
          }
        }
        if (!all) return std::nullopt;
        return n;
      }
      case OperatorSpec::Operand::Boolean:
        if (!v.is_bool()) {
          fail(Code::WrongValueType, v.span,
               "operator " + quote(o.spelled) + " takes true or false, got " + describe_value(v),
               "", o.pointer);
          return std::nullopt;
        }
        if (op != Op::Exists) {
          n.args.push_back(Constant::boolean(v.boolean));
          return n;
        }
        if (!v.boolean) return Node::negate(std::move(n));
        return n;
      case OperatorSpec::Operand::String:
        if (!v.is_string()) {
          fail(Code::WrongValueType, v.span,
               "operator " + quote(o.spelled) + " takes a string, got " + describe_value(v),
               v.is_number() ? "quote it: \"" + json_text(v) + "\"" : "", o.pointer);
          return std::nullopt;
        }
        n.args.push_back(located(Constant::string(v.string), v.span));
        return n;
      case OperatorSpec::Operand::Regex: {
        if (!v.is_string()) {
          fail(Code::WrongValueType, v.span,
               "operator " + quote(o.spelled) + " takes a regular expression string, got " +
                   describe_value(v),
               "", o.pointer);
          return std::nullopt;
        }
        RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_shared<const RE2>(v.string, options);
        if (!re->ok()) {
          fail(Code::InvalidRegex, v.span, "invalid regular expression: " + re->error(),
               regex_hint(*re), o.pointer);
          return std::nullopt;
        }
        n.args.push_back(located(Constant::string(v.string), v.span));
        n.regex = std::move(re);
        return n;
      }
    }
    return std::nullopt;
  }

  static Constant located(Constant c, Span span) {
    c.span = span;
    return c;
  }

  /// The constant `v` is as a value of the property; WF404 (type) or WF405 (enum) when it is
  /// not one.
  std::optional<Constant> fits(const TypeSpec& type, const PropertyRef& ref, const Value& v,
                               const std::string& prop, const std::string& ptr, std::string hint) {
    bool ok = false;
    switch (ref.type) {
      case Type::Int:
        ok = is_integral(v);
        break;
      case Type::Num:
        ok = v.is_number() && std::isfinite(v.as_double());
        break;
      case Type::Bool:
        ok = v.is_bool();
        break;
      case Type::Str:
      case Type::Enum:
        ok = v.is_string();
        break;
    }
    if (!ok) {
      if (hint.empty() && v.is_null()) {
        hint = infix_
                   ? "to test whether a file has " + quote(prop) + ", write '!exists(" + prop + ")'"
                   : "to test whether a file has " + quote(prop) + ", write {\"exists\": false}";
      } else if (hint.empty() && looks_numeric(v) && short_enough_to_echo(v.string) &&
                 (ref.type == Type::Int || ref.type == Type::Num)) {
        hint = "remove the quotes: " + v.string;
      } else if (hint.empty() && v.is_string() && ref.type == Type::Bool &&
                 (v.string == "true" || v.string == "false")) {
        hint = "remove the quotes: " + v.string;
      }
      fail(Code::WrongValueType, v.span,
           "value of " + quote(prop) + " must be " + with_article(type.describe()) + ", got " +
               describe_value(v),
           std::move(hint), ptr);
      return std::nullopt;
    }
    switch (ref.type) {
      case Type::Int:
        if (v.is_integer()) return located(Constant::integer(v.integer), v.span);
        // An integral double: exactly an int64 when within range, else kept as a number and
        // compared exactly (1e300 is greater than every int64).
        if (v.number >= -9223372036854775808.0 && v.number < 9223372036854775808.0) {
          return located(Constant::integer(static_cast<int64_t>(v.number)), v.span);
        }
        return located(Constant::number(v.number), v.span);
      case Type::Num:
        if (v.is_integer()) return located(Constant::integer(v.integer), v.span);
        return located(Constant::number(v.number), v.span);
      case Type::Bool:
        return located(Constant::boolean(v.boolean), v.span);
      case Type::Str:
        return located(Constant::string(v.string), v.span);
      case Type::Enum: {
        int32_t index = schema_.enum_index(ref.slot, v.string);
        if (index < 0) {
          std::string h = suggestion(v.string, type.values);
          fail(Code::BadConditionEnum, v.span,
               "unknown value " + quote(v.string) + " for property " + quote(prop),
               h.empty() ? "expected one of: " + join(type.values) : h, ptr);
          return std::nullopt;
        }
        return located(Constant::enumerator(v.string, index), v.span);
      }
    }
    return std::nullopt;
  }

  void fail(Code code, Span span, std::string message, std::string hint,
            const std::string& pointer) {
    report(diags_, code, span, std::move(message), std::move(hint), pointer);
    failed_ = true;
  }

  const Schema& schema_;
  const catalog::Catalog& catalog_;
  bool infix_;  // words: operators and hints as infix
  bool text_;   // one expression text: spans and pointers of the text, not of JSON values
  diag::Diagnostics& diags_;
  bool failed_ = false;
  TypeSpec string_type_;  // the items of a map property that declares none
};

}  // namespace

Typed typecheck(const WrittenNode& w, const Schema& schema, Notation notation,
                diag::Diagnostics& diags) {
  Typer typer(schema, notation, diags);
  Typed out;
  out.node = typer.node(w);
  out.ok = !typer.failed();
  return out;
}

}  // namespace wfc::expr
