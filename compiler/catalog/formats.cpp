// The formats of the catalog's string types (formats.h).
#include "compiler/catalog/formats.h"

#include <algorithm>

namespace wfc::catalog {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alnum(char c) { return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool is_color(std::string_view s) {
  return (s.size() == 4 || s.size() == 7) && s[0] == '#' &&
         std::all_of(s.begin() + 1, s.end(), is_hex);
}

bool is_language(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_lower(s[i])) ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    size_t start = ++i;
    while (i < s.size() && is_alnum(s[i])) ++i;
    if (i - start < 2 || i - start > 8) return false;
  }
  return true;
}

}  // namespace wfc::catalog
