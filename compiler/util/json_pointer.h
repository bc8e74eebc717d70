// JSON pointers (RFC 6901) name the value a diagnostic is about, so that editors and the API's
// 422 body can locate it without line numbers: "/workflow/0/options/width".
#pragma once

#include <string>
#include <string_view>

namespace wfc {

/// Appends one reference token to a pointer, escaping '~' as "~0" and '/' as "~1".
std::string pointer_join(std::string_view pointer, std::string_view token);
/// Appends an array index.
std::string pointer_join(std::string_view pointer, size_t index);

}  // namespace wfc
