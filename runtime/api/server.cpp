// The HTTP API server (see server.h): the route table of every resource behind the HTTP front
// end (http_front.h), which authenticates each request with its key before its body is read.
#include "runtime/api/server.h"

#include <fmt/format.h>

#include "runtime/api/auth.h"
#include "runtime/api/context.h"
#include "runtime/api/http_front.h"
#include "runtime/api/request.h"
#include "runtime/api/router.h"
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
    add_meta_routes(router, ctx);
  }

  store::Store& store;
  Config config;
  Hooks hooks;
  Context ctx;
  Router router;
  HttpFront http{router,
                 [this](const httplib::Request& r, httplib::Response& s, store::ApiKey* key) {
                   if (auto e = authenticate(store, r, key)) {
                     send_error(s, *e);
                     return false;
                   }
                   return true;
                 },
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
  // Returns at once when stop() came first (a SIGTERM just after the listening line).
  impl_->http.run();
}

void Server::stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->http.stop();  // waits for the requests being handled
  if (impl_->hooks.stop_background) impl_->hooks.stop_background();
}

void Server::reload() {
  if (impl_->hooks.reload) impl_->hooks.reload();
}

}  // namespace wfc::api
