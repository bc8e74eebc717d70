// The hint for an invalid `matches` pattern (WF407). RE2 matches in linear time because it
// leaves out the features that need backtracking; a pattern written for PCRE, Python or
// JavaScript often uses one, and then the hint names it and says what to write instead. Other
// mistakes (a missing ']') get no hint: RE2's message already says what is wrong.
#pragma once

#include <string>

namespace re2 {
class RE2;
}

namespace wfc::expr {

/// The hint for a pattern RE2 rejected (`!re.ok()`), or "" when there is nothing to add.
std::string regex_hint(const re2::RE2& re);

}  // namespace wfc::expr
