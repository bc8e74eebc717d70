// The HTTP API server (issue 7; docs/api.md): ittybit-compatible automations, runs, tasks,
// events and output files over cpp-httplib, on a Store. It only answers requests: the runs it
// queues are executed by a worker pool (runtime/exec/worker_pool.h) that `wfc serve`
// (tools/wfc/runtime/cmd_serve.cpp) runs beside it and plugs in through Hooks.
// External interface: Config, Hooks, Server.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "runtime/api/metrics.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/store/store.h"

namespace httplib {
class Server;
}

namespace wfc::api {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port (Server::bind() says which)
  /// Where runs' outputs are (DATA/runs/<run id>/, written by the workers): GET /files reads them.
  std::filesystem::path data_dir = "wfc-data";
  size_t max_body_bytes = 1u << 20;  // larger request bodies are 413
  /// Connections served at once. cpp-httplib gives each open connection a pool thread for as
  /// long as it stays open (keep-alive), so with its default of 8 on 2 cores the 9th client
  /// waits for a whole connection to end: 64 keep-alive clients saw p99 latencies over a second.
  /// Threads waiting on a socket cost only their stacks.
  int http_threads = 128;
  int keep_alive_requests = 1000;  // requests per connection before the server closes it
  /// The policy the workers fetch inputs under. When set, a run request whose input it refuses
  /// by the URL's text alone (AccessPolicy::check_without_resolving) is a 422 at creation.
  std::shared_ptr<const ingest::AccessPolicy> access;
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
