// Credentials out of URLs shown to people (see redact.h).
#include "runtime/net/redact.h"

namespace wfc::net {

std::string redact_url(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::size_t authority = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority);
  std::size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + std::string(url.substr(at + 1));
}

namespace {

void redact_in_place(nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.find("://") != std::string::npos && s.find('@') != std::string::npos) v = redact_url(s);
  } else if (v.is_structured()) {
    for (nlohmann::json& child : v) redact_in_place(child);
  }
}

}  // namespace

nlohmann::json redact_urls(nlohmann::json value) {
  redact_in_place(value);
  return value;
}

}  // namespace wfc::net
