// `wfc task`'s options and input from its command line (see task_options.h).
#include "tools/wfc/runtime/task_options.h"

#include <fmt/format.h>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/codes.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"

namespace wfc::cli {

namespace {

using nlohmann::json;

json typed_value(const catalog::OptionSpec* spec, const std::string& text) {
  if (!spec) {
    json number = json::parse(text, nullptr, false);
    return number.is_number() ? number : json(text);
  }
  switch (spec->type.kind) {
    case catalog::TypeKind::Integer:
    case catalog::TypeKind::Number:
    case catalog::TypeKind::Seconds:
    case catalog::TypeKind::Dimension: {
      json number = json::parse(text, nullptr, false);
      return number.is_number() ? number : json(text);
    }
    case catalog::TypeKind::Boolean:
      if (text == "true") return true;
      if (text == "false") return false;
      return text;
    case catalog::TypeKind::Array:
    case catalog::TypeKind::Object:
    case catalog::TypeKind::Map: {
      json value = json::parse(text, nullptr, false);
      return value.is_discarded() ? json(text) : value;
    }
    default:
      return text;
  }
}

// The command-line words of an option ("--width abc"), for a pointer "/options/width/…".
std::string words_of(const std::string& pointer, const std::vector<std::string>& words,
                     const std::string& kind) {
  constexpr std::string_view kOptions = "/options/";
  if (pointer == "/url" || pointer.starts_with("/options/url")) return "-i";
  if (!pointer.starts_with(kOptions)) return kind;
  std::string name = pointer.substr(kOptions.size());
  name = name.substr(0, name.find('/'));
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--" + name && i + 1 < words.size()) return w + " " + words[i + 1];
    if (w.starts_with("--" + name + "=")) return w;
  }
  return "--" + name;
}

}  // namespace

std::optional<json> task_options(const std::string& kind, const std::vector<std::string>& words,
                                 std::string* error) {
  const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(kind);
  json options = json::object();
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!w.starts_with("--") || w.size() == 2) {
      *error =
          fmt::format("unexpected '{}': options are given as --NAME VALUE (e.g. --width 720)", w);
      return std::nullopt;
    }
    std::string name = w.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < words.size()) {
      value = words[++i];
    } else {
      *error = fmt::format("--{} needs a value", name);
      return std::nullopt;
    }
    if (options.contains(name)) {
      *error = fmt::format("--{} is given twice", name);
      return std::nullopt;
    }
    options[name] = typed_value(spec ? spec->option(name) : nullptr, value);
  }
  return options;
}

std::optional<std::string> task_input_url(const std::string& kind, const json& input,
                                          std::string* error) {
  bool takes_url = kind == "probe" || kind == "import";
  std::string wanted = takes_url ? "{\"url\": …}"
                                 : "a File object from an earlier task's `output` (e.g. `wfc "
                                   "task probe … | jq .output`)";
  if (!input.is_object()) {
    *error = fmt::format("-i must be {} for a {} task, got {}", wanted, kind, input.type_name());
    return std::nullopt;
  }
  auto object = input.find("object");
  if (!takes_url && (object == input.end() || *object != "file")) {
    *error = fmt::format("-i must be {} for a {} task, with \"object\": \"file\"", wanted, kind);
    return std::nullopt;
  }
  auto url = input.find("url");
  if (url == input.end() || !url->is_string() || url->get<std::string>().empty()) {
    *error = fmt::format("-i names no file: it needs a `url` ({})", wanted);
    return std::nullopt;
  }
  return url->get<std::string>();
}

json task_document(const std::string& kind, const std::string& url, const json& options) {
  if (kind == "import") {
    json o = options;
    o["url"] = url;
    return {{"kind", kind}, {"options", o}};
  }
  return {{"url", url}, {"kind", kind}, {"options", options}};
}

std::string check_task(const std::string& kind, const std::string& url, const json& options,
                       const std::vector<std::string>& words) {
  json doc = task_document(kind, url, options);
  SourceFile source("task", doc.dump());
  FrontendResult front = compile_source(source, syntax::Syntax::Json);
  std::string out;
  auto report = [&](const diag::Diagnostics& diags) {
    for (const diag::Diagnostic& d : diags.items()) {
      if (d.severity != diag::Severity::Error) continue;
      out += fmt::format("error[{}] at {}: {}\n", diag::id(d.code),
                         words_of(d.pointer, words, kind), d.message);
      if (!d.hint.empty()) out += "  help: " + d.hint + "\n";
    }
  };
  report(front.diagnostics);
  if (!out.empty() || !front.document || front.partial) return out;
  diag::Diagnostics plan_diags("task");
  plan::make_plan(*front.document, {}, plan_diags);
  report(plan_diags);
  return out;
}

}  // namespace wfc::cli
