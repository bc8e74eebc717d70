// Unit literals: the table of units and the catalog types that take them (dsl_units.h).
#include "compiler/syntax/dsl_units.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "compiler/util/suggest.h"

namespace wfc::syntax {
namespace {

struct Unit {
  std::string_view name;
  Measure measure;
  double factor;
};

// Sizes are decimal (the SI prefixes) except the binary KiB/MiB/GiB; bitrates are decimal.
constexpr Unit kUnits[] = {
    {"ms", Measure::Duration, 0.001},  {"s", Measure::Duration, 1},
    {"min", Measure::Duration, 60},    {"h", Measure::Duration, 3600},
    {"B", Measure::Size, 1},           {"KB", Measure::Size, 1e3},
    {"MB", Measure::Size, 1e6},        {"GB", Measure::Size, 1e9},
    {"TB", Measure::Size, 1e12},       {"KiB", Measure::Size, 1024.0},
    {"MiB", Measure::Size, 1048576.0}, {"GiB", Measure::Size, 1073741824.0},
    {"bps", Measure::Bitrate, 1},      {"kbps", Measure::Bitrate, 1e3},
    {"Mbps", Measure::Bitrate, 1e6},   {"Gbps", Measure::Bitrate, 1e9},
};

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

}  // namespace

std::string_view measure_name(Measure m) {
  switch (m) {
    case Measure::Duration:
      return "a duration";
    case Measure::Size:
      return "a size";
    case Measure::Bitrate:
      return "a bitrate";
  }
  return "a quantity";
}

std::optional<Quantity> parse_quantity(std::string_view text, std::string* error,
                                       std::string* hint) {
  size_t split = 0;
  while (split < text.size() &&
         (text[split] == '-' || text[split] == '.' || (text[split] >= '0' && text[split] <= '9'))) {
    ++split;
  }
  std::string number(text.substr(0, split));
  std::string_view unit = text.substr(split);
  double value = std::strtod(number.c_str(), nullptr);
  for (const Unit& u : kUnits) {
    if (u.name == unit) return Quantity{u.measure, value * u.factor, std::string(unit)};
  }
  *error = "unknown unit '" + std::string(unit) + "' in '" + std::string(text) + "'";
  std::vector<std::string> names;
  for (const Unit& u : kUnits) names.emplace_back(u.name);
  // Case matters (MB is bytes, Mb would be bits), so an exact case-insensitive match is the
  // first suggestion.
  for (const Unit& u : kUnits) {
    if (edit_distance(u.name, unit) == 0) {
      *hint = "units are case-sensitive: did you mean '" + number + std::string(u.name) + "'?";
      return std::nullopt;
    }
  }
  if (unit == "px") {
    *hint = "pixels are plain numbers: write " + number;
  } else if (auto s = suggest(unit, names)) {
    *hint = "did you mean '" + number + *s + "'?";
  } else {
    *hint =
        "units are ms, s, min, h (durations); B, KB, MB, GB, KiB, MiB, GiB (sizes); bps, "
        "kbps, Mbps, Gbps (bitrates)";
  }
  return std::nullopt;
}

bool takes_measure(std::string_view option, const catalog::TypeSpec& type, Measure m) {
  using catalog::TypeKind;
  bool numeric = type.kind == TypeKind::Integer || type.kind == TypeKind::Number;
  switch (m) {
    case Measure::Duration:
      return type.kind == TypeKind::Seconds;
    case Measure::Bitrate:
      return numeric && contains(option, "bitrate");
    case Measure::Size:
      return numeric && (contains(option, "size") || contains(option, "bytes"));
  }
  return false;
}

bool property_takes_measure(std::string_view property, const catalog::TypeSpec& type, Measure m) {
  bool numeric = type.kind == catalog::TypeKind::Integer || type.kind == catalog::TypeKind::Number;
  if (m == Measure::Duration && numeric && property == "duration") return true;
  return takes_measure(property, type, m);
}

Value quantity_value(const Quantity& q, Span span) {
  Value out;
  out.span = span;
  if (std::floor(q.value) == q.value && std::fabs(q.value) < 9e15) {
    out.type = ValueType::Integer;
    out.integer = static_cast<int64_t>(q.value);
  } else {
    out.type = ValueType::Number;
    out.number = q.value;
  }
  return out;
}

}  // namespace wfc::syntax
