// GET /healthz, GET /metrics (Prometheus text) and GET /openapi.json (OpenAPI 3.1, generated
// from the route table at each request, so it lists exactly the routes the server dispatches),
// none of which needs a key; and the OpenAPI fragments the resources share.
#include <fmt/format.h>

#include "runtime/api/context.h"

namespace wfc::api {

using nlohmann::json;

json json_body(std::string_view description) {
  return {{"required", true},
          {"description", description},
          {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
}

json list_params(std::initializer_list<std::string_view> filters) {
  json out = json::array();
  auto param = [&](std::string_view name, json schema, std::string_view description) {
    out.push_back({{"name", name},
                   {"in", "query"},
                   {"required", false},
                   {"description", description},
                   {"schema", std::move(schema)}});
  };
  param("after", {{"type", "string"}}, "The id after which the page starts");
  param("before", {{"type", "string"}}, "The id before which the page ends");
  param("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}},
        "Items per page");
  param("order", {{"type", "string"}, {"enum", {"asc", "desc"}}, {"default", "desc"}},
        "By creation time");
  for (std::string_view f : filters) param(f, {{"type", "string"}}, "Filter");
  return out;
}

namespace {

json openapi(const Router& router) {
  json paths = json::object();
  for (const Route& r : router.routes()) {
    json params = json::array();
    for (size_t at = r.path.find('{'); at != std::string::npos; at = r.path.find('{', at + 1)) {
      std::string name = r.path.substr(at + 1, r.path.find('}', at) - at - 1);
      params.push_back({{"name", name},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (r.openapi.contains("parameters")) {
      for (const json& p : r.openapi["parameters"]) params.push_back(p);
    }
    json op = {{"summary", r.summary},
               {"operationId", fmt::format("{} {}", r.method, r.path)},
               {"responses",
                r.openapi.value("responses",
                                json{{"default", {{"description", "The object, or an error "
                                                                  "{kind, message}"}}}})}};
    if (!params.empty()) op["parameters"] = std::move(params);
    if (r.openapi.contains("requestBody")) op["requestBody"] = r.openapi["requestBody"];
    op["security"] = r.auth ? json::array({{{"bearer", json::array()}}}) : json::array();
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.path][method] = std::move(op);
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "wfc API"},
            {"version", WFC_VERSION},
            {"description", "ittybit-compatible automations, runs and tasks (docs/api.md)"}}},
          {"paths", std::move(paths)},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace

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
              }});
  router.add({"GET", "/metrics", "Prometheus metrics: runs and tasks by status, queue depth, "
              "task durations", false,
              [c](Call& call) {
                call.res.status = 200;
                call.res.set_content(c->metrics.render(c->store.count_by_status()),
                                     "text/plain; version=0.0.4");
              }});
  router.add({"GET", "/openapi.json", "This document", false, [table](Call& call) {
                send_json(call.res, 200, openapi(*table));
              }});
}

}  // namespace wfc::api
