// The sarif format: a SARIF 2.1.0 log with one run, for GitHub code scanning and editors. Every
// registered code is a rule (in registry order, so a result's ruleIndex is its code's index);
// regions use 1-based lines and Unicode code point columns with an exclusive end column, which
// is how wfc counts anyway ("columnKind": "unicodeCodePoints"). A diagnostic's JSON pointer, when
// known, is in the result's property bag as "pointer".
#include <nlohmann/json.hpp>

#include "compiler/diag/render_formats.h"

namespace wfc::diag {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";

/// The path as the user gave it, as a relative or absolute URI reference: forward slashes, and
/// every byte outside RFC 3986's unreserved and path characters percent-encoded (':' too, so a
/// first segment never reads as a scheme).
std::string uri_reference(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\\') c = '/';
    bool plain =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~/!$&'()*+,;=@").find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Json text(std::string_view s) {
  Json j;
  j["text"] = s;
  return j;
}

Json rules() {
  Json list = Json::array();
  for (const auto& c : all_codes()) {
    Json rule;
    rule["id"] = c.id;
    rule["name"] = c.name;
    rule["shortDescription"] = text(c.summary);
    rule["fullDescription"] = text(c.explain);
    rule["help"] = text(c.explain);
    rule["defaultConfiguration"]["level"] = severity_name(c.severity);
    list.push_back(std::move(rule));
  }
  return list;
}

Json result(const Diagnostic& d) {
  Json r;
  r["ruleId"] = id(d.code);
  r["ruleIndex"] = static_cast<int>(d.code);
  r["level"] = severity_name(d.severity);
  std::string message = d.message;
  if (!d.hint.empty()) message.append("\nhelp: ").append(d.hint);
  r["message"] = text(message);
  Json physical;
  physical["artifactLocation"]["uri"] = uri_reference(d.file);
  Span span = normalized(d.span);
  if (span.valid()) {
    Json& region = physical["region"];
    region["startLine"] = span.line;
    region["startColumn"] = span.column;
    region["endLine"] = span.end_line;
    region["endColumn"] = span.end_column;
  }
  Json location;
  location["physicalLocation"] = std::move(physical);
  r["locations"] = Json::array({std::move(location)});
  if (!d.pointer.empty()) r["properties"]["pointer"] = d.pointer;
  return r;
}

}  // namespace

void render_sarif(std::ostream& out, const std::vector<Diagnostic>& diags,
                  const RenderOptions& options) {
  Json driver;
  driver["name"] = "wfc";
  driver["version"] = options.tool_version.empty() ? WFC_VERSION : options.tool_version;
  driver["rules"] = rules();

  Json run;
  run["tool"]["driver"] = std::move(driver);
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = Json::array();
  for (const auto& d : diags) run["results"].push_back(result(d));

  Json log;
  log["$schema"] = kSchema;
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  // Messages quote user text, which may not be UTF-8: replace bad bytes rather than throw.
  out << log.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace wfc::diag
