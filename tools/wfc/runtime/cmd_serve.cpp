// `wfc serve [--listen HOST:PORT] [--store URL] [--data DIR] [--workflows DIR] [--keys FILE]`:
// the HTTP API (runtime/api/server.h, docs/api.md) on the store --store names (store_flags.h:
// SQLite by default, or PostgreSQL), with the worker pool that executes queued runs
// (runtime/exec/worker_pool.h) and the webhook deliverer (runtime/webhooks/delivery.h) beside it;
// this file wires them together. Every option has an environment variable (WFC_LISTEN, WFC_STORE,
// WFC_DB, WFC_DATA, WFC_WORKFLOWS, WFC_API_KEYS as comma-separated keys, WFC_PUBLIC_URL,
// WFC_WORKERS, WFC_WEBHOOKS, WFC_URL_LIFETIME, and the worker processes' flags of
// worker_flags.h, shared with `wfc worker`); the access flags are `wfc run`'s (access_flags.h), and
// they also bound where webhooks may go. Each claimed run executes in a worker process of its own
// (`wfc-runtime exec-run`, runtime/exec/run_process.h), given the same access and AI flags.
// `--workers 0` is an API-only node: it accepts and queues runs for `wfc worker`s on the same
// store. `--webhooks off` leaves webhook delivery to another node (docs/deploy.md: one node of a
// deployment delivers). The first line on standard output is
// `listening on http://HOST:PORT` with the port actually bound (`--listen 127.0.0.1:0` picks an
// ephemeral one). SIGTERM and SIGINT stop it cleanly; SIGHUP reloads --workflows.
// Connections' secrets are sealed with the key of --secrets-key FILE, WFC_SECRETS_KEY or
// DATA/secrets-key (secrets_flags.h); on a SQLite store DATA/secrets-key is made at first start,
// on PostgreSQL (many nodes, one key) a missing key is a usage error: exit 2 with how to make one.
#include <fmt/format.h>
#include <pthread.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "runtime/api/server.h"
#include "runtime/automation/workflow_dir.h"
#include "runtime/connections/connection.h"
#include "runtime/connections/secrets_key.h"
#include "runtime/exec/worker_pool.h"
#include "runtime/net/ip_address.h"
#include "runtime/store/open_store.h"
#include "runtime/store/private_files.h"
#include "runtime/ui/dashboard.h"
#include "runtime/webhooks/delivery.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime/secrets_flags.h"
#include "tools/wfc/runtime/store_flags.h"
#include "tools/wfc/runtime/worker_flags.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Args {
  std::string listen = "127.0.0.1:8080";
  StoreFlags store;  // neither → DATA/wfc.db
  std::string data = "wfc-data";
  std::string workflows;
  std::string keys_file;
  std::vector<std::string> keys;  // WFC_API_KEYS
  std::string public_url;
  std::string webhook_secret;        // "" → one made once per data directory
  std::string url_secret;            // "" → derived from the secrets key (PostgreSQL), or kept
  int64_t url_lifetime = 24 * 3600;  // seconds a signed output URL works (WFC_URL_LIFETIME)
  int workers = 1;
  std::string webhooks = "on";    // off: another node delivers them
  std::string file_urls = "api";  // api | presigned (WFC_FILE_URLS)
  WorkerFlags worker;             // the worker processes', access, limit, AI and storage flags
};

bool parse_listen(const std::string& text, std::string* host, int* port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  try {
    size_t used = 0;
    *port = std::stoi(text.substr(colon + 1), &used);
    return used == text.size() - colon - 1 && *port >= 0 && *port <= 65535;
  } catch (const std::exception&) {
    return false;
  }
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A secret kept in DATA/NAME: made on first use, readable by the owner alone from its first byte
// (store::keep_private_file); one found readable by others is narrowed to 0600, with a warning.
std::string kept_secret(const Args& args, const std::string& name) {
  fs::path file = fs::path(args.data) / name;
  std::string secret;
  std::ifstream(file) >> secret;
  if (!secret.empty()) {
    if (unsigned shared = store::shared_mode_bits(file)) {
      std::cerr << fmt::format(
          "wfc serve: warning: {} was readable by others (mode {:o}); narrowed to 0600: make a "
          "new secret if others on this host are not to be trusted\n",
          file.string(), 0600 | shared);
      ::chmod(file.c_str(), 0600);
    }
    return secret;
  }
  std::string error;
  auto kept = store::keep_private_file(file, store::new_secret() + "\n", &error);
  if (!kept) throw store::StoreError(error);
  std::istringstream(*kept) >> secret;
  return secret;
}

// True for an address only this host can reach: the loopback class of runtime/net (127.0.0.0/8,
// ::1, IPv4-mapped forms) and "localhost".
bool loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  auto address = net::IpAddress::parse(host);
  return address && net::classify(*address) == net::AddressClass::Loopback;
}

// The keys that may call the API: --keys (one per line, `#` comments) and WFC_API_KEYS. With
// none, a development key is made once per data directory and printed, on a loopback --listen
// address only. Configuration is the truth at every start: a configuration key in the store that
// is not configured now (a removed one, or the development key once real keys are) is retired.
// Keys made through the API (POST /keys) are not configuration's: they stay as they are.
bool register_keys(const Args& args, bool loopback, store::Store& store, std::string* dev_key,
                   std::string* error) {
  std::vector<store::ApiKey> configured;
  if (!args.keys_file.empty()) {
    std::ifstream in(args.keys_file);
    if (!in) {
      *error = fmt::format("cannot read the keys file '{}'", args.keys_file);
      return false;
    }
    std::string line;
    for (int at = 1; std::getline(in, line); ++at) {
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      configured.push_back(
          store.add_api_key(fmt::format("{}:{}", fs::path(args.keys_file).filename().string(), at),
                            line, "config", ""));
    }
  }
  for (size_t i = 0; i < args.keys.size(); ++i) {
    std::string key = trim(args.keys[i]);
    if (key.empty()) continue;
    configured.push_back(
        store.add_api_key(fmt::format("WFC_API_KEYS:{}", i + 1), key, "config", ""));
  }
  if (configured.empty()) {
    if (!loopback) {
      *error = fmt::format(
          "no API key is configured and --listen {} is reachable from other hosts: configure keys "
          "with --keys FILE or --api-keys/WFC_API_KEYS (the development key is made for a "
          "loopback address only, e.g. --listen 127.0.0.1:8080)",
          args.listen);
      return false;
    }
    std::string secret = kept_secret(args, "dev-api-key");
    configured.push_back(store.add_api_key("development", secret, "dev", ""));
    *dev_key = secret;
  }
  std::vector<std::string> ids;
  for (const auto& k : configured) {
    ids.push_back(k.id);
    // Revoking is final: configuring the same secret again does not bring it back.
    if (k.status == "revoked") {
      std::cerr << fmt::format(
          "wfc serve: warning: key {} ({}) is configured but was revoked through the API: it "
          "does not work; configure a new secret{}\n",
          k.id, k.name,
          k.source == "dev" ? " (or delete " + (fs::path(args.data) / "dev-api-key").string() +
                                  " to make a new development key)"
                            : "");
    }
  }
  for (const auto& k : store.retire_unconfigured_keys(ids)) {
    std::cerr << fmt::format("wfc serve: key {} ({}) is no longer configured: retired\n", k.id,
                             k.name);
  }
  return true;
}

int serve(const Args& args) {
  // Signals go to one thread that sigwait()s, blocked everywhere else: set before any thread
  // starts (the store starts its checkpointer).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  api::Config config;
  if (!parse_listen(args.listen, &config.host, &config.port)) {
    std::cerr << fmt::format("wfc serve: --listen must be HOST:PORT, got '{}'\n", args.listen);
    return kUsage;
  }
  std::string error;
  // Private files (docs/security.md): what this process creates is its owner's alone (0600
  // files, 0700 directories), FFmpeg's outputs and SQLite's -wal and -shm files included.
  ::umask(::umask(0) | 077);
  if (!store::create_private_dirs(args.data, &error)) {
    std::cerr << "wfc serve: " << error << "\n";
    return kUsage;
  }
  // The runs' outputs are written under the data directory; `export` tasks write only below
  // --allow-export directories (the data directory is not one unless named).
  config.data_dir = fs::absolute(args.data);
  std::string store_url;
  exec::WorkerPoolOptions pool_options;
  if (!resolve_store_url(args.store, config.data_dir, &store_url, &error) ||
      !worker_pool_options(args.worker, config.data_dir, store_url, args.workers, "wfc serve",
                           &pool_options, &error)) {
    std::cerr << "wfc serve: " << error << "\n";
    return kUsage;
  }
  // Connections' secrets are sealed with a key kept outside the database (docs/security.md). A
  // PostgreSQL store is shared by many nodes, which must seal and open them with one key: a key
  // made here would be this node's alone, and a connection made through it could not be opened
  // by the workers or the other API nodes. So only on SQLite is DATA/secrets-key made; a missing
  // key is refused before the database is touched, as the configuration error it is.
  const bool shared_store = store::is_postgres_url(store_url);
  config.secrets_key =
      secrets_key(args.worker.secrets_key, config.data_dir, /*create=*/!shared_store, &error);
  if (!config.secrets_key) {
    std::cerr << "wfc serve: " << error << "\n";
    if (shared_store) {
      std::cerr << "wfc serve: the store is PostgreSQL, shared by every node, so no key is made "
                   "here: give every node the same key with --secrets-key FILE or "
                   "WFC_SECRETS_KEY. A key is 64 hex digits; make one once with:\n"
                   "  (umask 077; openssl rand -hex 32 > /etc/wfc/secrets-key)\n"
                   "and give that file to every node (docs/security.md \"Connection secrets\")\n";
    }
    return kUsage;
  }
  // Where outputs are kept and served from (docs/storage.md, "Wiring"): the workers' storage.
  config.storage = pool_options.storage;
  if (args.file_urls == "presigned") {
    if (!config.storage->presigned_get("probe", 1, 0)) {
      std::cerr << fmt::format(
          "wfc serve: --file-urls presigned needs S3 storage (--storage s3://bucket/prefix); {} "
          "cannot presign URLs\n",
          config.storage->describe());
      return kUsage;
    }
    config.url_signing.presign = config.storage;
  }
  // The API refuses at creation what this policy refuses by the URL's text (docs/security.md).
  config.access = std::make_shared<ingest::AccessPolicy>(pool_options.access);
  // Output files' urls: --public-url, else the address the socket is bound to (set once bound),
  // then the API's file route (GET /files/{run_id}/{path}).
  std::string files_base = args.public_url;
  while (!files_base.empty() && files_base.back() == '/') files_base.pop_back();

  std::unique_ptr<store::Store> store;
  std::string dev_key;  // set when no key was configured
  try {
    store = store::open_store(store_url);
    if (!register_keys(args, loopback_host(config.host), *store, &dev_key, &error)) {
      std::cerr << "wfc serve: " << error << "\n";
      return kUsage;
    }
  } catch (const store::StoreError& e) {
    std::cerr << "wfc serve: " << e.what() << "\n";
    return kProblems;
  }

  if (std::string w = connections::other_key_warning(*store, *config.secrets_key); !w.empty()) {
    std::cerr << "wfc serve: warning: " << w << "\n";
  }
  pool_options.connections =
      std::make_shared<connections::StoredConnections>(*store, config.secrets_key);

  api::Hooks hooks;
  // The dashboard at /ui/ (runtime/ui): it shows the files of --workflows that did not deploy.
  ui::Dashboard dashboard(args.workflows);
  hooks.routes = [&dashboard](api::Router& router, api::Context& ctx) {
    dashboard.add_routes(router, ctx);
  };
  if (!args.workflows.empty()) {
    // The files become automations before the socket opens (invalid ones are reported and
    // skipped; the server starts all the same), and again on SIGHUP.
    auto load = [&store, &dashboard, dir = args.workflows] {
      try {
        automation::LoadReport report = automation::load_workflow_dir(*store, dir);
        dashboard.set_invalid(report.invalid);
        std::cerr << "wfc serve: " << dir << ": " << automation::describe(report);
      } catch (const store::StoreError& e) {
        std::cerr << "wfc serve: loading " << dir << ": " << e.what() << "\n";
      }
    };
    load();
    hooks.reload = load;
  }
  // Runs execute in the worker pool; the server wakes it when it queues one, and the pool times
  // its tasks into the server's metrics. With --workers 0 it only releases the leases of this
  // data directory's previous process at start: an API-only node.
  api::Metrics metrics;
  exec::WorkerPool workers(
      *store, pool_options,
      [&files_base](const std::string& run_id) { return files_base + "/files/" + run_id; },
      [&metrics](std::string_view kind, std::string_view status, double seconds) {
        metrics.observe_task(kind, status, seconds);
      });
  hooks.run_queued = [&workers] { workers.wake(); };
  // Webhooks: the store is the outbox; a thread delivers what is due, signed with the secret.
  // Output URLs are signed with a secret kept in the data directory, so they outlive a restart
  // (docs/api.md, "Signed URLs"); the deliverer signs them in event bodies as the API does.
  std::string webhook_secret = args.webhook_secret;
  try {
    if (webhook_secret.empty()) webhook_secret = kept_secret(args, "webhook-secret");
    // Every API node of a shared store must open the URLs and sessions another signed: there the
    // secret comes from the key they share (docs/deploy.md "What every node must share").
    config.url_signing.secret = !args.url_secret.empty() ? args.url_secret
                                : shared_store
                                    ? connections::derive_secret(*config.secrets_key, "url signing")
                                    : kept_secret(args, "url-secret");
  } catch (const store::StoreError& e) {
    std::cerr << "wfc serve: " << e.what() << "\n";
    return kProblems;
  }
  config.url_signing.lifetime_s = args.url_lifetime;
  webhooks::WebhookOptions webhook_options;
  webhook_options.transform = [signing = config.url_signing](nlohmann::json& event) {
    api::sign_urls(event, signing, api::unix_now());
  };
  webhooks::WebhookDeliverer deliverer(*store, webhook_secret, pool_options.access,
                                       webhook_options);
  const bool deliver = args.webhooks == "on";
  hooks.start_background = [&workers, &deliverer, deliver] {
    workers.start();
    if (deliver) deliverer.start();
  };
  hooks.stop_background = [&workers, &deliverer] {
    deliverer.stop();
    workers.stop();
  };

  api::Server server(*store, config, metrics, hooks);
  int port = server.bind(&error);
  if (port < 0) {
    std::cerr << "wfc serve: " << error << "\n";
    return kProblems;
  }
  // Before the workers start (Server::run), which read it from their threads.
  if (files_base.empty()) files_base = server.address();
  std::cout << "listening on " << server.address() << std::endl;
  std::cerr << fmt::format("wfc serve: {} worker(s), store {}, data in {}, outputs in {}{}\n",
                           pool_options.workers, store::redact_store_url(store_url),
                           config.data_dir.string(), config.storage->describe(),
                           deliver ? "" : ", webhooks delivered by another node");
  if (!dev_key.empty()) {
    std::string a = server.address();
    std::cerr << fmt::format(
        "wfc serve: no --keys or WFC_API_KEYS: a development API key (kept in {}):\n"
        "  export WFC_KEY={}\n"
        "  curl -s {}/automations -H \"Authorization: Bearer $WFC_KEY\"\n"
        "  curl -s {}/runs -H \"Authorization: Bearer $WFC_KEY\"\n",
        (fs::path(args.data) / "dev-api-key").string(), dev_key, a, a);
  }

  std::thread waiter([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        server.reload();
        continue;
      }
      std::cerr << fmt::format("wfc serve: {}: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
      server.stop();
      return;
    }
  });
  server.run();
  server.stop();
  // run() may also end without a signal (the socket failed): wake the waiter so it returns.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return kOk;
}

}  // namespace

void add_serve(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("serve", runtime_summary("serve"));
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->envname("WFC_LISTEN")
      ->capture_default_str();
  add_store_flags(*cmd, &args->store);
  cmd->add_option("--data", args->data, "Directory for the runs' inputs and outputs")
      ->envname("WFC_DATA")
      ->capture_default_str();
  cmd->add_option("--workflows", args->workflows,
                  "Directory of workflow files served as automations (SIGHUP reloads)")
      ->envname("WFC_WORKFLOWS");
  cmd->add_option("--keys", args->keys_file, "File of API keys, one per line");
  cmd->add_option("--api-keys", args->keys, "API keys (comma-separated)")
      ->envname("WFC_API_KEYS")
      ->delimiter(',');
  cmd->add_option("--public-url", args->public_url,
                  "Base URL of output files' `url` (default: the listening address)")
      ->envname("WFC_PUBLIC_URL");
  cmd->add_option("--workers", args->workers,
                  "Runs executed at once (0: an API-only node, which accepts and queues runs for "
                  "`wfc worker`s on the same store)")
      ->envname("WFC_WORKERS")
      ->capture_default_str();
  cmd->add_option("--webhooks", args->webhooks,
                  "Deliver webhooks from this node (on), or leave them to another node of the "
                  "same store (off): one node of a deployment delivers (docs/deploy.md)")
      ->envname("WFC_WEBHOOKS")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  cmd->add_option("--webhook-secret", args->webhook_secret,
                  "Secret that signs webhook deliveries (default: one kept in DATA/webhook-secret)")
      ->envname("WFC_WEBHOOK_SECRET");
  cmd->add_option("--url-secret", args->url_secret,
                  "Secret that signs output file URLs and dashboard sessions (default: on "
                  "PostgreSQL, derived from the secrets key every node shares; else one kept in "
                  "DATA/url-secret)")
      ->envname("WFC_URL_SECRET");
  cmd->add_option("--url-lifetime", args->url_lifetime, "Seconds a signed output file URL works")
      ->envname("WFC_URL_LIFETIME")
      ->check(CLI::Range(int64_t{1}, int64_t{10} * 365 * 24 * 3600))
      ->capture_default_str();
  add_worker_flags(*cmd, &args->worker);
  cmd->add_option("--file-urls", args->file_urls,
                  "Output files' `url`: api (signed URLs of this server, streamed from the "
                  "storage) or presigned (S3 presigned GETs, valid --url-lifetime, at most 7 "
                  "days; playlists keep api URLs)")
      ->envname("WFC_FILE_URLS")
      ->check(CLI::IsMember({"api", "presigned"}))
      ->capture_default_str();
  cmd->callback([args, &status] { status = serve(*args); });
}

}  // namespace wfc::cli
