#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace wfc::diag {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

Diagnostic& Diagnostics::add(Code code, Span span, std::string message, std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.span = span;
  d.severity = info(code).severity;
  d.code = code;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return add(std::move(d));
}

Diagnostic& Diagnostics::add(Diagnostic d) {
  if (d.file.empty()) d.file = file_;
  items_.push_back(std::move(d));
  return items_.back();
}

bool Diagnostics::has_errors() const { return count(Severity::Error) > 0; }

size_t Diagnostics::count(Severity s) const {
  return static_cast<size_t>(
      std::count_if(items_.begin(), items_.end(), [s](const auto& d) { return d.severity == s; }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.line, a.span.column, a.code) <
           std::tie(b.span.line, b.span.column, b.code);
  });
}

}  // namespace wfc::diag
