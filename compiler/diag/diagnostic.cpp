#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <string>
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

size_t truncate(std::vector<Diagnostic>& diags, size_t max) {
  if (diags.size() <= max) return 0;
  size_t dropped = diags.size() - max;
  size_t errors = 0, warnings = 0;
  for (size_t i = max; i < diags.size(); ++i) {
    errors += diags[i].severity == Severity::Error;
    warnings += diags[i].severity == Severity::Warning;
  }
  auto counted = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  Diagnostic note;
  note.file = diags[max].file;
  note.span = diags[max].span;
  note.severity = Severity::Note;
  note.code = Code::MoreDiagnostics;
  note.message = counted(dropped, "more diagnostic", "more diagnostics") + " not shown (" +
                 counted(errors, "error", "errors") + ", " +
                 counted(warnings, "warning", "warnings") + "), the first of them here";
  note.hint = "only the first " + std::to_string(max) +
              " are shown; fix those and check again to see the rest";
  note.omitted = dropped;
  diags.resize(max);
  diags.push_back(std::move(note));
  return dropped;
}

}  // namespace wfc::diag
