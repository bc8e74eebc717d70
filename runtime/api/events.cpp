// GET /events: what webhooks deliver, listable (filters kind, run_id).
#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

void add_event_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"GET",
              "/events",
              "List events (run.created, task.succeeded, …)",
              true,
              [c](Call& call) {
                store::ListQuery q;
                if (auto e = parse_list_query(call.req, {Filter::Kind, Filter::RunId}, &q)) {
                  return send_error(call.res, *e);
                }
                auto page = c->store.list_events(q);
                if (!page) return send_error(call.res, unknown_cursor(q));
                send_page(call.req, call.res, q, *page, [c](const store::Event& e) {
                  return signed_urls(store::to_json(e), c->config.url_signing);
                });
              },
              {{"parameters", list_params({"kind", "run_id"})}}});
}

}  // namespace wfc::api
