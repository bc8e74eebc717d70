// The canonical JSON form of a document (emit.h's canonical_value): the one place that decides
// which fields a document and a task print, and in what order.
#include <cmath>
#include <string_view>

#include "compiler/emit/emit.h"
#include "compiler/util/json_pointer.h"

namespace wfc::emit {
namespace {

Value make_object() {
  Value v;
  v.type = ValueType::Object;
  return v;
}

Value make_array() {
  Value v;
  v.type = ValueType::Array;
  return v;
}

/// A copy of a value with its spans cleared, so that equal documents compare equal.
Value plain(const Value& v) {
  Value out;
  out.type = v.type;
  out.boolean = v.boolean;
  out.integer = v.integer;
  out.number = v.number;
  out.string = v.string;
  out.items.reserve(v.items.size());
  for (const auto& i : v.items) out.items.push_back(plain(i));
  out.members.reserve(v.members.size());
  for (const auto& m : v.members) out.members.push_back({m.key, {}, plain(m.value)});
  return out;
}

void add(Value& obj, std::string_view key, Value v) {
  obj.members.push_back({std::string(key), {}, std::move(v)});
}

void add_text(Value& obj, std::string_view key, const std::optional<ast::Text>& t) {
  if (t) add(obj, key, Value::make_string(t->value, {}));
}

Value task_list(const std::vector<ast::Task>& tasks);

/// The task's own fields; the single-task shape adds its document fields before `options`.
Value task_value(const ast::Task& task, const ast::Document* single) {
  Value obj = make_object();
  add(obj, "kind", Value::make_string(task.kind.value, {}));
  add_text(obj, "ref", task.ref);
  add_text(obj, "label", task.label);
  add_text(obj, "folder", task.folder);
  add_text(obj, "filename", task.filename);
  if (single) {
    add_text(obj, "url", single->url);
    if (single->input) add(obj, "input", plain(*single->input));
    if (single->metadata) add(obj, "metadata", plain(*single->metadata));
  }
  if (task.options_span.valid() || !task.options.empty()) {
    Value options = make_object();
    for (const auto& o : task.options) add(options, o.name, plain(o.value));
    add(obj, "options", std::move(options));
  }
  if (task.next_span.valid() || !task.next.empty()) add(obj, "next", task_list(task.next));
  return obj;
}

Value task_list(const std::vector<ast::Task>& tasks) {
  Value list = make_array();
  list.items.reserve(tasks.size());
  for (const auto& t : tasks) list.items.push_back(task_value(t, nullptr));
  return list;
}

bool representable(const Value& v, const std::string& pointer, std::string* where) {
  if ((v.type == ValueType::Number && !std::isfinite(v.number)) || v.is_quantity()) {
    if (where) *where = pointer;
    return false;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (!representable(v.items[i], pointer_join(pointer, i), where)) return false;
  }
  for (const auto& m : v.members) {
    if (!representable(m.value, pointer_join(pointer, m.key), where)) return false;
  }
  return true;
}

}  // namespace

Value canonical_value(const ast::Document& doc) {
  switch (doc.kind) {
    case ast::DocumentKind::Workflow:
      return task_list(doc.workflow);
    case ast::DocumentKind::Task: {
      if (doc.workflow.empty()) return make_object();
      return task_value(doc.workflow.front(), &doc);
    }
    case ast::DocumentKind::RunRequest: {
      Value obj = make_object();
      add(obj, "tasks", task_list(doc.workflow));
      if (doc.metadata) add(obj, "metadata", plain(*doc.metadata));
      add_text(obj, "webhook_url", doc.webhook_url);
      return obj;
    }
    case ast::DocumentKind::Automation: {
      Value obj = make_object();
      add_text(obj, "id", doc.id);
      add_text(obj, "name", doc.name);
      add_text(obj, "description", doc.description);
      add_text(obj, "status", doc.status);
      add_text(obj, "webhook_url", doc.webhook_url);
      if (doc.metadata) add(obj, "metadata", plain(*doc.metadata));
      add(obj, "workflow", task_list(doc.workflow));
      return obj;
    }
  }
  return make_array();
}

bool json_representable(const Value& value, std::string* where) {
  return representable(value, "", where);
}

std::string emit(const ast::Document& doc, syntax::Syntax syntax) {
  switch (syntax) {
    case syntax::Syntax::Json:
      return emit_json(doc);
    case syntax::Syntax::Yaml:
      return emit_yaml(doc);
    case syntax::Syntax::Dsl:
      return emit_dsl(doc);
  }
  return emit_json(doc);
}

}  // namespace wfc::emit
