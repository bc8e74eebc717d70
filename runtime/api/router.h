// The route table: every route the server serves, with what the OpenAPI document says of it and
// the largest body it takes. The HTTP front end (http_front.h) finds a request's route from its
// headers (match), authenticates and checks the body's size before reading the body, then calls
// the route's handler (call); a known path with the wrong method is a 405 with `Allow`, and
// `GET /openapi.json` is generated from exactly the routes that are served. The query parameters
// a route documents are the ones it accepts: any other is a 400 listing them, on every route.
// Handlers take cpp-httplib's Request/Response structs. External interface: Route, Router.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/store.h"

namespace wfc::api {

/// An open-ended answer (server-sent events: GET /events/stream): the front end sends what
/// `read` gives as it comes, and between two pieces the connection holds no thread.
class Feed {
 public:
  virtual ~Feed() = default;
  /// Moves what is ready to send to *out; false when the stream has ended (after *out).
  virtual bool read(std::string* out) = 0;
  /// Calls `wake` once, from any thread (or at once), when read has something or has ended.
  virtual void notify(std::function<void()> wake) = 0;
  /// The connection closed: no wake is called once this returns.
  virtual void close() = 0;
};

/// What a handler gets besides the request: the caller's key (empty id on public routes) and
/// the path parameters in the order the pattern names them. A handler that answers with a
/// stream sets `feed` (the status and headers in `res` go first).
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const store::ApiKey& key;
  std::vector<std::string> params;
  std::shared_ptr<Feed> feed = nullptr;
};

using Handler = std::function<void(Call&)>;

struct Route {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // OpenAPI form: "/runs/{id}"; a parameter named {path} takes slashes
  std::string summary;
  bool auth = true;  // false: no API key needed (/healthz, /metrics, /openapi.json)
  Handler handler;
  /// OpenAPI extras for this operation: `requestBody`, extra `parameters`, `responses` (built
  /// with api::Doc, runtime/api/openapi.h). Its query parameters are the ones the route accepts.
  nlohmann::json openapi = nlohmann::json::object();
  /// The largest request body this route takes, counted after decompression as it streams in
  /// (413 past it). 0: Router::add sets the default, kNoBodyBytes for GET and DELETE (which take
  /// no body) and Config::max_body_bytes (1 MiB) for the others, applied by the front end.
  size_t max_body_bytes = 0;
  /// Set by Router::add from `openapi`'s parameters `in: query`: the query parameters this route
  /// accepts. Any other is a 400 request_invalid that lists them (Router::call).
  std::vector<std::string> query = {};
  /// Fetched by browsers from other origins (signed file URLs): a CORS preflight (OPTIONS) of its
  /// path answers with Access-Control-Allow-Origin: * and the Range header allowed; the handler
  /// sets the headers of its own answers.
  bool cors = false;
  /// A file download: a query string (a player's or a cache's own, such as a cache-busting
  /// `?_=…`) is ignored rather than refused, and OpenAPI marks it `x-query-ignored`.
  bool ignores_query = false;
  /// Also served to a signed-in dashboard session (runtime/api/session.h): its cookie
  /// authenticates it in place of the Authorization header. The pages of /ui/ and the event
  /// stream; never the JSON API's state-changing routes, so a cookie can change nothing there.
  bool session = false;
};

/// The body cap of routes that take no body (GET, DELETE): stray bytes, not a document.
inline constexpr size_t kNoBodyBytes = 16 * 1024;

/// Authenticates a call to a route with `auth`; on failure it has answered and returns false.
using Authenticator = std::function<bool(const struct Route&, const httplib::Request&,
                                         httplib::Response&, store::ApiKey*)>;

class Router {
 public:
  void add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  /// A request's route and its path parameters (decoded).
  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
  };
  /// Finds the route of a request from its method and path alone (no body needed). Without one
  /// it answers in `res` and returns no route: 404 for an unknown path, 405 with `Allow` for a
  /// known path and another method (HEAD is GET's; OPTIONS answers 204 with `Allow`, and the
  /// CORS preflight headers when a route of the path has `cors`).
  Match match(const httplib::Request& req, httplib::Response& res) const;
  /// Calls a matched route's handler with the caller's key, once its query parameters are among
  /// the ones the route accepts (else a 400 that lists them).
  /// A streaming handler's Feed is left in *feed (when given).
  static void call(const Match& m, const httplib::Request& req, httplib::Response& res,
                   const store::ApiKey& key, std::shared_ptr<Feed>* feed = nullptr);

  /// match, authenticate (on routes with `auth`), call: all at once, for a request whose body
  /// is already read (tests; the server goes through the front end).
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
