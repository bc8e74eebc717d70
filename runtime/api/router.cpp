// The route table and its dispatch (see router.h).
#include "runtime/api/router.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/diag/wording.h"
#include "runtime/api/request.h"

namespace wfc::api {

namespace {

// A pattern as pieces: literal text, `{name}` (one or more bytes other than '/') or `{path}`
// (one or more bytes other than a line break). Matched by hand: a std::regex_match per route
// until one matched cost 1-2 % of a GET's CPU (docs/benchmarks.md, issue 19 point 7).
std::vector<Router::Piece> compile_pattern(const std::string& path) {
  std::vector<Router::Piece> pieces;
  std::string literal;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '{') {
      literal += path[i];
      continue;
    }
    size_t close = path.find('}', i);
    if (!literal.empty()) pieces.push_back({Router::Piece::Literal, std::move(literal)});
    literal.clear();
    bool rest = path.compare(i + 1, close - i - 1, "path") == 0;
    pieces.push_back({rest ? Router::Piece::Rest : Router::Piece::Segment, {}});
    i = close;
  }
  if (!literal.empty()) pieces.push_back({Router::Piece::Literal, std::move(literal)});
  return pieces;
}

// Whether pieces[k..] match all of `s`, with the parameters' values appended to `params` (only
// on success). A parameter takes as much as it can and gives back on failure, as the regular
// expression ^…([^/]+)…(.+)…$ did, so the captures are the same; like its `.`, {path} takes no
// line break.
bool match_pieces(const std::vector<Router::Piece>& pieces, size_t k, std::string_view s,
                  std::vector<std::string>* params) {
  if (k == pieces.size()) return s.empty();
  const Router::Piece& p = pieces[k];
  if (p.kind == Router::Piece::Literal) {
    return s.starts_with(p.text) && match_pieces(pieces, k + 1, s.substr(p.text.size()), params);
  }
  size_t longest =
      std::min(s.find_first_of(p.kind == Router::Piece::Rest ? "\r\n" : "/"), s.size());
  size_t at = params->size();
  for (size_t n = longest; n >= 1; --n) {
    if (match_pieces(pieces, k + 1, s.substr(n), params)) {
      params->emplace(params->begin() + static_cast<std::ptrdiff_t>(at), s.substr(0, n));
      return true;
    }
  }
  return false;
}

// The 400 for a query parameter the route does not accept, listing those it does; a parameter
// given twice is the handler's to judge (lists refuse it).
std::optional<ApiError> check_query(const Route& route, const httplib::Request& req) {
  if (route.ignores_query) return std::nullopt;
  for (const auto& [name, value] : req.params) {
    if (std::find(route.query.begin(), route.query.end(), name) != route.query.end()) continue;
    std::string where = fmt::format("{} {}", route.method, route.path);
    ApiError e = bad_request(
        route.query.empty()
            ? fmt::format("unknown query parameter '{}': {} takes no query parameters", name, where)
            : fmt::format("unknown query parameter '{}' on {}; expected one of: {}", name, where,
                          diag::join(route.query)));
    if (std::string hint = diag::suggestion(name, route.query); !hint.empty())
      e.message += " (" + hint + ")";
    e.extra = {{"field", name}, {"in", "query"}, {"accepted", route.query}};
    return e;
  }
  return std::nullopt;
}

}  // namespace

void Router::add(Route route) {
  // 0 stays 0 for the body-taking methods: the front end applies Config::max_body_bytes.
  if (route.max_body_bytes == 0 && (route.method == "GET" || route.method == "DELETE"))
    route.max_body_bytes = kNoBodyBytes;
  route.query.clear();
  if (auto params = route.openapi.find("parameters"); params != route.openapi.end()) {
    for (const nlohmann::json& p : *params) {
      if (p.value("in", "") == "query") route.query.push_back(p.value("name", ""));
    }
  }
  entries_.push_back({compile_pattern(route.path)});
  routes_.push_back(std::move(route));
}

bool Router::matches(size_t i, std::string_view path, std::vector<std::string>* params) const {
  params->clear();
  return match_pieces(entries_[i].pieces, 0, path, params);
}

Router::Match Router::match(const httplib::Request& req, httplib::Response& res) const {
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::vector<std::string> allowed;
  bool cors = false;
  for (size_t i = 0; i < routes_.size(); ++i) {
    std::vector<std::string> params;  // httplib decoded the path
    if (!matches(i, req.path, &params)) continue;
    const Route& route = routes_[i];
    if (route.method != method) {
      // Two routes of one method may match a path (/files/signed/… is also a run file's shape).
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end())
        allowed.push_back(route.method);
      cors = cors || route.cors;
      continue;
    }
    return Match{&route, std::move(params)};
  }
  if (allowed.empty()) {
    send_error(res, {404, "not_found", fmt::format("no route for {} {}", req.method, req.path)});
    return {};
  }
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  res.set_header("Allow", allow);
  if (req.method == "OPTIONS") {
    if (cors) {
      res.set_header("Access-Control-Allow-Origin", "*");
      res.set_header("Access-Control-Allow-Methods", allow);
      res.set_header("Access-Control-Allow-Headers", "Range");
      res.set_header("Access-Control-Max-Age", "86400");
    }
    res.status = 204;
    return {};
  }
  send_error(res,
             {405, "method_not_allowed",
              fmt::format("{} is not allowed on {}; allowed: {}", req.method, req.path, allow)});
  return {};
}

void Router::call(const Match& m, const httplib::Request& req, httplib::Response& res,
                  const store::ApiKey& key, std::shared_ptr<Feed>* feed) {
  if (auto e = check_query(*m.route, req)) return send_error(res, *e);
  Call call{req, res, key, m.params};
  m.route->handler(call);
  if (feed) *feed = std::move(call.feed);
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res,
                      const Authenticator& authenticate) const {
  Match m = match(req, res);
  if (!m.route) return;
  store::ApiKey key;
  if (m.route->auth && !authenticate(*m.route, req, res, &key)) return;
  call(m, req, res, key);
}

}  // namespace wfc::api
