// Request parsing and error responses for the API server. Every error leaves as the seeds' shape
// `{"kind", "message"}` (API-NOTES "Errors"; 422 adds `diagnostics`) with the status its kind
// implies. Problems in a request are values (ApiError), never exceptions: a handler returns the
// first one it finds. External interface: ApiError, send_json, send_error, parse_object,
// check_fields.
#pragma once

#include <httplib.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::api {

/// One reason a request cannot be served.
struct ApiError {
  int status = 400;
  std::string kind = "request_invalid";
  std::string message;
  nlohmann::json extra = nlohmann::json::object();  // merged into the body (`diagnostics`)
};

ApiError bad_request(std::string message);                       // 400 request_invalid
ApiError not_found(std::string_view kind, std::string_view id);  // 404 run_not_found, …

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
/// The same answer from JSON already written as text (store::to_json_text).
void send_json_text(httplib::Response& res, int status, std::string text);
void send_error(httplib::Response& res, const ApiError& error);

/// The body as a JSON object. Malformed JSON is a 400 whose message gives the line, column and
/// byte offset; an empty (or all-whitespace) body is `{}` when `empty_ok`, else a 400 "this route
/// needs a JSON body" located at the document's start (`pointer` "", line 1, column 1).
std::optional<ApiError> parse_object(const httplib::Request& req, nlohmann::json* out,
                                     bool empty_ok = false);

enum class Type { String, Object, Array, Boolean, Any };

struct Field {
  std::string_view name;
  Type type = Type::String;
  bool required = false;
};

/// Checks that `body` has only these fields, each of its type, and every required one. The
/// error names the field ("unknown field 'urll'; did you mean 'url'?", "'metadata' must be an
/// object"); an unknown field's error lists the known ones in `accepted`.
std::optional<ApiError> check_fields(const nlohmann::json& body, std::initializer_list<Field> spec,
                                     std::string_view where = "");

/// The `Idempotency-Key` header ("" when absent); longer than 255 bytes is a 400.
std::optional<ApiError> idempotency_key(const httplib::Request& req, std::string* out);

}  // namespace wfc::api
