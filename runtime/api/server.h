// The HTTP API server (issue 7; docs/api.md): ittybit-compatible automations, runs, tasks,
// events and output files over cpp-httplib, on a Store, with a pool of workers that execute the
// queued runs. `wfc serve` (tools/wfc/cmd_serve.cpp) builds a Config and runs one Server.
// External interface: Config, Hooks, Server.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "runtime/store/store.h"

namespace httplib {
class Server;
}

namespace wfc::api {

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: an ephemeral port (Server::bind() says which)
  /// Runs' workspaces (DATA/runs/<run id>/: the fetched input, the outputs) and the worker id.
  std::filesystem::path data_dir = "wfc-data";
  /// The base of output files' `url`s; "" → http://HOST:PORT of the bound socket.
  std::string public_url;
  /// Runs executed at once. One by default: on 2 cores a media run already uses both (the
  /// scheduler runs one thread per core and a fused pass decodes once); 0 executes nothing
  /// (the API accepts and queues runs, e.g. while another process works the queue).
  int workers = 1;
  unsigned scheduler_threads = 0;  // per run; 0: one per core
  ingest::AccessPolicy access;     // what inputs may be fetched from (--allow-hosts, …)
  ingest::FetchLimits fetch_limits;
  size_t max_body_bytes = 1u << 20;  // larger request bodies are 413
  /// Connections served at once. cpp-httplib gives each open connection a pool thread for as
  /// long as it stays open (keep-alive), so with its default of 8 on 2 cores the 9th client
  /// waits for a whole connection to end: 64 keep-alive clients saw p99 latencies over a second.
  /// Threads waiting on a socket cost only their stacks.
  int http_threads = 128;
  int keep_alive_requests = 1000;           // requests per connection before the server closes it
  std::chrono::milliseconds lease{30'000};  // a worker's claim on a run
  /// How often a worker renews its lease, which is also how soon it hears of a cancel request.
  std::chrono::milliseconds renew{2'000};
  std::chrono::milliseconds poll{500};  // how often idle workers look for lapsed leases
};

/// Where other parts of the server plug in (the lead wires them in cmd_serve).
struct Hooks {
  /// Called once the socket is bound and the workers run, and at shutdown before the workers
  /// stop: the webhook deliverer's thread (runtime/api/webhooks.*) starts and stops here.
  std::function<void()> start_background, stop_background;
  /// SIGHUP: reload the automations of --workflows (runtime/automation/workflow_dir.*).
  std::function<void()> reload;
};

class Server {
 public:
  Server(store::Store& store, Config config, Hooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; returns the port (the ephemeral one for port 0), or -1 with
  /// *error set.
  int bind(std::string* error);
  /// "http://HOST:PORT" of the bound socket.
  std::string address() const;
  /// Starts the workers and background hooks, then serves until stop(). Blocks.
  void run();
  /// Stops serving and the workers; safe from any thread (not from a signal handler).
  void stop();
  /// SIGHUP's action: calls Hooks::reload if set.
  void reload();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc::api
