// The route table: every route the server serves, with what the OpenAPI document says of it.
// The server registers one catch-all handler per HTTP method with cpp-httplib and dispatches
// through this table itself, so that a known path with the wrong method is a 405 with `Allow`
// (httplib would answer 404) and so that `GET /openapi.json` is generated from exactly the
// routes that are served. External interface: Router.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/store.h"

namespace wfc::api {

/// What a handler gets besides the request: the caller's key (empty id on public routes) and
/// the path parameters in the order the pattern names them.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const store::ApiKey& key;
  std::vector<std::string> params;
};

using Handler = std::function<void(Call&)>;

struct Route {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // OpenAPI form: "/runs/{id}"; a parameter named {path} takes slashes
  std::string summary;
  bool auth = true;  // false: no API key needed (/healthz, /metrics, /openapi.json)
  Handler handler;
  /// OpenAPI extras for this operation: `requestBody`, extra `parameters`, `responses`.
  nlohmann::json openapi = nlohmann::json::object();
};

/// Authenticates a call to a route with `auth`; on failure it has answered and returns false.
using Authenticator =
    std::function<bool(const httplib::Request&, httplib::Response&, store::ApiKey*)>;

class Router {
 public:
  void add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  /// Finds the route and calls it: 404 for an unknown path, 405 with `Allow` for a known path
  /// and another method (HEAD is GET's; OPTIONS answers 204 with `Allow`).
  void dispatch(const httplib::Request& req, httplib::Response& res,
                const Authenticator& authenticate) const;

  /// Whether route `i`'s path pattern matches `path`; its parameters' values in `params`.
  bool matches(size_t i, std::string_view path, std::vector<std::string>* params) const;

  /// A piece of a compiled path pattern (router.cpp).
  struct Piece {
    enum Kind { Literal, Segment, Rest } kind;
    std::string text;  // Literal's
  };

 private:
  struct Entry {
    std::vector<Piece> pieces;
  };
  std::vector<Route> routes_;
  std::vector<Entry> entries_;  // parallel to routes_
};

}  // namespace wfc::api
