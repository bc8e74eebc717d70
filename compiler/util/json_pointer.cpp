// JSON pointer construction (RFC 6901 escaping).
#include "compiler/util/json_pointer.h"

namespace wfc {

std::string pointer_join(std::string_view pointer, std::string_view token) {
  std::string out;
  out.reserve(pointer.size() + token.size() + 1);
  out.append(pointer);
  out.push_back('/');
  if (token.find_first_of("~/") == std::string_view::npos) return out.append(token);
  for (char c : token) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string pointer_join(std::string_view pointer, size_t index) {
  std::string out(pointer);
  out.push_back('/');
  out.append(std::to_string(index));
  return out;
}

}  // namespace wfc
