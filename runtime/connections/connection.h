// Connections as tasks use them (docs/api.md "Connections"): an S3-compatible bucket's endpoint,
// region and credentials, named by `connection_id` on `export` and `ingest` tasks. What a
// connection's fields may hold (check_connection, for POST/PATCH /connections and for the file of
// `wfc run --connections`), the S3Config a task builds from one, and the lookup tasks make
// (Connections): from the store, opening the sealed secret with the secrets key
// (StoredConnections), or from a file for runs without a server (FileConnections).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/connections/secrets_key.h"
#include "runtime/storage/s3_config.h"
#include "runtime/store/store.h"

namespace wfc::connections {

/// A connection with its secret open, for the task that uses it. Never logged.
struct S3Connection {
  std::string id, name;
  std::string bucket;  // "": any bucket; else the only bucket it may reach
  std::string region = "us-east-1";
  std::string endpoint;  // "": AWS itself; else an origin, addressed path-style
  std::string access_key_id;
  std::string secret_access_key;
};

/// Why a task cannot use a connection: `{kind, message}` as the task's error. The message names
/// the connection, never its secret.
struct ConnectionError {
  std::string kind;  // connection_not_found, connection_unusable, connection_refused
  std::string message;
};

struct Lookup {
  std::optional<S3Connection> connection;
  std::optional<ConnectionError> error;
};

/// Where tasks find connections by id.
class Connections {
 public:
  virtual ~Connections() = default;
  virtual Lookup find(const std::string& id) const = 0;
};

/// A field of a connection that is wrong: which one, and why, for a located 422.
struct FieldProblem {
  std::string field;  // "endpoint"
  std::string message;
};

/// The fields a connection has (the API's body and the --connections file): kind, name, bucket,
/// region, endpoint, access_key_id, secret_access_key. Checks those `body` holds (types included);
/// with `create`, name, access_key_id and secret_access_key are required and kind defaults to s3.
/// On PATCH, null clears bucket and endpoint. Unknown fields are not judged here.
std::optional<FieldProblem> check_connection(const nlohmann::json& body, bool create);

/// The store's record of a checked body (settings: bucket, region, endpoint, access_key_id),
/// the secret left out; for PATCH, `base` is the record being changed.
store::Connection record_of(const nlohmann::json& body, store::Connection base = {});

/// The S3 settings to reach `url` (s3://bucket/key) through `c`: bucket from the URL, the
/// connection's endpoint, region and credentials. connection_refused when the connection is
/// limited to another bucket.
std::optional<ConnectionError> s3_config_for(const S3Connection& c, std::string_view bucket,
                                             storage::S3Config* config);

/// What a process should say at start when stored connections were sealed with another key than
/// `key` (judged by the key id in the sealed text, among the first 100 connections): which ones,
/// which key, and what to do; "" when none was. Never throws for a store that cannot be read ("").
std::string other_key_warning(store::Store& store, const SecretsKey& key);

/// Connections in the store, each secret opened with `key` when a task asks for it.
class StoredConnections final : public Connections {
 public:
  /// `key` may be null: no key could be loaded, and why is `key_error`.
  StoredConnections(store::Store& store, std::shared_ptr<const SecretsKey> key,
                    std::string key_error = "");
  Lookup find(const std::string& id) const override;

 private:
  store::Store& store_;
  std::shared_ptr<const SecretsKey> key_;
  std::string key_error_;
};

/// Connections read from a JSON or YAML file (`wfc run --connections FILE`): an object of
/// connections by id, `{"conn_archive": {"kind": "s3", "name": …, "endpoint": …, "region": …,
/// "access_key_id": …, "secret_access_key": …, "bucket": …}}`, each checked like a POST
/// /connections body. nullptr with *error naming the file, the connection and the field.
std::unique_ptr<Connections> read_connections_file(const std::filesystem::path& file,
                                                   std::string* error);

/// Connections held in memory (what read_connections_file returns).
class ListedConnections final : public Connections {
 public:
  explicit ListedConnections(std::map<std::string, S3Connection> connections)
      : connections_(std::move(connections)) {}
  Lookup find(const std::string& id) const override;

 private:
  std::map<std::string, S3Connection> connections_;
};

}  // namespace wfc::connections
