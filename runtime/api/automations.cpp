// /automations: create, list, get, update, delete, and trigger a run
// (POST /automations/{id}/run). The workflow is compiled when the automation is written, so an
// invalid one is a 422 with the compiler's diagnostics and a trigger only reads the stored plan.
#include <fmt/format.h>

#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/model/ids.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

using nlohmann::json;

std::optional<ApiError> check_status(const json& body) {
  if (!body.contains("status")) return std::nullopt;
  std::string s = body["status"].get<std::string>();
  if (s == "active" || s == "paused") return std::nullopt;
  ApiError e = bad_request(fmt::format("'status' must be active or paused, got '{}'", s));
  e.extra = {{"field", "status"}};
  return e;
}

// Compiles the automation as the compiler reads automation objects: the body's own fields at
// the same places, so the diagnostics' pointers point into the request.
std::optional<ApiError> compile_into(store::Automation* a) {
  json doc = {{"name", a->name}, {"workflow", a->workflow}, {"status", a->status}};
  if (!a->description.empty()) doc["description"] = a->description;
  automation::CompiledAutomation c = automation::compile_automation(doc);
  if (!c.ok) return invalid_workflow(c);
  a->plan = std::move(c.plan);
  return std::nullopt;
}

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  // `id` and `source` are for deploys from git (`wfc deploy`, runtime/automation/workflow_dir.h):
  // the automation keeps the stable id derived from its file, and says which file it came from.
  if (auto e = check_fields(body, {{"name", Type::String, true},
                                   {"description", Type::String},
                                   {"workflow", Type::Array, true},
                                   {"status", Type::String},
                                   {"webhook_url", Type::Any},
                                   {"id", Type::String},
                                   {"source", Type::String}})) {
    return send_error(call.res, *e);
  }
  if (auto e = check_status(body)) return send_error(call.res, *e);
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  store::Automation a;
  if (body.contains("id")) {
    a.id = body["id"];
    if (!model::is_id(a.id, "auto")) {
      ApiError e = bad_request(
          fmt::format("'id' must be 'auto_' and 16 characters of [0-9a-z], got '{}'", a.id));
      e.extra = {{"field", "id"}};
      return send_error(call.res, e);
    }
    if (ctx.store.get_automation(a.id)) {
      return send_error(call.res, {409, "automation_exists",
                                   fmt::format("automation '{}' exists already: PATCH it", a.id)});
    }
  }
  a.name = body["name"];
  a.description = body.value("description", "");
  a.workflow = body["workflow"];
  a.status = body.value("status", "active");
  if (body.contains("webhook_url") && body["webhook_url"].is_string())
    a.webhook_url = body["webhook_url"];
  a.source_path = body.value("source", "");
  if (auto e = compile_into(&a)) return send_error(call.res, *e);
  send_json(call.res, 201, store::to_json(ctx.store.create_automation(std::move(a))));
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {Filter::AutomationStatus}, &q)) {
    return send_error(call.res, *e);
  }
  auto page = ctx.store.list_automations(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  send_page(call.req, call.res, q, *page,
            [](const store::Automation& a) { return store::to_json(a); });
}

void get(Context& ctx, Call& call) {
  auto a = ctx.store.get_automation(call.params[0]);
  if (!a) return send_error(call.res, not_found("automation_not_found", call.params[0]));
  send_json(call.res, 200, store::to_json(*a));
}

void patch(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"name", Type::String},
                                   {"description", Type::String},
                                   {"workflow", Type::Array},
                                   {"status", Type::String},
                                   {"webhook_url", Type::Any},
                                   {"source", Type::String}})) {
    return send_error(call.res, *e);
  }
  if (auto e = check_status(body)) return send_error(call.res, *e);
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  auto a = ctx.store.get_automation(call.params[0]);
  if (!a) return send_error(call.res, not_found("automation_not_found", call.params[0]));
  if (body.contains("name")) a->name = body["name"];
  if (body.contains("description")) a->description = body["description"];
  if (body.contains("workflow")) a->workflow = body["workflow"];
  if (body.contains("status")) a->status = body["status"];
  if (body.contains("webhook_url"))
    a->webhook_url = body["webhook_url"].is_string() ? body["webhook_url"].get<std::string>() : "";
  if (body.contains("source")) a->source_path = body["source"];
  if (auto e = compile_into(&*a)) return send_error(call.res, *e);
  if (!ctx.store.update_automation(*a)) {
    return send_error(call.res, not_found("automation_not_found", call.params[0]));
  }
  send_json(call.res, 200, store::to_json(*ctx.store.get_automation(a->id)));
}

void remove(Context& ctx, Call& call) {
  if (!ctx.store.delete_automation(call.params[0])) {
    return send_error(call.res, not_found("automation_not_found", call.params[0]));
  }
  send_json(call.res, 200, {{"id", call.params[0]}, {"object", "automation"}, {"deleted", true}});
}

void trigger(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"url", Type::Any},
                                   {"connection_id", Type::String},
                                   {"metadata", Type::Object},
                                   {"webhook_url", Type::String}})) {
    return send_error(call.res, *e);
  }
  if (auto e = check_input_url(body.contains("url") ? body["url"] : json(nullptr), "url")) {
    return send_error(call.res, *e);
  }
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  std::string input_url = body["url"];
  if (auto e = check_input_connection(ctx, body, &input_url)) return send_error(call.res, *e);
  if (input_url == body["url"]) {  // an s3:// input is read through its connection instead
    if (auto e = check_input_access(ctx, body["url"], "/url")) return send_error(call.res, *e);
  }
  // The plan as stored text, not the whole automation: the compiled form is cached by that text
  // (ctx.compiled), so a trigger of an unchanged automation parses no JSON of it.
  auto a = ctx.store.get_automation_plan(call.params[0]);
  if (!a) return send_error(call.res, not_found("automation_not_found", call.params[0]));
  if (a->status != "active") {
    return send_error(call.res, {409, "automation_paused",
                                 fmt::format("the automation '{}' is paused; set its status to "
                                             "active to run it",
                                             a->id)});
  }
  std::string error;
  std::shared_ptr<const automation::CompiledAutomation> plan;
  if (!a->plan_text.empty()) plan = ctx.compiled.get(a->id, a->plan_text, &error);
  if (!plan) {
    // Stored without a plan (written by another tool), or with one this wfc refuses (made by an
    // older wfc, whose plan_version it does not read): the workflow is the source, so compile it
    // again and keep the new plan for the next runs.
    auto stored = ctx.store.get_automation(a->id);
    if (!stored) return send_error(call.res, not_found("automation_not_found", a->id));
    store::Automation fresh = std::move(*stored);
    if (auto e = compile_into(&fresh)) return send_error(call.res, *e);
    ctx.store.update_automation(fresh);
    // The text as the store writes it, so the next trigger finds the cached text unchanged.
    plan = ctx.compiled.get(a->id, fresh.plan.dump(-1, ' ', false, json::error_handler_t::replace),
                            &error);
    if (!plan) {
      return send_error(call.res, {500, "internal_error", "the automation's plan: " + error});
    }
  }
  store::NewRun run;
  run.automation_id = a->id;
  run.input_url = input_url;
  run.metadata = body.value("metadata", json::object());
  run.plan_text = plan->plan_text;
  run.webhook_url = body.value("webhook_url", a->webhook_url);
  run.tasks = plan->tasks;
  if (auto e = check_task_connections(ctx, run.tasks, a->id)) return send_error(call.res, *e);
  create_run(ctx, call, std::move(run), [](const store::Run& r) { return store::to_json(r); });
}

}  // namespace

void add_automation_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"POST", "/automations",
              "Create an automation (its workflow is compiled; 422 with "
              "diagnostics when invalid)",
              true, [c](Call& call) { create(*c, call); },
              Doc()
                  .body("AutomationCreate",
                        "An automation: name, description, workflow, status, webhook_url")
                  .returns(201, "Automation", "The automation, its workflow compiled")
                  .errors({400, 409, 422})});
  router.add({"GET", "/automations", "List automations", true, [c](Call& call) { list(*c, call); },
              Doc().query(list_params({"status"})).page("Automation", "Automations")});
  router.add({"GET", "/automations/{id}", "Get an automation", true,
              [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Automation", "The automation").errors({404})});
  router.add(
      {"PATCH", "/automations/{id}", "Update an automation's fields", true,
       [c](Call& call) { patch(*c, call); },
       Doc()
           .body("AutomationUpdate", "Any of name, description, workflow, status, webhook_url")
           .returns(200, "Automation", "The updated automation")
           .errors({400, 404, 422})});
  router.add({"DELETE", "/automations/{id}", "Delete an automation", true,
              [c](Call& call) { remove(*c, call); },
              Doc().returns(200, "Deleted", "{id, object, deleted: true}").errors({404})});
  router.add({"POST", "/automations/{id}/run", "Run an automation on a URL (409 when paused)", true,
              [c](Call& call) { trigger(*c, call); },
              Doc()
                  .body("AutomationRun", "url, optional metadata and webhook_url")
                  .returns(201, "Run", "The run, queued, with its tasks")
                  .returns(200, "Run", "The first run made with this Idempotency-Key")
                  .errors({400, 404, 409, 422})});
}

}  // namespace wfc::api
