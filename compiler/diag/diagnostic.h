// Diagnostics are data: every problem found in a user's input is one Diagnostic, never an
// exception. Renderers (render.h) turn them into text for people, CI systems and editors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/codes.h"
#include "compiler/source/source.h"

namespace wfc::diag {

enum class Severity { Error, Warning, Note };

std::string_view severity_name(Severity s);  // "error", "warning", "note"

/// One located problem. Lines and columns are 1-based; see Span for the column convention.
struct Diagnostic {
  std::string file;
  Span span;
  Severity severity = Severity::Error;
  Code code = Code::InvalidSyntax;
  std::string message;
  std::string hint;     // "did you mean 'video'?" and other advice; may be empty
  std::string pointer;  // JSON pointer of the offending value when known ("/workflow/0/kind")
  size_t omitted = 0;   // on a WF118 note (truncate): how many diagnostics it stands for
};

/// Keeps the first `max` of one file's sorted diagnostics and replaces the rest by one WF118
/// note, located where the first of them was, that says how many there are and of which
/// severities. Returns how many were dropped (0: `diags` is unchanged).
size_t truncate(std::vector<Diagnostic>& diags, size_t max);

/// Diagnostics collects the problems found in one file, in the order they were found.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file = {}) : file_(std::move(file)) {}

  /// Adds a diagnostic with the code's default severity.
  Diagnostic& add(Code code, Span span, std::string message, std::string hint = {});
  Diagnostic& add(Diagnostic d);

  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  bool has_errors() const;
  size_t count(Severity s) const;
  const std::string& file() const { return file_; }

  /// Orders by position (then code), the order every renderer prints.
  void sort();

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
};

}  // namespace wfc::diag
