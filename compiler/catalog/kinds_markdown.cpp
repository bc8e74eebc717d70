// kinds_markdown(): docs/kinds.md, the reference of every task kind, its options, what flows
// between tasks, and the properties and operators of conditions, generated from the catalog.
// `make docs` writes it; catalog_test fails when the committed file is stale.
#include <algorithm>
#include <cstdio>
#include <string>

#include "compiler/catalog/catalog.h"

namespace wfc::catalog {
namespace {

constexpr const char* kCategoryTitles[][2] = {
    {"input", "Input"},   {"media", "Media"},
    {"track", "Tracks"},  {"intelligence", "Intelligence"},
    {"output", "Output"}, {"control", "Control"},
};

std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }

// Table cells: no line breaks, and a `|` would end the cell.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  nlohmann::json j = v;
  if (v == static_cast<double>(static_cast<long long>(v))) j = static_cast<long long>(v);
  return j.dump();
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? std::string(sep) : "") + items[i];
  return out;
}

std::string range(const TypeSpec& t, std::string_view unit) {
  std::string u(unit);
  if (t.min && t.max) return number(*t.min) + "–" + number(*t.max) + u;
  if (t.min) return "≥ " + number(*t.min) + u;
  if (t.max) return "≤ " + number(*t.max) + u;
  return "";
}

// A unit literal of the measure, as a .wf file may write it (units.h).
std::string unit_example(Measure m) {
  switch (m) {
    case Measure::Duration:
      return "`90s`";
    case Measure::Size:
      return "`10MB`";
    case Measure::Bitrate:
      return "`5Mbps`";
  }
  return "";
}

// The "range / values" column: what the type admits beyond its name.
std::string admits(const TypeSpec& t) {
  switch (t.kind) {
    case TypeKind::Enum: {
      std::vector<std::string> values;
      for (const auto& v : t.values) values.push_back(code(v));
      return join(values, ", ");
    }
    case TypeKind::Integer:
    case TypeKind::Number: {
      std::string r = range(t, "");
      if (!t.measure) return r;
      return r + (r.empty() ? "" : "; ") + "in .wf also " + std::string(measure_name(*t.measure)) +
             " such as " + unit_example(*t.measure);
    }
    case TypeKind::Dimension: {
      std::string px = range(t, " px");
      return (px.empty() ? "pixels" : px) + ", or `\"1%\"`–`\"100%\"`";
    }
    case TypeKind::Seconds:
      return t.min ? range(t, " s") : "≥ 0 s";
    case TypeKind::Color:
      return "`\"#RRGGBB\"` or `\"#RGB\"`";
    case TypeKind::Url: {
      std::vector<std::string> schemes;
      for (const auto& s : t.schemes) schemes.push_back(code(s + "://"));
      return schemes.empty() ? "any scheme" : join(schemes, ", ");
    }
    case TypeKind::Language:
      return "BCP 47 tag, such as `en` or `pt-BR`";
    case TypeKind::Expression:
      return "a frame predicate";
    case TypeKind::Array: {
      std::string n;
      if (t.min_items && t.max_items) {
        n = std::to_string(*t.min_items) + "–" + std::to_string(*t.max_items) + " items";
      } else if (t.min_items) {
        n = "at least " + std::to_string(*t.min_items) + " items";
      } else if (t.max_items) {
        n = "at most " + std::to_string(*t.max_items) + " items";
      }
      std::string each = t.items ? t.items->describe() : "";
      return n.empty() ? each : n + (each.empty() ? "" : ", each " + each);
    }
    case TypeKind::Object:
      return t.describe();
    case TypeKind::Map:
      return t.items ? "keys: any text; values: " + t.items->describe() : "";
    case TypeKind::String:
      return t.pattern_doc;
    case TypeKind::Boolean:
      return "`true`, `false`";
  }
  return "";
}

// The default column: a value, a value unless another option is given, another option's
// value plus a constant, or a value by another option's value.
std::string default_text(const OptionSpec& o) {
  if (o.default_value) {
    std::string d = code(o.default_value->dump());
    std::vector<std::string> unless;
    for (const auto& u : o.default_unless) unless.push_back(code(u));
    return unless.empty() ? d : d + " unless " + join(unless, " or ") + " is given";
  }
  if (o.default_from) {
    char add_text[32];
    std::snprintf(add_text, sizeof add_text, " + %g", o.default_from->add);
    std::string add = o.default_from->add == 0 ? "" : add_text;
    return code(o.default_from->option) + add;
  }
  if (o.default_by) {
    std::vector<std::string> cases;
    for (const auto& [value, d] : o.default_by->values)
      cases.push_back(code(value) + ": " + code(d.dump()));
    return "by " + code(o.default_by->option) + ": " + join(cases, "; ");
  }
  return "—";
}

void option_table(std::string& md, const std::vector<OptionSpec>& options,
                  std::string_view column = "option") {
  md += "| " + std::string(column) + " | type | default | range / values | description |\n";
  md += "|---|---|---|---|---|\n";
  for (const auto& o : options) {
    std::string def = o.required ? "**required**" : default_text(o);
    md += "| " + code(o.name) + " | " + std::string(type_kind_name(o.type.kind)) + " | " + def +
          " | " + cell(admits(o.type)) + " | " + cell(o.doc) + " |\n";
  }
  // The fields of object items (renditions, subtitle tracks) get their own table.
  for (const auto& o : options) {
    const TypeSpec* t = &o.type;
    if (t->kind == TypeKind::Array && t->items) t = t->items.get();
    if (t->kind != TypeKind::Object) continue;
    md += "\nEach item of " + code(o.name) + ":\n\n";
    option_table(md, t->fields, "field");
  }
}

std::string constraint_text(const Constraint& c) {
  std::vector<std::string> names;
  for (const auto& n : c.options) names.push_back(code(n));
  std::string rule;
  switch (c.type) {
    case Constraint::Type::Exclusive:
      rule = "at most one of " + join(names, ", ");
      break;
    case Constraint::Type::Less:
      rule = names[0] + " < " + names[1] + " when both are given";
      break;
    case Constraint::Type::Requires:
      rule = names[0] + " requires " + names[1];
      break;
    case Constraint::Type::Allows: {
      std::vector<std::string> values;
      for (const auto& v : c.values) values.push_back(code(v));
      rule = "with " + names[0] + " " + code(c.when_value) + ", " + names[1] + " is " +
             join(values, " or ");
      break;
    }
  }
  return c.doc.empty() ? rule : rule + ": " + c.doc;
}

// The kind registry entry in words: what runs it, what it reads, whether it fuses.
std::string execution_text(const Execution& e) {
  std::string out;
  switch (e.engine) {
    case Execution::Engine::Transfer:
      out = "a transfer, which fetches or copies bytes";
      break;
    case Execution::Engine::Probe:
      out = "a probe of the file's header";
      break;
    case Execution::Engine::Media:
      out = "the media pass";
      break;
    case Execution::Engine::Intelligence:
      out = "the intelligence engines, on what the media pass takes from the file";
      break;
    case Execution::Engine::Gate:
      out = "the scheduler, as a gate";
      break;
  }
  if (!e.decodes.empty()) {
    out += ", decoding " + e.decodes;
    out += e.reads == Execution::Reads::Window  ? " of its `start`…`end` window"
           : e.reads == Execution::Reads::Frame ? " up to the frame it takes"
                                                : "";
  }
  if (e.fuses) out += "; it shares one decode with the other tasks that read its file";
  if (e.shares == "transcript")
    out += ", and one transcription with the others that use the speech (docs/ai.md)";
  return out;
}

std::string produces_text(const KindSpec& k) {
  if (k.passthrough) return "what it receives (passthrough)";
  return describe_file_kinds(k.produces);
}

std::string accepts_text(const KindSpec& k) {
  if (k.top_level_only) return "nothing: top level only, it starts a workflow";
  if (k.accepts == kAnyFile) return "any file";
  return describe_file_kinds(k.accepts);
}

void kind_section(std::string& md, const KindSpec& k) {
  md += "### " + code(k.name) + "\n\n" + k.doc + "\n\n";
  md += "- category: " + k.category + "\n";
  md += "- accepts: " + accepts_text(k) + "\n";
  md += "- produces: " + produces_text(k) + "\n";
  md += "- runs on: " + execution_text(k.execution) + "\n";
  md += "- cost model: " + code(std::string(cost_name(k.execution.cost))) + " (docs/plan.md)\n\n";
  if (k.is_conditions) {
    md +=
        "Its options are conditions over the properties of the file it receives; see "
        "[condition properties and operators](#condition-properties-and-operators).\n\n";
  } else if (k.options.empty()) {
    md += "No options.\n\n";
  } else {
    option_table(md, k.options);
    md += "\n";
  }
  if (!k.constraints.empty()) {
    md += "Rules between options:\n\n";
    for (const auto& c : k.constraints) md += "- " + constraint_text(c) + "\n";
    md += "\n";
  }
  if (!k.constants.empty()) {
    md += "Constants (not options; the runtime and the plan read them from the catalog):\n\n";
    md += "| constant | value | description |\n|---|---|---|\n";
    for (const auto& c : k.constants)
      md += "| " + code(c.name) + " | " + cell(code(c.value.dump())) + " | " + cell(c.doc) + " |\n";
    md += "\n";
  }
}

// The encoder table: a table per family, a row per option value, each column's values from the
// lowest quality level to the highest.
void encoders_section(std::string& md, const EncoderTable& table) {
  if (table.families.empty()) return;
  md += "## Encoders and `" + table.quality_option + "`\n\n" + table.doc + "\n\n";
  std::vector<std::string> levels;
  for (const auto& l : table.levels) levels.push_back(code(l));
  md += "Levels, in column order: " + join(levels, ", ") + ".\n\n";
  for (const EncoderFamily& f : table.families) {
    md += "### " + f.name + "\n\n| value | encoder |";
    std::string rule = "|---|---|";
    std::vector<std::string> columns = f.column_names();
    bool options = std::any_of(f.rows.begin(), f.rows.end(),
                               [](const EncoderRow& r) { return !r.options.empty(); });
    for (const auto& column : columns) {
      md += " " + code(column) + " |";
      rule += "---|";
    }
    if (options) {
      md += " AVOptions |";
      rule += "---|";
    }
    md += "\n" + rule + "\n";
    for (const EncoderRow& r : f.rows) {
      md += "| " + code(r.value) + " | " + code(r.encoder) + " |";
      for (const auto& column : columns) {
        std::vector<std::string> cells;
        for (size_t level = 0; level < table.levels.size(); ++level) {
          const nlohmann::json* v = r.at(column, level);
          if (v) cells.push_back(v->is_string() ? v->get<std::string>() : v->dump());
        }
        md += " " + (cells.empty() ? std::string("—") : join(cells, " · ")) + " |";
      }
      if (options) {
        std::vector<std::string> set;
        for (const auto& [name, value] : r.options) set.push_back(code(name + "=" + value));
        md += " " + (set.empty() ? std::string("—") : join(set, ", ")) + " |";
      }
      md += "\n";
    }
    md += "\n";
  }
}

void conditions_section(std::string& md, const Catalog& catalog) {
  md += "## Condition properties and operators\n\n";
  md +=
      "The options of a `conditions` task map file properties to operator objects; all must "
      "hold. A property the file lacks is null, and every operator but `exists` is false on "
      "null.\n\n";
  md +=
      "```json\n"
      "{\"kind\": \"conditions\",\n"
      " \"options\": {\"kind\": {\"eq\": \"video\"}, \"width\": {\"gte\": 1280},\n"
      "             \"or\": [{\"duration\": {\"lt\": 60}}, {\"metadata.source\": {\"eq\": "
      "\"camera\"}}]},\n"
      " \"next\": [{\"kind\": \"subtitles\"}]}\n"
      "```\n\n";
  md += "### Properties\n\n| property | type | values | description |\n|---|---|---|---|\n";
  for (const auto& p : catalog.properties()) {
    std::string name = p.type.kind == TypeKind::Map ? p.name + ".<key>" : p.name;
    md += "| " + code(name) + " | " + std::string(type_kind_name(p.type.kind)) + " | " +
          cell(admits(p.type)) + " | " + cell(p.doc) + " |\n";
  }
  md += "\n### Operators\n\n| operator | applies to | operand | description |\n|---|---|---|---|\n";
  for (const auto& op : catalog.operators()) {
    std::vector<std::string> types;
    for (TypeKind t : op.applies_to) types.emplace_back(type_kind_name(t));
    std::string operand;
    switch (op.operand) {
      case OperatorSpec::Operand::Same:
        operand = "a value of the property's type";
        break;
      case OperatorSpec::Operand::List:
        operand = "a non-empty list of such values";
        break;
      case OperatorSpec::Operand::Boolean:
        operand = "`true` or `false`";
        break;
      case OperatorSpec::Operand::Regex:
        operand = "an RE2 regular expression";
        break;
      case OperatorSpec::Operand::String:
        operand = "a string";
        break;
    }
    md += "| " + code(op.name) + " | " + (types.empty() ? "every type" : join(types, ", ")) +
          " | " + operand + " | " + cell(op.doc) + " |\n";
  }
  md +=
      "\nCombinators: `and` and `or` take a non-empty list of conditions, `not` takes one "
      "condition. They are part of the language, not of the catalog.\n";
  if (catalog.frame_properties().empty()) return;
  md += "\n### Frame properties\n\n";
  md +=
      "The `select` option of frame-taking kinds is a frame predicate: an expression over these "
      "properties of each decoded frame, such as `scene > 0.3 && !black`, checked when the "
      "workflow is compiled (see docs/conditions.md).\n\n";
  md += "| property | type | values | description |\n|---|---|---|---|\n";
  for (const auto& p : catalog.frame_properties()) {
    md += "| " + code(p.name) + " | " + std::string(type_kind_name(p.type.kind)) + " | " +
          cell(admits(p.type)) + " | " + cell(p.doc) + " |\n";
  }
}

}  // namespace

std::string kinds_markdown(const Catalog& catalog) {
  const nlohmann::json& src = catalog.source();
  std::string md =
      "<!-- Generated from stdlib/kinds.json by `make docs`; do not edit. -->\n"
      "# Task kinds\n\n"
      "> Generated from `stdlib/kinds.json` by `make docs`; do not edit. The kind catalog is the "
      "one source of this page, of the checker's rules and of `wfc schema`.\n\n";
  if (src.contains("doc") && src["doc"].is_string()) {
    md += src["doc"].get<std::string>() + "\n\n";
  }

  md += "## Kinds\n\n";
  for (const auto& [category, title] : kCategoryTitles) {
    std::vector<std::string> names;
    for (const auto& k : catalog.kinds()) {
      if (k.category == category) names.push_back("[" + code(k.name) + "](#" + k.name + ")");
    }
    if (!names.empty()) md += "- " + std::string(title) + ": " + join(names, ", ") + "\n";
  }

  md +=
      "\n## What flows between tasks\n\n"
      "A task in `next` receives its parent's output; a top-level task receives the run's "
      "input file (any media: video, audio or image). Each kind accepts some kinds of file "
      "and produces one; `wfc validate` rejects a chain whose task cannot work on what it "
      "receives (WF301).\n\n"
      "| file kind | what it is |\n|---|---|\n";
  if (src.contains("file_kinds")) {
    for (FileKind fk : {kVideo, kAudio, kImage, kData, kTrack, kPlaylist}) {
      std::string name(file_kind_name(fk));
      md += "| " + code(name) + " | " + cell(src["file_kinds"].value(name, "")) + " |\n";
    }
  }
  md += "\n| kind | accepts | produces |\n|---|---|---|\n";
  for (const auto& k : catalog.kinds()) {
    md += "| [" + code(k.name) + "](#" + k.name + ") | " + accepts_text(k) + " | " +
          produces_text(k) + " |\n";
  }
  md += "\n";

  for (const auto& [category, title] : kCategoryTitles) {
    bool any = false;
    for (const auto& k : catalog.kinds()) any = any || k.category == category;
    if (!any) continue;
    md += "## " + std::string(title) + "\n\n";
    for (const auto& k : catalog.kinds()) {
      if (k.category == category) kind_section(md, k);
    }
  }
  encoders_section(md, catalog.encoders());
  conditions_section(md, catalog);
  return md;
}

}  // namespace wfc::catalog
