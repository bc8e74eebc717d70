// The OpenAPI 3.1 document of the API (GET /openapi.json, docs/api.md "OpenAPI"): the schemas of
// the objects and request bodies (components), what each route says of itself in
// Route::openapi (built with Doc), and the document generated from the route table. The query
// parameters a route documents are the ones it accepts (Router::call checks them), so the
// document and the server cannot disagree on them. External interface: Doc, json_body,
// list_params, openapi_document.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/api/router.h"

namespace wfc::api {

/// What a route says of itself, for Route::openapi, e.g.
///   Doc().body("RunCreate", "tasks, …").returns(201, "Run", "The run").errors({400, 422})
/// Converts to the JSON Route::openapi holds. Schema names are those of
/// components.schemas (openapi.cpp); every operation also answers `default`: an Error.
class Doc {
 public:
  /// A required JSON request body of the component `schema`.
  Doc& body(std::string_view schema, std::string_view description);
  /// The answer `status` with a JSON object of the component `schema`.
  Doc& returns(int status, std::string_view schema, std::string_view description);
  /// 200 with one page of a list of `schema` objects ({object: "list", data, has_more}).
  Doc& page(std::string_view schema, std::string_view description);
  /// An answer without a JSON schema (a file, Prometheus text): its media type, its description.
  Doc& returns_raw(int status, std::string_view media_type, std::string_view description);
  /// Error statuses this route may answer (each an Error object); `default` covers the others.
  Doc& errors(std::initializer_list<int> statuses);
  /// Query parameters (list_params, or hand-made {name, in: "query", schema, description}).
  Doc& query(const nlohmann::json& parameters);
  operator nlohmann::json() const { return j_; }  // NOLINT: built to be converted

 private:
  nlohmann::json j_ = nlohmann::json::object();
};

/// A required JSON object body described in words, without a schema (older routes; prefer
/// Doc::body with a component).
nlohmann::json json_body(std::string_view description);
/// The query parameters of a list (pagination.h): after, before, limit, order and `filters`.
nlohmann::json list_params(std::initializer_list<std::string_view> filters);

/// The whole document for the routes of `router`, with the component schemas.
nlohmann::json openapi_document(const Router& router);

}  // namespace wfc::api
