// The route table and its dispatch (see router.h).
#include "runtime/api/router.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/api/request.h"

namespace wfc::api {

namespace {

// "/runs/{id}/cancel" → ^/runs/([^/]+)/cancel$; {path} → (.+).
std::regex compile_pattern(const std::string& path) {
  std::string re = "^";
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '{') {
      size_t close = path.find('}', i);
      std::string name = path.substr(i + 1, close - i - 1);
      re += name == "path" ? "(.+)" : "([^/]+)";
      i = close;
    } else if (std::string_view(".+*?()[]^$|\\").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  return std::regex(re + "$");
}

}  // namespace

void Router::add(Route route) {
  // 0 stays 0 for the body-taking methods: the front end applies Config::max_body_bytes.
  if (route.max_body_bytes == 0 && (route.method == "GET" || route.method == "DELETE"))
    route.max_body_bytes = kNoBodyBytes;
  entries_.push_back({compile_pattern(route.path)});
  routes_.push_back(std::move(route));
}

Router::Match Router::match(const httplib::Request& req, httplib::Response& res) const {
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::vector<std::string> allowed;
  for (size_t i = 0; i < routes_.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(req.path, m, entries_[i].pattern)) continue;
    const Route& route = routes_[i];
    if (route.method != method) {
      allowed.push_back(route.method);
      continue;
    }
    Match found{&route, {}};
    for (size_t g = 1; g < m.size(); ++g) found.params.push_back(m[g]);  // the path is decoded
    return found;
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
    res.status = 204;
    return {};
  }
  send_error(res,
             {405, "method_not_allowed",
              fmt::format("{} is not allowed on {}; allowed: {}", req.method, req.path, allow)});
  return {};
}

void Router::call(const Match& m, const httplib::Request& req, httplib::Response& res,
                  const store::ApiKey& key) {
  Call call{req, res, key, m.params};
  m.route->handler(call);
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res,
                      const Authenticator& authenticate) const {
  Match m = match(req, res);
  if (!m.route) return;
  store::ApiKey key;
  if (m.route->auth && !authenticate(req, res, &key)) return;
  call(m, req, res, key);
}

}  // namespace wfc::api
