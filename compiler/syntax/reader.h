// What every reader shares: the syntaxes, the limits that keep hostile input cheap, and the checks
// made on the raw bytes before any parser sees them. Each reader reads one SourceFile into a
// located Value tree (compiler/value/value.h), adding a located diagnostic for every problem;
// none throws on bad input. Their entry points are in their folders: json/json_reader.h,
// yaml/yaml_reader.h, dsl/dsl_reader.h; compile_source (compiler/frontend.h) picks one by syntax.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace wfc::syntax {

enum class Syntax { Json, Yaml, Dsl };

/// Limits every reader enforces so that hostile input costs bounded time and memory.
struct Limits {
  size_t max_bytes = 8u << 20;   // WF106 past this
  uint32_t max_depth = 128;      // WF105 past this nesting of objects/arrays
  size_t max_nodes = 1'000'000;  // WF109 when YAML aliases expand past this
};

std::string_view syntax_name(Syntax s);                     // "json", "yaml", "wf"
std::optional<Syntax> parse_syntax(std::string_view name);  // "json", "yaml"/"yml", "wf"/"dsl"
/// By extension: .json, .yaml/.yml, .wf. nullopt for anything else.
std::optional<Syntax> syntax_for_path(std::string_view path);

/// Checks shared by every reader before parsing: empty (WF104), NUL bytes (WF114), invalid UTF-8
/// (WF103, at the first bad byte), too large (WF106). Returns false when the file must not be
/// parsed.
bool precheck(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits = {});

}  // namespace wfc::syntax
