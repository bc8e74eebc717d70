// The canonical DSL writer (grammar/README.md): fields before tasks, two-space indentation, one
// task per line, a task with one `next` as a `->` chain and with several as a block, `conditions`
// as `when` with the condition printed by the condition IR's own printer (expr::to_string, the
// text the expression parser reads back to the same IR). Strings are double-quoted except the
// values of enum options (`format: mp4`); a percentage dimension is written `50%`.
#include <cmath>
#include <string>

#include "compiler/catalog/catalog.h"
#include "compiler/check/conditions.h"
#include "compiler/emit/dsl_layout.h"
#include "compiler/emit/emit.h"
#include "compiler/emit/text_width.h"
#include "compiler/expr/ir.h"

namespace wfc::emit {
namespace {

bool is_keyword_value(std::string_view s) { return s == "true" || s == "false" || s == "null"; }

/// Whether `s` lexes as one IDENT (or a keyword, which the grammar accepts as a name).
bool is_name(std::string_view s) {
  auto head = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !head(s[0]) || is_keyword_value(s)) return false;
  for (char c : s) {
    if (!head(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

/// "50%", "12.5%": what the PERCENT token reads as that same string.
bool is_percent(std::string_view s) {
  if (s.size() < 2 || s.back() != '%') return false;
  std::string_view n = s.substr(0, s.size() - 1);
  if (!n.empty() && n[0] == '-') n.remove_prefix(1);
  size_t dot = n.find('.');
  std::string_view digits = n.substr(0, dot);
  auto all_digits = [](std::string_view d) {
    if (d.empty()) return false;
    for (char c : d) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (!all_digits(digits) || (digits.size() > 1 && digits[0] == '0')) return false;
  return dot == std::string_view::npos || all_digits(n.substr(dot + 1));
}

std::string key_text(std::string_view key) {
  return is_name(key) ? std::string(key) : json_string(key);
}

/// A value in DSL literal syntax; `spec` (when known) is the catalog type it is written for.
std::string value_text(const Value& v, const catalog::TypeSpec* spec) {
  switch (v.type) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return v.boolean ? "true" : "false";
    case ValueType::Integer:
      return std::to_string(v.integer);
    case ValueType::Number:
      return json_number(v.number);
    case ValueType::String:
      if (spec && spec->kind == catalog::TypeKind::Enum && is_name(v.string)) return v.string;
      if (spec && spec->kind == catalog::TypeKind::Dimension && is_percent(v.string)) {
        return v.string;
      }
      return json_string(v.string);
    case ValueType::Array: {
      const catalog::TypeSpec* items = spec && spec->items ? spec->items.get() : nullptr;
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        s += (i ? ", " : "") + value_text(v.items[i], items);
      }
      return s + "]";
    }
    case ValueType::Object: {
      if (v.members.empty()) return "{}";
      std::string s = "{ ";
      for (size_t i = 0; i < v.members.size(); ++i) {
        const auto& m = v.members[i];
        const catalog::TypeSpec* field = nullptr;
        if (spec && spec->kind == catalog::TypeKind::Object) {
          for (const auto& f : spec->fields) {
            if (f.name == m.key) field = &f.type;
          }
        }
        s += (i ? ", " : "") + key_text(m.key) + ": " + value_text(m.value, field);
      }
      return s + " }";
    }
    case ValueType::Quantity:  // the literal as written
      return v.string;
  }
  return "null";
}

class DslWriter {
 public:
  DslWriter(const catalog::Catalog& catalog, DslLayout* layout)
      : catalog_(catalog), layout_(layout) {}

  std::string document(const ast::Document& doc) {
    switch (doc.kind) {
      case ast::DocumentKind::Workflow:
        tasks(doc.workflow, 0);
        break;
      case ast::DocumentKind::RunRequest:
        line(0, "run {", doc.span.begin());
        if (fields(doc, 2) && !doc.workflow.empty()) blank();
        tasks(doc.workflow, 2);
        close(0, doc.span.end());
        break;
      case ast::DocumentKind::Automation: {
        std::string head = "automation";
        // An id that is no name is a string; the grammar then wants the name after it.
        if (doc.id) head += " " + key_text(doc.id->value);
        if (doc.name) head += " " + json_string(doc.name->value);
        line(0, head + " {", doc.span.begin());
        if (fields(doc, 2) && !doc.workflow.empty()) blank();
        tasks(doc.workflow, 2);
        close(0, doc.span.end());
        break;
      }
      case ast::DocumentKind::Task: {
        if (doc.workflow.empty()) break;
        const ast::Task& t = doc.workflow.front();
        std::string head = "task " + call(t) + attributes(t);
        bool has_fields = doc.url || doc.input || doc.metadata;
        if (!has_fields) {
          line(0, head, t.span.begin());
          break;
        }
        line(0, head + " {", t.span.begin());
        fields(doc, 2);
        close(0, doc.span.end());
        break;
      }
    }
    return out_;
  }

 private:
  void line(size_t indent, const std::string& text, Position from) {
    if (layout_) layout_->lines.push_back({from, indent, false});
    out_ += std::string(indent, ' ') + text + "\n";
  }
  void close(size_t indent, Position at) {
    if (layout_) layout_->lines.push_back({at, indent, true});
    out_ += std::string(indent, ' ') + "}\n";
  }
  void blank() {
    if (layout_) layout_->lines.push_back({{}, 0, false, true});
    out_ += "\n";
  }

  /// The document fields, in canonical order. Returns whether it wrote any.
  bool fields(const ast::Document& doc, size_t indent) {
    bool any = false;
    auto text_field = [&](std::string_view key, const std::optional<ast::Text>& t, bool bare) {
      if (!t) return;
      std::string v = bare && is_name(t->value) ? t->value : json_string(t->value);
      line(indent, std::string(key) + " " + v, t->span.begin());
      any = true;
    };
    auto value_field = [&](std::string_view key, const std::optional<Value>& v) {
      if (!v) return;
      line(indent, std::string(key) + " " + value_text(*v, nullptr), v->span.begin());
      any = true;
    };
    text_field("description", doc.description, false);
    text_field("status", doc.status, true);
    text_field("webhook_url", doc.webhook_url, false);
    text_field("url", doc.url, false);
    value_field("input", doc.input);
    value_field("metadata", doc.metadata);
    return any;
  }

  void tasks(const std::vector<ast::Task>& list, size_t indent) {
    for (const auto& t : list) chain(t, indent);
  }

  /// A task and, while each has exactly one `next`, its followers joined by `->`.
  void chain(const ast::Task& first, size_t indent) {
    std::string text;
    const ast::Task* t = &first;
    for (;;) {
      text += step(*t);
      bool has_next = t->next_span.valid() || !t->next.empty();
      if (!has_next && !is_conditions(*t)) break;
      // `when` always takes a block; a task with one follower chains, unless that follower is
      // written with a block of its own only because it is the last step (that is fine too).
      if (t->next.size() == 1 && !is_conditions(*t)) {
        text += " -> ";
        t = &t->next.front();
        continue;
      }
      if (t->next.empty()) {
        text += " {}";
        break;
      }
      line(indent, text + " {", first.span.begin());
      tasks(t->next, indent + 2);
      close(indent, t->next_span.valid() ? t->next_span.end() : t->span.end());
      return;
    }
    line(indent, text, first.span.begin());
  }

  bool is_conditions(const ast::Task& t) const {
    const auto* spec = catalog_.kind(t.kind.value);
    return spec && spec->is_conditions;
  }

  std::string step(const ast::Task& t) {
    if (is_conditions(t)) return "when " + condition(t) + attributes(t);
    return call(t) + attributes(t);
  }

  /// The condition as infix text, by the IR's printer. A conditions task that does not check
  /// (only `wfc fmt` formats such files) keeps `true` in its place so that the output parses.
  std::string condition(const ast::Task& t) {
    diag::Diagnostics ignored("");
    auto predicate = check::conditions_predicate(t, catalog_, ignored);
    if (!predicate) return "true";
    return expr::to_string(predicate->root);
  }

  std::string call(const ast::Task& t) {
    std::string s = t.kind.value;
    if (!t.options_span.valid() && t.options.empty()) return s;
    const auto* spec = catalog_.kind(t.kind.value);
    s += "(";
    for (size_t i = 0; i < t.options.size(); ++i) {
      const auto& o = t.options[i];
      const catalog::OptionSpec* option = spec ? spec->option(o.name) : nullptr;
      s += (i ? ", " : "") + key_text(o.name) + ": " +
           value_text(o.value, option ? &option->type : nullptr);
    }
    return s + ")";
  }

  static std::string attributes(const ast::Task& t) {
    std::string s;
    // A ref with '-' is no identifier: written as a string (grammar/README.md: `as "a-b"`).
    if (t.ref) s += " as " + key_text(t.ref->value);
    if (t.label) s += " label " + json_string(t.label->value);
    if (t.folder) s += " folder " + json_string(t.folder->value);
    if (t.filename) s += " filename " + json_string(t.filename->value);
    return s;
  }

  const catalog::Catalog& catalog_;
  DslLayout* layout_;
  std::string out_;
};

}  // namespace

std::string emit_dsl(const ast::Document& doc, DslLayout* layout) {
  return DslWriter(catalog::Catalog::builtin(), layout).document(doc);
}

std::string emit_dsl(const ast::Document& doc) { return emit_dsl(doc, nullptr); }

}  // namespace wfc::emit
