// Hints for patterns RE2 rejects (see regex_hint.h). RE2 reports the construct it stopped at
// (error_arg: "\1", "(?!", "*+"), so the hint follows from RE2's own diagnosis, not from a
// second parse of the pattern.
#include "compiler/expr/regex_hint.h"

#include <re2/re2.h>

#include <string_view>

namespace wfc::expr {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

constexpr std::string_view kNoBacktracking = "it matches in linear time, without backtracking";

// `\1`, `\k<name>`, `\g1`: RE2 reports the escape's first two characters.
std::string escape_hint(std::string_view arg, std::string_view pattern) {
  bool backreference = arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9';
  if (arg == "\\k") {
    backreference =
        contains(pattern, "\\k<") || contains(pattern, "\\k{") || contains(pattern, "\\k'");
  } else if (arg == "\\g") {
    size_t g = pattern.find("\\g");
    char next = g + 2 < pattern.size() ? pattern[g + 2] : '\0';
    backreference = (next >= '0' && next <= '9') || next == '{' || next == '<' || next == '-';
  }
  if (!backreference) return {};
  return "RE2 has no backreferences such as '" + std::string(arg) + "'; " +
         std::string(kNoBacktracking);
}

// `(?=`, `(?!`, `(?<=`, `(?<!`, `(?>`, `(?<name>`: RE2 reports `(?<` for all three of the last.
std::string group_hint(std::string_view arg, std::string_view pattern) {
  std::string_view construct;
  if (arg == "(?=" || arg == "(?!") {
    construct = arg;
  } else if (arg == "(?<") {
    if (contains(pattern, "(?<=")) {
      construct = "(?<=";
    } else if (contains(pattern, "(?<!")) {
      construct = "(?<!";
    } else {
      return "write a named group as '(?P<name>...)'";
    }
  } else if (arg == "(?>") {
    return "RE2 has no atomic groups ('(?>'); it never backtracks, so write a plain group "
           "'(?:...)'";
  } else {
    return {};
  }
  std::string what = "RE2 has no lookahead or lookbehind such as '" + std::string(construct) + "'";
  if (construct == "(?!" || construct == "(?<!") {
    return what + "; to test that a pattern does not match, negate the condition";
  }
  return what + "; " + std::string(kNoBacktracking);
}

// `a*+`: RE2 reports the quantifier and the `+` that makes it possessive.
std::string repeat_hint(std::string_view arg) {
  if (arg.size() < 2 || arg.back() != '+') return {};
  std::string_view plain = arg.substr(0, arg.size() - 1);
  return "RE2 has no possessive quantifiers such as '" + std::string(arg) +
         "'; it never backtracks, so write '" + std::string(plain) + "'";
}

}  // namespace

std::string regex_hint(const re2::RE2& re) {
  std::string_view arg = re.error_arg();
  std::string_view pattern = re.pattern();
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      return escape_hint(arg, pattern);
    case RE2::ErrorBadPerlOp:
      return group_hint(arg, pattern);
    case RE2::ErrorRepeatOp:
      return repeat_hint(arg);
    case RE2::ErrorRepeatArgument:
      // `*.mp4`: a glob where a regular expression is wanted.
      if (starts_with(pattern, arg)) {
        return "'" + std::string(arg) +
               "' repeats what comes before it; this is a regular "
               "expression, not a glob: write '.*' for any text";
      }
      return {};
    default:
      return {};
  }
}

}  // namespace wfc::expr
