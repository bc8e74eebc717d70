// Dashboard sessions (see session.h).
#include "runtime/api/session.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "runtime/api/sign_urls.h"

namespace wfc::api {

namespace {

std::string signature(const std::string& secret, std::string_view key_id, int64_t expires,
                      std::string_view nonce) {
  return hmac_base64url(secret, fmt::format("session\n{}\n{}\n{}", key_id, expires, nonce));
}

std::string csrf_of(const std::string& secret, std::string_view cookie) {
  return hmac_base64url(secret, fmt::format("csrf\n{}", cookie));
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t at = 0;
  for (;;) {
    size_t next = s.find(sep, at);
    out.push_back(s.substr(at, next == std::string_view::npos ? next : next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

/// The value of cookie `name` in the request's Cookie headers ("" when absent).
std::string cookie_value(const httplib::Request& req, std::string_view name) {
  auto [from, to] = req.headers.equal_range("Cookie");
  for (auto it = from; it != to; ++it) {
    for (std::string_view part : split(it->second, ';')) {
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.size() > name.size() && part.substr(0, name.size()) == name &&
          part[name.size()] == '=') {
        return std::string(part.substr(name.size() + 1));
      }
    }
  }
  return "";
}

ApiError invalid(std::string message) { return {401, "session_invalid", std::move(message)}; }

enum class Parsed { None, Bad, Expired, Ok };

Parsed parse(const std::string& secret, const std::string& cookie, int64_t now, Session* out) {
  if (cookie.empty()) return Parsed::None;
  std::vector<std::string_view> parts = split(cookie, '.');
  if (parts.size() != 5 || parts[0] != "v1") return Parsed::Bad;
  int64_t expires = 0;
  auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), expires);
  if (ec != std::errc() || end != parts[2].data() + parts[2].size()) return Parsed::Bad;
  if (!same(signature(secret, parts[1], expires, parts[3]), parts[4])) return Parsed::Bad;
  if (expires <= now) return Parsed::Expired;
  out->key_id = std::string(parts[1]);
  out->expires = expires;
  out->cookie = cookie;
  out->csrf = csrf_of(secret, cookie);
  return Parsed::Ok;
}

std::string hex(const unsigned char* p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", p[i]);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
               hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Session new_session(const std::string& secret, const std::string& key_id, int64_t now,
                    int64_t lifetime_s) {
  unsigned char random[16];
  RAND_bytes(random, sizeof random);
  std::string nonce = hex(random, sizeof random);
  Session s;
  s.key_id = key_id;
  s.expires = now + lifetime_s;
  s.cookie = fmt::format("v1.{}.{}.{}.{}", key_id, s.expires, nonce,
                         signature(secret, key_id, s.expires, nonce));
  s.csrf = csrf_of(secret, s.cookie);
  return s;
}

std::string session_cookie_header(const Session& s, int64_t now, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     s.cookie, std::max<int64_t>(0, s.expires - now), secure ? "; Secure" : "");
}

std::string cleared_cookie_header(bool secure) {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     secure ? "; Secure" : "");
}

std::optional<Session> parse_session(const std::string& secret, const httplib::Request& req,
                                     int64_t now) {
  Session s;
  if (parse(secret, cookie_value(req, kSessionCookie), now, &s) != Parsed::Ok) return std::nullopt;
  return s;
}

std::optional<ApiError> authenticate_session(store::Store& store, const std::string& secret,
                                             const httplib::Request& req, int64_t now,
                                             Session* session, store::ApiKey* key) {
  switch (parse(secret, cookie_value(req, kSessionCookie), now, session)) {
    case Parsed::None:
      return ApiError{401, "session_missing",
                      "sign in at /ui/sign-in, or send the API key as 'Authorization: Bearer "
                      "<key>'"};
    case Parsed::Bad:
      return invalid("the session cookie is not one this server signed; sign in again");
    case Parsed::Expired:
      return invalid("the session has expired; sign in again");
    case Parsed::Ok:
      break;
  }
  auto found = store.get_api_key(session->key_id);
  if (!found) return invalid("the session's API key no longer exists; sign in again");
  if (found->status != "active") {
    return invalid(
        fmt::format("the session's API key is {}; sign in with an active key", found->status));
  }
  *key = std::move(*found);
  return std::nullopt;
}

bool request_is_https(const httplib::Request& req) {
  return req.get_header_value("X-Forwarded-Proto") == "https";
}

std::optional<ApiError> check_same_origin(const httplib::Request& req) {
  if (req.get_header_value("Sec-Fetch-Site") == "cross-site") {
    return ApiError{403, "cross_site_refused",
                    "a page of another site cannot act on this dashboard (Sec-Fetch-Site: "
                    "cross-site)"};
  }
  if (!req.has_header("Origin")) return std::nullopt;
  std::string origin = req.get_header_value("Origin");
  std::string host = req.get_header_value("Host");
  std::string_view o = origin;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (o.starts_with(scheme) && o.substr(scheme.size()) == host && !host.empty())
      return std::nullopt;
  }
  return ApiError{403, "cross_site_refused",
                  fmt::format("a request from origin '{}' cannot act on this dashboard (served "
                              "as '{}')",
                              origin, host)};
}

std::optional<ApiError> check_csrf(const httplib::Request& req, const Session& session) {
  if (auto e = check_same_origin(req)) return e;
  std::string token = req.get_header_value("X-CSRF-Token");
  if (token.empty()) token = form_field(req.body, "csrf");
  if (token.empty() || !same(token, session.csrf)) {
    return ApiError{403, "csrf_invalid",
                    "this request lacks the dashboard's CSRF token; reload the page and try "
                    "again"};
  }
  return std::nullopt;
}

std::string form_field(std::string_view body, std::string_view name) {
  for (std::string_view pair : split(body, '&')) {
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    if (url_decode(k) != name) continue;
    return eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
  }
  return "";
}

}  // namespace wfc::api
