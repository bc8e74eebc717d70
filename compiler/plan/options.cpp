// Typing and defaulting a node's options (options.h). One walk of the catalog's TypeSpec per
// value: the same code types the options lowering fills in and those a stored plan brings back,
// so a plan read from the store means exactly what the plan that was written meant.
#include "compiler/plan/options.h"

#include <algorithm>
#include <cmath>

#include "compiler/catalog/formats.h"
#include "compiler/catalog/units.h"

namespace wfc::plan {
namespace {

using catalog::OptionSpec;
using catalog::TypeKind;
using catalog::TypeSpec;
using Json = nlohmann::json;

const std::string kEmpty;

std::string shown(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

/// A whole number: a JSON integer, or a float with no fraction (YAML's `30.0`).
std::optional<int64_t> whole(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) return int64_t(d);
  }
  return std::nullopt;
}

}  // namespace

int Dimension::pixels(int reference) const {
  return static_cast<int>(std::lround(percent ? reference * value / 100.0 : value));
}

OptionValue::OptionValue() = default;
OptionValue::OptionValue(const OptionValue&) = default;
OptionValue::OptionValue(OptionValue&&) noexcept = default;
OptionValue& OptionValue::operator=(const OptionValue&) = default;
OptionValue& OptionValue::operator=(OptionValue&&) noexcept = default;
OptionValue::~OptionValue() = default;

const OptionValue* OptionValue::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (n == name) return &v;
  }
  return nullptr;
}

Json OptionValue::to_json() const {
  switch (type) {
    case TypeKind::Boolean:
      return boolean;
    case TypeKind::Integer:
      return integer;
    case TypeKind::Number:
    case TypeKind::Seconds:
      // Whole seconds stay integers in JSON, as they were written (`"start": 2`).
      if (std::floor(number) == number && std::fabs(number) < 9e15) return int64_t(number);
      return number;
    case TypeKind::Dimension:
      if (dimension.percent) {
        Json p = dimension.value;
        if (std::floor(dimension.value) == dimension.value) p = int64_t(dimension.value);
        return p.dump() + "%";
      }
      return int64_t(dimension.value);
    case TypeKind::Array: {
      Json out = Json::array();
      for (const OptionValue& i : items) out.push_back(i.to_json());
      return out;
    }
    case TypeKind::Object:
    case TypeKind::Map: {
      Json out = Json::object();
      for (const auto& [n, v] : fields) out[n] = v.to_json();
      return out;
    }
    default:
      return text;
  }
}

bool OptionValue::operator==(const OptionValue& o) const {
  if (type != o.type) return false;
  switch (type) {
    case TypeKind::Boolean:
      return boolean == o.boolean;
    case TypeKind::Integer:
      return integer == o.integer;
    case TypeKind::Number:
    case TypeKind::Seconds:
      return number == o.number;
    case TypeKind::Dimension:
      return dimension == o.dimension;
    case TypeKind::Array:
      return items == o.items;
    case TypeKind::Object:
    case TypeKind::Map:
      return fields == o.fields;
    default:
      return text == o.text;
  }
}

const OptionValue* Options::find(std::string_view name) const {
  for (const auto& [n, v] : entries_) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::optional<int64_t> Options::integer(std::string_view name) const {
  const OptionValue* v = find(name);
  if (!v || v->type != TypeKind::Integer) return std::nullopt;
  return v->integer;
}

std::optional<double> Options::number(std::string_view name) const {
  const OptionValue* v = find(name);
  if (!v ||
      (v->type != TypeKind::Integer && v->type != TypeKind::Number && v->type != TypeKind::Seconds))
    return std::nullopt;
  return v->as_number();
}

const std::string& Options::text(std::string_view name) const {
  const OptionValue* v = find(name);
  return v ? v->text : kEmpty;
}

std::optional<Dimension> Options::dimension(std::string_view name) const {
  const OptionValue* v = find(name);
  if (!v || v->type != TypeKind::Dimension) return std::nullopt;
  return v->dimension;
}

bool Options::defaulted(std::string_view name) const {
  const OptionValue* v = find(name);
  return v && v->defaulted;
}

Json Options::to_json() const {
  Json out = Json::object();
  for (const auto& [n, v] : entries_) out[n] = v.to_json();
  return out;
}

std::vector<std::string> Options::defaulted_names() const {
  std::vector<std::string> out;
  for (const auto& [n, v] : entries_) {
    if (v.defaulted) out.push_back(n);
  }
  return out;
}

void Options::set_text(std::string name, std::string value) {
  OptionValue v;
  v.type = TypeKind::String;
  v.text = std::move(value);
  for (auto& [n, old] : entries_) {
    if (n == name) {
      old = std::move(v);
      return;
    }
  }
  entries_.emplace_back(std::move(name), std::move(v));
}

/// Types values against TypeSpecs; the first problem wins, named by its path.
class OptionResolver {
 public:
  OptionResolver(const catalog::KindSpec& kind, Resolve mode) : kind_(kind), mode_(mode) {}

  ResolvedOptions run(const Json& written, const std::vector<std::string>& defaulted) {
    ResolvedOptions out;
    if (!written.is_object()) {
      out.error = "must be an object";
      return out;
    }
    for (auto it = written.begin(); it != written.end(); ++it) {
      if (!kind_.option(it.key()))
        return failed(it.key(), "is not an option of '" + kind_.name + "'");
    }
    Options options;
    // Written (or stored) values first, in catalog order; then the defaults, which may read them.
    for (const OptionSpec& o : kind_.options) {
      auto it = written.find(o.name);
      if (it == written.end() || it->is_null()) continue;
      OptionValue v;
      if (!type(o.type, *it, o.name, &v)) return failed();
      v.defaulted = std::find(defaulted.begin(), defaulted.end(), o.name) != defaulted.end();
      options.entries_.emplace_back(o.name, std::move(v));
    }
    for (const OptionSpec& o : kind_.options) {
      if (o.required && !options.has(o.name)) return failed(o.name, "is required");
      std::optional<Json> fallback = default_of(o, options);
      if (!fallback) continue;
      if (options.has(o.name)) continue;
      if (mode_ == Resolve::Require)
        return failed(o.name, "is missing: the plan was made without its default");
      OptionValue v;
      if (!type(o.type, *fallback, o.name, &v)) return failed();
      v.defaulted = true;
      options.entries_.emplace_back(o.name, std::move(v));
    }
    // The rules between values that defaults take part in (WebM's codecs).
    for (const catalog::Constraint& c : kind_.constraints) {
      if (c.type != catalog::Constraint::Type::Allows) continue;
      const OptionValue* v = options.find(c.options[1]);
      if (options.text(c.options[0]) != c.when_value || !v ||
          std::find(c.values.begin(), c.values.end(), v->text) != c.values.end())
        continue;
      return failed(c.options[1], "cannot be '" + v->text + "' when '" + c.options[0] + "' is '" +
                                      c.when_value + "'");
    }
    // Catalog order, whatever order the defaults were added in.
    std::vector<std::pair<std::string, OptionValue>> ordered;
    for (const OptionSpec& o : kind_.options) {
      for (auto& e : options.entries_) {
        if (e.first == o.name) ordered.push_back(std::move(e));
      }
    }
    options.entries_ = std::move(ordered);
    out.options = std::move(options);
    return out;
  }

 private:
  /// Records the first problem; false, for `return fail(...)` in type().
  bool fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = path + ": " + what;
    return false;
  }
  /// The result of a run that found a problem.
  ResolvedOptions failed(const std::string& path = "", const std::string& what = "") {
    if (!path.empty()) fail(path, what);
    return ResolvedOptions{std::nullopt, error_};
  }

  /// The default `o` takes given the options so far; nullopt when it has none here.
  std::optional<Json> default_of(const OptionSpec& o, const Options& given) const {
    if (o.default_value) {
      for (const std::string& other : o.default_unless) {
        if (given.has(other)) return std::nullopt;
      }
      return *o.default_value;
    }
    if (o.default_from) {
      double base = given.number(o.default_from->option).value_or(0);
      return Json(base + o.default_from->add);
    }
    if (o.default_by) {
      const std::string& by = given.text(o.default_by->option);
      for (const auto& [value, fallback] : o.default_by->values) {
        if (value == by) return fallback;
      }
    }
    return std::nullopt;
  }

  bool range(const TypeSpec& t, double x, const std::string& path, const Json& v) {
    if ((t.min && x < *t.min) || (t.max && x > *t.max) || !std::isfinite(x))
      return wrong(t, path, v);
    return true;
  }

  bool wrong(const TypeSpec& t, const std::string& path, const Json& v) {
    return fail(path, "must be " + t.describe() + ", got " + shown(v));
  }

  bool type(const TypeSpec& t, const Json& v, const std::string& path, OptionValue* out) {
    out->type = t.kind;
    switch (t.kind) {
      case TypeKind::String:
      case TypeKind::Expression:
        if (!v.is_string() ||
            (t.kind != TypeKind::String && v.get_ref<const std::string&>().empty()))
          return wrong(t, path, v);
        out->text = v.get<std::string>();
        return true;
      case TypeKind::Language:
        if (!v.is_string() || !catalog::is_language(v.get_ref<const std::string&>()))
          return wrong(t, path, v);
        out->text = v.get<std::string>();
        return true;
      case TypeKind::Color:
        if (!v.is_string() || !catalog::is_color(v.get_ref<const std::string&>()))
          return wrong(t, path, v);
        out->text = v.get<std::string>();
        return true;
      case TypeKind::Url: {
        if (!v.is_string()) return wrong(t, path, v);
        const std::string& s = v.get_ref<const std::string&>();
        size_t colon = s.find(':');
        std::string scheme = colon == std::string::npos ? "" : s.substr(0, colon);
        std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                       [](char c) { return char(std::tolower(uint8_t(c))); });
        if (scheme.empty() || (!t.schemes.empty() && std::find(t.schemes.begin(), t.schemes.end(),
                                                               scheme) == t.schemes.end()))
          return wrong(t, path, v);
        out->text = s;
        return true;
      }
      case TypeKind::Enum:
        if (!v.is_string() || std::find(t.values.begin(), t.values.end(),
                                        v.get_ref<const std::string&>()) == t.values.end())
          return wrong(t, path, v);
        out->text = v.get<std::string>();
        return true;
      case TypeKind::Boolean:
        if (!v.is_boolean()) return wrong(t, path, v);
        out->boolean = v.get<bool>();
        return true;
      case TypeKind::Integer: {
        auto i = whole(v);
        if (!i) return wrong(t, path, v);
        out->integer = *i;
        return range(t, double(*i), path, v);
      }
      case TypeKind::Number:
      case TypeKind::Seconds: {
        if (!v.is_number()) return wrong(t, path, v);
        out->number = v.get<double>();
        if (t.kind == TypeKind::Seconds && out->number < 0) return wrong(t, path, v);
        return range(t, out->number, path, v);
      }
      case TypeKind::Dimension: {
        if (v.is_string()) {
          auto pct = catalog::parse_percent(v.get_ref<const std::string&>());
          if (!pct || *pct < 1 || *pct > 100) return wrong(t, path, v);
          out->dimension = {true, *pct};
          return true;
        }
        auto px = whole(v);
        if (!px) return wrong(t, path, v);
        out->dimension = {false, double(*px)};
        return range(t, double(*px), path, v);
      }
      case TypeKind::Array: {
        if (!v.is_array()) return wrong(t, path, v);
        if ((t.min_items && v.size() < *t.min_items) || (t.max_items && v.size() > *t.max_items))
          return wrong(t, path, v);
        for (size_t i = 0; i < v.size(); ++i) {
          OptionValue item;
          if (!type(*t.items, v[i], path + "[" + std::to_string(i) + "]", &item)) return false;
          out->items.push_back(std::move(item));
        }
        return true;
      }
      case TypeKind::Object: {
        if (!v.is_object()) return wrong(t, path, v);
        for (auto it = v.begin(); it != v.end(); ++it) {
          bool known = std::any_of(t.fields.begin(), t.fields.end(),
                                   [&](const OptionSpec& f) { return f.name == it.key(); });
          if (!known) return fail(path + "." + it.key(), "is not a field");
        }
        for (const OptionSpec& f : t.fields) {
          std::string at = path + "." + f.name;
          auto it = v.find(f.name);
          const Json* value = it != v.end() && !it->is_null() ? &*it : nullptr;
          bool defaulted = false;
          if (!value && f.required) return fail(at, "is required");
          if (!value && f.default_value) {
            if (mode_ == Resolve::Require)
              return fail(at, "is missing: the plan was made without its default");
            value = &*f.default_value;
            defaulted = true;
          }
          if (!value) continue;
          OptionValue field;
          if (!type(f.type, *value, at, &field)) return false;
          field.defaulted = defaulted;
          out->fields.emplace_back(f.name, std::move(field));
        }
        return true;
      }
      case TypeKind::Map: {
        if (!v.is_object()) return wrong(t, path, v);
        for (auto it = v.begin(); it != v.end(); ++it) {
          OptionValue item;
          if (!type(*t.items, *it, path + "." + it.key(), &item)) return false;
          out->fields.emplace_back(it.key(), std::move(item));
        }
        return true;
      }
    }
    return wrong(t, path, v);
  }

  const catalog::KindSpec& kind_;
  Resolve mode_;
  std::string error_;
};

ResolvedOptions resolve_options(const catalog::KindSpec& kind, const Json& written, Resolve mode,
                                const std::vector<std::string>& defaulted) {
  return OptionResolver(kind, mode).run(written, defaulted);
}

}  // namespace wfc::plan
