// The document builder: recognizes which of the four document shapes a located Value tree is
// (automation, run request, single task, bare workflow array) and builds the ast::Document,
// reporting shape problems (WF110–WF115) where they are. It keeps building past a problem,
// skipping only the broken part, so that the checker can still report everything else. A
// misspelt field that can only mean a missing one (`optons` when there is no `options`) is
// reported once and then read as the field it was meant to be, so its contents are checked too.
#include "compiler/syntax/document_builder.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "compiler/util/json_pointer.h"
#include "compiler/util/names.h"

namespace wfc::syntax {
namespace {

using diag::Code;
using Fields = std::span<const std::string_view>;
// Misspelt members of one object, and the field each was read as.
using Recovered = std::vector<std::pair<const Member*, std::string_view>>;

constexpr std::array<std::string_view, 7> kAutomationFields = {
    "id", "name", "description", "workflow", "status", "webhook_url", "metadata"};
constexpr std::array<std::string_view, 3> kRunFields = {"tasks", "metadata", "webhook_url"};
constexpr std::array<std::string_view, 9> kSingleTaskFields = {
    "kind", "url", "input", "options", "ref", "label", "folder", "filename", "metadata"};
constexpr std::array<std::string_view, 7> kTaskFields = {"kind",  "options", "next",    "ref",
                                                         "label", "folder",  "filename"};
// The keys that tell the shapes apart, in the order they are tried.
constexpr std::array<std::string_view, 3> kShapeKeys = {"workflow", "tasks", "kind"};
// Fields the API adds to the objects it returns; a file copied from a response carries them.
constexpr std::array<std::string_view, 15> kServerFields = {
    "object",   "created_at", "updated_at", "started_at", "finished_at",
    "progress", "error",      "run_id",     "parent_id",  "created_by",
    "outputs",  "inputs",     "output",     "task_id",    "automation_id"};

constexpr std::string_view kShapesHint =
    "a workflow file holds an automation {\"name\": ..., \"workflow\": [...]}, a run request "
    "{\"tasks\": [...]}, a single task {\"kind\": ..., \"options\": {...}} or a workflow array "
    "[{\"kind\": ...}, ...]";

std::string quoted(std::string_view s) { return quote_name(s); }

bool contains(Fields fields, std::string_view key) {
  for (auto f : fields) {
    if (f == key) return true;
  }
  return false;
}

std::vector<std::string> to_strings(Fields fields) { return {fields.begin(), fields.end()}; }

/// "an object", "a string"...: what was given, for "must be X, got Y".
std::string a_type(const Value& v) {
  switch (v.type) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return v.boolean ? "true" : "false";
    case ValueType::Integer:
      return "an integer";
    case ValueType::Number:
      return "a number";
    case ValueType::String:
      return "a string";
    case ValueType::Array:
      return "an array";
    case ValueType::Object:
      return "an object";
    case ValueType::Quantity:
      return "a quantity";
  }
  return "null";
}

/// The first character of a value: where a missing field is reported.
Span first_char(Span s) { return {s.line, s.column, s.line, s.column + 1}; }

bool is_ref(std::string_view s) {
  auto head = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (s.empty() || !head(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!head(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  }
  return true;
}

/// "scheme:rest" with a syntactically valid scheme and something after it.
bool has_scheme(std::string_view s, std::string_view* scheme = nullptr) {
  size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == s.size()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!alpha(s[0])) return false;
  for (char c : s.substr(0, colon)) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  if (scheme) *scheme = s.substr(0, colon);
  return true;
}

class Builder {
 public:
  explicit Builder(diag::Diagnostics& diags) : diags_(diags) {}

  std::optional<ast::Document> build(const Value& root) {
    ast::Document doc;
    doc.span = root.span;
    if (root.is_array()) {
      doc.kind = ast::DocumentKind::Workflow;
      doc.workflow_span = root.span;
      build_task_items(root, "", doc.workflow);
      return doc;
    }
    if (!root.is_object()) {
      report(Code::UnknownShape, root.span,
             "expected an automation, run request, task or workflow array, got " + a_type(root),
             std::string(kShapesHint), "");
      return std::nullopt;
    }
    std::string_view shape;
    Recovered recovered;
    for (auto key : kShapeKeys) {
      if (root.find(key)) {
        shape = key;
        break;
      }
    }
    if (shape.empty() && (root.find("name") || root.find("description"))) {
      // Only automations have these: one whose `workflow` is missing or misspelt.
      shape = "workflow";
    }
    if (shape.empty()) {
      // No key tells the shape; a misspelt one still can ("taks").
      for (const Member& m : root.members) {
        auto guess = suggest_name(m.key, to_strings(kShapeKeys));
        if (!guess) continue;
        report(Code::UnknownShape, m.key_span,
               "unknown document shape: no 'workflow', 'tasks' or 'kind' field",
               "did you mean '" + *guess + "'?", pointer_join("", m.key));
        shape = *std::find(kShapeKeys.begin(), kShapeKeys.end(), *guess);
        recovered.emplace_back(&m, shape);
        break;
      }
      if (shape.empty()) {
        report(Code::UnknownShape, first_char(root.span),
               "document is not an automation, run request, task or workflow array",
               std::string(kShapesHint), "");
        return std::nullopt;
      }
    }
    if (shape == "workflow") {
      build_automation(root, doc, recovered);
    } else if (shape == "tasks") {
      build_run(root, doc, recovered);
    } else {
      build_single_task(root, doc, recovered);
    }
    return doc;
  }

 private:
  diag::Diagnostic& report(Code code, Span span, std::string message, std::string hint,
                           std::string pointer) {
    auto& d = diags_.add(code, span, std::move(message), std::move(hint));
    d.pointer = std::move(pointer);
    return d;
  }

  /// The field a member stands for: its key, or the field a misspelt key was read as. Empty when
  /// the key is unknown (reported here, once). `owner` names the object in messages;
  /// `recovered` holds this object's misspelt members and what they were read as.
  std::string_view field_of(const Member& m, Fields fields, const Value& obj,
                            std::string_view owner, const std::string& pointer,
                            Recovered& recovered) {
    for (auto f : fields) {
      if (f == m.key) return f;
    }
    for (const auto& [member, field] : recovered) {
      if (member == &m) return field;
    }
    std::string message = "unknown field " + quoted(m.key) + " in " + std::string(owner);
    auto guess = suggest_name(m.key, to_strings(fields));
    if (!guess) {
      report(Code::UnknownField, m.key_span, std::move(message), unknown_field_hint(m.key, fields),
             pointer_join(pointer, m.key));
      return {};
    }
    report(Code::UnknownField, m.key_span, std::move(message), "did you mean '" + *guess + "'?",
           pointer_join(pointer, m.key));
    // A misspelling of a field the object lacks is read as that field, so that what it holds is
    // still checked and the field is not also reported missing.
    std::string_view field = *std::find(fields.begin(), fields.end(), *guess);
    if (obj.find(field)) return {};
    for (const auto& r : recovered) {
      if (r.second == field) return {};
    }
    recovered.emplace_back(&m, field);
    return field;
  }

  static std::string unknown_field_hint(std::string_view key, Fields fields) {
    for (auto f : kServerFields) {
      if (f == key) return quoted(key) + " is set by the server; remove it";
    }
    bool task = contains(fields, "kind");
    bool single = contains(fields, "url");
    if (task && !single && (key == "url" || key == "input")) {
      return "a task in a workflow works on its parent's output (the run's input at the top); "
             "to fetch a file, start with {\"kind\": \"ingest\", \"options\": {\"url\": ...}}";
    }
    if (task && single && key == "next") {
      return "a single task cannot chain; write a run request {\"tasks\": [...]} instead";
    }
    if (task && key == "conditions") {
      return "conditions are a task of their own: {\"kind\": \"conditions\", \"options\": "
             "{...}, \"next\": [...]}";
    }
    if (task && (key == "id" || key == "status")) {
      return quoted(key) + " is set by the server; remove it";
    }
    if (contains(fields, "workflow") && key == "tasks") {
      return "an automation lists its tasks in 'workflow'";
    }
    if (contains(fields, "tasks") && (key == "workflow" || key == "name")) {
      return "a run request has only 'tasks', 'metadata' and 'webhook_url'";
    }
    std::string list;
    for (auto f : fields) list += (list.empty() ? "" : ", ") + std::string(f);
    return "expected one of: " + list;
  }

  /// A string field; reports WF112 for another type and WF115 for an empty string unless
  /// allowed. `parent` is the pointer of the object holding `m` (pointers are built only for
  /// problems: this runs for every field of every task).
  std::optional<ast::Text> text(const Member& m, std::string_view field, std::string_view parent,
                                bool allow_empty = false) {
    if (!m.value.is_string()) {
      report(Code::WrongFieldType, m.value.span,
             quoted(field) + " must be a string, got " + a_type(m.value), "",
             pointer_join(parent, m.key));
      return std::nullopt;
    }
    if (m.value.string.empty() && !allow_empty) {
      report(Code::InvalidFieldValue, m.value.span, quoted(field) + " must not be empty", "",
             pointer_join(parent, m.key));
      return std::nullopt;
    }
    return ast::Text{m.value.string, m.value.span};
  }

  std::optional<Value> object(const Member& m, std::string_view field, std::string_view parent) {
    if (!m.value.is_object()) {
      report(Code::WrongFieldType, m.value.span,
             quoted(field) + " must be an object, got " + a_type(m.value), "",
             pointer_join(parent, m.key));
      return std::nullopt;
    }
    return m.value;
  }

  std::optional<ast::Text> webhook_url(const Member& m, std::string_view parent) {
    auto t = text(m, "webhook_url", parent);
    if (!t) return t;
    std::string_view scheme;
    if (!has_scheme(t->value, &scheme) || (scheme != "http" && scheme != "https") ||
        t->value.find("://") != scheme.size()) {
      report(Code::InvalidFieldValue, m.value.span,
             "'webhook_url' must be an absolute http or https URL, got " + quoted(t->value),
             "e.g. \"https://example.com/hooks/wfc\"", pointer_join(parent, m.key));
      return std::nullopt;
    }
    return t;
  }

  void missing(Span object_span, std::string what, std::string_view field, std::string hint,
               const std::string& ptr) {
    report(Code::MissingField, first_char(object_span),
           std::move(what) + " is missing " + quoted(field), std::move(hint), ptr);
  }

  /// A `workflow` / `tasks` / `next` list. A lone task object where a list belongs is reported
  /// and read as a list of one.
  void build_task_list(const Member& m, std::string_view field, const std::string& ptr,
                       std::vector<ast::Task>& out, Span& span) {
    if (m.value.is_array()) {
      span = m.value.span;
      build_task_items(m.value, ptr, out);
      return;
    }
    bool lone_task = m.value.is_object() && m.value.find("kind");
    report(Code::WrongFieldType, m.value.span,
           quoted(field) + " must be an array of tasks, got " + a_type(m.value),
           lone_task ? "wrap the task in a list: [{...}]" : "", ptr);
    if (lone_task) {
      span = m.value.span;
      Recovered none;
      out.push_back(build_task(m.value, ptr, nullptr, none));
    }
  }

  void build_task_items(const Value& list, const std::string& ptr, std::vector<ast::Task>& out) {
    out.reserve(list.items.size());
    for (size_t i = 0; i < list.items.size(); ++i) {
      const Value& item = list.items[i];
      std::string item_ptr = pointer_join(ptr, i);
      if (!item.is_object()) {
        std::string hint = "a task is an object with a 'kind', e.g. {\"kind\": \"video\"}";
        if (item.is_string() && !item.string.empty() && short_enough_to_echo(item.string)) {
          hint = "write {\"kind\": \"" + item.string + "\"}";
        }
        report(Code::WrongFieldType, item.span, "task must be an object, got " + a_type(item),
               std::move(hint), item_ptr);
        continue;
      }
      Recovered none;
      out.push_back(build_task(item, item_ptr, nullptr, none));
    }
  }

  /// One task. With `single` set, it is the whole document (the single-task shape), whose extra
  /// fields (`url`, `input`, `metadata`) go into the document.
  ast::Task build_task(const Value& obj, const std::string& ptr, ast::Document* single,
                       Recovered& recovered) {
    ast::Task task;
    task.span = obj.span;
    task.pointer = ptr;
    Fields fields = single ? Fields(kSingleTaskFields) : Fields(kTaskFields);
    bool has_kind = false;
    const Member* url_member = nullptr;
    const Member* input_member = nullptr;
    for (const Member& m : obj.members) {
      std::string_view field = field_of(m, fields, obj, "a task", ptr, recovered);
      if (field.empty()) continue;
      auto mptr = [&] { return pointer_join(ptr, m.key); };
      if (field == "kind") {
        has_kind = true;
        if (!m.value.is_string()) {
          report(Code::WrongFieldType, m.value.span,
                 "'kind' must be a string, got " + a_type(m.value), "", mptr());
        } else if (m.value.string.empty()) {
          report(Code::InvalidFieldValue, m.value.span, "'kind' must not be empty",
                 "name a kind, e.g. 'video'; 'wfc docs kinds' lists them", mptr());
        } else {
          task.kind = {m.value.string, m.value.span};
        }
      } else if (field == "options") {
        if (!m.value.is_object()) {
          report(Code::WrongFieldType, m.value.span,
                 "'options' must be an object, got " + a_type(m.value), "", mptr());
          continue;
        }
        task.options_span = m.value.span;
        task.options.reserve(m.value.members.size());
        std::string options_ptr = mptr();
        for (const Member& o : m.value.members) {
          task.options.push_back({o.key, o.key_span, o.value, pointer_join(options_ptr, o.key)});
        }
      } else if (field == "next") {
        build_task_list(m, "next", mptr(), task.next, task.next_span);
      } else if (field == "ref") {
        auto t = text(m, "ref", ptr);
        if (t && !is_ref(t->value)) {
          report(Code::InvalidFieldValue, m.value.span, "invalid ref " + quoted(t->value),
                 "a ref starts with an ASCII letter or '_' and holds only ASCII letters, digits, "
                 "'_' and '-'",
                 mptr());
        } else if (t) {
          task.ref = std::move(t);
        }
      } else if (field == "label") {
        task.label = text(m, "label", ptr);
      } else if (field == "folder") {
        task.folder = text(m, "folder", ptr);
      } else if (field == "filename") {
        auto t = text(m, "filename", ptr);
        if (t && t->value.find('/') != std::string::npos) {
          report(Code::InvalidFieldValue, m.value.span,
                 "'filename' must not contain '/', got " + quoted(t->value),
                 "put directories in 'folder'", mptr());
        } else {
          task.filename = std::move(t);
        }
      } else if (field == "url") {
        if (auto t = text(m, "url", ptr)) {
          if (!has_scheme(t->value)) {
            report(Code::InvalidFieldValue, m.value.span,
                   "'url' must be an absolute URL, got " + quoted(t->value),
                   "e.g. \"https://example.com/video.mp4\"", mptr());
          } else {
            single->url = std::move(t);
            url_member = &m;
          }
        }
      } else if (field == "input") {
        single->input = object(m, "input", ptr);
        input_member = &m;
      } else if (field == "metadata") {
        single->metadata = object(m, "metadata", ptr);
      }
    }
    if (single && single->url && single->input) {
      // Whichever comes second is the mistake.
      bool url_second = url_member > input_member;
      const Member& second = url_second ? *url_member : *input_member;
      report(Code::InvalidFieldValue, second.key_span,
             "a task takes either 'url' or 'input', not both",
             "'url' means {\"input\": {\"url\": ...}}; keep one of them",
             pointer_join(ptr, second.key));
      if (url_second) {
        single->url.reset();
      } else {
        single->input.reset();
      }
    }
    if (!has_kind) {
      missing(obj.span, "task", "kind", "every task needs a 'kind', e.g. \"kind\": \"video\"", ptr);
    }
    return task;
  }

  void build_automation(const Value& obj, ast::Document& doc, Recovered& recovered) {
    doc.kind = ast::DocumentKind::Automation;
    bool has_name = false;
    bool has_workflow = false;
    if (!obj.find("workflow")) misnamed_workflow(obj, recovered);
    for (const Member& m : obj.members) {
      std::string_view field = field_of(m, kAutomationFields, obj, "an automation", "", recovered);
      if (field.empty()) continue;
      std::string ptr = pointer_join("", m.key);
      if (field == "workflow") {
        has_workflow = true;
        doc.workflow_pointer = ptr;
        build_task_list(m, "workflow", ptr, doc.workflow, doc.workflow_span);
      } else if (field == "name") {
        has_name = true;
        doc.name = text(m, "name", "");
      } else if (field == "id") {
        doc.id = text(m, "id", "");
      } else if (field == "description") {
        doc.description = text(m, "description", "", /*allow_empty=*/true);
      } else if (field == "status") {
        auto t = text(m, "status", "");
        if (t && t->value != "active" && t->value != "paused") {
          auto guess = suggest_name(t->value, {"active", "paused"});
          std::string hint = guess ? "did you mean '" + *guess + "'?" : "";
          report(Code::InvalidFieldValue, m.value.span, "invalid status " + quoted(t->value),
                 hint.empty() ? "status is 'active' or 'paused'" : hint, ptr);
        } else {
          doc.status = std::move(t);
        }
      } else if (field == "webhook_url") {
        doc.webhook_url = webhook_url(m, "");
      } else if (field == "metadata") {
        doc.metadata = object(m, "metadata", "");
      }
    }
    if (!has_name) {
      missing(obj.span, "automation", "name", "add \"name\": \"...\" to say what it is for", "");
    }
    if (!has_workflow) {
      missing(obj.span, "automation", "workflow",
              "add \"workflow\": [...] with the tasks it runs, e.g. [{\"kind\": \"video\"}]", "");
    }
  }

  /// An automation without `workflow` whose tasks are under another name (`steps`, `tasks`):
  /// one mistake, reported once, and the list is read as the workflow.
  void misnamed_workflow(const Value& obj, Recovered& recovered) {
    for (const auto& r : recovered) {
      if (r.second == "workflow") return;
    }
    for (const Member& m : obj.members) {
      if (contains(kAutomationFields, m.key) || !m.value.is_array()) continue;
      if (suggest_name(m.key, to_strings(kAutomationFields))) continue;  // field_of's business
      report(Code::UnknownField, m.key_span, "unknown field " + quoted(m.key) + " in an automation",
             "an automation lists its tasks in 'workflow'; rename " + quoted(m.key),
             pointer_join("", m.key));
      recovered.emplace_back(&m, "workflow");
      return;
    }
  }

  void build_run(const Value& obj, ast::Document& doc, Recovered& recovered) {
    doc.kind = ast::DocumentKind::RunRequest;
    for (const Member& m : obj.members) {
      std::string_view field = field_of(m, kRunFields, obj, "a run request", "", recovered);
      if (field.empty()) continue;
      std::string ptr = pointer_join("", m.key);
      if (field == "tasks") {
        doc.workflow_pointer = ptr;
        build_task_list(m, "tasks", ptr, doc.workflow, doc.workflow_span);
      } else if (field == "webhook_url") {
        doc.webhook_url = webhook_url(m, "");
      } else if (field == "metadata") {
        doc.metadata = object(m, "metadata", "");
      }
    }
  }

  void build_single_task(const Value& obj, ast::Document& doc, Recovered& recovered) {
    doc.kind = ast::DocumentKind::Task;
    doc.workflow_span = obj.span;
    doc.workflow_pointer = "";
    doc.workflow.push_back(build_task(obj, "", &doc, recovered));
  }

  diag::Diagnostics& diags_;
};

}  // namespace

std::optional<ast::Document> build_document(const Value& root, diag::Diagnostics& diags) {
  return Builder(diags).build(root);
}

}  // namespace wfc::syntax
