// The HTTP API server (see server.h): the route table of every resource behind the HTTP front
// end (http_front.h), which authenticates each request with its key before its body is read.
#include "runtime/api/server.h"

#include <fmt/format.h>

#include "runtime/api/auth.h"
#include "runtime/api/context.h"
#include "runtime/api/event_stream.h"
#include "runtime/api/http_front.h"
#include "runtime/api/request.h"
#include "runtime/api/router.h"
#include "runtime/api/session.h"
#include "runtime/storage/local_storage.h"

namespace wfc::api {

struct Server::Impl {
  Impl(store::Store& store, Config config, Metrics& metrics, Hooks hooks)
      : store(store),
        config(std::move(config)),
        hooks(std::move(hooks)),
        ctx{store, this->config, metrics, {}, this->hooks.run_queued} {
    if (!this->config.storage) {
      this->config.storage =
          std::make_shared<storage::LocalStorage>(this->config.data_dir / "runs");
    }
    // Signed URLs need a secret; without one (a test's server) they last as long as the process.
    if (this->config.url_signing.secret.empty()) {
      this->config.url_signing.secret = store::new_secret();
    }
    if (!this->config.secrets_key) {
      std::string error;
      this->config.secrets_key = std::make_shared<const connections::SecretsKey>(
          *connections::parse_secrets_key(connections::new_secrets_key_text(), &error));
    }
    add_automation_routes(router, ctx);
    add_run_routes(router, ctx);
    add_task_routes(router, ctx);
    add_event_routes(router, ctx);
    add_file_routes(router, ctx);
    add_key_routes(router, ctx);
    add_connection_routes(router, ctx);
    add_event_stream_route(router, ctx, hub);
    if (this->hooks.routes) this->hooks.routes(router, ctx);
    add_meta_routes(router, ctx);
  }

  /// A route's caller: the Bearer key, or on a route with `session` and no Authorization
  /// header, the dashboard session's cookie (a page of /ui/ without one redirects to sign in).
  bool authenticate_call(const Route& route, const httplib::Request& r, httplib::Response& s,
                         store::ApiKey* key) {
    if (route.session && !r.has_header("Authorization")) {
      Session session;
      if (auto e = authenticate_session(store, config.url_signing.secret, r, unix_now(), &session,
                                        key)) {
        if (r.method == "GET" && route.path.starts_with("/ui/") &&
            !route.path.starts_with("/ui/assets/")) {
          // A page: to the sign-in page, which says why (an expired or ended session).
          s.status = 303;
          s.set_header("Location",
                       "/ui/sign-in" + std::string(e->kind == "session_missing" ? "" : "?ended=1"));
          s.set_header("Cache-Control", "no-store");
          if (e->kind != "session_missing")
            s.set_header("Set-Cookie", cleared_cookie_header(request_is_https(r)));
          return false;
        }
        send_error(s, *e);
        return false;
      }
      // Whatever changes state must come from the dashboard's own pages (the handler also checks
      // the CSRF token, in the body it has not read yet).
      if (r.method != "GET" && r.method != "HEAD") {
        if (auto e = check_same_origin(r)) {
          send_error(s, *e);
          return false;
        }
      }
      return true;
    }
    if (auto e = authenticate(store, r, key)) {
      send_error(s, *e);
      return false;
    }
    return true;
  }

  store::Store& store;
  Config config;
  Hooks hooks;
  Context ctx;
  EventHub hub{store, config.url_signing};
  Router router;
  HttpFront http{router,
                 [this](const Route& route, const httplib::Request& r, httplib::Response& s,
                        store::ApiKey* key) { return authenticate_call(route, r, s, key); },
                 config};
  std::string address;
  std::atomic<bool> stopped{false};
};

Server::Server(store::Store& store, Config config, Metrics& metrics, Hooks hooks)
    : impl_(std::make_unique<Impl>(store, std::move(config), metrics, std::move(hooks))) {}

Server::~Server() { stop(); }

int Server::bind(std::string* error) {
  int port = impl_->http.bind(error);
  if (port <= 0) return -1;
  const Config& c = impl_->config;
  std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  impl_->address = fmt::format("http://{}:{}", host, port);
  return port;
}

std::string Server::address() const { return impl_->address; }

void Server::run() {
  if (impl_->hooks.start_background) impl_->hooks.start_background();
  impl_->hub.start();
  // Returns at once when stop() came first (a SIGTERM just after the listening line).
  impl_->http.run();
}

void Server::stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->hub.stop();   // ends the event streams
  impl_->http.stop();  // waits for the requests being handled
  if (impl_->hooks.stop_background) impl_->hooks.stop_background();
}

void Server::reload() {
  if (impl_->hooks.reload) impl_->hooks.reload();
}

}  // namespace wfc::api
