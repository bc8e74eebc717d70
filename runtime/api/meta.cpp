// GET /healthz, GET /metrics (Prometheus text) and GET /openapi.json (OpenAPI 3.1, generated
// from the route table at each request by openapi.h, so it lists exactly the routes the server
// dispatches), none of which needs a key.
#include <fmt/format.h>

#include "runtime/api/context.h"
#include "runtime/api/openapi.h"

namespace wfc::api {

using nlohmann::json;

void add_meta_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  const Router* table = &router;
  router.add({"GET", "/healthz", "Liveness: 200 while the server and its database answer", false,
              [c](Call& call) {
                try {
                  c->store.list_api_keys();
                } catch (const store::StoreError& e) {
                  return send_json(call.res, 503, {{"status", "unavailable"}, {"error", e.what()}});
                }
                send_json(call.res, 200, {{"status", "ok"}});
              },
              Doc()
                  .returns(200, "Health", "The server and its database answer")
                  .returns(503, "Health", "The database does not answer")});
  router.add({"GET", "/metrics",
              "Prometheus metrics: runs and tasks by status, queue depth, "
              "task durations",
              false,
              [c](Call& call) {
                call.res.status = 200;
                call.res.set_content(c->metrics.render(c->store.count_by_status()),
                                     "text/plain; version=0.0.4");
              },
              Doc().returns_raw(200, "text/plain", "Prometheus text format 0.0.4")});
  router.add({"GET", "/openapi.json", "This document", false,
              [table](Call& call) { send_json(call.res, 200, openapi_document(*table)); },
              Doc().returns_raw(200, "application/json", "OpenAPI 3.1")});
}

}  // namespace wfc::api
