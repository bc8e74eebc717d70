// Unit literals typed and converted (quantities.h). The walk follows the shapes the DSL reader
// gives (syntax/dsl/dsl_reader.h): a bare workflow array; an automation or run object whose
// `workflow` or `tasks` list holds the tasks; a task document, which is a task object itself. A
// task's `options` are typed against its kind (a conditions task's against the properties they
// test), its `next` holds tasks, and every other field is converted without a type.
#include "compiler/check/quantities.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/catalog/units.h"
#include "compiler/diag/wording.h"

namespace wfc::check {
namespace {

using catalog::TypeKind;
using diag::Code;
using diag::quote;

/// What the unit literals found in a value mean for whoever holds it.
struct Outcome {
  bool unknown_unit = false;  // a unit that is none: the option or field holding it goes
  bool dropped = false;       // of another measure than its option's: this value goes

  void merge(const Outcome& o) { unknown_unit = unknown_unit || o.unknown_unit; }
};

/// The option a value belongs to, for typing the unit literals in it: `type` is nullptr where
/// the catalog does not say (an unknown kind or option: the checker reports that).
struct Where {
  const catalog::TypeSpec* type;
  std::string_view option;        // as messages name it: the option, or the object field
  const catalog::KindSpec* kind;  // the task's; set whenever `type` is
};

/// An infix operand may have spaces between its sign and its number (`- 2s`).
std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

/// The literal becomes the number in the catalog's unit: an integer when whole (10MB is
/// 10000000), else a number.
void convert(Value& v, const catalog::Quantity& q) {
  v.string.clear();
  if (std::floor(q.value) == q.value && std::fabs(q.value) < 9e15) {
    v.type = ValueType::Integer;
    v.integer = static_cast<int64_t>(q.value);
  } else {
    v.type = ValueType::Number;
    v.number = q.value;
  }
}

class Resolver {
 public:
  Resolver(const catalog::Catalog& catalog, diag::Diagnostics& diags, std::vector<Span>& incomplete)
      : catalog_(catalog), diags_(diags), incomplete_(incomplete) {}

  void document(Value& root) {
    if (root.is_array()) {
      tasks(root);
    } else if (root.is_object() && root.find("kind")) {
      task(root);  // a task document
    } else if (root.is_object()) {
      // An automation or a run: its list of tasks, and fields.
      erase_if(root.members, [&](Member& m) {
        if (m.key == "workflow" || m.key == "tasks") {
          tasks(m.value);
          return false;
        }
        return !field(m.value);
      });
    }
  }

 private:
  /// Removes the elements for which `drop` (called once for each, in order) says so.
  template <class T, class Drop>
  static void erase_if(std::vector<T>& items, Drop drop) {
    for (size_t i = 0; i < items.size();) {
      if (drop(items[i])) {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }

  void tasks(Value& list) {
    for (auto& t : list.items) {
      if (t.is_object()) task(t);
    }
  }

  void task(Value& t) {
    const Member* kind = t.find("kind");
    const catalog::KindSpec* spec =
        kind && kind->value.is_string() ? catalog_.kind(kind->value.string) : nullptr;
    erase_if(t.members, [&](Member& m) {
      if (m.key == "options") {
        return spec && spec->is_conditions ? !conditions(m.value, t.span)
                                           : (options(m.value, spec, t.span), false);
      }
      if (m.key == "next") {
        tasks(m.value);
        return false;
      }
      return !field(m.value);
    });
  }

  /// A field outside any option (metadata, a document's url): converted, never typed. False
  /// when it must go.
  bool field(Value& v) { return !typed(v, nullptr).unknown_unit; }

  void options(Value& options, const catalog::KindSpec* spec, Span task) {
    erase_if(options.members, [&](Member& m) {
      const catalog::OptionSpec* option = spec ? spec->option(m.key) : nullptr;
      Where where{option ? &option->type : nullptr, m.key, spec};
      Outcome o = typed(m.value, &where);
      if (o.unknown_unit) mark(task);  // left out, and not missed
      return o.unknown_unit || o.dropped;
    });
  }

  /// The unit literals in `v`, a value of `where` (nullptr outside options).
  Outcome typed(Value& v, const Where* where) {
    Outcome out;
    if (v.is_quantity()) return quantity(v, where);
    if (v.is_array()) {
      Where items{where && where->type && where->type->items ? where->type->items.get() : nullptr,
                  where ? where->option : "", where ? where->kind : nullptr};
      erase_if(v.items, [&](Value& item) {
        Outcome o = typed(item, where ? &items : nullptr);
        out.merge(o);
        return o.dropped;
      });
    } else if (v.is_object()) {
      erase_if(v.members, [&](Member& m) {
        const catalog::TypeSpec* field = nullptr;
        if (where && where->type && where->type->kind == TypeKind::Object) {
          for (const auto& f : where->type->fields) {
            if (f.name == m.key) field = &f.type;
          }
        }
        Where inner{field, m.key, where ? where->kind : nullptr};
        Outcome o = typed(m.value, where ? &inner : nullptr);
        out.merge(o);
        return o.dropped;
      });
    }
    return out;
  }

  /// What the literal `v` stands for; a unit that is none is reported (WF101).
  std::optional<catalog::Quantity> parse(const Value& v) {
    std::string error, hint;
    auto q = catalog::parse_quantity(without_spaces(v.string), &error, &hint);
    if (!q) diags_.add(Code::InvalidSyntax, v.span, std::move(error), std::move(hint));
    return q;
  }

  Outcome quantity(Value& v, const Where* where) {
    auto q = parse(v);
    if (!q) return {true, false};
    Outcome out;
    if (where && where->type && !catalog::takes_measure(*where->type, q->measure)) {
      diags_.add(Code::WrongOptionType, v.span,
                 "option " + quote(where->option) + " of " + quote(where->kind->name) +
                     " must be " + diag::with_article(where->type->describe()) + ", got " +
                     std::string(catalog::measure_name(q->measure)) + " '" + v.string + "'",
                 where->type->kind == TypeKind::Seconds ? "write a duration such as 2s or 500ms"
                                                        : "write a plain number");
      out.dropped = true;
    }
    convert(v, *q);
    return out;
  }

  /// A conditions task's options: properties that map to operator objects (or bare values),
  /// and `and`, `or`, `not` around more of them. False when the whole condition must go: a
  /// unit of another measure than its property's leaves nothing that could be trusted.
  bool conditions(Value& options, Span task) {
    bool wrong = false;
    erase_if(options.members, [&](Member& m) {
      Outcome o = entry(m, &wrong);
      if (o.unknown_unit) mark(task);
      return o.unknown_unit;
    });
    if (wrong) mark(task);
    return !wrong;
  }

  /// One key of a conditions object.
  Outcome entry(Member& m, bool* wrong) {
    if (catalog::Catalog::is_combinator(m.key)) return nested(m.value, wrong);
    return operand(m.value, m.key, catalog_.property(m.key), wrong);
  }

  /// What `and`, `or` or `not` holds: more conditions objects.
  Outcome nested(Value& v, bool* wrong) {
    Outcome out;
    if (v.is_object()) {
      for (auto& m : v.members) out.merge(entry(m, wrong));
    } else if (v.is_array()) {
      for (auto& item : v.items) out.merge(nested(item, wrong));
    } else if (v.is_quantity()) {
      out.merge(operand(v, "", nullptr, wrong));
    }
    return out;
  }

  /// What `property` is compared with (an operator object, its operands, a list of them): each
  /// unit literal must measure what the property does (`duration > 2s`, not `width > 2s`). An
  /// unknown property is the checker's to report.
  Outcome operand(Value& v, std::string_view property, const catalog::PropertySpec* p,
                  bool* wrong) {
    Outcome out;
    if (v.is_quantity()) {
      auto q = parse(v);
      if (!q) {
        out.unknown_unit = true;
        return out;
      }
      if (p && !catalog::takes_measure(p->type, q->measure)) {
        bool plain = p->type.kind == TypeKind::Integer || p->type.kind == TypeKind::Number;
        diags_.add(Code::WrongValueType, v.span,
                   "value of " + quote(property) + " must be " +
                       diag::with_article(p->type.describe()) + ", got " +
                       std::string(catalog::measure_name(q->measure)) + " '" + v.string + "'",
                   plain ? "write a plain number" : "");
        *wrong = true;
      }
      convert(v, *q);
      return out;
    }
    for (auto& item : v.items) out.merge(operand(item, property, p, wrong));
    for (auto& m : v.members) out.merge(operand(m.value, property, p, wrong));
    return out;
  }

  /// A task that lost an option or its condition: what it lacks is not reported missing.
  void mark(Span task) { incomplete_.push_back(task); }

  const catalog::Catalog& catalog_;
  diag::Diagnostics& diags_;
  std::vector<Span>& incomplete_;
};

}  // namespace

void resolve_quantities(Value& root, const catalog::Catalog& catalog, diag::Diagnostics& diags,
                        std::vector<Span>& incomplete) {
  Resolver(catalog, diags, incomplete).document(root);
}

}  // namespace wfc::check
