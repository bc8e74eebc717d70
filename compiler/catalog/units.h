// Quantities and percentages as people write them: unit literals (`2s`, `500ms`, `10MB`,
// `5Mbps`), what each unit measures and how a literal converts to the catalog's units (seconds,
// bytes, bits per second); which types take which measure (a `seconds` type takes durations; an
// integer or number type takes the measure kinds.json declares for it with "measure"); and the
// one percentage parser ("50%"). The DSL writes unit literals; the checker converts them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wfc::catalog {

struct TypeSpec;

enum class Measure { Duration, Size, Bitrate };

std::string_view measure_name(Measure m);  // "a duration", "a size", "a bitrate"

/// As kinds.json writes a measure: "duration", "size", "bitrate"; and back (nullopt when unknown).
std::string_view measure_key(Measure m);
std::optional<Measure> parse_measure(std::string_view key);

struct Quantity {
  Measure measure;
  double value;      // in seconds, bytes or bits per second
  std::string unit;  // as written
};

/// Splits "500ms" into number and unit and converts: {Duration, 0.5, "ms"}. On an unknown unit
/// returns nullopt and sets *error / *hint (a message and advice for the user).
std::optional<Quantity> parse_quantity(std::string_view text, std::string* error,
                                       std::string* hint);

/// "50%" / "12.5%" (digits with at most one decimal point, then '%') -> 50 / 12.5; nullopt
/// otherwise.
std::optional<double> parse_percent(std::string_view text);

/// Digits with at most one decimal point inside ("50", "12.5"): a percentage without its '%'.
bool is_decimal(std::string_view text);

/// Whether a value of this type takes a literal of this measure (Seconds: durations; otherwise
/// the type's declared `measure`).
bool takes_measure(const TypeSpec& type, Measure m);

}  // namespace wfc::catalog
