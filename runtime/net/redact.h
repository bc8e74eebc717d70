// Credentials out of URLs shown to people: the one place that knows how a URL's user name and
// password are removed. The store's and the scheduler's JSON (what GET /runs, GET /events and
// webhook bodies show), logs and error messages all go through it; what is fetched or delivered
// keeps the real URL, which is stored apart from what is shown.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wfc::net {

/// `url` without user name and password ("http://u:p@host/a" → "http://host/a"); anything else
/// as it is.
std::string redact_url(std::string_view url);

/// `value` with redact_url applied to every string in it, at any depth (object keys stay).
nlohmann::json redact_urls(nlohmann::json value);

}  // namespace wfc::net
