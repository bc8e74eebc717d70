// The json format: one document for the whole run,
//   {"diagnostics": [{"file", "line", "column", "end_line", "end_column", "severity", "code",
//                     "message", "hint"}]}
// exactly these fields in this order; `hint` is null when there is none, and the four
// positions are null for a diagnostic without a location (an unreadable file).
#include <nlohmann/json.hpp>

#include "compiler/diag/render_formats.h"

namespace wfc::diag {

void render_json(std::ostream& out, const std::vector<Diagnostic>& diags) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  for (const auto& d : diags) {
    Span span = normalized(d.span);
    auto position = [&](uint32_t v) { return span.valid() ? Json(v) : Json(nullptr); };
    Json item;
    item["file"] = d.file;
    item["line"] = position(span.line);
    item["column"] = position(span.column);
    item["end_line"] = position(span.end_line);
    item["end_column"] = position(span.end_column);
    item["severity"] = severity_name(d.severity);
    item["code"] = id(d.code);
    item["message"] = d.message;
    item["hint"] = d.hint.empty() ? Json(nullptr) : Json(d.hint);
    list.push_back(std::move(item));
  }
  Json doc;
  doc["diagnostics"] = std::move(list);
  // Messages quote user text, which may not be UTF-8: replace bad bytes rather than throw.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace wfc::diag
