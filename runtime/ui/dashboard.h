// The web dashboard at /ui/ (issue 22; docs/dashboard.md), served by `wfc serve` through
// api::Hooks::routes: sign-in with an API key (a session cookie, runtime/api/session.h), the
// automations with their plans drawn, the runs with live status over GET /events/stream, a run
// with its task tree and every output previewed, and forms that trigger, cancel and re-run runs
// through the API's own handlers. Pages are rendered on the server; runtime/ui/assets/app.js
// adds the live updates and the players. External interface: Dashboard.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/api/context.h"
#include "runtime/api/router.h"
#include "runtime/automation/workflow_dir.h"

namespace wfc::ui {

class Dashboard {
 public:
  /// `workflows`: the --workflows directory, whose files the automation pages show ("": none).
  explicit Dashboard(std::filesystem::path workflows = {}) : workflows_(std::move(workflows)) {}

  /// The files of the last load of --workflows that did not compile, shown with their
  /// diagnostics (thread-safe: SIGHUP reloads while pages are served).
  void set_invalid(std::vector<automation::InvalidWorkflow> invalid);
  std::vector<automation::InvalidWorkflow> invalid() const;

  /// Adds the /ui/ routes to `router` (api::Hooks::routes).
  void add_routes(api::Router& router, api::Context& ctx);

  const std::filesystem::path& workflows() const { return workflows_; }

 private:
  std::filesystem::path workflows_;
  mutable std::mutex mu_;
  std::vector<automation::InvalidWorkflow> invalid_;
};

/// What the page handlers share (pages.cpp, run_page.cpp).
struct PageContext {
  api::Context& ctx;
  api::Router& router;
  Dashboard& dashboard;
};

/// The CSRF token of the request's session ("" without one).
std::string csrf_of(const PageContext& p, const httplib::Request& req);

/// Calls the API route `method` `pattern` (e.g. "POST", "/automations/{id}/run") in-process with
/// `params` and a JSON body, as the caller `key`: the dashboard's forms act through the API's
/// own handlers and checks. The answer's status and JSON body.
std::pair<int, nlohmann::json> api_call(const PageContext& p, std::string_view method,
                                        std::string_view pattern, std::vector<std::string> params,
                                        const nlohmann::json& body, const store::ApiKey& key);

/// GET /ui/runs/{id}: the run page (run_page.cpp).
void run_page(const PageContext& p, api::Call& call);

}  // namespace wfc::ui
