// The textual formats of the catalog's string types, checked the same way everywhere: by the
// checker (with its diagnostics), by the catalog loader (its own defaults), and when a plan's
// options are typed (plan/options.h). Percentages and unit literals are in units.h.
#pragma once

#include <string_view>

namespace wfc::catalog {

/// A `color`: "#RGB" or "#RRGGBB", hex digits of either case.
bool is_color(std::string_view s);

/// A `language`: a BCP 47 tag in its common shape, a 2–3 letter lowercase language then subtags
/// of 2–8 letters or digits: "en", "pt-BR", "zh-Hant".
bool is_language(std::string_view s);

}  // namespace wfc::catalog
