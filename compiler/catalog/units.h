// TEMPORARY (replaced by the units module from the h/syntax branch at merge): the one percent
// parser.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::catalog {

/// "50%" / "12.5%" (digits with at most one decimal point, then '%') -> 50 / 12.5.
inline std::optional<double> parse_percent(std::string_view s) {
  if (s.size() < 2 || s.back() != '%') return std::nullopt;
  std::string_view digits = s.substr(0, s.size() - 1);
  size_t dot = digits.find('.');
  auto all = [](std::string_view d) {
    if (d.empty()) return false;
    for (char c : d)
      if (c < '0' || c > '9') return false;
    return true;
  };
  bool ok = dot == std::string_view::npos
                ? all(digits)
                : all(digits.substr(0, dot)) && all(digits.substr(dot + 1));
  if (!ok) return std::nullopt;
  return std::strtod(std::string(digits).c_str(), nullptr);
}

}  // namespace wfc::catalog
