// yaml-cpp's parse errors, rewritten for people. yaml-cpp says "end of map not found"; a user
// needs to hear that a line is not aligned with the entries above it, and what to do about it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "compiler/diag/codes.h"

namespace wfc::syntax {

struct YamlError {
  diag::Code code;
  std::string message;
  std::string hint;
  // The byte range to underline; when empty, the character at the error.
  size_t begin = 0;
  size_t end = 0;
};

/// Rewrites yaml-cpp's message `what`, raised at byte `at` of `text`.
YamlError describe_yaml_error(std::string_view what, std::string_view text, size_t at);

}  // namespace wfc::syntax
