// Request parsing and error responses (see request.h).
#include "runtime/api/request.h"

#include <fmt/format.h>

#include <vector>

#include "compiler/diag/wording.h"

namespace wfc::api {

using nlohmann::json;

ApiError bad_request(std::string message) { return {400, "request_invalid", std::move(message)}; }

ApiError not_found(std::string_view kind, std::string_view id) {
  std::string_view what = kind.substr(0, kind.find('_'));
  return {404, std::string(kind), fmt::format("no {} has the id '{}'", what, id)};
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // User text (names, metadata) may hold invalid UTF-8: replace it rather than throw.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  "application/json");
}

void send_json_text(httplib::Response& res, int status, std::string text) {
  res.status = status;
  text += '\n';
  res.set_content(std::move(text), "application/json");
}

void send_error(httplib::Response& res, const ApiError& error) {
  json body = {{"kind", error.kind}, {"message", error.message}};
  for (const auto& [k, v] : error.extra.items()) body[k] = v;
  send_json(res, error.status, body);
}

namespace {

// JSON nested past kMaxDepth is refused before it is parsed: the serializer and the compiler
// recurse, and a 1 MiB body of '[' would otherwise exhaust a thread's stack.
constexpr int kMaxDepth = 256;

/// The offset of the bracket that opens level kMaxDepth + 1 (outside strings), if any.
std::optional<size_t> too_deep_at(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

/// A 400 located at byte `at` of `body`: line and column (1-based) and the offset, in the message
/// and as fields.
ApiError located(std::string_view body, size_t at, std::string_view what) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  ApiError err = bad_request(
      fmt::format("malformed JSON at line {}, column {} (byte {}): {}", line, column, at, what));
  err.extra = {{"line", line}, {"column", column}, {"offset", at}};
  return err;
}

}  // namespace

std::optional<ApiError> parse_object(const httplib::Request& req, json* out, bool empty_ok) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (empty_ok) {
      *out = json::object();
      return std::nullopt;
    }
    // curl's `-X POST` without `-d` sends no body at all: say what is missing, not "syntax error".
    ApiError e = bad_request(
        fmt::format("{} {} needs a JSON body, and this request's is empty: send a JSON object with "
                    "'Content-Type: application/json' (curl: -d '{{…}}')",
                    req.method, req.path));
    e.extra = {{"pointer", ""}, {"line", 1}, {"column", 1}, {"offset", 0}};
    return e;
  }
  if (auto at = too_deep_at(req.body)) {
    return located(req.body, *at,
                   fmt::format("nested more than {} levels deep (arrays and objects)", kMaxDepth));
  }
  try {
    *out = json::parse(req.body);
  } catch (const json::parse_error& e) {
    // nlohmann's byte is 1-based and points just past the offending character.
    std::string what = e.what();
    if (auto colon = what.find("]: "); colon != std::string::npos) what = what.substr(colon + 3);
    return located(req.body, e.byte > 0 ? e.byte - 1 : 0, what);
  }
  if (!out->is_object()) return bad_request("the request body must be a JSON object");
  return std::nullopt;
}

namespace {

bool has_type(const json& v, Type t) {
  switch (t) {
    case Type::String:
      return v.is_string();
    case Type::Object:
      return v.is_object();
    case Type::Array:
      return v.is_array();
    case Type::Boolean:
      return v.is_boolean();
    case Type::Any:
      return true;
  }
  return false;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::String:
      return "a string";
    case Type::Object:
      return "an object";
    case Type::Array:
      return "an array";
    case Type::Boolean:
      return "true or false";
    case Type::Any:
      return "any value";
  }
  return "";
}

}  // namespace

std::optional<ApiError> check_fields(const json& body, std::initializer_list<Field> spec,
                                     std::string_view where) {
  std::vector<std::string> names;
  for (const Field& f : spec) names.emplace_back(f.name);
  for (const auto& [key, value] : body.items()) {
    const Field* field = nullptr;
    for (const Field& f : spec) {
      if (f.name == key) field = &f;
    }
    if (!field) {
      std::string hint = diag::suggestion(key, names);
      ApiError e = bad_request(fmt::format("unknown field '{}'{}{}; expected one of: {}", key,
                                           where.empty() ? "" : " in ", where, diag::join(names)));
      if (!hint.empty()) e.message += " (" + hint + ")";
      e.extra = {{"field", key}, {"accepted", names}};
      return e;
    }
    if (!has_type(value, field->type)) {
      ApiError e = bad_request(fmt::format("'{}' must be {}", key, type_name(field->type)));
      e.extra = {{"field", key}};
      return e;
    }
  }
  for (const Field& f : spec) {
    if (f.required && !body.contains(f.name)) {
      ApiError e = bad_request(fmt::format("'{}' is required", f.name));
      e.extra = {{"field", f.name}};
      return e;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> idempotency_key(const httplib::Request& req, std::string* out) {
  *out = req.get_header_value("Idempotency-Key");
  if (out->size() > 255) return bad_request("'Idempotency-Key' is longer than 255 bytes");
  return std::nullopt;
}

}  // namespace wfc::api
