// The json format: one document for the whole run,
//   {"diagnostics": [{"file", "line", "column", "end_line", "end_column", "severity", "code",
//                     "message", "hint"}]}
// exactly these fields in this order; `hint` is null when there is none, and the four
// positions are null for a diagnostic without a location (an unreadable file). When some were
// left out (diag::truncate), `"truncated": N` follows the list: how many the WF118 notes stand for.
#include <nlohmann/json.hpp>

#include "compiler/diag/render_formats.h"

namespace wfc::diag {

void render_json(std::ostream& out, const std::vector<Diagnostic>& diags) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  size_t truncated = 0;
  for (const auto& d : diags) {
    truncated += d.omitted;
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
  if (truncated > 0) doc["truncated"] = truncated;
  // Messages quote user text, which may not be UTF-8: replace bad bytes rather than throw.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace wfc::diag
