// Unit literals of the DSL (`2s`, `500ms`, `10MB`, `5Mbps`): what each unit measures and how a
// literal converts to the catalog's units (seconds, bytes, bits per second), and which option
// types take which measure. External interface: parse_quantity() and takes_measure().
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/catalog/catalog.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

enum class Measure { Duration, Size, Bitrate };

std::string_view measure_name(Measure m);  // "a duration", "a size", "a bitrate"

struct Quantity {
  Measure measure;
  double value;      // in seconds, bytes or bits per second
  std::string unit;  // as written
};

/// Splits "500ms" into number and unit and converts. On an unknown unit returns nullopt and
/// sets *error / *hint (a message and advice for the user).
std::optional<Quantity> parse_quantity(std::string_view text, std::string* error,
                                       std::string* hint);

/// Whether an option of this name and type takes a literal of this measure: durations for
/// `seconds` options, bitrates for numeric options named like `bitrate`, sizes for numeric
/// options named like `size`/`bytes`.
bool takes_measure(std::string_view option, const catalog::TypeSpec& type, Measure m);

/// The same for a file property in a condition (`duration > 2s`): also the property named
/// `duration`, a number of seconds.
bool property_takes_measure(std::string_view property, const catalog::TypeSpec& type, Measure m);

/// The converted number as a value: an Integer when whole (10MB is 10000000), else a Number.
Value quantity_value(const Quantity& q, Span span);

}  // namespace wfc::syntax
