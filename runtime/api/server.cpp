// The HTTP API server (see server.h): cpp-httplib in front, the route table behind one
// catch-all handler per method, errors in the seeds' shape.
#include "runtime/api/server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "runtime/api/auth.h"
#include "runtime/api/context.h"
#include "runtime/api/request.h"
#include "runtime/api/router.h"

namespace wfc::api {

struct Server::Impl {
  Impl(store::Store& store, Config config, Metrics& metrics, Hooks hooks)
      : store(store),
        config(std::move(config)),
        hooks(std::move(hooks)),
        ctx{store, this->config, metrics, {}, this->hooks.run_queued} {
    add_automation_routes(router, ctx);
    add_run_routes(router, ctx);
    add_task_routes(router, ctx);
    add_event_routes(router, ctx);
    add_file_routes(router, ctx);
    add_key_routes(router, ctx);
    add_meta_routes(router, ctx);
    wire_http();
  }

  void wire_http() {
    http.set_payload_max_length(config.max_body_bytes);
    // httplib writes the headers and the body separately: without TCP_NODELAY, Nagle and the
    // client's delayed ACK hold every response about 40 ms (measured: ~280 requests/s at c=8).
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(static_cast<size_t>(std::max(1, config.keep_alive_requests)));
    http.new_task_queue = [n = std::max(1, config.http_threads)] {
      return new httplib::ThreadPool(static_cast<size_t>(n));
    };
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      router.dispatch(req, res,
                      [this](const httplib::Request& r, httplib::Response& s, store::ApiKey* key) {
                        if (auto e = authenticate(store, r, key)) {
                          send_error(s, *e);
                          return false;
                        }
                        return true;
                      });
    };
    // Every path goes through the route table, so wrong methods are 405 rather than 404.
    http.Get(".*", dispatch);
    http.Post(".*", dispatch);
    http.Put(".*", dispatch);
    http.Patch(".*", dispatch);
    http.Delete(".*", dispatch);
    http.Options(".*", dispatch);
    // Statuses httplib sets itself (413 for a large body, 400 for a bad request line, 416 for
    // a bad range) leave without a body; give them the seeds' shape.
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty() || res.status == 204)
            return httplib::Server::HandlerResponse::Unhandled;
          std::string message = res.status == 413   ? "the request body is larger than the limit"
                                : res.status == 416 ? "the requested range is not satisfiable"
                                                    : fmt::format("HTTP {}", res.status);
          send_error(res, {res.status, std::string(kind_for_status(res.status)), message});
          return httplib::Server::HandlerResponse::Handled;
        }));
    // A handler that throws (a broken database, a bug) answers 500; the server lives on.
    http.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown error";
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          fmt::print(stderr, "wfc serve: {} {}: {}\n", req.method, req.path, what);
          send_error(res, {500, "internal_error", "the server failed to answer this request"});
        });
  }

  store::Store& store;
  Config config;
  Hooks hooks;
  Context ctx;
  Router router;
  httplib::Server http;
  std::string address;
  std::atomic<bool> stopped{false};
  std::atomic<bool> entering{false};  // run() is on its way into httplib's accept loop
};

Server::Server(store::Store& store, Config config, Metrics& metrics, Hooks hooks)
    : impl_(std::make_unique<Impl>(store, std::move(config), metrics, std::move(hooks))) {}

Server::~Server() { stop(); }

int Server::bind(std::string* error) {
  Config& c = impl_->config;
  int port = c.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(c.host);
  } else if (!impl_->http.bind_to_port(c.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    *error = fmt::format("cannot listen on {}:{}", c.host, c.port);
    return -1;
  }
  std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  impl_->address = fmt::format("http://{}:{}", host, port);
  return port;
}

std::string Server::address() const { return impl_->address; }

void Server::run() {
  if (impl_->hooks.start_background) impl_->hooks.start_background();
  impl_->entering = true;
  if (!impl_->stopped) impl_->http.listen_after_bind();
  impl_->entering = false;
}

void Server::stop() {
  if (impl_->stopped.exchange(true)) return;
  // httplib's stop() does nothing before its accept loop runs: a SIGTERM that comes just after
  // the listening line but before run() reached the loop would leave the server serving for
  // ever. So wait (briefly) for a run() on its way in to be seen running, then stop it.
  for (int i = 0; i < 2000 && impl_->entering && !impl_->http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
  if (impl_->hooks.stop_background) impl_->hooks.stop_background();
}

void Server::reload() {
  if (impl_->hooks.reload) impl_->hooks.reload();
}

}  // namespace wfc::api
