// JSON of stored objects (see wire_json.h).
#include "runtime/store/wire_json.h"

#include <cmath>

#include "runtime/net/redact.h"

namespace wfc::store {
namespace {

nlohmann::json timestamp(int64_t t) { return t ? nlohmann::json(t) : nlohmann::json(nullptr); }
// Progress as the seeds give it: an integer percentage 0–100 (the store keeps a double).
int percent(double progress) {
  if (!(progress > 0)) return 0;  // and NaN
  return progress >= 100 ? 100 : static_cast<int>(std::floor(progress));
}
nlohmann::json or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// The first File object of a task's inputs or outputs; null when there is none.
nlohmann::json first_file(const nlohmann::json& files) {
  if (!files.is_array() || files.empty() || !files[0].is_object()) return nullptr;
  return files[0];
}

}  // namespace

nlohmann::json to_json(const Task& t) {
  nlohmann::json j = {
      {"id", t.id},
      {"object", "task"},
      {"kind", t.kind},
      {"node", t.node},
      {"status", model::status_name(t.status)},
      {"run_id", t.run_id},
      {"parent_id", or_null(t.parent_id)},
      {"progress", percent(t.progress)},
      {"options", net::redact_urls(t.options)},
      // seeds/004: the one File a task reads and the one it makes; seeds/001: all of them.
      {"input", first_file(t.inputs)},
      {"output", first_file(t.outputs)},
      {"inputs", t.inputs},
      {"outputs", t.outputs},
      {"error", t.error},
      {"created_at", timestamp(t.created_at)},
      {"started_at", timestamp(t.started_at)},
      {"finished_at", timestamp(t.finished_at)},
      {"updated_at", timestamp(t.updated_at)},
  };
  if (!t.skip_reason.empty()) {
    j["skipped"] = true;
    j["skip_reason"] = t.skip_reason;
  }
  if (!t.predicate.is_null()) j["predicate"] = t.predicate;
  return j;
}

nlohmann::json to_json(const Run& r) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const Task& t : r.tasks) tasks.push_back(to_json(t));
  return {
      {"id", r.id},
      {"object", "run"},
      {"status", model::status_name(r.status)},
      {"progress", percent(r.progress)},
      {"automation_id", or_null(r.automation_id)},
      {"input", or_null(net::redact_url(r.input_url))},
      {"tasks", std::move(tasks)},
      {"metadata", r.metadata},
      {"error", r.error},
      {"created_by", or_null(r.created_by)},
      {"created_at", timestamp(r.created_at)},
      {"started_at", timestamp(r.started_at)},
      {"finished_at", timestamp(r.finished_at)},
      {"updated_at", timestamp(r.updated_at)},
  };
}

nlohmann::json to_json(const Automation& a) {
  return {
      {"id", a.id},
      {"object", "automation"},
      {"name", a.name},
      {"description", a.description},
      {"workflow", net::redact_urls(a.workflow)},
      {"status", a.status},
      {"webhook_url", or_null(net::redact_url(a.webhook_url))},
      {"source", or_null(a.source_path)},
      {"created_at", timestamp(a.created_at)},
      {"updated_at", timestamp(a.updated_at)},
  };
}

nlohmann::json to_json(const Event& e) {
  return {{"id", e.id},
          {"object", "event"},
          {"kind", e.kind},
          {"data", e.data},
          {"created_at", timestamp(e.created_at)}};
}

nlohmann::json to_json(const File& f) {
  nlohmann::json j = f.data.is_object() ? f.data : nlohmann::json::object();
  j["id"] = f.id;
  j["object"] = "file";
  j["run_id"] = f.run_id;
  j["task_id"] = or_null(f.task_id);
  j["status"] = f.deleted_at ? "deleted" : "ready";
  j["created_at"] = timestamp(f.created_at);
  j["deleted_at"] = timestamp(f.deleted_at);
  return j;
}

nlohmann::json to_json(const ApiKey& k) {
  return {
      {"id", k.id},
      {"object", "key"},
      {"name", k.name},
      {"status", k.status},
      {"source", k.source},
      {"created_by", k.created_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.created_by)},
      {"hint", k.hint.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.hint)},
      {"created_at", timestamp(k.created_at)},
      {"updated_at", timestamp(k.updated_at)}};
}

nlohmann::json to_json(const Connection& c) {
  auto text = [&](const char* key) -> nlohmann::json {
    auto it = c.settings.find(key);
    if (it == c.settings.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
      return nullptr;
    return *it;
  };
  return {
      {"id", c.id},
      {"object", "connection"},
      {"kind", c.kind},
      {"name", c.name},
      {"bucket", text("bucket")},
      {"region", text("region")},
      {"endpoint", text("endpoint")},
      {"access_key_id", text("access_key_id")},
      {"secret_access_key_set", !c.sealed_secret.empty()},
      {"created_by", c.created_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.created_by)},
      {"created_at", timestamp(c.created_at)},
      {"updated_at", timestamp(c.updated_at)}};
}

// ---- to_json_text: the same answers, written as text

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

/// A JSON string as nlohmann writes it (ensure_ascii off): ASCII is escaped here; text with
/// other bytes goes through nlohmann, for its UTF-8 check and replacement.
void append_string(std::string* out, std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) {
      *out += dump(json(std::string(s)));
      return;
    }
  }
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void append_string_or_null(std::string* out, std::string_view s) {
  if (s.empty())
    *out += "null";
  else
    append_string(out, s);
}

void append_timestamp(std::string* out, int64_t t) {
  if (t)
    *out += std::to_string(t);
  else
    *out += "null";
}

void append_progress(std::string* out, double progress) {
  *out += std::to_string(percent(progress));
}

/// Stored JSON text with every URL redacted, as redact_urls does to the parsed value: only a
/// string with "://" and '@' changes, and the store writes neither escaped.
void append_redacted(std::string* out, const std::string& stored) {
  if (stored.find('@') == std::string::npos || stored.find("://") == std::string::npos) {
    *out += stored;
    return;
  }
  *out += dump(net::redact_urls(json::parse(stored)));
}

/// first_file's answer from a stored array's text, without parsing it: the text of its first
/// element when that is an object, else "null".
std::string_view first_file_text(std::string_view array) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t at = array.find_first_not_of(kSpace);
  if (at == std::string_view::npos || array[at] != '[') return "null";
  at = array.find_first_not_of(kSpace, at + 1);
  if (at == std::string_view::npos || array[at] != '{') return "null";
  int depth = 0;
  bool in_string = false;
  for (size_t i = at; i < array.size(); ++i) {
    char c = array[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return array.substr(at, i - at + 1);
    }
  }
  return "null";
}

void key(std::string* out, std::string_view k, bool first = false) {
  if (!first) out->push_back(',');
  out->push_back('"');
  *out += k;
  *out += "\":";
}

// Keys in the order nlohmann writes an object's (sorted), as to_json(Task) has them.
void append_task(std::string* out, const Task& t, const RunText::TaskColumns& c,
                 const FilesText& files) {
  out->push_back('{');
  key(out, "created_at", true);
  append_timestamp(out, t.created_at);
  key(out, "error");
  *out += c.error;
  key(out, "finished_at");
  append_timestamp(out, t.finished_at);
  key(out, "id");
  append_string(out, t.id);
  // Files go through `files` (the API signs their URLs): `input` and `output` (seeds/004) are
  // the first of `inputs` and `outputs` (seeds/001), as to_json gives them.
  auto append_files = [&](std::string_view stored) {
    if (files)
      files(t, stored, out);
    else
      *out += stored;
  };
  key(out, "input");
  append_files(first_file_text(c.inputs));
  key(out, "inputs");
  append_files(c.inputs);
  key(out, "kind");
  append_string(out, t.kind);
  key(out, "node");
  append_string(out, t.node);
  key(out, "object");
  *out += "\"task\"";
  key(out, "options");
  append_redacted(out, c.options);
  key(out, "output");
  append_files(first_file_text(c.outputs));
  key(out, "outputs");
  append_files(c.outputs);
  key(out, "parent_id");
  append_string_or_null(out, t.parent_id);
  if (c.predicate != "null") {
    key(out, "predicate");
    *out += c.predicate;
  }
  key(out, "progress");
  append_progress(out, t.progress);
  key(out, "run_id");
  append_string(out, t.run_id);
  if (!t.skip_reason.empty()) {
    key(out, "skip_reason");
    append_string(out, t.skip_reason);
    key(out, "skipped");
    *out += "true";
  }
  key(out, "started_at");
  append_timestamp(out, t.started_at);
  key(out, "status");
  append_string(out, model::status_name(t.status));
  key(out, "updated_at");
  append_timestamp(out, t.updated_at);
  out->push_back('}');
}

}  // namespace

std::string to_json_text(const RunText& rt, const FilesText& files) {
  const Run& r = rt.run;
  std::string out;
  out.reserve(512 + 640 * r.tasks.size() + rt.metadata.size());
  // Keys in the order nlohmann writes an object's (sorted), as to_json(Run) has them.
  out.push_back('{');
  key(&out, "automation_id", true);
  append_string_or_null(&out, r.automation_id);
  key(&out, "created_at");
  append_timestamp(&out, r.created_at);
  key(&out, "created_by");
  append_string_or_null(&out, r.created_by);
  key(&out, "error");
  out += rt.error;
  key(&out, "finished_at");
  append_timestamp(&out, r.finished_at);
  key(&out, "id");
  append_string(&out, r.id);
  key(&out, "input");
  append_string_or_null(&out, net::redact_url(r.input_url));
  key(&out, "metadata");
  out += rt.metadata;
  key(&out, "object");
  out += "\"run\"";
  key(&out, "progress");
  append_progress(&out, r.progress);
  key(&out, "started_at");
  append_timestamp(&out, r.started_at);
  key(&out, "status");
  append_string(&out, model::status_name(r.status));
  key(&out, "tasks");
  out.push_back('[');
  for (size_t i = 0; i < r.tasks.size() && i < rt.tasks.size(); ++i) {
    if (i) out.push_back(',');
    append_task(&out, r.tasks[i], rt.tasks[i], files);
  }
  out.push_back(']');
  key(&out, "updated_at");
  append_timestamp(&out, r.updated_at);
  out.push_back('}');
  return out;
}

}  // namespace wfc::store
