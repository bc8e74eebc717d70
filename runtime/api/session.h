// Dashboard sessions (docs/security.md, "Dashboard sessions"): signing in at /ui/ with an API key
// gives a cookie, not the key. The cookie is stateless and signed, so any API node sharing the
// store and DATA/url-secret accepts it:
//   wfc_session=v1.<key id>.<expires>.<nonce>.<signature>
// with <signature> the base64url HMAC-SHA256, under the URL secret, of
// "session\n<key id>\n<expires>\n<nonce>". Each request checks the signature and the expiry,
// then reads the key's status from the store, so pausing or revoking the key ends its sessions
// at the next request. The cookie is HttpOnly and SameSite=Strict; state-changing requests
// also need the session's CSRF token (an HMAC of the cookie, sent in a form field or the
// X-CSRF-Token header) and an Origin, when sent, that is the server's own.
// External interface: Session, new_session, session_cookie_header, cleared_cookie_header,
// authenticate_session, parse_session, check_same_origin, check_csrf.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/api/request.h"
#include "runtime/store/store.h"

namespace wfc::api {

inline constexpr std::string_view kSessionCookie = "wfc_session";
/// How long a session lasts from sign-in (the cookie's Max-Age and its signed expiry).
inline constexpr int64_t kSessionLifetimeS = 12 * 3600;

struct Session {
  std::string key_id;
  int64_t expires = 0;  // unix seconds
  std::string cookie;   // the cookie's value
  std::string csrf;     // the token state-changing requests carry
};

/// A session for the key `key_id`, from `now` for `lifetime_s`.
Session new_session(const std::string& secret, const std::string& key_id, int64_t now,
                    int64_t lifetime_s = kSessionLifetimeS);

/// The Set-Cookie value that stores `s` (HttpOnly, SameSite=Strict, Path=/, Max-Age to its
/// expiry, Secure when `secure`), and the one that removes it (sign-out).
std::string session_cookie_header(const Session& s, int64_t now, bool secure);
std::string cleared_cookie_header(bool secure);

/// The session the request's cookie carries, checked: signature, expiry, and the key's status in
/// the store (active). No cookie is 401 session_missing; a forged, malformed or expired one,
/// or one whose key is no longer active, 401 session_invalid with the reason.
std::optional<ApiError> authenticate_session(store::Store& store, const std::string& secret,
                                             const httplib::Request& req, int64_t now,
                                             Session* session, store::ApiKey* key);

/// The session the request's cookie carries, its signature and expiry checked but not the key
/// (authenticate_session did that before the handler ran): what a page renders its forms'
/// CSRF token from. nullopt without a valid cookie.
std::optional<Session> parse_session(const std::string& secret, const httplib::Request& req,
                                     int64_t now);

/// Whether a request may come from a page of another site: an Origin header other than the
/// request's own (Host), or Sec-Fetch-Site cross-site, is 403 cross_site_refused.
std::optional<ApiError> check_same_origin(const httplib::Request& req);

/// A state-changing request of a session: same origin, and its CSRF token in the
/// X-CSRF-Token header or the form field `csrf` (of an x-www-form-urlencoded body); else 403
/// csrf_invalid.
std::optional<ApiError> check_csrf(const httplib::Request& req, const Session& session);

/// Whether the request arrived over HTTPS (directly or as a proxy says, X-Forwarded-Proto):
/// the cookie is then marked Secure.
bool request_is_https(const httplib::Request& req);

/// Decodes an application/x-www-form-urlencoded body's field `name` ("" when absent).
std::string form_field(std::string_view body, std::string_view name);

}  // namespace wfc::api
