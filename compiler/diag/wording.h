// Shared diagnostic wording, used by the checker and the condition compiler alike: how values,
// types and lists appear in messages, so that every check phrases them the same way ("option 'fps'
// of 'video' must be a number 1–60, got \"fast\"").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/value/value.h"

namespace wfc::diag {

/// 'name'
std::string quote(std::string_view name);

/// Numbers as a user writes them: 300000, 0.5, 1e+300.
std::string format_number(double v);

/// What a value is, for "got ...": "\"fast\"" (a string, shortened when long), 75, true, null,
/// "an array", "an object", '2s' (a unit literal not yet converted).
std::string describe_value(const Value& v);

/// A catalog type description with the article English wants: "an integer 1–60", "a URL",
/// "one of mp4, webm or mov", "pixels 1–7680 or a percentage \"NN%\"".
std::string with_article(std::string_view description);

/// A catalog doc as a hint. Catalog docs are Markdown, for docs/kinds.md (`start`); a hint is
/// plain text and quotes names the way every message does ('start').
std::string doc_as_hint(std::string_view doc);

/// "a, b, c".
std::string join(const std::vector<std::string>& words);

/// The closest candidate by edit distance, or else the only candidate that `word` begins (so
/// the abbreviation "vid" finds "video"); nullopt when neither.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

/// "did you mean 'video'?" for the closest candidate by edit distance, or else for the only
/// candidate that `word` begins (so the abbreviation "vid" finds "video"); "" when neither.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

/// Adds a diagnostic that carries its JSON pointer.
diag::Diagnostic& report(diag::Diagnostics& diags, diag::Code code, Span span, std::string message,
                         std::string hint, std::string pointer);

}  // namespace wfc::diag
