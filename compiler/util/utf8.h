// UTF-8 helpers: locating invalid UTF-8 (the fast yes/no answer comes from
// simdjson::validate_utf8; this finds where the text stops being UTF-8, which is only worth doing
// once that answer is no) and encoding a code point.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wfc {

/// Byte offset of the first byte of the first ill-formed UTF-8 sequence (Unicode 15, table 3-7:
/// no overlong forms, no surrogates, nothing past U+10FFFF), or npos when the text is valid.
size_t find_invalid_utf8(std::string_view text);

/// Appends the UTF-8 encoding of a code point (the caller passes a valid scalar value).
void append_utf8(std::string& out, char32_t cp);

}  // namespace wfc
