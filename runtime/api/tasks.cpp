// /tasks: one task, with a run created behind it, on a URL (seeds/001_*: {url, kind, options}) or
// on the `input` of seeds/004_* ({kind, input, options}: a URL for probe and import, a File from
// an earlier task for the others; runtime/api/task_input.h); list (filters status, kind, run_id)
// and get.
#include <fmt/format.h>

#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/api/sign_urls.h"
#include "runtime/api/task_input.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

using nlohmann::json;

// The task document the compiler reads (a single task with its url: the API's own fields stay out
// of it) and the run's input, from either form of the body.
std::optional<ApiError> task_document(const Context& ctx, const json& body, json* doc,
                                      TaskInput* input) {
  std::string kind = body["kind"];
  *doc = body;
  doc->erase("metadata");
  doc->erase("webhook_url");
  doc->erase("connection_id");
  if (!body.contains("input")) {  // {url, kind, options} (seeds/001)
    if (auto e = check_input_url(body.contains("url") ? body["url"] : json(nullptr), "url")) {
      return e;
    }
    const std::string& url = body["url"].get_ref<const std::string&>();
    if (parse_file_url(std::string_view(url).substr(0, url.find_first_of("?#")))) {
      // One of this server's file URLs: read in the data directory, as that File in `input` is.
      if (auto e = resolve_task_input(ctx, kind, {{"object", "file"}, {"url", url}}, input)) {
        e->extra["field"] = "url";
        e->extra["pointer"] = "/url";
        return e;
      }
      return std::nullopt;
    }
    std::string stored = body["url"];
    if (auto e = check_input_connection(ctx, body, &stored)) return e;
    if (stored == body["url"]) {  // an s3:// input is read through its connection instead
      if (auto e = check_input_access(ctx, body["url"], "/url")) return e;
    }
    input->url = body["url"];
    input->run_input = stored;
    input->shown = external_file(input->url);
    return std::nullopt;
  }
  // {kind, input, options} (seeds/004)
  if (body.contains("connection_id")) {
    ApiError e{422, "request_invalid",
               "'connection_id' goes beside 'url' (an s3:// input): {\"kind\", \"url\": "
               "\"s3://bucket/key\", \"connection_id\"}, not with 'input'"};
    e.extra = {{"field", "connection_id"}, {"pointer", "/connection_id"}};
    return e;
  }
  if (body.contains("url")) {
    ApiError e{422, "request_invalid",
               "give the input either as 'url' or as 'input', not both (seeds/001 and seeds/004 "
               "are two forms of the same request)"};
    e.extra = {{"field", "url"}, {"pointer", "/url"}};
    return e;
  }
  if (auto e = resolve_task_input(ctx, kind, body["input"], input)) return e;
  doc->erase("input");
  if (kind == "import") {
    // import fetches its options.url itself: the run has no input of its own.
    (*doc)["options"] = body.value("options", json::object());
    (*doc)["options"]["url"] = input->url;
    input->run_input.clear();
    return std::nullopt;
  }
  (*doc)["url"] = input->url;
  return std::nullopt;
}

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"url", Type::Any},
                                   {"input", Type::Any},
                                   {"connection_id", Type::String},
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
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  json doc;
  TaskInput input;
  if (auto e = task_document(ctx, body, &doc, &input)) return send_error(call.res, *e);
  automation::CompiledAutomation c = automation::compile_automation(doc);
  if (!c.ok) return send_error(call.res, invalid_workflow(c));
  if (auto e = check_plan_connections(ctx, c.plan)) return send_error(call.res, *e);
  store::NewRun run;
  run.input_url = input.run_input;
  run.metadata = body.value("metadata", json::object());
  run.plan = std::move(c.plan);
  run.webhook_url = body.value("webhook_url", "");
  run.tasks = std::move(c.tasks);
  std::string kind = body["kind"];
  create_run(ctx, call, std::move(run), [kind, shown = input.shown](const store::Run& r) {
    for (const store::Task& t : r.tasks) {
      if (t.kind == kind && t.parent_id.empty()) {
        json j = store::to_json(t);
        // Until its worker reads it, the task's input is what the request named.
        if (j["input"].is_null() && !shown.is_null()) j["input"] = shown;
        return j;
      }
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
  json j = store::to_json(*t);
  // A task at the top that its worker has not read the input of yet: the run's external input.
  if (j["input"].is_null() && t->parent_id.empty()) {
    auto r = ctx.store.get_run(t->run_id);
    if (r && !r->input_url.empty() && r->input_url.find("://") != std::string::npos) {
      j["input"] = external_file(r->input_url);
    }
  }
  send_json(call.res, 200, signed_urls(std::move(j), ctx.config.url_signing));
}

}  // namespace

void add_task_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add(
      {"POST", "/tasks",
       "Create one task (a run is created behind it): on a URL ({url, kind, options}), or "
       "on an input ({kind, input, options}: {url} for probe and import, a File from an "
       "earlier task's output for video, audio, image, animation and export)",
       true, [c](Call& call) { create(*c, call); },
       Doc()
           .body("TaskCreate", "kind; url or input; options, optional metadata and webhook_url")
           .returns(201, "Task", "The task, queued")
           .returns(200, "Task", "The first task made with this Idempotency-Key")
           .errors({400, 422})});
  router.add({"GET", "/tasks", "List tasks", true, [c](Call& call) { list(*c, call); },
              Doc().query(list_params({"status", "kind", "run_id"})).page("Task", "Tasks")});
  router.add({"GET", "/tasks/{id}", "Get a task", true, [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Task", "The task").errors({404})});
}

}  // namespace wfc::api
