// Unit literals and percentages (units.h): the table of units, and the catalog types that take
// each measure.
#include "compiler/catalog/units.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/util/suggest.h"

namespace wfc::catalog {
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

constexpr std::pair<Measure, std::string_view> kMeasureKeys[] = {
    {Measure::Duration, "duration"}, {Measure::Size, "size"}, {Measure::Bitrate, "bitrate"}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

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

std::string_view measure_key(Measure m) {
  for (const auto& [measure, key] : kMeasureKeys) {
    if (measure == m) return key;
  }
  return "";
}

std::optional<Measure> parse_measure(std::string_view key) {
  for (const auto& [measure, name] : kMeasureKeys) {
    if (name == key) return measure;
  }
  return std::nullopt;
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

bool is_decimal(std::string_view s) {
  auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), is_digit);
  };
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return digits(s);
  return digits(s.substr(0, dot)) && digits(s.substr(dot + 1));
}

std::optional<double> parse_percent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%' || !is_decimal(text.substr(0, text.size() - 1))) {
    return std::nullopt;
  }
  return std::strtod(std::string(text.substr(0, text.size() - 1)).c_str(), nullptr);
}

bool takes_measure(const TypeSpec& type, Measure m) {
  if (type.kind == TypeKind::Seconds) return m == Measure::Duration;
  return type.measure == m;
}

}  // namespace wfc::catalog
