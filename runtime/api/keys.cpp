// /keys: API keys managed through the API (docs/api.md "Keys", docs/security.md "Keys"). Any
// active key may create, list, read and revoke keys: every key is equally powerful (each can
// create runs and read all of them), so a key that makes keys gives no power it does not have.
// A new key's secret is answered once, in `key`, and stored only as its SHA-256; revoking keeps
// the row (runs' `created_by` still names it) and is final.
#include <fmt/format.h>

#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

using nlohmann::json;

constexpr size_t kMaxNameBytes = 200;

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"name", Type::String, true}})) return send_error(call.res, *e);
  std::string name = body["name"];
  if (name.empty() || name.size() > kMaxNameBytes) {
    ApiError e = bad_request(
        fmt::format("'name' must be 1 to {} bytes, got {}: say who or what the key is for",
                    kMaxNameBytes, name.size()));
    e.extra = {{"field", "name"}};
    return send_error(call.res, e);
  }
  std::string secret = store::new_secret();
  store::ApiKey key = ctx.store.add_api_key(name, secret, "api", call.key.id);
  json out = store::to_json(key);
  out["key"] = secret;  // the only time the secret is shown
  send_json(call.res, 201, out);
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {}, &q)) return send_error(call.res, *e);
  auto page = ctx.store.list_api_keys(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  send_page(call.req, call.res, q, *page, [](const store::ApiKey& k) { return store::to_json(k); });
}

void get(Context& ctx, Call& call) {
  auto k = ctx.store.get_api_key(call.params[0]);
  if (!k) return send_error(call.res, not_found("key_not_found", call.params[0]));
  send_json(call.res, 200, store::to_json(*k));
}

// Revoking is idempotent (a revoked key answers the same again) and allowed on the caller's own
// key: its next request is a 401.
void revoke(Context& ctx, Call& call) {
  const std::string& id = call.params[0];
  if (!ctx.store.set_api_key_status(id, "revoked")) {
    return send_error(call.res, not_found("key_not_found", id));
  }
  auto k = ctx.store.get_api_key(id);
  if (!k) return send_error(call.res, not_found("key_not_found", id));
  send_json(call.res, 200, store::to_json(*k));
}

}  // namespace

void add_key_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"POST", "/keys", "Create an API key; its secret is in `key`, shown this once", true,
              [c](Call& call) { create(*c, call); },
              Doc()
                  .body("KeyCreate", "name (1-200 bytes): who or what the key is for")
                  .returns(201, "KeyCreated", "The key, with its secret in `key`")
                  .errors({400}),
              /*max_body_bytes=*/16 * 1024});
  router.add({"GET", "/keys", "List API keys (never their secrets)", true,
              [c](Call& call) { list(*c, call); },
              Doc().query(list_params({})).page("Key", "Keys")});
  router.add({"GET", "/keys/{id}", "Get an API key", true, [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Key", "The key").errors({404})});
  router.add({"DELETE", "/keys/{id}",
              "Revoke an API key (final; the row is kept for runs' created_by)", true,
              [c](Call& call) { revoke(*c, call); },
              Doc().returns(200, "Key", "The key, revoked").errors({404})});
}

}  // namespace wfc::api
