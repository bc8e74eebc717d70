// What the resource handlers share: the store, the configuration, the metrics, the compiled
// automations (stored plans read once) and the hook that wakes the workers; and the registration
// function of each resource's routes (one file each: automations.cpp, runs.cpp, tasks.cpp,
// events.cpp, files.cpp, keys.cpp, meta.cpp).
#pragma once

#include <functional>
#include <string>

#include "runtime/api/metrics.h"
#include "runtime/api/openapi.h"
#include "runtime/api/request.h"
#include "runtime/api/router.h"
#include "runtime/api/server.h"
#include "runtime/automation/compiled_automation.h"
#include "runtime/store/store.h"

namespace wfc::api {

struct Context {
  store::Store& store;
  const Config& config;
  Metrics& metrics;
  automation::CompiledAutomations compiled;  // stored plans, read once per automation
  std::function<void()> run_queued;          // Hooks::run_queued
};

void add_automation_routes(Router& router, Context& ctx);
void add_run_routes(Router& router, Context& ctx);
void add_task_routes(Router& router, Context& ctx);
void add_event_routes(Router& router, Context& ctx);
void add_file_routes(Router& router, Context& ctx);
void add_key_routes(Router& router, Context& ctx);
void add_connection_routes(Router& router, Context& ctx);
/// GET /events/stream (event_stream.h), served by `hub`.
void add_event_stream_route(Router& router, Context& ctx, class EventHub& hub);
/// GET /healthz, /metrics and /openapi.json (generated from `router` as it is when called).
void add_meta_routes(Router& router, Context& ctx);

/// Creates a run for a call (with its Idempotency-Key and the caller's key as `created_by`) and
/// answers 201 with `respond(run)`, or 200 with the earlier run when the key was used before.
void create_run(Context& ctx, Call& call, store::NewRun run,
                const std::function<nlohmann::json(const store::Run&)>& respond);

/// A task's File array (inputs or outputs) in a run answer rendered as text (GET /runs/{id}:
/// store::to_json_text), given its stored JSON text: with its URLs signed, as sign_urls signs
/// the JSON answers.
void append_task_files(const Context& ctx, std::string_view stored, std::string* out);

/// The 422 of a document that did not compile: its diagnostics, and the first error in the message.
ApiError invalid_workflow(const automation::CompiledAutomation& c);

/// The 400 `url_required` of a run without a usable input url.
std::optional<ApiError> check_input_url(const nlohmann::json& url, std::string_view field);

/// A run's input URL (a string, already through check_input_url) that the access policy refuses
/// by its text alone (Config::access): 422 `input_refused` (or `input_invalid` for a scheme that
/// is never fetched) with the policy's reason, `field` and `pointer` (e.g. "/url",
/// "/tasks/0/options/url"). Host names pass: they are checked after DNS, when fetched.
std::optional<ApiError> check_input_access(const Context& ctx, const std::string& url,
                                           std::string_view pointer);

/// `webhook_url` in a request body, the same on every route that takes one: absent, null or ""
/// is none; a string must be an absolute http(s) URL with a host (net::web_url_problem), else
/// 422 request_invalid with `field` and `pointer`; another type is a 400.
std::optional<ApiError> check_webhook_url(const nlohmann::json& body);

/// The connections a run's plan (plan::to_json) names: every export or ingest task whose url is
/// s3:// must name a connection the store has in `connection_id`, else 422 located at it
/// (`pointer_prefix` + the task's pointer + "/options/connection_id"; `connection_required`,
/// `connection_not_found`). Connections named beside other urls are not read.
std::optional<ApiError> check_plan_connections(const Context& ctx, const nlohmann::json& plan,
                                               std::string_view pointer_prefix = "");
/// A run's input given as `url` with `connection_id` beside it (POST /automations/{id}/run,
/// POST /tasks): an s3:// url needs a connection the store has (422 `connection_required` or
/// `connection_not_found` at /connection_id), and then *stored is the input as the run keeps it,
/// naming the connection as the URL's user (s3://conn_…@bucket/key; net::redact_url shows it
/// without), which the worker reads it through. A connection_id beside another url is a 422.
/// Leaves *stored alone for other urls.
std::optional<ApiError> check_input_connection(const Context& ctx, const nlohmann::json& body,
                                               std::string* stored);
/// The same for the tasks of an automation's stored plan, at a trigger: the error names the
/// automation and the task (the request body holds no pointer to them).
std::optional<ApiError> check_task_connections(const Context& ctx,
                                               const std::vector<store::NewTask>& tasks,
                                               const std::string& automation_id);

}  // namespace wfc::api
