// HTML for the dashboard's pages (docs/dashboard.md): escaping, the page frame (header,
// navigation, the stylesheet, the CSRF token for the script), status badges and times. Pages
// are rendered on the server so they read without JavaScript; the script adds live updates
// and the players. External interface: esc, frame, send_html, badge, when, duration.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace wfc::ui {

/// `s` escaped for HTML text and attribute values.
std::string esc(std::string_view s);

/// A whole page: `title`, the navigation (`active`: "automations", "runs" or ""), `csrf` for
/// forms and the script (empty on the sign-in page, which then has no navigation), `main`.
std::string frame(std::string_view title, std::string_view active, std::string_view csrf,
                  std::string_view main);

/// Answers `status` with `html`, not cached, not framed by other sites.
void send_html(httplib::Response& res, int status, std::string html);

/// A status as a badge (<span class="status status-succeeded">succeeded</span>).
std::string badge(std::string_view status);

/// Unix seconds as an ISO 8601 UTC time in a <time> element ("—" for 0).
std::string when(int64_t unix_s);

/// From `start` to `end` (or to now when 0) in words: "2.3 s", "4 min 10 s"; "" when not started.
std::string duration(int64_t start, int64_t end);

/// A query string's value percent-encoded.
std::string url_encode(std::string_view s);

}  // namespace wfc::ui
