// /tasks: one task on one URL (seeds/001_*), with a run created behind it; list (filters
// status, kind, run_id) and get.
#include <fmt/format.h>

#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

using nlohmann::json;

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"url", Type::Any},
                                   {"kind", Type::String, true},
                                   {"options", Type::Object},
                                   {"metadata", Type::Object},
                                   {"webhook_url", Type::String},
                                   {"ref", Type::String},
                                   {"label", Type::String},
                                   {"folder", Type::String},
                                   {"filename", Type::String}})) {
    return send_error(call.res, *e);
  }
  if (auto e = check_input_url(body.contains("url") ? body["url"] : json(nullptr), "url")) {
    return send_error(call.res, *e);
  }
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  if (auto e = check_input_access(ctx, body["url"], "/url")) return send_error(call.res, *e);
  // The compiler reads a single task with its url; the API's own fields stay out of it.
  json doc = body;
  doc.erase("metadata");
  doc.erase("webhook_url");
  automation::CompiledAutomation c = automation::compile_automation(doc);
  if (!c.ok) return send_error(call.res, invalid_workflow(c));
  store::NewRun run;
  run.input_url = body["url"];
  run.metadata = body.value("metadata", json::object());
  run.plan = std::move(c.plan);
  run.webhook_url = body.value("webhook_url", "");
  run.tasks = std::move(c.tasks);
  std::string kind = body["kind"];
  create_run(ctx, call, std::move(run), [kind](const store::Run& r) {
    for (const store::Task& t : r.tasks) {
      if (t.kind == kind && t.parent_id.empty()) return store::to_json(t);
    }
    return r.tasks.empty() ? store::to_json(r) : store::to_json(r.tasks.front());
  });
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {Filter::Status, Filter::Kind, Filter::RunId}, &q)) {
    return send_error(call.res, *e);
  }
  auto page = ctx.store.list_tasks(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  send_page(call.req, call.res, q, *page, [&ctx](const store::Task& t) {
    return signed_urls(store::to_json(t), ctx.config.url_signing);
  });
}

void get(Context& ctx, Call& call) {
  auto t = ctx.store.get_task(call.params[0]);
  if (!t) return send_error(call.res, not_found("task_not_found", call.params[0]));
  send_json(call.res, 200, signed_urls(store::to_json(*t), ctx.config.url_signing));
}

}  // namespace

void add_task_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"POST", "/tasks", "Create one task on a URL (a run is created behind it)", true,
              [c](Call& call) { create(*c, call); },
              Doc()
                  .body("TaskCreate", "url, kind, options, optional metadata")
                  .returns(201, "Task", "The task, queued")
                  .returns(200, "Task", "The first task made with this Idempotency-Key")
                  .errors({400, 422})});
  router.add({"GET", "/tasks", "List tasks", true, [c](Call& call) { list(*c, call); },
              Doc().query(list_params({"status", "kind", "run_id"})).page("Task", "Tasks")});
  router.add({"GET", "/tasks/{id}", "Get a task", true, [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Task", "The task").errors({404})});
}

}  // namespace wfc::api
