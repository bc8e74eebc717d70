// Connections: their fields, the S3 settings built from one, and where tasks find them (see
// connection.h).
#include "runtime/connections/connection.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "compiler/syntax/json/json_reader.h"
#include "compiler/syntax/reader.h"
#include "compiler/syntax/yaml/yaml_reader.h"
#include "runtime/model/ids.h"

namespace wfc::connections {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxName = 200, kMaxKeyId = 128, kMaxSecret = 256;

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

bool region_ok(std::string_view r) {
  if (r.empty() || r.size() > 64) return false;
  for (unsigned char c : r)
    if (!(std::islower(c) || std::isdigit(c) || c == '-')) return false;
  return true;
}

}  // namespace

std::optional<FieldProblem> check_connection(const json& body, bool create) {
  auto string_field = [&](const char* name, bool nullable) -> std::optional<FieldProblem> {
    auto it = body.find(name);
    if (it == body.end()) return std::nullopt;
    if (it->is_string() || (nullable && it->is_null())) return std::nullopt;
    return FieldProblem{name,
                        fmt::format("'{}' must be a string{}", name, nullable ? " or null" : "")};
  };
  for (const char* f : {"kind", "name", "region", "access_key_id", "secret_access_key"}) {
    if (auto p = string_field(f, false)) return p;
  }
  for (const char* f : {"bucket", "endpoint"}) {
    if (auto p = string_field(f, true)) return p;
  }
  if (body.contains("kind")) {
    if (!create) return FieldProblem{"kind", "a connection's kind cannot be changed"};
    if (body["kind"] != "s3") {
      return FieldProblem{"kind", fmt::format("'kind' must be \"s3\" (the only kind of connection "
                                              "so far), got \"{}\"",
                                              text_of(body, "kind").substr(0, 40))};
    }
  }
  if (create) {
    for (const char* f : {"name", "access_key_id", "secret_access_key"}) {
      if (!body.contains(f)) {
        return FieldProblem{f, fmt::format("'{}' is required to create a connection", f)};
      }
    }
  }
  if (body.contains("name")) {
    std::string name = body["name"];
    if (name.empty() || name.size() > kMaxName || !printable(name)) {
      return FieldProblem{"name", fmt::format("'name' must be 1 to {} printable bytes, got {}",
                                              kMaxName, name.size())};
    }
  }
  if (body.contains("region") && !region_ok(text_of(body, "region"))) {
    return FieldProblem{"region",
                        fmt::format("'region' must be an S3 region name such as \"us-east-1\" "
                                    "(lower-case letters, digits and '-'), got \"{}\"",
                                    text_of(body, "region").substr(0, 64))};
  }
  if (std::string endpoint = text_of(body, "endpoint"); !endpoint.empty()) {
    if (std::string why = storage::endpoint_problem(endpoint); !why.empty()) {
      return FieldProblem{
          "endpoint",
          fmt::format("'endpoint' must be an http or https origin such as "
                      "\"https://s3.example.com\" or \"http://127.0.0.1:9000\", got \"{}\": {}",
                      endpoint.substr(0, 200), why)};
    }
  }
  if (std::string bucket = text_of(body, "bucket"); !bucket.empty()) {
    storage::S3Config probe;
    std::string why = storage::parse_s3_url("s3://" + bucket, probe);
    if (!why.empty() || bucket.find('/') != std::string::npos) {
      return FieldProblem{"bucket",
                          fmt::format("'bucket' must be an S3 bucket name, got \"{}\"{}",
                                      bucket.substr(0, 80), why.empty() ? "" : ": " + why)};
    }
  }
  if (body.contains("access_key_id")) {
    std::string id = body["access_key_id"];
    if (id.empty() || id.size() > kMaxKeyId || !printable(id) ||
        id.find(' ') != std::string::npos) {
      return FieldProblem{"access_key_id",
                          fmt::format("'access_key_id' must be 1 to {} printable characters "
                                      "without spaces",
                                      kMaxKeyId)};
    }
  }
  if (body.contains("secret_access_key")) {
    // Never echoed, not even its length.
    std::string secret = body["secret_access_key"];
    if (secret.empty() || secret.size() > kMaxSecret || !printable(secret)) {
      return FieldProblem{
          "secret_access_key",
          fmt::format("'secret_access_key' must be 1 to {} printable characters", kMaxSecret)};
    }
  }
  return std::nullopt;
}

store::Connection record_of(const json& body, store::Connection base) {
  if (base.settings.is_null()) base.settings = json::object();
  if (body.contains("name")) base.name = body["name"];
  base.kind = "s3";
  for (const char* f : {"bucket", "endpoint"}) {
    if (!body.contains(f)) continue;
    std::string v = body[f].is_string() ? body[f].get<std::string>() : "";
    if (std::string_view(f) == "endpoint" && !v.empty() && v.back() == '/') v.pop_back();
    base.settings[f] = v;
  }
  if (body.contains("region")) base.settings["region"] = body["region"];
  if (body.contains("access_key_id")) base.settings["access_key_id"] = body["access_key_id"];
  for (const char* f : {"bucket", "endpoint"})
    if (!base.settings.contains(f)) base.settings[f] = "";
  if (!base.settings.contains("region")) base.settings["region"] = "us-east-1";
  return base;
}

std::optional<ConnectionError> s3_config_for(const S3Connection& c, std::string_view bucket,
                                             storage::S3Config* config) {
  if (!c.bucket.empty() && c.bucket != bucket) {
    return ConnectionError{"connection_refused",
                           fmt::format("the connection {} ('{}') is for the bucket '{}', not '{}'",
                                       c.id, c.name, c.bucket, bucket)};
  }
  config->bucket = bucket;
  config->prefix.clear();
  config->region = c.region;
  config->endpoint = c.endpoint;
  config->access_key_id = c.access_key_id;
  config->secret_access_key = c.secret_access_key;
  return std::nullopt;
}

std::string other_key_warning(store::Store& store, const SecretsKey& key) {
  std::optional<store::Page<store::Connection>> page;
  try {
    store::ListQuery q;
    q.limit = 100;
    q.order = store::Order::Asc;
    page = store.list_connections(q);
  } catch (const std::exception&) {
    return "";  // a store without connections (yet): nothing to say
  }
  if (!page) return "";
  std::vector<std::string> ids;
  std::set<std::string> keys;
  for (const store::Connection& c : page->items) {
    std::string id = sealed_key_id(c.sealed_secret);
    if (id.empty() || id == key.id) continue;
    ids.push_back(c.id);
    keys.insert(id);
  }
  if (ids.empty()) return "";
  std::string listed, key_ids;
  for (size_t i = 0; i < ids.size() && i < 5; ++i) listed += (i ? ", " : "") + ids[i];
  if (ids.size() > 5) listed += ", …";
  for (const std::string& k : keys) key_ids += (key_ids.empty() ? "" : ", ") + k;
  return fmt::format(
      "{} connection(s) ({}) were sealed with another secrets key ({}) than this process's ({}): "
      "their tasks fail connection_unusable until it has that key (--secrets-key or "
      "WFC_SECRETS_KEY; every node must share one) or their secrets are set again with PATCH "
      "/connections/{{id}}",
      ids.size(), listed, key_ids, key.id);
}

StoredConnections::StoredConnections(store::Store& store, std::shared_ptr<const SecretsKey> key,
                                     std::string key_error)
    : store_(store), key_(std::move(key)), key_error_(std::move(key_error)) {}

Lookup StoredConnections::find(const std::string& id) const {
  Lookup out;
  std::optional<store::Connection> c;
  try {
    c = store_.get_connection(id);
  } catch (const store::StoreError& e) {
    out.error = ConnectionError{"connection_unusable",
                                fmt::format("cannot read the connection {}: {}", id, e.what())};
    return out;
  }
  if (!c) {
    out.error = ConnectionError{
        "connection_not_found",
        fmt::format("there is no connection {} (deleted, or never made): create one with POST "
                    "/connections and name it in connection_id",
                    id)};
    return out;
  }
  if (!key_) {
    out.error = ConnectionError{
        "connection_unusable",
        fmt::format("the connection {} ('{}') cannot be opened: {}", id, c->name, key_error_)};
    return out;
  }
  std::string why;
  auto secret = open_sealed(*key_, c->id, c->sealed_secret, &why);
  if (!secret) {
    out.error = ConnectionError{
        "connection_unusable",
        fmt::format("the connection {} ('{}') cannot be opened: {}", id, c->name, why)};
    return out;
  }
  S3Connection s;
  s.id = c->id;
  s.name = c->name;
  s.bucket = text_of(c->settings, "bucket");
  s.region = text_of(c->settings, "region");
  if (s.region.empty()) s.region = "us-east-1";
  s.endpoint = text_of(c->settings, "endpoint");
  s.access_key_id = text_of(c->settings, "access_key_id");
  s.secret_access_key = std::move(*secret);
  out.connection = std::move(s);
  return out;
}

Lookup ListedConnections::find(const std::string& id) const {
  Lookup out;
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    out.error =
        ConnectionError{"connection_not_found",
                        fmt::format("there is no connection {} in the --connections file", id)};
  } else {
    out.connection = it->second;
  }
  return out;
}

std::unique_ptr<Connections> read_connections_file(const fs::path& file, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *error = fmt::format("cannot read the connections file '{}'", file.string());
    return nullptr;
  }
  std::stringstream text;
  text << in.rdbuf();
  SourceFile source(file.string(), text.str());
  diag::Diagnostics diags(file.string());
  std::optional<syntax::Syntax> syntax = syntax::syntax_for_path(file.string());
  std::optional<Value> value = syntax == syntax::Syntax::Yaml ? syntax::read_yaml(source, diags)
                                                              : syntax::read_json(source, diags);
  if (!value || diags.has_errors()) {
    diags.sort();
    const diag::Diagnostic* d = diags.empty() ? nullptr : &diags.items().front();
    *error =
        d ? fmt::format("{}:{}:{}: {}", file.string(), d->span.line, d->span.column, d->message)
          : fmt::format("{}: not JSON or YAML", file.string());
    return nullptr;
  }
  json doc = json::parse(json_text(*value), nullptr, false);
  if (!doc.is_object()) {
    *error = fmt::format(
        "{}: expected an object of connections by id, {{\"conn_…\": {{\"kind\": \"s3\", …}}}}",
        file.string());
    return nullptr;
  }
  std::map<std::string, S3Connection> out;
  for (auto& [id, body] : doc.items()) {
    if (!model::is_id(id, "conn")) {
      *error = fmt::format("{}: '{}' is not a connection id (conn_ and 16 characters of [0-9a-z])",
                           file.string(), id.substr(0, 60));
      return nullptr;
    }
    if (!body.is_object()) {
      *error = fmt::format("{}: /{}: a connection is an object", file.string(), id);
      return nullptr;
    }
    for (auto& [field, v] : body.items()) {
      static const std::set<std::string> known = {
          "kind", "name", "bucket", "region", "endpoint", "access_key_id", "secret_access_key"};
      if (!known.count(field)) {
        *error = fmt::format("{}: /{}/{}: unknown field", file.string(), id, field);
        return nullptr;
      }
    }
    if (auto p = check_connection(body, true)) {
      *error = fmt::format("{}: /{}/{}: {}", file.string(), id, p->field, p->message);
      return nullptr;
    }
    store::Connection r = record_of(body);
    S3Connection s;
    s.id = id;
    s.name = r.name;
    s.bucket = r.settings["bucket"];
    s.region = r.settings["region"];
    s.endpoint = r.settings["endpoint"];
    s.access_key_id = r.settings["access_key_id"];
    s.secret_access_key = body["secret_access_key"];
    out.emplace(id, std::move(s));
  }
  return std::make_unique<ListedConnections>(std::move(out));
}

}  // namespace wfc::connections
