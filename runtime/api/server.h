// The HTTP API server (issue 7; docs/api.md): ittybit-compatible automations, runs, tasks,
// events and output files over HTTP (libmicrohttpd, runtime/api/http_front.h), on a Store. It only
// answers requests: the runs it queues are executed by a worker pool (runtime/exec/worker_pool.h)
// that `wfc serve` (tools/wfc/runtime/cmd_serve.cpp) runs beside it and plugs in through Hooks.
// External interface: Config, Hooks, Server.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "runtime/api/metrics.h"
#include "runtime/api/sign_urls.h"
#include "runtime/connections/secrets_key.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/storage/storage.h"
#include "runtime/store/store.h"

namespace wfc::api {

class Router;
struct Context;

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port (Server::bind() says which)
  /// The data directory (DATA/runs/<run id>/ holds the runs' working files).
  std::filesystem::path data_dir = "wfc-data";
  /// Where runs' outputs are kept, at "<run id>/<path>" (--storage; docs/storage.md): the file
  /// routes stream and delete them there. Null: LocalStorage over DATA/runs, the default.
  std::shared_ptr<storage::Storage> storage;
  /// Larger request bodies are 413, counted after decompression as they stream in; a route may
  /// set its own (Route::max_body_bytes).
  size_t max_body_bytes = 1u << 20;
  /// Threads of the HTTP front end, each serving its share of the connections with epoll: an
  /// open connection holds no thread, only a request being handled does (docs/dependencies.md,
  /// "libmicrohttpd", has the measurements).
  int http_threads = 8;
  int keep_alive_requests = 1000;  // requests per connection before the server closes it
  /// Open connections in all (capped further by the open-file limit), and per client address:
  /// the next one is closed as it is accepted.
  int max_connections = 1000;
  int max_connections_per_address = 128;
  /// Deadlines (docs/security.md, "Slow and abusive clients"): a request's headers must arrive
  /// within header_timeout_s of the connection's start (or of its previous request's end, so it
  /// is also the keep-alive timeout), and its body within body_timeout_s of its headers; a
  /// connection silent for idle_timeout_s is closed. Past a deadline the connection is closed.
  int header_timeout_s = 10;
  int body_timeout_s = 60;
  int idle_timeout_s = 30;
  /// Memory for one connection's request line, headers and read buffer: larger headers are
  /// refused (431).
  size_t connection_memory_bytes = 32 * 1024;
  /// The policy the workers fetch inputs under. When set, a run request whose input it refuses
  /// by the URL's text alone (AccessPolicy::check_without_resolving) is a 422 at creation.
  std::shared_ptr<const ingest::AccessPolicy> access;
  /// How output file URLs are signed (sign_urls.h): the secret (a Server given none makes one
  /// for its lifetime) and the lifetime of each URL.
  UrlSigning url_signing;
  /// Seals the secrets of POST/PATCH /connections (runtime/connections/secrets_key.h): the key
  /// kept outside the database (`--secrets-key`, WFC_SECRETS_KEY, DATA/secrets-key). A Server
  /// given none makes one for its lifetime (a test's server).
  std::shared_ptr<const connections::SecretsKey> secrets_key;
};

/// Where other parts of the process plug in (wfc serve wires them in cmd_serve).
struct Hooks {
  /// Called once the socket is bound, before serving, and at shutdown once serving stopped:
  /// the worker pool and the webhook deliverer (runtime/webhooks/delivery.*) start and stop here.
  std::function<void()> start_background, stop_background;
  /// A run was created and queued (POST /automations/{id}/run, /runs, /tasks): wakes the worker
  /// pool, so an idle worker claims it at once rather than at its next poll.
  std::function<void()> run_queued;
  /// SIGHUP: reload the automations of --workflows (runtime/automation/workflow_dir.*).
  std::function<void()> reload;
  /// Adds more routes to the table (the dashboard at /ui/, runtime/ui/routes.h), before the
  /// meta routes.
  std::function<void(Router&, Context&)> routes;
};

class Server {
 public:
  /// `metrics`: what GET /metrics reports beside the store's counts; the caller shares it with
  /// what else counts (the worker pool's task durations).
  Server(store::Store& store, Config config, Metrics& metrics, Hooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; returns the port (the ephemeral one for port 0), or -1 with
  /// *error set.
  int bind(std::string* error);
  /// "http://HOST:PORT" of the bound socket.
  std::string address() const;
  /// Calls Hooks::start_background, then serves until stop(). Blocks.
  void run();
  /// Stops serving, then calls Hooks::stop_background; safe from any thread (not from a signal
  /// handler).
  void stop();
  /// SIGHUP's action: calls Hooks::reload if set.
  void reload();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc::api
