// Names in diagnostics: quoting them, and suggesting a close one, in bounded time and space
// whatever a hostile file holds (a 5 MB "kind" must neither flood a message nor cost an edit
// distance over its whole length against every candidate).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wfc {

/// 'name', cut after 64 code points with "…".
std::string quote_name(std::string_view name);

/// Whether user text is short enough to repeat in a hint ("remove the quotes: 1280").
inline bool short_enough_to_echo(std::string_view text) { return text.size() <= 64; }

/// suggest() (suggest.h), skipping words so long that no candidate can be within its distance.
std::optional<std::string> suggest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace wfc
