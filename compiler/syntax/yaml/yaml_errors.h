// yaml-cpp's parse errors, rewritten for people. yaml-cpp says "end of map not found"; a user
// needs to hear that a line is not aligned with the entries above it, and what to do about it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/codes.h"
#include "compiler/source/source.h"

namespace wfc::syntax {

struct YamlError {
  diag::Code code;
  std::string message;
  std::string hint;
  // The byte range to underline; when empty, the character at the error.
  size_t begin = 0;
  size_t end = 0;
};

/// For a plain scalar at [begin, end) that starts `width:1280` (a key, ':' and a value with no
/// space between), the error for its ':'; nullopt otherwise.
std::optional<YamlError> missing_space_after_colon(std::string_view text, size_t begin, size_t end);

/// Rewrites yaml-cpp's message `what`, raised at byte `at` of `file`. `open_flows` holds the
/// offsets of the flow brackets (`[`, `{`) open at `at`, outermost first (open_flow_brackets in
/// yaml_prescan.h), so that a message can name the one left unclosed.
YamlError describe_yaml_error(std::string_view what, const SourceFile& file, size_t at,
                              const std::vector<size_t>& open_flows);

}  // namespace wfc::syntax
