// A node's options as the plan carries them: each value typed by its kind's catalog entry
// (dimensions as pixels or a percentage, seconds as numbers, enums as one of their values, arrays
// and objects typed item by item), range-checked, and with every default of the catalog applied:
// plain defaults, the nested ones of array items and object fields (each rendition's `codec`),
// and those that depend on other options (`default_unless`, `default_from`, `default_by`).
// Lowering resolves a task's options once; reading a stored plan types them again and refuses a
// plan whose options do not fit (plan_invalid). Neither the cost model nor the runtime parses,
// defaults or range-checks an option: they read these values. External interface:
// resolve_options() and Options.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/catalog/catalog.h"

namespace wfc::plan {

/// A `dimension`: a number of pixels, or a percentage of the input's size.
struct Dimension {
  bool percent = false;
  double value = 0;  // whole pixels, or the percentage (1–100)

  /// In pixels against the input's size along the same axis.
  int pixels(int reference) const;
  bool operator==(const Dimension&) const = default;
};

/// One typed option value. `type` says which member holds it.
struct OptionValue {
  catalog::TypeKind type = catalog::TypeKind::String;
  bool boolean = false;            // Boolean
  int64_t integer = 0;             // Integer
  double number = 0;               // Number, Seconds
  std::string text;                // String, Enum, Color, Url, Language, Expression
  Dimension dimension;             // Dimension
  std::vector<OptionValue> items;  // Array
  std::vector<std::pair<std::string, OptionValue>> fields;  // Object (catalog order), Map
  bool defaulted = false;  // filled in from the catalog, not written

  // Declared here, defined in options.cpp: the type holds vectors of itself, and clang
  // (libstdc++'s pair traits) must not need its destructor before the class is complete.
  OptionValue();
  OptionValue(const OptionValue&);
  OptionValue(OptionValue&&) noexcept;
  OptionValue& operator=(const OptionValue&);
  OptionValue& operator=(OptionValue&&) noexcept;
  ~OptionValue();

  /// The field of an Object value; nullptr when absent.
  const OptionValue* field(std::string_view name) const;
  /// Integer and Number (and Seconds) as a double.
  double as_number() const { return type == catalog::TypeKind::Integer ? double(integer) : number; }
  /// The value as it is written in JSON: a percentage as "50%".
  nlohmann::json to_json() const;
  /// By value; where a value came from does not make it another value.
  bool operator==(const OptionValue& o) const;
};

/// A node's options, in catalog order.
class Options {
 public:
  const OptionValue* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  /// An Integer option; nullopt when absent.
  std::optional<int64_t> integer(std::string_view name) const;
  /// A Number, Seconds or Integer option; nullopt when absent.
  std::optional<double> number(std::string_view name) const;
  /// A String, Enum, Color, Url, Language or Expression option; "" when absent (an option with
  /// a default is never absent).
  const std::string& text(std::string_view name) const;
  std::optional<Dimension> dimension(std::string_view name) const;
  /// Whether the option was filled in from the catalog's default rather than written.
  bool defaulted(std::string_view name) const;

  const std::vector<std::pair<std::string, OptionValue>>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

  /// The JSON object of the values (what the API shows as a task's `options`).
  nlohmann::json to_json() const;
  /// The names of the options filled in from defaults, in catalog order.
  std::vector<std::string> defaulted_names() const;

  /// A planner node's untyped text option (the run input's `url`).
  void set_text(std::string name, std::string value);

  bool operator==(const Options& o) const { return entries_ == o.entries_; }

 private:
  friend class OptionResolver;
  std::vector<std::pair<std::string, OptionValue>> entries_;
};

/// How resolve_options treats defaults.
enum class Resolve {
  Apply,    // lowering: fill in every default the catalog gives
  Require,  // reading a stored plan: every default must already be there
};

struct ResolvedOptions {
  std::optional<Options> options;
  std::string error;  // "width: must be pixels 1–7680 or a percentage, got \"big\""
};

/// Types `written` (a JSON object of the kind's options) against the kind's catalog entry. With
/// Resolve::Apply the defaults are filled in; with Resolve::Require a missing default is an
/// error and `defaulted` names the options that were filled in when the plan was made. Never
/// throws on bad input.
ResolvedOptions resolve_options(const catalog::KindSpec& kind, const nlohmann::json& written,
                                Resolve mode, const std::vector<std::string>& defaulted = {});

}  // namespace wfc::plan
