// /connections: the S3 buckets `export` and `ingest` tasks reach by `connection_id` (docs/api.md
// "Connections", docs/security.md "Connection secrets"). The secret access key is write-only: it
// is sealed here (AES-256-GCM, Config::secrets_key, runtime/connections/secrets_key.h) before it
// reaches the store, never answered (`secret_access_key_set` says whether one is stored) and
// never put in a message. Bad fields are 422s located at the field. Any active key may manage
// connections, as it may manage keys. Also: the check that a run's plan names connections that
// exist (check_plan_connections), for the routes that create runs.
#include <fmt/format.h>

#include "compiler/catalog/catalog.h"
#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/connections/connection.h"
#include "runtime/connections/s3_transfer.h"
#include "runtime/model/ids.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

using nlohmann::json;

ApiError field_error(const connections::FieldProblem& p) {
  ApiError e{422, "request_invalid", p.message};
  e.extra = {{"field", p.field}, {"pointer", "/" + p.field}};
  return e;
}

std::optional<ApiError> check_body(const json& body, bool create) {
  if (auto e = check_fields(body, {{"kind", Type::String},
                                   {"name", Type::String, create},
                                   {"bucket", Type::Any},
                                   {"region", Type::String},
                                   {"endpoint", Type::Any},
                                   {"access_key_id", Type::String, create},
                                   {"secret_access_key", Type::String, create}})) {
    // As on every route: an unknown field, a missing one or a wrong type is a 400.
    if (e->extra.contains("field") && !e->extra.contains("accepted")) {
      e->extra["pointer"] = "/" + e->extra["field"].get<std::string>();
    }
    return e;
  }
  if (auto p = connections::check_connection(body, create)) return field_error(*p);
  return std::nullopt;
}

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_body(body, true)) return send_error(call.res, *e);
  store::Connection c = connections::record_of(body);
  c.id = model::new_id("conn");
  c.created_by = call.key.id;
  c.sealed_secret = connections::seal(*ctx.config.secrets_key, c.id,
                                      body["secret_access_key"].get_ref<const std::string&>());
  send_json(call.res, 201, store::to_json(ctx.store.create_connection(std::move(c))));
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {}, &q)) return send_error(call.res, *e);
  auto page = ctx.store.list_connections(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  send_page(call.req, call.res, q, *page,
            [](const store::Connection& c) { return store::to_json(c); });
}

void get(Context& ctx, Call& call) {
  auto c = ctx.store.get_connection(call.params[0]);
  if (!c) return send_error(call.res, not_found("connection_not_found", call.params[0]));
  send_json(call.res, 200, store::to_json(*c));
}

void update(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_body(body, false)) return send_error(call.res, *e);
  auto c = ctx.store.get_connection(call.params[0]);
  if (!c) return send_error(call.res, not_found("connection_not_found", call.params[0]));
  store::Connection changed = connections::record_of(body, *c);
  if (body.contains("secret_access_key")) {
    changed.sealed_secret = connections::seal(
        *ctx.config.secrets_key, c->id, body["secret_access_key"].get_ref<const std::string&>());
  }
  if (!ctx.store.update_connection(changed)) {
    return send_error(call.res, not_found("connection_not_found", call.params[0]));
  }
  auto now = ctx.store.get_connection(c->id);
  if (!now) return send_error(call.res, not_found("connection_not_found", call.params[0]));
  send_json(call.res, 200, store::to_json(*now));
}

void remove(Context& ctx, Call& call) {
  if (!ctx.store.delete_connection(call.params[0])) {
    return send_error(call.res, not_found("connection_not_found", call.params[0]));
  }
  send_json(call.res, 200, {{"id", call.params[0]}, {"object", "connection"}, {"deleted", true}});
}

// One task's destination or source: an s3:// url needs a connection the store has. The kinds
// concerned are the catalog's that take a `connection_id` (export, ingest, import).
std::optional<ApiError> check_connection_of(const Context& ctx, const std::string& op,
                                            const json& options,
                                            const std::optional<std::string>& pointer) {
  const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(op);
  if (!spec || !spec->option("connection_id") || !options.is_object()) return std::nullopt;
  std::string url = options.value("url", "");
  if (!url.starts_with("s3://")) return std::nullopt;
  std::string id = options.value("connection_id", "");
  ApiError e{422, "connection_required", ""};
  e.extra = {{"field", "connection_id"}};
  if (pointer) e.extra["pointer"] = *pointer + "/options/connection_id";
  if (id.empty()) {
    e.message = fmt::format(
        "'{}' is an S3 URL: name the connection that reaches it in 'connection_id' (POST "
        "/connections makes one)",
        url);
    return e;
  }
  if (ctx.store.get_connection(id)) return std::nullopt;
  e.kind = "connection_not_found";
  e.message = fmt::format(
      "there is no connection '{}': create it with POST /connections, or list them with GET "
      "/connections",
      id.substr(0, 80));
  return e;
}

}  // namespace

std::optional<ApiError> check_plan_connections(const Context& ctx, const json& plan,
                                               std::string_view pointer_prefix) {
  auto nodes = plan.find("nodes");
  if (nodes == plan.end() || !nodes->is_array()) return std::nullopt;
  for (const json& node : *nodes) {
    auto options = node.find("options");
    if (options == node.end()) continue;
    if (auto e = check_connection_of(ctx, node.value("op", ""), *options,
                                     std::string(pointer_prefix) + node.value("pointer", ""))) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> check_task_connections(const Context& ctx,
                                               const std::vector<store::NewTask>& tasks,
                                               const std::string& automation_id) {
  for (const store::NewTask& t : tasks) {
    if (auto e = check_connection_of(ctx, t.kind, t.options, std::nullopt)) {
      e->message =
          fmt::format("task {} of the automation {}: {}", t.node, automation_id, e->message);
      return e;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> check_input_connection(const Context& ctx, const json& body,
                                               std::string* stored) {
  const std::string& url = body["url"].get_ref<const std::string&>();
  auto given = body.find("connection_id");
  bool named = given != body.end() && given->is_string() && !given->get<std::string>().empty();
  if (!url.starts_with("s3://")) {
    if (!named) return std::nullopt;
    ApiError e{422, "request_invalid",
               "'connection_id' names how an s3:// url is reached; this url is not one"};
    e.extra = {{"field", "connection_id"}, {"pointer", "/connection_id"}};
    return e;
  }
  // The same check as a task's, located at the body's own field.
  json options = {{"url", url}, {"connection_id", named ? given->get<std::string>() : ""}};
  if (auto e = check_connection_of(ctx, "ingest", options, std::nullopt)) {
    e->extra["pointer"] = "/connection_id";
    return e;
  }
  std::string why;
  if (!connections::parse_s3_location(url, &why) || url.ends_with("/") ||
      url.find('@') != std::string::npos) {
    ApiError e{422, "input_invalid",
               fmt::format("cannot fetch '{}': {}", url.substr(0, 200),
                           why.empty() ? "it names no object (s3://bucket/key)" : why)};
    e.extra = {{"field", "url"}, {"pointer", "/url"}};
    return e;
  }
  // The connection rides as the URL's user, which no answer shows (net::redact_url).
  *stored = "s3://" + given->get<std::string>() + "@" + url.substr(5);
  return std::nullopt;
}

void add_connection_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"POST", "/connections",
              "Create a connection (kind s3); its secret_access_key is sealed and never answered",
              true, [c](Call& call) { create(*c, call); },
              Doc()
                  .body("ConnectionCreate",
                        "kind (s3), name, bucket, region, endpoint, access_key_id, "
                        "secret_access_key")
                  .returns(201, "Connection", "The connection, without its secret")
                  .errors({400, 422}),
              /*max_body_bytes=*/16 * 1024});
  router.add({"GET", "/connections", "List connections (never their secrets)", true,
              [c](Call& call) { list(*c, call); },
              Doc().query(list_params({})).page("Connection", "Connections")});
  router.add({"GET", "/connections/{id}", "Get a connection (never its secret)", true,
              [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Connection", "The connection").errors({404})});
  router.add({"PATCH", "/connections/{id}",
              "Change a connection: any of its fields but kind; a new secret_access_key is "
              "sealed anew",
              true, [c](Call& call) { update(*c, call); },
              Doc()
                  .body("ConnectionUpdate",
                        "any of name, bucket, region, endpoint, "
                        "access_key_id, secret_access_key")
                  .returns(200, "Connection", "The connection as changed")
                  .errors({400, 404, 422}),
              /*max_body_bytes=*/16 * 1024});
  router.add({"DELETE", "/connections/{id}",
              "Delete a connection; tasks that name it afterwards fail connection_not_found", true,
              [c](Call& call) { remove(*c, call); },
              Doc().returns(200, "Deleted", "{id, object, deleted: true}").errors({404})});
}

}  // namespace wfc::api
