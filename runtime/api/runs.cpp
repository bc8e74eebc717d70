// /runs: create a run from a `tasks` array (ingest explicit, as in seeds/000_*), list, get
// (with its tasks), cancel; and the run creation every run-creating POST shares.
#include <fmt/format.h>

#include "compiler/util/caps.h"
#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/model/status.h"
#include "runtime/net/http_client.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

using nlohmann::json;

std::optional<ApiError> check_input_url(const json& url, std::string_view field) {
  if (url.is_null() || (url.is_string() && url.get<std::string>().empty())) {
    ApiError e{400, "url_required",
               fmt::format("'{}' is required: the URL of the input file", field)};
    e.extra = {{"field", field}};
    return e;
  }
  if (!url.is_string()) {
    ApiError e = bad_request(fmt::format("'{}' must be a string", field));
    e.extra = {{"field", field}};
    return e;
  }
  // What may actually be fetched is the access policy's call, made by the worker (the run then
  // fails with input_refused); only what can never be a URL is refused here.
  std::string u = url.get<std::string>();
  if (u.find("://") == std::string::npos) {
    ApiError e{400, "url_required",
               fmt::format("'{}' must be an http(s):// or file:// URL, got '{}'", field, u)};
    e.extra = {{"field", field}};
    return e;
  }
  return std::nullopt;
}

std::optional<ApiError> check_input_access(const Context& ctx, const std::string& url,
                                           std::string_view pointer) {
  if (!ctx.config.access || url.empty()) return std::nullopt;
  ingest::InputVerdict verdict = ctx.config.access->check_without_resolving(url);
  if (verdict.ok()) return std::nullopt;
  bool refused = verdict.problem == ingest::InputVerdict::Problem::Refused;
  // Worded as the fetch would word it, so the same input gets the same answer either way.
  std::string scheme = ingest::url_scheme(url);
  std::string_view verb = scheme == "file" || scheme.empty() ? "read" : "fetch";
  ApiError e{422, refused ? "input_refused" : "input_invalid",
             fmt::format("{} {} {}: {}", refused ? "refused to" : "cannot", verb,
                         net::redact_url(url), verdict.reason)};
  std::string_view field = pointer.substr(pointer.rfind('/') + 1);
  e.extra = {{"field", field}, {"pointer", pointer}};
  return e;
}

/// Where a run request's tasks give the input url: the first top-level ingest (or import) task
/// whose options.url is `url` ("/tasks/0/options/url"), else "/tasks".
std::string input_pointer(const json& tasks, const std::string& url) {
  for (size_t i = 0; i < tasks.size(); ++i) {
    const json& t = tasks[i];
    if (!t.is_object()) continue;
    auto options = t.find("options");
    if (options == t.end() || !options->is_object()) continue;
    auto u = options->find("url");
    if (u != options->end() && u->is_string() && *u == url) {
      return "/tasks/" + std::to_string(i) + "/options/url";
    }
  }
  return "/tasks";
}

std::optional<ApiError> check_webhook_url(const json& body) {
  auto it = body.find("webhook_url");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    ApiError e = bad_request("'webhook_url' must be a string or null");
    e.extra = {{"field", "webhook_url"}, {"pointer", "/webhook_url"}};
    return e;
  }
  const std::string& u = it->get_ref<const std::string&>();
  if (u.empty()) return std::nullopt;
  std::string problem = net::web_url_problem(u);
  if (problem.empty()) return std::nullopt;
  // Worded as the compiler's WF115, which says the same of webhook_url in workflow files.
  std::string message =
      fmt::format("'webhook_url' must be an absolute http or https URL, got '{}': {}",
                  net::redact_url(u), problem);
  ApiError e{422, "request_invalid", message};
  e.extra = {{"field", "webhook_url"},
             {"pointer", "/webhook_url"},
             {"diagnostics",
              {{{"code", "WF115"},
                {"severity", "error"},
                {"message", message},
                {"hint", "e.g. \"https://example.com/hooks/wfc\""},
                {"pointer", "/webhook_url"}}}}};
  return e;
}

ApiError invalid_workflow(const automation::CompiledAutomation& c) {
  size_t errors = c.errors;
  std::string first;
  for (const json& d : c.diagnostics) {
    if (d["severity"] == "error") {
      first = d["code"].get<std::string>() + " at " +
              (d["pointer"].get<std::string>().empty() ? "/" : d["pointer"].get<std::string>()) +
              ": " + d["message"].get<std::string>();
      break;
    }
  }
  ApiError e{422, "request_invalid",
             "the workflow is invalid (" + std::to_string(errors) +
                 (errors == 1 ? " error" : " errors") + "): " + first};
  e.extra = {{"diagnostics", c.diagnostics}};
  // Past caps::kMaxDiagnostics the list ends in a WF118 note; this says how many it stands for.
  if (c.truncated > 0) e.extra["truncated"] = c.truncated;
  return e;
}

void create_run(Context& ctx, Call& call, store::NewRun run,
                const std::function<json(const store::Run&)>& respond) {
  if (auto e = idempotency_key(call.req, &run.idempotency_key)) return send_error(call.res, *e);
  if (run.tasks.size() > caps::kMaxTasksPerRun) {
    // The compiler's WF116 keeps new workflows within this; a plan stored before it may not be.
    ApiError e{422, "request_invalid",
               fmt::format("the run would have {} tasks, more than the limit of {}; split the "
                           "workflow into several automations or runs",
                           run.tasks.size(), caps::kMaxTasksPerRun)};
    e.extra = {{"field", "tasks"}, {"limit", caps::kMaxTasksPerRun}};
    return send_error(call.res, e);
  }
  run.created_by = call.key.id;
  store::CreatedRun created = ctx.store.create_run(run);
  if (created.created) {
    ctx.metrics.count_run_created();
    if (ctx.run_queued) ctx.run_queued();
  }
  // A repeated Idempotency-Key answers 200 with the first run, so a client can tell.
  send_json(call.res, created.created ? 201 : 200,
            signed_urls(respond(created.run), ctx.config.url_signing));
}

void append_task_files(const Context& ctx, std::string_view stored, std::string* out) {
  // Only a File with a url of this server's files is signed: text without "/files/" has none.
  if (stored.find("/files/") == std::string_view::npos) {
    *out += stored;
    return;
  }
  json files = json::parse(stored, nullptr, false);
  if (files.is_discarded()) {
    *out += stored;
    return;
  }
  sign_urls(files, ctx.config.url_signing, unix_now());
  *out += files.dump();
}

namespace {

void create(Context& ctx, Call& call) {
  json body;
  if (auto e = parse_object(call.req, &body)) return send_error(call.res, *e);
  if (auto e = check_fields(body, {{"tasks", Type::Array, true},
                                   {"metadata", Type::Object},
                                   {"webhook_url", Type::String}})) {
    return send_error(call.res, *e);
  }
  if (auto e = check_webhook_url(body)) return send_error(call.res, *e);
  automation::CompiledAutomation c = automation::compile_automation({{"tasks", body["tasks"]}});
  if (!c.ok) return send_error(call.res, invalid_workflow(c));
  if (c.reads_input && c.input_url.empty()) {
    ApiError e{400, "url_required",
               "the run has no input: start its tasks with {\"kind\": \"ingest\", \"options\": "
               "{\"url\": …}} and chain the others in its `next`"};
    e.extra = {{"field", "tasks"}};
    return send_error(call.res, e);
  }
  // An s3:// input is read through its connection (check_plan_connections), not fetched.
  if (!c.input_url.starts_with("s3://")) {
    if (auto e = check_input_access(ctx, c.input_url, input_pointer(body["tasks"], c.input_url))) {
      return send_error(call.res, *e);
    }
  }
  if (auto e = check_plan_connections(ctx, c.plan)) return send_error(call.res, *e);
  store::NewRun run;
  run.input_url = c.input_url;
  run.metadata = body.value("metadata", json::object());
  run.plan = std::move(c.plan);
  run.webhook_url = body.value("webhook_url", "");
  run.tasks = std::move(c.tasks);
  create_run(ctx, call, std::move(run), [](const store::Run& r) { return store::to_json(r); });
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {Filter::Status, Filter::AutomationId}, &q))
    return send_error(call.res, *e);
  auto page = ctx.store.list_runs(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  send_page(call.req, call.res, q, *page, [](const store::Run& r) {
    json j = store::to_json(r);
    j.erase("tasks");  // lists carry no tasks (GET /runs/{id} has them)
    return j;
  });
}

void get(Context& ctx, Call& call) {
  // Rendered from the stored JSON text (the same bytes as to_json): parsing the columns and
  // dumping them again was most of what a read cost wfc (docs/benchmarks.md).
  auto r = ctx.store.get_run_text(call.params[0]);
  if (!r) return send_error(call.res, not_found("run_not_found", call.params[0]));
  send_json_text(
      call.res, 200,
      store::to_json_text(*r, [&ctx](const store::Task&, std::string_view stored,
                                     std::string* out) { append_task_files(ctx, stored, out); }));
}

// 409 run_finished: cancelling a run that ended (succeeded, failed, cancelled) changes nothing.
ApiError run_finished(const store::Run& r) {
  ApiError e{409, "run_finished",
             fmt::format("run '{}' has already ended ({}); only a run that is waiting, queued or "
                         "processing can be cancelled",
                         r.id, model::status_name(r.status))};
  e.extra = {{"status", model::status_name(r.status)}};
  return e;
}

void cancel(Context& ctx, Call& call) {
  // Read first: the store's cancel_run answers an ended run unchanged, and a run it has just
  // cancelled is `cancelled` too, so only the status before tells the two apart.
  auto before = ctx.store.get_run(call.params[0]);
  if (!before) return send_error(call.res, not_found("run_not_found", call.params[0]));
  if (model::is_terminal(before->status)) return send_error(call.res, run_finished(*before));
  auto r = ctx.store.cancel_run(call.params[0]);
  if (!r) return send_error(call.res, not_found("run_not_found", call.params[0]));
  // It ended on its own in between.
  if (model::is_terminal(r->status) && r->status != model::Status::Cancelled) {
    return send_error(call.res, run_finished(*r));
  }
  auto full = ctx.store.get_run(r->id);
  send_json(call.res, 200, signed_urls(store::to_json(full ? *full : *r), ctx.config.url_signing));
}

}  // namespace

void add_run_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"POST", "/runs", "Create a run from a tasks array (next chains, conditions)", true,
              [c](Call& call) { create(*c, call); },
              Doc()
                  .body("RunCreate", "tasks, optional metadata and webhook_url")
                  .returns(201, "Run", "The run, queued, with its tasks")
                  .returns(200, "Run", "The first run made with this Idempotency-Key")
                  .errors({400, 422})});
  router.add({"GET", "/runs", "List runs", true, [c](Call& call) { list(*c, call); },
              Doc()
                  .query(list_params({"status", "automation_id"}))
                  .page("Run", "Runs, without their tasks")});
  router.add({"GET", "/runs/{id}", "Get a run with its tasks", true,
              [c](Call& call) { get(*c, call); },
              Doc().returns(200, "Run", "The run with its tasks").errors({404})});
  router.add({"POST", "/runs/{id}/cancel",
              "Cancel a run (no body needed); 409 run_finished when it has already ended", true,
              [c](Call& call) { cancel(*c, call); },
              Doc()
                  .returns(200, "Run",
                           "The run: cancelled when it was queued, still processing until its "
                           "worker stops")
                  .errors({404, 409})});
}

}  // namespace wfc::api
