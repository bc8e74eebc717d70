// The catalog's lookups and descriptions, and the built-in catalog. Parsing and validating
// kinds.json lives in catalog_loader.cpp.
#include "compiler/catalog/catalog.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wfc::catalog {
namespace {

constexpr std::array<std::string_view, 14> kTypeNames = {
    "string", "integer", "number",   "boolean",    "enum",  "dimension", "seconds",
    "color",  "url",     "language", "expression", "array", "object",    "map",
};

constexpr std::array<std::pair<FileKind, std::string_view>, 6> kFileKindNames = {{
    {kVideo, "video"},
    {kAudio, "audio"},
    {kImage, "image"},
    {kData, "data"},
    {kTrack, "track"},
    {kPlaylist, "playlist"},
}};

// Numbers as a user writes them: 300000, not 3e+05; 0.1, not 0.100000.
std::string format_number(double v) {
  char buf[64];
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

// " 1–60", " ≥ 0", " ≤ 5" or "".
std::string describe_range(const std::optional<double>& min, const std::optional<double>& max) {
  if (min && max) return " " + format_number(*min) + "–" + format_number(*max);
  if (min) return " ≥ " + format_number(*min);
  if (max) return " ≤ " + format_number(*max);
  return "";
}

std::string join_or(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string field_list(const std::vector<OptionSpec>& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields[i].name;
  }
  return out + "}";
}

// The plural noun for the items of an array or map: "strings", "objects {a, b}".
std::string plural(const TypeSpec& t) {
  switch (t.kind) {
    case TypeKind::Object:
      return "objects " + field_list(t.fields);
    case TypeKind::Enum:
      return "values among " + join_or(t.values);
    case TypeKind::Dimension:
      return "dimensions";
    case TypeKind::Seconds:
      return "times in seconds";
    case TypeKind::Color:
      return "colors";
    case TypeKind::Url:
      return "URLs";
    case TypeKind::Language:
      return "language tags";
    case TypeKind::Expression:
      return "expressions";
    case TypeKind::Array:
      return "arrays";
    case TypeKind::Map:
      return "maps";
    default:
      return std::string(type_kind_name(t.kind)) + "s";
  }
}

template <class T>
const T* find_sorted(const std::vector<T>& items, const std::vector<uint16_t>& index,
                     std::string_view name) {
  auto it = std::lower_bound(index.begin(), index.end(), name, [&](uint16_t i, std::string_view n) {
    return std::string_view(items[i].name) < n;
  });
  if (it != index.end() && items[*it].name == name) return &items[*it];
  return nullptr;
}

}  // namespace

std::string_view type_kind_name(TypeKind k) { return kTypeNames[static_cast<size_t>(k)]; }

std::optional<TypeKind> parse_type_kind(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<TypeKind>(i);
  }
  return std::nullopt;
}

std::string TypeSpec::describe() const {
  switch (kind) {
    case TypeKind::String:
      return pattern_doc.empty() ? "string" : "string (" + pattern_doc + ")";
    case TypeKind::Integer:
    case TypeKind::Number:
      return std::string(type_kind_name(kind)) + describe_range(min, max);
    case TypeKind::Boolean:
      return "boolean";
    case TypeKind::Enum:
      return "one of " + join_or(values);
    case TypeKind::Dimension:
      return "pixels" + describe_range(min, max) + " or a percentage \"NN%\"";
    case TypeKind::Seconds:
      return "seconds" + describe_range(min ? min : std::optional<double>(0), max);
    case TypeKind::Color:
      return "color \"#RRGGBB\" or \"#RGB\"";
    case TypeKind::Url:
      return schemes.empty() ? "URL" : "URL (" + join_or(schemes) + ")";
    case TypeKind::Language:
      return "language tag such as \"en\" or \"pt-BR\"";
    case TypeKind::Expression:
      return "frame expression";
    case TypeKind::Array: {
      std::string count;
      if (min_items && max_items) {
        count = std::to_string(*min_items) + "–" + std::to_string(*max_items) + " ";
      } else if (min_items) {
        count = "at least " + std::to_string(*min_items) + " ";
      } else if (max_items) {
        count = "at most " + std::to_string(*max_items) + " ";
      }
      return "array of " + count + (items ? plural(*items) : "values");
    }
    case TypeKind::Object:
      return "object " + field_list(fields);
    case TypeKind::Map:
      return "map of " + (items ? plural(*items) : "values");
  }
  return "value";
}

std::string_view file_kind_name(FileKind k) {
  for (const auto& [kind, name] : kFileKindNames) {
    if (kind == k) return name;
  }
  return "file";
}

std::string describe_file_kinds(FileKinds k) {
  std::vector<std::string> names;
  for (const auto& [kind, name] : kFileKindNames) {
    if (k & kind) names.emplace_back(name);
  }
  return names.empty() ? "nothing" : join_or(names);
}

std::optional<FileKind> parse_file_kind(std::string_view name) {
  for (const auto& [kind, n] : kFileKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

const OptionSpec* KindSpec::option(std::string_view name) const {
  // Kinds have a dozen options at most; a scan beats hashing here.
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

const nlohmann::json* EncoderRow::at(std::string_view column, size_t level) const {
  for (const auto& [name, values] : columns) {
    if (name == column) return level < values.size() ? &values[level] : nullptr;
  }
  return nullptr;
}

const EncoderRow* EncoderFamily::row(std::string_view value) const {
  for (const EncoderRow& r : rows) {
    if (r.value == value) return &r;
  }
  return nullptr;
}

std::vector<std::string> EncoderFamily::column_names() const {
  std::vector<std::string> names;
  for (const EncoderRow& r : rows)
    for (const auto& column : r.columns)
      if (std::find(names.begin(), names.end(), column.first) == names.end())
        names.push_back(column.first);
  return names;
}

const EncoderFamily* EncoderTable::family(std::string_view name) const {
  for (const EncoderFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::optional<size_t> EncoderTable::level(std::string_view quality) const {
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] == quality) return i;
  }
  return std::nullopt;
}

const nlohmann::json* KindSpec::constant(std::string_view name) const {
  for (const auto& c : constants) {
    if (c.name == name) return &c.value;
  }
  return nullptr;
}

namespace {

constexpr std::array<std::string_view, 5> kEngineNames = {"transfer", "probe", "media",
                                                          "intelligence", "gate"};
constexpr std::array<std::string_view, 11> kCostNames = {
    "none",      "transfer", "header", "encode",     "ladder",  "still",
    "animation", "sprites",  "audio",  "transcribe", "classify"};

}  // namespace

std::string_view engine_name(Execution::Engine e) { return kEngineNames[static_cast<size_t>(e)]; }
std::string_view cost_name(Execution::Cost c) { return kCostNames[static_cast<size_t>(c)]; }

std::optional<Execution::Engine> parse_engine(std::string_view name) {
  for (size_t i = 0; i < kEngineNames.size(); ++i) {
    if (kEngineNames[i] == name) return static_cast<Execution::Engine>(i);
  }
  return std::nullopt;
}

std::optional<Execution::Cost> parse_cost(std::string_view name) {
  for (size_t i = 0; i < kCostNames.size(); ++i) {
    if (kCostNames[i] == name) return static_cast<Execution::Cost>(i);
  }
  return std::nullopt;
}

const Catalog& Catalog::builtin() {
  static const std::unique_ptr<Catalog> catalog = [] {
    std::string error;
    auto c = parse(builtin_catalog_json(), &error);
    if (!c) {
      // A broken built-in catalog is a bug in wfc, not a problem in the user's input.
      std::fprintf(stderr, "wfc: internal error: stdlib/kinds.json is invalid: %s\n",
                   error.c_str());
      std::abort();
    }
    return c;
  }();
  return *catalog;
}

const KindSpec* Catalog::kind(std::string_view name) const {
  return find_sorted(kinds_, kind_index_, name);
}

const PropertySpec* Catalog::property(std::string_view name) const {
  if (const auto* p = find_sorted(properties_, property_index_, name)) return p;
  // "metadata.title" → the `metadata` map; the key after the dot is free-form but not empty.
  size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return nullptr;
  const auto* p = find_sorted(properties_, property_index_, name.substr(0, dot));
  return p && p->type.kind == TypeKind::Map ? p : nullptr;
}

const PropertySpec* Catalog::frame_property(std::string_view name) const {
  return find_sorted(frame_properties_, frame_property_index_, name);
}

const OperatorSpec* Catalog::op(std::string_view name) const {
  return find_sorted(operators_, operator_index_, name);
}

bool Catalog::is_combinator(std::string_view name) {
  return name == "and" || name == "or" || name == "not";
}

std::vector<std::string> Catalog::kind_names() const {
  std::vector<std::string> out;
  out.reserve(kinds_.size());
  for (const auto& k : kinds_) out.push_back(k.name);
  return out;
}

std::vector<std::string> Catalog::property_names() const {
  std::vector<std::string> out;
  out.reserve(properties_.size());
  for (const auto& p : properties_) {
    out.push_back(p.type.kind == TypeKind::Map ? p.name + ".<key>" : p.name);
  }
  return out;
}

std::vector<std::string> Catalog::operator_names() const {
  std::vector<std::string> out;
  out.reserve(operators_.size());
  for (const auto& o : operators_) out.push_back(o.name);
  return out;
}

}  // namespace wfc::catalog
