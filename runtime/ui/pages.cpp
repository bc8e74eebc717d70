// The dashboard's routes and its list pages (see dashboard.h): sign-in and sign-out, the
// assets, automations, runs, and the forms that trigger, cancel and re-run; the run page is in
// run_page.cpp.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "runtime/api/openapi.h"
#include "runtime/api/pagination.h"
#include "runtime/api/session.h"
#include "runtime/api/sign_urls.h"
#include "runtime/model/status.h"
#include "runtime/store/wire_json.h"
#include "runtime/ui/assets.h"
#include "runtime/ui/dashboard.h"
#include "runtime/ui/html.h"
#include "runtime/ui/plan_graph.h"

namespace wfc::ui {

using nlohmann::json;

void Dashboard::set_invalid(std::vector<automation::InvalidWorkflow> invalid) {
  std::lock_guard lock(mu_);
  invalid_ = std::move(invalid);
}

std::vector<automation::InvalidWorkflow> Dashboard::invalid() const {
  std::lock_guard lock(mu_);
  return invalid_;
}

std::string csrf_of(const PageContext& p, const httplib::Request& req) {
  auto s = api::parse_session(p.ctx.config.url_signing.secret, req, api::unix_now());
  return s ? s->csrf : "";
}

std::pair<int, json> api_call(const PageContext& p, std::string_view method,
                              std::string_view pattern, std::vector<std::string> params,
                              const json& body, const store::ApiKey& key) {
  for (const api::Route& r : p.router.routes()) {
    if (r.method != method || r.path != pattern) continue;
    httplib::Request req;
    req.method = r.method;
    req.path = r.path;
    req.body = body.is_null() ? "" : body.dump();
    req.set_header("Content-Type", "application/json");
    httplib::Response res;
    api::Call call{req, res, key, std::move(params)};
    r.handler(call);
    return {res.status < 0 ? 200 : res.status, json::parse(res.body, nullptr, false)};
  }
  return {500, {{"kind", "internal_error"}, {"message", "no route " + std::string(pattern)}}};
}

namespace {

// --- helpers ------------------------------------------------------------------------------

void redirect(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
  res.set_header("Cache-Control", "no-store");
}

/// A state-changing form of a session: the CSRF token must match (a Bearer caller has none
/// and needs none). False when it answered the refusal.
bool form_allowed(const PageContext& p, api::Call& call) {
  auto session = api::parse_session(p.ctx.config.url_signing.secret, call.req, api::unix_now());
  if (!session) return true;  // authenticated by its Authorization header
  if (auto e = api::check_csrf(call.req, *session)) {
    send_html(call.res, e->status,
              frame("Refused", "", session->csrf,
                    fmt::format("<h1>Refused</h1><p role=\"alert\">{}</p>", esc(e->message))));
    return false;
  }
  return true;
}

json query_param(std::string_view name, std::string_view description) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"schema", {{"type", "string"}}},
          {"description", description}};
}

std::string error_box(const json& answer) {
  std::string out =
      fmt::format("<div class=\"error\" role=\"alert\"><p><strong>{}</strong>: {}</p>",
                  esc(answer.value("kind", "error")), esc(answer.value("message", "")));
  if (answer.contains("diagnostics") && answer["diagnostics"].is_array()) {
    out += "<ul>";
    for (const json& d : answer["diagnostics"]) {
      out += fmt::format("<li><code>{}</code> {}</li>", esc(d.value("code", "")),
                         esc(d.value("message", "")));
    }
    out += "</ul>";
  }
  return out + "</div>";
}

/// The « newer · older » links of a cursor page.
std::string pager(std::string_view base, std::string_view extra, bool has_more,
                  const store::ListQuery& q, const std::string& first, const std::string& last) {
  bool backwards = !q.before.empty();
  bool newer = backwards ? has_more : !q.after.empty();
  bool older = backwards ? !first.empty() : has_more;
  std::string out = "<nav class=\"pager\" aria-label=\"Pages\">";
  if (newer && !first.empty())
    out += fmt::format("<a rel=\"prev\" href=\"{}?before={}{}\">« Newer</a>", base,
                       url_encode(first), extra);
  if (older && !last.empty())
    out += fmt::format("<a rel=\"next\" href=\"{}?after={}{}\">Older »</a>", base, url_encode(last),
                       extra);
  return out + "</nav>";
}

// --- sign-in ------------------------------------------------------------------------------

std::string sign_in_page(std::string_view message) {
  return frame(
      "Sign in", "", "",
      fmt::format(
          "<h1>Sign in to wfc</h1>{}"
          "<form method=\"post\" action=\"/ui/sign-in\" class=\"sign-in\">"
          "<label for=\"key\">API key</label>"
          "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" "
          "required autofocus>"
          "<button type=\"submit\">Sign in</button></form>"
          "<p class=\"hint\">The key is checked once; the browser then keeps a session cookie "
          "for 12 hours, never the key.</p>",
          message.empty() ? ""
                          : fmt::format("<p class=\"error\" role=\"alert\">{}</p>", esc(message))));
}

void sign_in(const PageContext& p, api::Call& call) {
  if (auto e = api::check_same_origin(call.req)) {
    return send_html(call.res, e->status, sign_in_page(e->message));
  }
  std::string secret = api::form_field(call.req.body, "key");
  auto key = secret.empty() ? std::nullopt : p.ctx.store.find_api_key(secret);
  if (!key || key->status != "active") {
    return send_html(call.res, 401,
                     sign_in_page(key ? "That API key is " + key->status + "."
                                      : "That is not an API key of this server."));
  }
  int64_t now = api::unix_now();
  api::Session s = api::new_session(p.ctx.config.url_signing.secret, key->id, now);
  call.res.set_header("Set-Cookie",
                      api::session_cookie_header(s, now, api::request_is_https(call.req)));
  redirect(call.res, "/ui/runs");
}

void sign_out(const PageContext& p, api::Call& call) {
  if (!form_allowed(p, call)) return;
  call.res.set_header("Set-Cookie", api::cleared_cookie_header(api::request_is_https(call.req)));
  redirect(call.res, "/ui/sign-in");
}

// --- automations --------------------------------------------------------------------------

void automations(const PageContext& p, api::Call& call) {
  store::ListQuery q;
  if (auto e = api::parse_list_query(call.req, {}, &q)) return api::send_error(call.res, *e);
  q.limit = 50;
  auto page = p.ctx.store.list_automations(q);
  if (!page) return api::send_error(call.res, api::unknown_cursor(q));
  std::string rows;
  for (const store::Automation& a : page->items) {
    rows += fmt::format(
        "<tr><td><a href=\"/ui/automations/{0}\">{1}</a></td><td><code>{0}</code></td>"
        "<td>{2}</td><td>{3}</td><td>{4}</td></tr>",
        esc(a.id), esc(a.name.empty() ? a.id : a.name), badge(a.status),
        a.source_path.empty() ? "API" : "<code>" + esc(a.source_path) + "</code>",
        when(a.updated_at));
  }
  std::string invalid;
  for (const auto& w : p.dashboard.invalid()) {
    invalid +=
        fmt::format("<li class=\"invalid\"><code>{}</code><pre class=\"diagnostics\">{}</pre></li>",
                    esc(w.path), esc(w.diagnostics));
  }
  std::string main = fmt::format(
      "<h1>Automations</h1>{}"
      "<table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Id</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">Source</th><th scope=\"col\">Updated</th>"
      "</tr></thead><tbody>{}</tbody></table>{}",
      invalid.empty() ? ""
                      : "<section aria-labelledby=\"invalid-h\" class=\"invalid-files\"><h2 "
                        "id=\"invalid-h\">Workflow files that did not deploy</h2><ul>" +
                            invalid + "</ul></section>",
      rows.empty() ? "<tr><td colspan=\"5\">No automations yet.</td></tr>" : rows,
      pager("/ui/automations", "", page->has_more, q,
            page->items.empty() ? "" : page->items.front().id,
            page->items.empty() ? "" : page->items.back().id));
  send_html(call.res, 200, frame("Automations", "automations", csrf_of(p, call.req), main));
}

/// The text of the file an automation was deployed from, when this server has it.
std::string source_text(const PageContext& p, const store::Automation& a) {
  if (a.source_path.empty() || p.dashboard.workflows().empty()) return "";
  if (a.source_path.find("..") != std::string::npos) return "";
  std::ifstream in(p.dashboard.workflows() / a.source_path, std::ios::binary);
  if (!in) return "";
  std::string text(256 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

void automation_page(const PageContext& p, api::Call& call, const json& error = nullptr,
                     const std::string& url = "") {
  auto a = p.ctx.store.get_automation(call.params[0]);
  if (!a) {
    return send_html(call.res, 404,
                     frame("Not found", "automations", csrf_of(p, call.req),
                           "<h1>Not found</h1><p>No automation " + esc(call.params[0]) + ".</p>"));
  }
  std::string csrf = csrf_of(p, call.req);
  std::string diagnostics;
  for (const auto& w : p.dashboard.invalid()) {
    if (w.path == a->source_path) {
      diagnostics = fmt::format(
          "<section class=\"invalid-files\" aria-labelledby=\"diag-h\"><h2 id=\"diag-h\">Its "
          "file is invalid now</h2><p>The last load of <code>{}</code> failed; runs use the "
          "plan deployed before.</p><pre class=\"diagnostics\">{}</pre></section>",
          esc(w.path), esc(w.diagnostics));
    }
  }
  std::string source = source_text(p, *a);
  std::string main = fmt::format(
      "<h1>{}</h1><p><code>{}</code> {}{}</p>{}{}"
      "<section aria-labelledby=\"trigger-h\"><h2 id=\"trigger-h\">Run it</h2>{}"
      "<form method=\"post\" action=\"/ui/automations/{}/run\" class=\"trigger\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<label for=\"url\">Input URL</label>"
      "<input id=\"url\" name=\"url\" type=\"url\" required value=\"{}\" "
      "placeholder=\"https://example.com/video.mp4\">"
      "<button type=\"submit\">Run</button></form>"
      "<p><a href=\"/ui/runs?automation_id={}\">Its runs</a></p></section>"
      "<section aria-labelledby=\"plan-h\"><h2 id=\"plan-h\">The plan</h2>{}</section>"
      "<section aria-labelledby=\"src-h\"><h2 id=\"src-h\">{}</h2><pre class=\"source\">{}</pre>"
      "</section>",
      esc(a->name.empty() ? a->id : a->name), esc(a->id), badge(a->status),
      a->source_path.empty() ? ", created over the API"
                             : ", deployed from <code>" + esc(a->source_path) + "</code>",
      a->description.empty() ? "" : "<p>" + esc(a->description) + "</p>", diagnostics,
      error.is_null() ? "" : error_box(error), esc(a->id), esc(csrf), esc(url), url_encode(a->id),
      plan_graph(a->plan),
      source.empty() ? "The workflow (JSON form)" : "Its file, " + esc(a->source_path),
      esc(source.empty() ? a->workflow.dump(2) : source));
  send_html(call.res, error.is_null() ? 200 : 422,
            frame(a->name.empty() ? a->id : a->name, "automations", csrf, main));
}

void trigger(const PageContext& p, api::Call& call) {
  if (!form_allowed(p, call)) return;
  std::string url = api::form_field(call.req.body, "url");
  auto [status, answer] =
      api_call(p, "POST", "/automations/{id}/run", {call.params[0]}, json{{"url", url}}, call.key);
  if (status == 201 || status == 200) {
    return redirect(call.res, "/ui/runs/" + answer.value("id", ""));
  }
  automation_page(p, call, answer.is_object() ? answer : json{{"message", "failed"}}, url);
}

// --- runs ---------------------------------------------------------------------------------

void runs(const PageContext& p, api::Call& call) {
  store::ListQuery q;
  if (auto e =
          api::parse_list_query(call.req, {api::Filter::Status, api::Filter::AutomationId}, &q)) {
    return send_html(
        call.res, e->status,
        frame("Runs", "runs", csrf_of(p, call.req),
              "<h1>Runs</h1>" + error_box({{"kind", e->kind}, {"message", e->message}})));
  }
  q.limit = 25;
  auto page = p.ctx.store.list_runs(q);
  if (!page) return api::send_error(call.res, api::unknown_cursor(q));
  std::string rows;
  for (const store::Run& r : page->items) {
    std::string st(model::status_name(r.status));
    rows += fmt::format(
        "<tr data-run=\"{0}\"><td><a href=\"/ui/runs/{0}\"><code>{0}</code></a></td>"
        "<td>{1}</td><td class=\"st\">{2}</td><td><progress max=\"100\" value=\"{3}\">{4}%"
        "</progress></td><td>{5}</td><td>{6}</td></tr>",
        esc(r.id),
        r.automation_id.empty()
            ? "—"
            : fmt::format("<a href=\"/ui/automations/{0}\"><code>{0}</code></a>",
                          esc(r.automation_id)),
        badge(st), r.progress, static_cast<int>(r.progress), when(r.created_at),
        esc(duration(r.started_at, r.finished_at)));
  }
  std::string status = q.status ? std::string(model::status_name(*q.status)) : "";
  std::string options = "<option value=\"\">any</option>";
  for (const char* s : {"queued", "processing", "succeeded", "failed", "cancelled"}) {
    options += fmt::format("<option{}>{}</option>", status == s ? " selected" : "", s);
  }
  std::string extra;
  if (!status.empty()) extra += "&status=" + url_encode(status);
  if (!q.automation_id.empty()) extra += "&automation_id=" + url_encode(q.automation_id);
  std::string main = fmt::format(
      "<h1>Runs</h1><form method=\"get\" action=\"/ui/runs\" class=\"filters\" role=\"search\">"
      "<label for=\"status\">Status</label><select id=\"status\" name=\"status\">{}</select>"
      "<label for=\"automation_id\">Automation</label>"
      "<input id=\"automation_id\" name=\"automation_id\" value=\"{}\" placeholder=\"auto_…\">"
      "<button type=\"submit\">Filter</button></form>"
      "<p class=\"live\" aria-live=\"polite\" id=\"live\"></p>"
      "<table id=\"runs\" data-live=\"runs\" data-status=\"{}\" data-automation=\"{}\">"
      "<thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Automation</th>"
      "<th scope=\"col\">Status</th><th scope=\"col\">Progress</th><th scope=\"col\">Created</th>"
      "<th scope=\"col\">Took</th></tr></thead><tbody>{}</tbody></table>{}",
      options, esc(q.automation_id), esc(status), esc(q.automation_id),
      rows.empty() ? "<tr><td colspan=\"6\">No runs.</td></tr>" : rows,
      pager("/ui/runs", extra, page->has_more, q, page->items.empty() ? "" : page->items.front().id,
            page->items.empty() ? "" : page->items.back().id));
  send_html(call.res, 200, frame("Runs", "runs", csrf_of(p, call.req), main));
}

void cancel(const PageContext& p, api::Call& call) {
  if (!form_allowed(p, call)) return;
  api_call(p, "POST", "/runs/{id}/cancel", {call.params[0]}, nullptr, call.key);
  redirect(call.res, "/ui/runs/" + call.params[0]);
}

void rerun(const PageContext& p, api::Call& call) {
  if (!form_allowed(p, call)) return;
  auto r = p.ctx.store.get_run(call.params[0]);
  if (!r || r->automation_id.empty()) return redirect(call.res, "/ui/runs/" + call.params[0]);
  auto [status, answer] =
      api_call(p, "POST", "/automations/{id}/run", {r->automation_id},
               json{{"url", r->input_url}, {"metadata", r->metadata}}, call.key);
  if (status == 201 || status == 200)
    return redirect(call.res, "/ui/runs/" + answer.value("id", ""));
  send_html(
      call.res, status,
      frame("Re-run", "runs", csrf_of(p, call.req), "<h1>Re-run refused</h1>" + error_box(answer)));
}

void serve_asset(api::Call& call, std::string_view name) {
  const Asset* a = asset(name);
  if (!a) return api::send_error(call.res, {404, "not_found", "no asset " + std::string(name)});
  call.res.status = 200;
  call.res.set_header("Cache-Control", "private, max-age=300");
  call.res.set_header("X-Content-Type-Options", "nosniff");
  call.res.set_content(std::string(a->bytes), std::string(a->type));
}

}  // namespace

void Dashboard::add_routes(api::Router& router, api::Context& ctx) {
  auto p = std::make_shared<PageContext>(PageContext{ctx, router, *this});
  auto add = [&](std::string method, std::string path, std::string summary, bool auth,
                 std::function<void(api::Call&)> handler, json openapi = json::object()) {
    api::Route r{std::move(method),  std::move(path),   std::move(summary), auth,
                 std::move(handler), std::move(openapi)};
    r.session = auth;
    router.add(std::move(r));
  };
  auto html = [](std::string_view what) { return api::Doc().returns_raw(200, "text/html", what); };
  add("GET", "/ui/", "The dashboard (redirects to its runs)", true,
      [](api::Call& c) { redirect(c.res, "/ui/runs"); });
  add(
      "GET", "/ui/sign-in", "The dashboard's sign-in page", false,
      [](api::Call& c) {
        send_html(
            c.res, 200,
            sign_in_page(c.req.has_param("ended") ? "Your session ended; sign in again." : ""));
      },
      api::Doc().query(json::array({query_param("ended", "say that the session ended")})));
  add("POST", "/ui/sign-in", "Sign in with an API key (form field key): sets the session cookie",
      false, [p](api::Call& c) { sign_in(*p, c); });
  add("POST", "/ui/sign-out", "Sign out: clears the session cookie (form field csrf)", true,
      [p](api::Call& c) { sign_out(*p, c); });
  add("GET", "/ui/assets/app.css", "The dashboard's stylesheet (the sign-in page needs it)", false,
      [](api::Call& c) { serve_asset(c, "app.css"); });
  add("GET", "/ui/assets/{name}", "The dashboard's scripts (app.js, hls.min.js)", true,
      [](api::Call& c) { serve_asset(c, c.params[0]); });
  add(
      "GET", "/ui/automations", "The automations page", true,
      [p](api::Call& c) { automations(*p, c); }, api::Doc().query(api::list_params({})));
  add(
      "GET", "/ui/automations/{id}", "An automation: its plan, its file, its diagnostics", true,
      [p](api::Call& c) { automation_page(*p, c); }, html("The page"));
  add("POST", "/ui/automations/{id}/run", "Trigger a run (form fields url, csrf)", true,
      [p](api::Call& c) { trigger(*p, c); });
  add(
      "GET", "/ui/runs", "The runs page (filters status, automation_id; cursor paging)", true,
      [p](api::Call& c) { runs(*p, c); },
      api::Doc().query(api::list_params({"status", "automation_id"})));
  add(
      "GET", "/ui/runs/{id}", "A run: its tasks and every output previewed", true,
      [p](api::Call& c) { run_page(*p, c); }, html("The page"));
  add("POST", "/ui/runs/{id}/cancel", "Cancel a run (form field csrf)", true,
      [p](api::Call& c) { cancel(*p, c); });
  add("POST", "/ui/runs/{id}/rerun", "Run its automation again on the same input (form field csrf)",
      true, [p](api::Call& c) { rerun(*p, c); });
}

}  // namespace wfc::ui
