// HTML for the dashboard's pages (see html.h).
#include "runtime/ui/html.h"

#include <fmt/format.h>

#include <ctime>

namespace wfc::ui {

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string frame(std::string_view title, std::string_view active, std::string_view csrf,
                  std::string_view main) {
  std::string nav;
  if (!csrf.empty()) {
    auto link = [&](std::string_view name, std::string_view href, std::string_view label) {
      return fmt::format("<li><a href=\"{}\"{}>{}</a></li>", href,
                         active == name ? " aria-current=\"page\"" : "", label);
    };
    nav = fmt::format(
        "<nav aria-label=\"Main\"><ul>{}{}</ul>"
        "<form method=\"post\" action=\"/ui/sign-out\" class=\"sign-out\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
        "<button type=\"submit\">Sign out</button></form></nav>",
        link("automations", "/ui/automations", "Automations"), link("runs", "/ui/runs", "Runs"),
        esc(csrf));
  }
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"color-scheme\" content=\"light dark\">"
      "<meta name=\"csrf-token\" content=\"{}\">"
      "<title>{} · wfc</title><link rel=\"stylesheet\" href=\"/ui/assets/app.css\">{}"
      "</head><body><header><a class=\"brand\" href=\"/ui/\">wfc</a>{}</header>"
      "<main id=\"main\">{}</main></body></html>\n",
      esc(csrf), esc(title),
      csrf.empty() ? "" : "<script src=\"/ui/assets/app.js\" defer></script>", nav, main);
}

void send_html(httplib::Response& res, int status, std::string html) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  // Scripts only from the dashboard itself; media from this server (signed file URLs may name
  // --public-url's host, so media and fetches may go anywhere over http(s)).
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; "
                 "img-src 'self' http: https: data: blob:; media-src 'self' http: https: blob:; "
                 "connect-src 'self' http: https:; worker-src blob:; frame-ancestors 'none'; "
                 "form-action 'self'; base-uri 'none'");
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

std::string badge(std::string_view status) {
  return fmt::format("<span class=\"status status-{0}\">{0}</span>", esc(status));
}

std::string when(int64_t t) {
  if (t <= 0) return "—";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char shown[32];
  std::strftime(shown, sizeof shown, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("<time datetime=\"{}\">{}</time>", buf, shown);
}

std::string duration(int64_t start, int64_t end) {
  if (start <= 0) return "";
  if (end <= 0) end = static_cast<int64_t>(std::time(nullptr));
  int64_t s = std::max<int64_t>(0, end - start);
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {} s", s / 60, s % 60);
  return fmt::format("{} h {} min", s / 3600, (s % 3600) / 60);
}

std::string url_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace wfc::ui
