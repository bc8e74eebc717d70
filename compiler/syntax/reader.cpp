#include "compiler/syntax/reader.h"

namespace wfc::syntax {

std::string_view syntax_name(Syntax s) {
  switch (s) {
    case Syntax::Json:
      return "json";
    case Syntax::Yaml:
      return "yaml";
    case Syntax::Dsl:
      return "wf";
  }
  return "json";
}

std::optional<Syntax> parse_syntax(std::string_view name) {
  if (name == "json") return Syntax::Json;
  if (name == "yaml" || name == "yml") return Syntax::Yaml;
  if (name == "wf" || name == "dsl") return Syntax::Dsl;
  return std::nullopt;
}

std::optional<Syntax> syntax_for_path(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".json")) return Syntax::Json;
  if (ends_with(".yaml") || ends_with(".yml")) return Syntax::Yaml;
  if (ends_with(".wf")) return Syntax::Dsl;
  return std::nullopt;
}

}  // namespace wfc::syntax
