// The API server's HTTP front end (issue 19, point 5): libmicrohttpd, with a few epoll threads
// that serve every connection, so an idle or slow socket holds no thread. For each request it
// finds the route and authenticates from the headers alone, before reading any body (a refused
// request is answered at once and its body never read); it then reads the body through a
// BodyReader (decoded, limited as it streams, to the route's cap), calls the route's handler with
// cpp-httplib's Request/Response structs, and sends the Response: buffered bodies, and content
// providers streamed, with Range requests (http_range.h) applied to them.
// Deadlines: headers must arrive within Config::header_timeout_s of the connection's start or of
// its previous request's end, a body within Config::body_timeout_s of its headers; a connection
// past its deadline is shut down. Connections are capped in all and per client address.
// External interface: HttpFront.
#pragma once

#include <memory>
#include <string>

#include "runtime/api/router.h"
#include "runtime/api/server.h"

namespace wfc::api {

class HttpFront {
 public:
  HttpFront(const Router& router, Authenticator authenticate, const Config& config);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  /// Binds and listens on config.host:config.port (IPv4 or IPv6; port 0: an ephemeral one);
  /// returns the port, or -1 with *error set.
  int bind(std::string* error);
  /// Serves until stop(); returns at once when stop() came first.
  void run();
  /// Stops serving (waits for the requests being handled); safe from any thread but a handler.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc::api
