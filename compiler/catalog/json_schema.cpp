// json_schema(): the JSON Schema (2020-12) of the JSON/YAML workflow syntax, generated from the
// catalog for editors (VS Code's JSON and YAML extensions) and for tools such as ajv. It types
// what a schema can: document shapes, kinds, each kind's options (types, enums, ranges,
// required, exclusive and requiring options) and conditions. What a schema cannot say (start
// before end, chains, regexes that compile) is left to `wfc validate`.
#include <string>

#include "compiler/catalog/catalog.h"

namespace wfc::catalog {
namespace {

using nlohmann::json;

constexpr const char* kPercentPattern = "^([1-9][0-9]?|100)%$";
constexpr const char* kColorPattern = "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$";
constexpr const char* kLanguagePattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

std::string def_ref(const std::string& def) { return "#/$defs/" + def; }

std::string url_pattern(const std::vector<std::string>& schemes) {
  if (schemes.empty()) return "^[a-z][a-z0-9+.-]*://\\S+$";
  std::string alternatives;
  for (const auto& s : schemes) alternatives += (alternatives.empty() ? "" : "|") + s;
  return "^(" + alternatives + ")://\\S+$";
}

json bounded(json schema, const TypeSpec& t) {
  if (t.min) schema["minimum"] = *t.min;
  if (t.max) schema["maximum"] = *t.max;
  return schema;
}

json type_schema(const TypeSpec& t);

json option_schema(const OptionSpec& o) {
  json s = type_schema(o.type);
  s["description"] = o.doc;
  if (o.default_value) s["default"] = *o.default_value;
  return s;
}

json object_schema(const std::vector<OptionSpec>& fields) {
  json s = {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
  json required = json::array();
  for (const auto& f : fields) {
    s["properties"][f.name] = option_schema(f);
    if (f.required) required.push_back(f.name);
  }
  if (!required.empty()) s["required"] = required;
  return s;
}

json type_schema(const TypeSpec& t) {
  switch (t.kind) {
    case TypeKind::String:
      return {{"type", "string"}};
    case TypeKind::Integer:
      return bounded({{"type", "integer"}}, t);
    case TypeKind::Number:
      return bounded({{"type", "number"}}, t);
    case TypeKind::Boolean:
      return {{"type", "boolean"}};
    case TypeKind::Enum:
      return {{"type", "string"}, {"enum", t.values}};
    case TypeKind::Dimension:
      return {{"anyOf", json::array({bounded({{"type", "integer"}}, t),
                                     {{"type", "string"}, {"pattern", kPercentPattern}}})}};
    case TypeKind::Seconds: {
      json s = bounded({{"type", "number"}}, t);
      if (!t.min) s["minimum"] = 0;
      return s;
    }
    case TypeKind::Color:
      return {{"type", "string"}, {"pattern", kColorPattern}};
    case TypeKind::Url:
      return {{"type", "string"}, {"pattern", url_pattern(t.schemes)}};
    case TypeKind::Language:
      return {{"type", "string"}, {"pattern", kLanguagePattern}};
    case TypeKind::Expression:
      return {{"type", "string"}, {"minLength", 1}};
    case TypeKind::Array: {
      json s = {{"type", "array"}, {"items", type_schema(*t.items)}};
      if (t.min_items) s["minItems"] = *t.min_items;
      if (t.max_items) s["maxItems"] = *t.max_items;
      return s;
    }
    case TypeKind::Object:
      return object_schema(t.fields);
    case TypeKind::Map:
      return {{"type", "object"}, {"additionalProperties", type_schema(*t.items)}};
  }
  return json::object();
}

// A kind's `options` object, with the constraints JSON Schema can express.
json options_schema(const KindSpec& k) {
  json s = object_schema(k.options);
  s["description"] = "options of '" + k.name + "'";
  json all_of = json::array();
  for (const auto& c : k.constraints) {
    switch (c.type) {
      case Constraint::Type::Exclusive: {
        json pairs = json::array();
        for (size_t i = 0; i < c.options.size(); ++i) {
          for (size_t j = i + 1; j < c.options.size(); ++j) {
            pairs.push_back({{"required", {c.options[i], c.options[j]}}});
          }
        }
        all_of.push_back({{"not", {{"anyOf", pairs}}}});
        break;
      }
      case Constraint::Type::Requires:
        s["dependentRequired"][c.options[0]].push_back(c.options[1]);
        break;
      case Constraint::Type::Less:
        break;  // compares values: `wfc validate` checks it
      case Constraint::Type::Allows:
        all_of.push_back({{"if",
                           {{"properties", {{c.options[0], {{"const", c.when_value}}}}},
                            {"required", {c.options[0]}}}},
                          {"then", {{"properties", {{c.options[1], {{"enum", c.values}}}}}}}});
        break;
    }
  }
  if (!all_of.empty()) s["allOf"] = all_of;
  return s;
}

// The value an operator takes for a property of type `t`.
json operand_schema(const OperatorSpec& op, const TypeSpec& t) {
  switch (op.operand) {
    case OperatorSpec::Operand::Same:
      return type_schema(t);
    case OperatorSpec::Operand::List:
      return {{"type", "array"}, {"minItems", 1}, {"items", type_schema(t)}};
    case OperatorSpec::Operand::Boolean:
      return {{"type", "boolean"}};
    case OperatorSpec::Operand::Regex:
    case OperatorSpec::Operand::String:
      return {{"type", "string"}};
  }
  return json::object();
}

// `{"gte": 1280, "lt": 4000}` for a property: the operators that fit its type.
json operators_schema(const Catalog& catalog, const PropertySpec& p) {
  const TypeSpec& value_type = p.type.kind == TypeKind::Map ? *p.type.items : p.type;
  json s = {{"type", "object"},
            {"description", p.doc},
            {"minProperties", 1},
            {"properties", json::object()},
            {"additionalProperties", false}};
  for (const auto& op : catalog.operators()) {
    bool fits = op.applies_to.empty();
    for (TypeKind k : op.applies_to) fits = fits || k == value_type.kind;
    if (fits) s["properties"][op.name] = operand_schema(op, value_type);
  }
  return s;
}

std::string property_def(const PropertySpec& p) { return "property:" + p.name; }

// The options of a `conditions` task: property → operator object, combined by and/or/not.
json condition_schema(const Catalog& catalog) {
  json all = {{"type", "array"}, {"minItems", 1}, {"items", {{"$ref", def_ref("condition")}}}};
  json s = {{"type", "object"},
            {"description",
             "property → operator object; all must hold. `and`/`or` take a list of conditions, "
             "`not` one"},
            {"properties", {{"and", all}, {"or", all}, {"not", {{"$ref", def_ref("condition")}}}}},
            {"additionalProperties", false}};
  for (const auto& p : catalog.properties()) {
    if (p.type.kind == TypeKind::Map) {
      s["patternProperties"]["^" + p.name + "\\..+$"] = {{"$ref", def_ref(property_def(p))}};
    } else {
      s["properties"][p.name] = {{"$ref", def_ref(property_def(p))}};
    }
  }
  return s;
}

std::string options_def(const KindSpec& k) { return "options:" + k.name; }

// What a task is whatever the document shape: the kind picks the options schema.
json task_kind_rules(const Catalog& catalog) {
  json rules = json::array();
  for (const auto& k : catalog.kinds()) {
    json then = {
        {"type", "object"},
        {"properties",
         {{"options", {{"$ref", def_ref(k.is_conditions ? "condition" : options_def(k))}}}}}};
    bool any_required = false;
    for (const auto& o : k.options) any_required = any_required || o.required;
    if (any_required) then["required"] = {"options"};
    rules.push_back({{"if",
                      {{"type", "object"},
                       {"properties", {{"kind", {{"const", k.name}}}}},
                       {"required", {"kind"}}}},
                     {"then", then}});
  }
  return {{"allOf", rules}};
}

json task_fields(const Catalog& catalog) {
  json kinds = json::array();
  for (const auto& k : catalog.kinds()) kinds.push_back(k.name);
  auto text = [](const char* description) {
    return json{{"type", "string"}, {"minLength", 1}, {"description", description}};
  };
  return {
      {"kind", {{"type", "string"}, {"enum", kinds}, {"description", "what the task does"}}},
      {"options", {{"type", "object"}, {"description", "options of the kind"}}},
      {"ref", text("a name for this task, unique in the document")},
      {"label", text("free text shown in run listings")},
      {"folder", text("where the task's outputs are stored")},
      {"filename", text("the output file name")},
  };
}

}  // namespace

nlohmann::json json_schema(const Catalog& catalog) {
  json defs = json::object();
  json http_url = {{"type", "string"}, {"pattern", url_pattern({"http", "https"})}};
  json input_url = {{"type", "string"}, {"pattern", url_pattern({"http", "https", "file"})}};
  json metadata = {{"type", "object"}, {"description", "free-form metadata kept with runs"}};

  json task = {{"type", "object"},
               {"required", {"kind"}},
               {"properties", task_fields(catalog)},
               {"additionalProperties", false},
               {"$ref", def_ref("task_kind_rules")}};
  task["properties"]["next"] = {
      {"$ref", def_ref("workflow")},
      {"description", "tasks that run after this one succeeds, on its output"}};
  defs["task"] = task;
  defs["task_kind_rules"] = task_kind_rules(catalog);
  defs["workflow"] = {{"type", "array"},
                      {"description", "tasks that run in parallel on the same input"},
                      {"items", {{"$ref", def_ref("task")}}}};

  json single = task;
  single["properties"].erase("next");  // POST /tasks runs one task: no chaining
  single["properties"]["url"] = input_url;
  single["properties"]["url"]["description"] = "the input file";
  single["properties"]["input"] = {
      {"type", "object"},
      {"description", "the input: {\"url\": ...} or a file object from a probe"}};
  single["description"] = "a single task (POST /tasks)";
  defs["task_document"] = single;

  defs["automation"] = {{"type", "object"},
                        {"description", "an automation: a named, reusable workflow"},
                        {"required", {"name", "workflow"}},
                        {"properties",
                         {{"id", {{"type", "string"}, {"minLength", 1}}},
                          {"name", {{"type", "string"}, {"minLength", 1}}},
                          {"description", {{"type", "string"}}},
                          {"status", {{"type", "string"}, {"enum", {"active", "paused"}}}},
                          {"workflow", {{"$ref", def_ref("workflow")}}},
                          {"webhook_url", http_url},
                          {"metadata", metadata}}},
                        {"additionalProperties", false}};
  defs["run"] = {{"type", "object"},
                 {"description", "a run request (POST /runs)"},
                 {"required", {"tasks"}},
                 {"properties",
                  {{"tasks", {{"$ref", def_ref("workflow")}}},
                   {"webhook_url", http_url},
                   {"metadata", metadata}}},
                 {"additionalProperties", false}};
  // An object is told apart by its characteristic field, so an editor reports the mistakes of
  // the shape meant rather than of all four.
  defs["document_object"] = {
      {"type", "object"},
      {"if", {{"type", "object"}, {"required", {"tasks"}}}},
      {"then", {{"$ref", def_ref("run")}}},
      {"else",
       {{"if",
         {{"type", "object"}, {"anyOf", {{{"required", {"workflow"}}}, {{"required", {"name"}}}}}}},
        {"then", {{"$ref", def_ref("automation")}}},
        {"else", {{"$ref", def_ref("task_document")}}}}}};

  for (const auto& k : catalog.kinds()) {
    if (!k.is_conditions) defs[options_def(k)] = options_schema(k);
  }
  defs["condition"] = condition_schema(catalog);
  for (const auto& p : catalog.properties()) {
    defs[property_def(p)] = operators_schema(catalog, p);
  }

  std::string description =
      "A wfc workflow file: an automation, a run request, a single task or a bare workflow "
      "array. Generated from stdlib/kinds.json; `wfc validate` checks more than this schema "
      "can.";
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"$id", "https://wfc.dev/schema/workflow.json"},
          {"title", "wfc workflow"},
          {"description", description},
          {"if", {{"type", "array"}}},
          {"then", {{"$ref", def_ref("workflow")}}},
          {"else", {{"$ref", def_ref("document_object")}}},
          {"$defs", defs}};
}

}  // namespace wfc::catalog
