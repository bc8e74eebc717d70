// Option typing: each option value is checked against its catalog TypeSpec, reporting the most
// specific problem once (a value of the wrong type is not also reported out of range). The
// formats of the string types are checked by hand, not with regexes: this runs for every option
// of every file and must stay cheap.
#include "compiler/check/options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "compiler/catalog/formats.h"
#include "compiler/catalog/units.h"
#include "compiler/diag/wording.h"
#include "compiler/util/json_pointer.h"
#include "compiler/util/names.h"

namespace wfc::check {
using catalog::is_decimal;
using diag::closest;
using diag::describe_value;
using diag::doc_as_hint;
using diag::format_number;
using diag::join;
using diag::quote;
using diag::report;
using diag::suggestion;
using diag::with_article;
namespace {

using catalog::OptionSpec;
using catalog::TypeKind;
using catalog::TypeSpec;
using diag::Code;

// The fields of a task that people put into `options` by mistake.
constexpr std::string_view kTaskFields[] = {"kind", "next", "ref", "label", "folder", "filename"};

bool is_integral(const Value& v) {
  return v.is_integer() || (v.type == ValueType::Number && std::isfinite(v.number) &&
                            std::floor(v.number) == v.number);
}

bool is_finite_number(const Value& v) {
  return v.is_integer() || (v.type == ValueType::Number && std::isfinite(v.number));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alnum(char c) { return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z'); }

using catalog::is_color;
using catalog::is_language;

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// The scheme of an absolute URL ("https" of "https://a.b/c"), or nullopt when `s` is not one.
std::optional<std::string> url_scheme(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos) return {};
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return {};
  for (char c : s.substr(0, colon)) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return {};
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ') return {};
  }
  std::string scheme = lowercase(s.substr(0, colon));
  std::string_view rest = s.substr(colon + 1);
  // Hierarchical schemes need "//" and an authority (a host, a bucket); file URLs may have an
  // empty one ("file:///tmp/a.mp4").
  if (scheme == "http" || scheme == "https" || scheme == "s3" || scheme == "ftp" ||
      scheme == "gs") {
    if (rest.substr(0, 2) != "//" || rest.size() < 3 || rest[2] == '/') return {};
  } else if (scheme == "file") {
    if (rest.substr(0, 2) != "//" || rest.size() < 3) return {};
  } else if (rest.empty()) {
    return {};
  }
  return scheme;
}

std::string names_of(const std::vector<OptionSpec>& specs) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  return join(names);
}

std::vector<std::string> name_list(const std::vector<OptionSpec>& specs) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  return names;
}

bool before(Span a, Span b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); }

Span first_char(Span s) { return {s.line, s.column, s.line, s.column + 1}; }

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "an 'audio'", "a 'video'".
std::string kind_with_article(std::string_view name) {
  bool vowel = !name.empty() && std::strchr("aeiou", name[0]);
  return (vowel ? "an " : "a ") + quote(name);
}

class OptionTyper {
 public:
  OptionTyper(const catalog::KindSpec& kind, const catalog::Catalog& catalog,
              diag::Diagnostics& diags)
      : kind_(kind), catalog_(catalog), diags_(diags) {}

  /// Reports what is wrong with `v` as a value of `t`; true when nothing is. `name` is the
  /// option as a user reads it: "width", "renditions[0].height".
  bool check(const TypeSpec& t, const Value& v, const std::string& name, const std::string& ptr) {
    switch (t.kind) {
      case TypeKind::String:
        return v.is_string() || wrong_type(t, v, name, ptr);
      case TypeKind::Expression:
        if (v.is_string() && v.string.find_first_not_of(" \t\r\n") != std::string::npos) {
          return true;
        }
        return wrong_type(t, v, name, ptr,
                          v.is_string() ? "write an expression, or leave the "
                                          "option out"
                                        : "");
      case TypeKind::Boolean:
        return v.is_bool() ||
               wrong_type(t, v, name, ptr,
                          v.is_string() && (v.string == "true" || v.string == "false")
                              ? "remove the quotes: " + v.string
                              : "");
      case TypeKind::Integer:
        if (!is_integral(v)) {
          return wrong_type(t, v, name, ptr, number_hint(v));
        }
        return in_range(t.min, t.max, v, name, ptr);
      case TypeKind::Number:
        if (!is_finite_number(v)) return wrong_type(t, v, name, ptr, number_hint(v));
        return in_range(t.min, t.max, v, name, ptr);
      case TypeKind::Seconds: {
        if (!is_finite_number(v)) return wrong_type(t, v, name, ptr, number_hint(v));
        // Seconds are never negative, whatever the catalog says.
        double min = std::max(0.0, t.min.value_or(0.0));
        return in_range(min, t.max, v, name, ptr);
      }
      case TypeKind::Enum:
        if (!v.is_string()) return wrong_type(t, v, name, ptr);
        if (std::find(t.values.begin(), t.values.end(), v.string) != t.values.end()) return true;
        {
          std::string hint = other_kinds_hint(t, v.string, name);
          if (hint.empty()) hint = suggestion(v.string, t.values);
          report(diags_, Code::BadEnumValue, v.span,
                 "invalid value " + quote(v.string) + " for " + subject(name),
                 hint.empty() ? "expected one of: " + join(t.values) : hint, ptr);
        }
        return false;
      case TypeKind::Dimension:
        return dimension(t, v, name, ptr);
      case TypeKind::Color:
        if (v.is_string() && is_color(v.string)) return true;
        return wrong_type(t, v, name, ptr,
                          v.is_string() ? "write colors in hex, e.g. \"#000000\" for black" : "");
      case TypeKind::Url:
        return url(t, v, name, ptr);
      case TypeKind::Language:
        if (v.is_string() && is_language(v.string)) return true;
        return wrong_type(
            t, v, name, ptr,
            v.is_string() && short_enough_to_echo(v.string) && is_language(lowercase(v.string))
                ? "did you mean '" + lowercase(v.string) + "'?"
                : "");
      case TypeKind::Array:
        return array(t, v, name, ptr);
      case TypeKind::Object:
        return object(t, v, name, ptr);
      case TypeKind::Map: {
        if (!v.is_object()) return wrong_type(t, v, name, ptr);
        bool ok = true;
        for (const auto& m : v.members) {
          if (t.items) {
            ok &= check(*t.items, m.value, name + "." + m.key, pointer_join(ptr, m.key));
          }
        }
        return ok;
      }
    }
    return true;
  }

  std::string subject(const std::string& name) const {
    return "option " + quote(name) + " of " + quote(kind_.name);
  }

 private:
  // `format: mp3` on a video: 'mp3' is no typo of 'mp4' but a value of another kind's option of
  // the same name, so the hint names the kinds that take it ("" when none does, or when the
  // value is only a case away from one of this option's own).
  std::string other_kinds_hint(const TypeSpec& t, std::string_view value,
                               const std::string& name) const {
    for (const auto& own : t.values) {
      if (same_ignoring_case(own, value)) return {};
    }
    std::vector<std::string> kinds;
    std::string spelt;  // the value as those kinds spell it
    for (const auto& k : catalog_.kinds()) {
      if (k.name == kind_.name) continue;
      const OptionSpec* o = k.option(name);
      if (!o || o->type.kind != TypeKind::Enum) continue;
      for (const auto& other : o->type.values) {
        if (!same_ignoring_case(other, value)) continue;
        kinds.push_back(k.name);
        if (spelt.empty()) spelt = other;
        break;
      }
    }
    if (kinds.empty()) return {};
    std::string owners = kind_with_article(kinds[0]);
    for (size_t i = 1; i < kinds.size(); ++i) {
      owners += (i + 1 == kinds.size() ? " or " : ", ") + quote(kinds[i]);
    }
    std::string use = kinds.size() == 1 ? "use " + kind_with_article(kinds[0]) + " task"
                                        : "use one of those tasks";
    return quote(spelt) + " is " + owners + " " + name + "; " + use + ", or " +
           kind_with_article(kind_.name) + " " + name + ": " + join(t.values);
  }

  bool wrong_type(const TypeSpec& t, const Value& v, const std::string& name,
                  const std::string& ptr, std::string hint = {}) {
    report(diags_, Code::WrongOptionType, v.span,
           subject(name) + " must be " + with_article(t.describe()) + ", got " + describe_value(v),
           std::move(hint), ptr);
    return false;
  }

  static std::string number_hint(const Value& v) {
    if (v.is_string() && short_enough_to_echo(v.string) && is_decimal(v.string)) {
      return "remove the quotes: " + v.string;
    }
    if (v.type == ValueType::Number && std::isfinite(v.number)) {
      return "use a whole number";
    }
    return {};
  }

  bool in_range(std::optional<double> min, std::optional<double> max, const Value& v,
                const std::string& name, const std::string& ptr) {
    double x = v.as_double();
    if ((!min || x >= *min) && (!max || x <= *max)) return true;
    std::string bound = min && max
                            ? "between " + format_number(*min) + " and " + format_number(*max)
                        : min ? "at least " + format_number(*min)
                              : "at most " + format_number(*max);
    report(diags_, Code::OutOfRange, v.span,
           subject(name) + " must be " + bound + ", got " + describe_value(v), "", ptr);
    return false;
  }

  bool dimension(const TypeSpec& t, const Value& v, const std::string& name,
                 const std::string& ptr) {
    if (v.is_number()) {
      if (!is_integral(v)) return wrong_type(t, v, name, ptr, "pixels are whole numbers");
      return in_range(t.min, t.max, v, name, ptr);
    }
    if (!v.is_string()) return wrong_type(t, v, name, ptr);
    auto percent = catalog::parse_percent(v.string);
    if (!percent) {
      std::string hint;
      std::string_view s = v.string;
      if (!short_enough_to_echo(s)) {
        // no hint: the value is too long to repeat
      } else if (is_decimal(s)) {
        hint = "write pixels as a number: " + v.string;
      } else if (s.size() > 2 && s.substr(s.size() - 2) == "px" &&
                 is_decimal(s.substr(0, s.size() - 2))) {
        hint = "write pixels as a number: " + std::string(s.substr(0, s.size() - 2));
      }
      return wrong_type(t, v, name, ptr, std::move(hint));
    }
    if (*percent < 1 || *percent > 100) {
      report(diags_, Code::OutOfRange, v.span,
             subject(name) + " must be between 1% and 100%, got " + describe_value(v), "", ptr);
      return false;
    }
    return true;
  }

  bool url(const TypeSpec& t, const Value& v, const std::string& name, const std::string& ptr) {
    if (!v.is_string()) return wrong_type(t, v, name, ptr);
    auto scheme = url_scheme(v.string);
    if (!scheme) {
      std::string example = t.schemes.empty() ? "https" : t.schemes.front();
      return wrong_type(t, v, name, ptr,
                        "write an absolute URL, e.g. \"" + example + "://" +
                            (example == "s3" ? "bucket/key" : "example.com/video.mp4") + "\"");
    }
    if (t.schemes.empty() ||
        std::find(t.schemes.begin(), t.schemes.end(), *scheme) != t.schemes.end()) {
      return true;
    }
    std::string hint = suggestion(*scheme, t.schemes);
    report(diags_, Code::BadEnumValue, v.span,
           subject(name) + " does not allow URL scheme " + quote(*scheme),
           hint.empty() ? "allowed schemes: " + join(t.schemes) : hint, ptr);
    return false;
  }

  bool array(const TypeSpec& t, const Value& v, const std::string& name, const std::string& ptr) {
    if (!v.is_array()) return wrong_type(t, v, name, ptr);
    size_t n = v.items.size();
    if ((t.min_items && n < *t.min_items) || (t.max_items && n > *t.max_items)) {
      auto items = [](size_t k) { return std::to_string(k) + (k == 1 ? " item" : " items"); };
      std::string bound = t.min_items && t.max_items ? "between " + std::to_string(*t.min_items) +
                                                           " and " + items(*t.max_items)
                          : t.min_items ? "at least " + items(*t.min_items)
                                        : "at most " + items(*t.max_items);
      report(diags_, Code::OutOfRange, v.span,
             subject(name) + " must have " + bound + ", got " + std::to_string(n), "", ptr);
      return false;
    }
    if (!t.items) return true;
    // Items that are all the same wrong thing (`renditions: [1080, 720]`) are one mistake:
    // reported at the first, the hint counting the others.
    auto shape_ok = [&](const Value& item) {
      switch (t.items->kind) {
        case TypeKind::Object:
        case TypeKind::Map:
          return item.is_object();
        case TypeKind::Array:
          return item.is_array();
        default:
          return true;
      }
    };
    bool ok = true;
    std::optional<ValueType> misshapen;
    size_t first = 0, repeats = 0;
    for (size_t i = 0; i < n; ++i) {
      const Value& item = v.items[i];
      if (!shape_ok(item) && misshapen == item.type) {
        ++repeats;
        continue;
      }
      if (!shape_ok(item) && !misshapen) {
        misshapen = item.type;
        first = diags_.size();
      }
      ok &= check(*t.items, item, name + "[" + std::to_string(i) + "]", pointer_join(ptr, i));
    }
    if (repeats > 0) {
      std::string& hint = diags_.items()[first].hint;
      hint += (hint.empty() ? "" : "; ") + std::to_string(repeats) +
              (repeats == 1 ? " more item is like it" : " more items are like it");
    }
    return ok && repeats == 0;
  }

  bool object(const TypeSpec& t, const Value& v, const std::string& name, const std::string& ptr) {
    if (!v.is_object()) {
      // A number where an object with a required number belongs: `renditions: [1080]`.
      std::string hint;
      for (const auto& f : t.fields) {
        bool numeric = f.type.kind == TypeKind::Integer || f.type.kind == TypeKind::Number ||
                       f.type.kind == TypeKind::Dimension || f.type.kind == TypeKind::Seconds;
        if (hint.empty() && f.required && numeric && v.is_number()) {
          hint = "write {\"" + f.name + "\": " + describe_value(v) + "}";
        }
      }
      return wrong_type(t, v, name, ptr, std::move(hint));
    }
    bool ok = true;
    for (const auto& m : v.members) {
      auto spec = std::find_if(t.fields.begin(), t.fields.end(),
                               [&](const OptionSpec& f) { return f.name == m.key; });
      if (spec == t.fields.end()) {
        std::string hint = suggestion(m.key, name_list(t.fields));
        report(diags_, Code::UnknownOption, m.key_span,
               "unknown field " + quote(m.key) + " in " + subject(name),
               hint.empty() ? "fields: " + names_of(t.fields) : hint, pointer_join(ptr, m.key));
        ok = false;
        continue;
      }
      ok &= check(spec->type, m.value, name + "." + m.key, pointer_join(ptr, m.key));
    }
    for (const auto& f : t.fields) {
      if (f.required && !v.find(f.name)) {
        report(diags_, Code::MissingOption, first_char(v.span),
               subject(name) + " is missing required field " + quote(f.name), "", ptr);
        ok = false;
      }
    }
    return ok;
  }

  const catalog::KindSpec& kind_;
  const catalog::Catalog& catalog_;
  diag::Diagnostics& diags_;
};

/// Reports an unknown option; returns the option it was probably meant to be, if any.
std::optional<std::string> unknown_option(const ast::Option& o, const catalog::KindSpec& kind,
                                          diag::Diagnostics& diags) {
  auto meant = closest(o.name, name_list(kind.options));
  std::string hint = meant ? "did you mean '" + *meant + "'?" : "";
  if (hint.empty()) {
    if (std::find(std::begin(kTaskFields), std::end(kTaskFields), o.name) !=
        std::end(kTaskFields)) {
      hint = quote(o.name) + " is a task field, not an option; move it out of 'options'";
    } else if (kind.options.empty()) {
      hint = quote(kind.name) + " takes no options";
    } else {
      hint = "options of " + quote(kind.name) + ": " + names_of(kind.options);
    }
  }
  report(diags, Code::UnknownOption, o.name_span,
         "unknown option " + quote(o.name) + " for " + quote(kind.name), std::move(hint),
         o.pointer);
  return meant;
}

void check_constraints(const ast::Task& task, const catalog::KindSpec& kind,
                       const std::vector<const ast::Option*>& invalid, const OptionTyper& typer,
                       diag::Diagnostics& diags) {
  auto valid = [&](const ast::Option* o) {
    return o && std::find(invalid.begin(), invalid.end(), o) == invalid.end();
  };
  for (const auto& c : kind.constraints) {
    if (c.options.size() < 2) continue;
    switch (c.type) {
      case catalog::Constraint::Type::Exclusive: {
        // Reported once, at the second of them in the file.
        const ast::Option* first = nullptr;
        const ast::Option* second = nullptr;
        for (const auto& name : c.options) {
          const ast::Option* o = task.option(name);
          if (!o) continue;
          if (!first || before(o->name_span, first->name_span)) {
            second = first;
            first = o;
          } else if (!second || before(o->name_span, second->name_span)) {
            second = o;
          }
        }
        if (second) {
          report(diags, Code::ConflictingOptions, second->name_span,
                 "options " + quote(first->name) + " and " + quote(second->name) + " of " +
                     quote(kind.name) + " cannot be used together",
                 doc_as_hint(c.doc), second->pointer);
        }
        break;
      }
      case catalog::Constraint::Type::Less: {
        const ast::Option* a = task.option(c.options[0]);
        const ast::Option* b = task.option(c.options[1]);
        if (!valid(a) || !valid(b) || !a->value.is_number() || !b->value.is_number()) break;
        if (a->value.as_double() < b->value.as_double()) break;
        report(diags, Code::ConflictingOptions, a->value.span,
               typer.subject(a->name) + " must be less than " + quote(b->name) + " (" +
                   describe_value(b->value) + "), got " + describe_value(a->value),
               doc_as_hint(c.doc), a->pointer);
        break;
      }
      case catalog::Constraint::Type::Requires: {
        const ast::Option* a = task.option(c.options[0]);
        if (!a || task.option(c.options[1])) break;
        report(diags, Code::ConflictingOptions, a->name_span,
               typer.subject(a->name) + " requires option " + quote(c.options[1]),
               doc_as_hint(c.doc), a->pointer);
        break;
      }
      case catalog::Constraint::Type::Allows: {
        // The first option as written, or its plain default; the second as written (its own
        // default is the catalog's business and fits).
        const ast::Option* when = task.option(c.options[0]);
        const ast::Option* b = task.option(c.options[1]);
        if (!valid(b) || !b->value.is_string() || (when && !valid(when))) break;
        std::string value;
        if (when && when->value.is_string()) {
          value = when->value.string;
        } else if (const OptionSpec* spec = kind.option(c.options[0]);
                   !when && spec && spec->default_value && spec->default_value->is_string()) {
          value = spec->default_value->get<std::string>();
        }
        if (value != c.when_value ||
            std::find(c.values.begin(), c.values.end(), b->value.string) != c.values.end())
          break;
        report(diags, Code::ConflictingOptions, b->value.span,
               typer.subject(b->name) + " cannot be " + quote(b->value.string) + " when " +
                   quote(c.options[0]) + " is " + quote(value),
               c.doc.empty() ? "use " + join(c.values) : doc_as_hint(c.doc), b->pointer);
        break;
      }
    }
  }
}

}  // namespace

void check_options(const ast::Task& task, const catalog::KindSpec& kind,
                   const catalog::Catalog& catalog, diag::Diagnostics& diags) {
  OptionTyper typer(kind, catalog, diags);
  // Both allocate only when something is wrong.
  std::vector<const ast::Option*> invalid;
  std::vector<std::string> misspelt;  // options that an unknown one was probably meant to be
  for (const auto& o : task.options) {
    const OptionSpec* spec = kind.option(o.name);
    if (!spec) {
      if (auto meant = unknown_option(o, kind, diags)) misspelt.push_back(std::move(*meant));
      invalid.push_back(&o);
    } else if (!typer.check(spec->type, o.value, o.name, o.pointer)) {
      invalid.push_back(&o);
    }
  }
  for (const auto& spec : kind.options) {
    if (!spec.required || task.option(spec.name)) continue;
    // `ulr` was reported with "did you mean 'url'?"; the missing `url` is the same mistake.
    if (std::find(misspelt.begin(), misspelt.end(), spec.name) != misspelt.end()) continue;
    report(diags, Code::MissingOption, task.kind.span,
           "missing required option " + quote(spec.name) + " for " + quote(kind.name),
           "add \"" + spec.name + "\" to \"options\": " + with_article(spec.type.describe()),
           task.options_span.valid() ? pointer_join(task.pointer, "options") : task.pointer);
  }
  check_constraints(task, kind, invalid, typer, diags);
}

}  // namespace wfc::check
