// Shared wording of diagnostics (see wording.h).
#include "compiler/diag/wording.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "compiler/util/names.h"

namespace wfc::diag {

std::string quote(std::string_view name) { return quote_name(name); }

std::string format_number(double v) {
  char buf[64];
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

std::string describe_value(const Value& v) {
  switch (v.type) {
    case ValueType::Null:
      return "null";
    case ValueType::Bool:
      return v.boolean ? "true" : "false";
    case ValueType::Integer:
      return std::to_string(v.integer);
    case ValueType::Number:
      return format_number(v.number);
    case ValueType::String: {
      // Long strings are cut at a character boundary; the span shows the whole value anyway.
      constexpr size_t kMax = 40;
      std::string s = v.string;
      if (s.size() > kMax) {
        size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s = s.substr(0, cut) + "…";
      }
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\') {
          out += '\\';
          out += c;
        } else if (c == '\n') {
          out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
      }
      return out + "\"";
    }
    case ValueType::Array:
      return "an array";
    case ValueType::Object:
      return "an object";
    case ValueType::Quantity:
      return "'" + v.string + "'";
  }
  return "null";
}

std::string with_article(std::string_view d) {
  for (std::string_view bare : {"one of", "pixels", "seconds", "true or false"}) {
    if (d.substr(0, bare.size()) == bare) return std::string(d);
  }
  if (d.empty()) return "a value";
  char c = d[0];
  bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o';
  return (vowel ? "an " : "a ") + std::string(d);
}

std::string doc_as_hint(std::string_view doc) {
  std::string out(doc);
  // Only paired backticks are code spans; a lone one stays as written.
  if (std::count(out.begin(), out.end(), '`') % 2 == 0)
    std::replace(out.begin(), out.end(), '`', '\'');
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  if (auto s = suggest_name(word, candidates)) return s;
  if (word.size() < 2) return std::nullopt;
  const std::string* only = nullptr;
  for (const auto& c : candidates) {
    bool prefix = c.size() > word.size() &&
                  std::equal(word.begin(), word.end(), c.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                  });
    if (!prefix) continue;
    if (only) return std::nullopt;  // ambiguous
    only = &c;
  }
  if (!only) return std::nullopt;
  return *only;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  auto c = closest(word, candidates);
  return c ? "did you mean '" + *c + "'?" : std::string();
}

diag::Diagnostic& report(diag::Diagnostics& diags, diag::Code code, Span span, std::string message,
                         std::string hint, std::string pointer) {
  auto& d = diags.add(code, span, std::move(message), std::move(hint));
  d.pointer = std::move(pointer);
  return d;
}

}  // namespace wfc::diag
