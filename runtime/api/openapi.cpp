// The OpenAPI document (see openapi.h). The component schemas mirror the wire JSON of
// runtime/store/wire_json.cpp and the fields the handlers check (check_fields); the API tests
// validate real answers against them and probe every route's body and query against the
// document (tests/unit/api_openapi_test.cpp).
#include "runtime/api/openapi.h"

#include <fmt/format.h>

#include <cctype>
#include <string>

namespace wfc::api {

using nlohmann::json;

namespace {

json ref(std::string_view schema) {
  return {{"$ref", fmt::format("#/components/schemas/{}", schema)}};
}

json json_content(json schema) { return {{"application/json", {{"schema", std::move(schema)}}}}; }

json nullable(std::string_view type) { return {{"type", json::array({type, "null"})}}; }

json timestamp(std::string_view description) {
  json t = nullable("integer");
  t["description"] = description;
  return t;
}

json id_of(std::string_view prefix) {
  return {{"type", "string"},
          {"pattern", fmt::format("^{}_[0-9a-z]{{16}}$", prefix)},
          {"description", fmt::format("'{}_' and 16 characters of [0-9a-z]", prefix)}};
}

json constant(std::string_view value) { return {{"type", "string"}, {"const", value}}; }

const std::initializer_list<std::string_view> kStatuses = {"waiting",    "validating", "queued",
                                                           "processing", "finishing",  "succeeded",
                                                           "failed",     "cancelled"};

// Every error kind the API answers, with its status and when (docs/api.md "Errors").
struct Kind {
  std::string_view kind;
  int status;
  std::string_view when;
};
constexpr Kind kErrorKinds[] = {
    {"request_invalid", 400,
     "malformed JSON, an empty body where one is needed, an unknown or ill-typed field or query "
     "parameter (`field`, `accepted`); 422 when the workflow does not compile (`diagnostics`)"},
    {"url_required", 400, "no input `url`, or one that is not a URL"},
    {"token_missing", 401, "no `Authorization: Bearer` key"},
    {"token_invalid", 401, "a key that is unknown, paused, retired or revoked"},
    {"signature_invalid", 403, "a signed file URL whose signature, expiry or path was changed"},
    {"signature_expired", 403, "a signed file URL past its expiry (POST /files/{id}/url)"},
    {"not_found", 404, "no route has this path"},
    {"automation_not_found", 404, "unknown automation id"},
    {"run_not_found", 404, "unknown run id"},
    {"task_not_found", 404, "unknown task id"},
    {"file_not_found", 404, "unknown file"},
    {"input_not_found", 422, "a File `input` naming no file this server issued, or a deleted one"},
    {"key_not_found", 404, "unknown key id"},
    {"connection_not_found", 404,
     "unknown connection id; 422 when a task's connection_id names no connection"},
    {"connection_required", 422,
     "an export, ingest or import of an s3:// URL without connection_id"},
    {"method_not_allowed", 405, "a known path with another method (`Allow` lists them)"},
    {"automation_exists", 409, "creating an automation with an id in use"},
    {"automation_paused", 409, "running a paused automation"},
    {"run_finished", 409, "cancelling a run that has ended (`status` names how)"},
    {"file_deleted", 410, "the file was deleted (DELETE /files/{id}); its record stays"},
    {"storage_unavailable", 503,
     "the object storage (--storage, a bucket) cannot be reached now, for a file's bytes, its "
     "deletion or a File input; try again later"},
    {"request_too_large", 413, "a body over the route's limit"},
    {"encoding_unsupported", 415, "a Content-Encoding other than identity, gzip, deflate"},
    {"range_not_satisfiable", 416, "no requested byte range is inside the file"},
    {"input_refused", 422, "the access policy refuses the input URL"},
    {"input_invalid", 422,
     "an input URL of a scheme that is never fetched, or an `input` that is not a File or {url}"},
    {"kind_unsupported", 422, "a destination this server cannot write to"},
    {"internal_error", 500, "the server failed to answer (a broken database)"},
    {"store_unavailable", 503,
     "the database cannot be reached now (PostgreSQL restarting); `Retry-After` says when to "
     "send the request again"},
};

json error_schema() {
  json kinds = json::array();
  std::string table;
  for (const Kind& k : kErrorKinds) {
    kinds.push_back(k.kind);
    table += fmt::format("\n- `{}` ({}): {}", k.kind, k.status, k.when);
  }
  return {{"type", "object"},
          {"description",
           "Every error: its kind, a message a user can act on, and where the "
           "request was wrong when known." +
               table},
          {"required", {"kind", "message"}},
          {"properties",
           {{"kind", {{"type", "string"}, {"enum", kinds}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "The body field or query parameter"}}},
            {"pointer", {{"type", "string"}, {"description", "JSON pointer into the body"}}},
            {"in", {{"type", "string"}, {"description", "`query` for a query parameter"}}},
            {"accepted",
             {{"type", "array"},
              {"items", {{"type", "string"}}},
              {"description", "The fields or query parameters the route accepts"}}},
            {"line", {{"type", "integer"}}},
            {"column", {{"type", "integer"}}},
            {"offset", {{"type", "integer"}}},
            {"status", {{"type", "string"}, {"description", "run_finished: how the run ended"}}},
            {"limit", {{"type", "integer"}}},
            {"truncated", {{"type", "integer"}}},
            {"diagnostics",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"code", {{"type", "string"}}},
                  {"severity", {{"type", "string"}}},
                  {"message", {{"type", "string"}}},
                  {"hint", {{"type", "string"}}},
                  {"pointer", {{"type", "string"}}}}}}}}}}},
          {"additionalProperties", true}};
}

json file_schema() {
  return {{"type", "object"},
          {"description",
           "A media file: an output of a task (with `id` and `url`), or an input as probed"},
          {"properties",
           {{"id", id_of("file")},
            {"object", {{"type", "string"}, {"enum", {"file", "external_file"}}}},
            {"kind", {{"type", "string"}, {"description", "video, audio, image, …"}}},
            {"format", {{"type", "string"}}},
            {"type", {{"type", "string"}, {"description", "MIME type"}}},
            {"url", {{"type", "string"}}},
            {"filename", {{"type", "string"}}},
            {"filesize", {{"type", "integer"}}},
            {"width", {{"type", "integer"}}},
            {"height", {{"type", "integer"}}},
            {"duration", {{"type", "number"}}},
            {"fps", {{"type", "number"}}},
            {"bitrate", {{"type", "integer"}}},
            {"codecs",
             {{"type", "object"},
              {"properties", {{"video", {{"type", "string"}}}, {"audio", {{"type", "string"}}}}}}},
            {"metadata", {{"type", "object"}}},
            {"run_id", id_of("run")},
            {"task_id", nullable("string")},
            {"status", {{"type", "string"}, {"description", "ready, or deleted"}}},
            {"created_at", timestamp("Unix seconds")},
            {"deleted_at", timestamp("Unix seconds; null until deleted")}}},
          {"additionalProperties", true}};
}

json task_schema() {
  json statuses = json::array();
  for (auto s : kStatuses) statuses.push_back(s);
  return {
      {"type", "object"},
      {"required",
       {"id", "object", "kind", "status", "run_id", "progress", "options", "inputs", "outputs",
        "error", "created_at", "updated_at"}},
      {"properties",
       {{"id", id_of("task")},
        {"object", constant("task")},
        {"kind", {{"type", "string"}}},
        {"node", {{"type", "string"}, {"description", "The task's place in the plan"}}},
        {"status", {{"type", "string"}, {"enum", statuses}}},
        {"run_id", id_of("run")},
        {"parent_id", nullable("string")},
        {"progress",
         {{"type", "integer"}, {"minimum", 0}, {"maximum", 100}, {"description", "Percent"}}},
        {"options", {{"type", "object"}}},
        {"input",
         {{"oneOf", {ref("File"), {{"type", "null"}}}},
          {"description", "seeds/004: the File it reads (or an external_file); null until known"}}},
        {"output",
         {{"oneOf", {ref("File"), {{"type", "null"}}}},
          {"description", "seeds/004: the File it made; null until it has one"}}},
        {"inputs", {{"type", "array"}, {"items", ref("File")}}},
        {"outputs", {{"type", "array"}, {"items", ref("File")}}},
        {"error", {{"oneOf", {ref("Failure"), {{"type", "null"}}}}}},
        {"skipped", {{"type", "boolean"}}},
        {"skip_reason", {{"type", "string"}}},
        {"predicate", {{"type", "object"}}},
        {"created_at", timestamp("Unix seconds")},
        {"started_at", timestamp("Unix seconds; null until it starts")},
        {"finished_at", timestamp("Unix seconds; null until it ends")},
        {"updated_at", timestamp("Unix seconds")}}}};
}

json run_schema() {
  json statuses = json::array();
  for (auto s : kStatuses) statuses.push_back(s);
  return {{"type", "object"},
          {"required",
           {"id", "object", "status", "progress", "metadata", "error", "created_at", "updated_at"}},
          {"properties",
           {{"id", id_of("run")},
            {"object", constant("run")},
            {"status", {{"type", "string"}, {"enum", statuses}}},
            {"progress", {{"type", "integer"}, {"minimum", 0}, {"maximum", 100}}},
            {"automation_id", nullable("string")},
            {"input", {{"type", {"string", "null"}}, {"description", "The input URL (redacted)"}}},
            {"tasks",
             {{"type", "array"},
              {"items", ref("Task")},
              {"description", "On a single run; lists leave it out"}}},
            {"metadata", {{"type", "object"}}},
            {"error", {{"oneOf", {ref("Failure"), {{"type", "null"}}}}}},
            {"created_by", {{"type", {"string", "null"}}, {"description", "The key that made it"}}},
            {"created_at", timestamp("Unix seconds")},
            {"started_at", timestamp("Unix seconds")},
            {"finished_at", timestamp("Unix seconds")},
            {"updated_at", timestamp("Unix seconds")}}}};
}

json automation_schema() {
  return {{"type", "object"},
          {"required", {"id", "object", "name", "workflow", "status", "created_at", "updated_at"}},
          {"properties",
           {{"id", id_of("auto")},
            {"object", constant("automation")},
            {"name", {{"type", "string"}}},
            {"description", {{"type", "string"}}},
            {"workflow", {{"type", "array"}, {"items", ref("WorkflowTask")}}},
            {"status", {{"type", "string"}, {"enum", {"active", "paused"}}}},
            {"webhook_url", nullable("string")},
            {"source",
             {{"type", {"string", "null"}},
              {"description",
               "The file it was deployed "
               "from (wfc deploy)"}}},
            {"created_at", timestamp("Unix seconds")},
            {"updated_at", timestamp("Unix seconds")}}}};
}

json key_schema(bool with_secret) {
  json k = {
      {"type", "object"},
      {"required", {"id", "object", "name", "status", "created_at", "updated_at"}},
      {"properties",
       {{"id", id_of("key")},
        {"object", constant("key")},
        {"name", {{"type", "string"}}},
        {"status", {{"type", "string"}, {"enum", {"active", "paused", "retired", "revoked"}}}},
        {"source", {{"type", "string"}, {"description", "api, or where configured"}}},
        {"created_by", nullable("string")},
        {"hint", {{"type", {"string", "null"}}, {"description", "The secret's ends"}}},
        {"created_at", timestamp("Unix seconds")},
        {"updated_at", timestamp("Unix seconds")}}}};
  if (with_secret) {
    k["properties"]["key"] = {{"type", "string"}, {"description", "The secret, shown this once"}};
    k["required"].push_back("key");
  }
  return k;
}

json connection_schema() {
  json text_or_null = {{"type", {"string", "null"}}};
  return {
      {"type", "object"},
      {"description",
       "A connection to an S3-compatible bucket; its secret is never answered "
       "(docs/api.md \"Connections\")"},
      {"required",
       {"id", "object", "kind", "name", "bucket", "region", "endpoint", "access_key_id",
        "secret_access_key_set", "created_by", "created_at", "updated_at"}},
      {"properties",
       {{"id", id_of("conn")},
        {"object", constant("connection")},
        {"kind", {{"type", "string"}, {"enum", {"s3"}}}},
        {"name", {{"type", "string"}}},
        {"bucket",
         {{"type", {"string", "null"}},
          {"description", "The only bucket it may reach; null: any"}}},
        {"region", text_or_null},
        {"endpoint",
         {{"type", {"string", "null"}}, {"description", "http(s) origin, path-style; null: AWS"}}},
        {"access_key_id", text_or_null},
        {"secret_access_key_set",
         {{"type", "boolean"}, {"description", "Whether a secret access key is stored"}}},
        {"created_by", {{"type", {"string", "null"}}}},
        {"created_at", timestamp("Unix seconds")},
        {"updated_at", timestamp("Unix seconds")}}}};
}

json event_schema() {
  return {{"type", "object"},
          {"required", {"id", "object", "kind", "data", "created_at"}},
          {"properties",
           {{"id", id_of("evt")},
            {"object", constant("event")},
            {"kind", {{"type", "string"}, {"description", "run.created, task.succeeded, …"}}},
            {"data", {{"type", "object"}, {"description", "The run or task as it was"}}},
            {"created_at", timestamp("Unix seconds")}}}};
}

// Request bodies: the fields the handlers accept (check_fields), closed.
json body_schema(json properties, std::initializer_list<std::string_view> required,
                 std::string_view description) {
  json req = json::array();
  for (auto r : required) req.push_back(r);
  return {{"type", "object"},
          {"description", description},
          {"properties", std::move(properties)},
          {"required", std::move(req)},
          {"additionalProperties", false}};
}

json workflow_task_schema() {
  return {{"type", "object"},
          {"description",
           "A task of a workflow (seeds/000): its kind, its options, the tasks "
           "that follow it"},
          {"required", {"kind"}},
          {"properties",
           {{"kind", {{"type", "string"}}},
            {"options", {{"type", "object"}}},
            {"next", {{"type", "array"}, {"items", ref("WorkflowTask")}}}}},
          {"additionalProperties", true}};
}

json connection_fields() {
  json nullable = {{"type", {"string", "null"}}};
  return {{"kind", {{"type", "string"}, {"enum", {"s3"}}}},
          {"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
          {"bucket", nullable},
          {"region", {{"type", "string"}}},
          {"endpoint", nullable},
          {"access_key_id", {{"type", "string"}}},
          {"secret_access_key", {{"type", "string"}, {"writeOnly", true}}}};
}

json schemas() {
  json url = {{"type", "string"},
              {"description",
               "http(s):// or file:// URL of the input, or s3://bucket/key with "
               "connection_id"}};
  json connection_id = {{"type", "string"},
                        {"description", "The connection (conn_…) an s3:// url is read through"}};
  json webhook = {{"type", {"string", "null"}},
                  {"description", "An absolute http(s) URL that gets the events"}};
  json metadata = {{"type", "object"}, {"description", "Kept with the run, yours to set"}};
  json name = {{"type", "string"}};
  json status = {{"type", "string"}, {"enum", {"active", "paused"}}};
  json workflow = {{"type", "array"}, {"items", ref("WorkflowTask")}};
  json s = {
      {"Error", error_schema()},
      {"Failure",
       {{"type", "object"},
        {"description",
         "Why a run or task failed or was cancelled (input_unreachable, input_refused, "
         "worker_crashed, limit_exceeded, run_cancelled, run_interrupted, plan_invalid, the "
         "media errors, …)"},
        {"required", {"kind", "message"}},
        {"properties", {{"kind", {{"type", "string"}}}, {"message", {{"type", "string"}}}}},
        {"additionalProperties", true}}},
      {"File", file_schema()},
      {"Task", task_schema()},
      {"Run", run_schema()},
      {"Automation", automation_schema()},
      {"Key", key_schema(false)},
      {"KeyCreated", key_schema(true)},
      {"Event", event_schema()},
      {"Connection", connection_schema()},
      {"WorkflowTask", workflow_task_schema()},
      {"Deleted",
       {{"type", "object"},
        {"required", {"id", "object", "deleted"}},
        {"properties",
         {{"id", {{"type", "string"}}},
          {"object", {{"type", "string"}}},
          {"deleted", {{"type", "boolean"}, {"const", true}}}}}}},
      {"Health",
       {{"type", "object"},
        {"required", {"status"}},
        {"properties",
         {{"status", {{"type", "string"}, {"enum", {"ok", "unavailable"}}}},
          {"error", {{"type", "string"}}}}}}},
      {"RunCreate", body_schema({{"tasks",
                                  {{"type", "array"},
                                   {"items", ref("WorkflowTask")},
                                   {"description",
                                    "Start with {\"kind\": \"ingest\", \"options\": {\"url\": "
                                    "…}} and chain the others in its `next`"}}},
                                 {"metadata", metadata},
                                 {"webhook_url", webhook}},
                                {"tasks"}, "A run from a tasks array (seeds/000)")},
      {"TaskCreate",
       body_schema({{"url", url},
                    {"connection_id", connection_id},
                    {"kind", {{"type", "string"}, {"description", "video, image, audio, …"}}},
                    {"options", {{"type", "object"}, {"description", "The kind's options"}}},
                    {"metadata", metadata},
                    {"webhook_url", webhook},
                    {"ref", {{"type", "string"}}},
                    {"label", {{"type", "string"}}},
                    {"folder", {{"type", "string"}}},
                    {"filename", {{"type", "string"}}},
                    {"input",
                     {{"type", "object"},
                      {"description",
                       "{url} for probe and import; a File from an earlier task (by its id or "
                       "url) for the kinds that read a file (seeds/004). Instead of `url`"}}}},
                   {"kind"},
                   "One task: on one URL (seeds/001), or on an `input` (seeds/004); `url` or "
                   "`input`, not both")},
      {"AutomationCreate",
       body_schema({{"name", name},
                    {"description", {{"type", "string"}}},
                    {"workflow", workflow},
                    {"status", status},
                    {"webhook_url", webhook},
                    {"id", id_of("auto")},
                    {"source", {{"type", "string"}}}},
                   {"name", "workflow"}, "An automation (seeds/002); `id`, `source`: wfc deploy")},
      {"AutomationUpdate", body_schema({{"name", name},
                                        {"description", {{"type", "string"}}},
                                        {"workflow", workflow},
                                        {"status", status},
                                        {"webhook_url", webhook},
                                        {"source", {{"type", "string"}}}},
                                       {}, "Any of an automation's fields")},
      {"AutomationRun", body_schema({{"url", url},
                                     {"connection_id", connection_id},
                                     {"metadata", metadata},
                                     {"webhook_url", webhook}},
                                    {"url"}, "The input of a run of the automation")},
      {"ConnectionCreate",
       body_schema(connection_fields(), {"name", "access_key_id", "secret_access_key"},
                   "An S3 connection; secret_access_key is write-only")},
      {"ConnectionUpdate",
       body_schema(connection_fields(), {}, "Any of a connection's fields but kind")},
      {"KeyCreate",
       body_schema({{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}}}, {"name"},
                   "Who or what the key is for")},
  };
  return s;
}

json error_response(std::string_view description) {
  return {{"description", description}, {"content", json_content(ref("Error"))}};
}

std::string reason(int status) {
  switch (status) {
    case 400:
      return "The request is invalid";
    case 401:
      return "No key, or one that is not active";
    case 403:
      return "A signed URL that is tampered with or expired";
    case 404:
      return "No such object";
    case 409:
      return "The object is not in a state that allows it";
    case 410:
      return "The file was deleted";
    case 413:
      return "The body is too large";
    case 415:
      return "Content-Encoding not supported";
    case 416:
      return "Range not satisfiable";
    case 422:
      return "The request is well-formed but cannot be served";
    default:
      return "An error";
  }
}

}  // namespace

Doc& Doc::body(std::string_view schema, std::string_view description) {
  j_["requestBody"] = {
      {"required", true}, {"description", description}, {"content", json_content(ref(schema))}};
  return *this;
}

Doc& Doc::returns(int status, std::string_view schema, std::string_view description) {
  j_["responses"][std::to_string(status)] = {{"description", description},
                                             {"content", json_content(ref(schema))}};
  return *this;
}

Doc& Doc::page(std::string_view schema, std::string_view description) {
  json page = {{"type", "object"},
               {"required", {"object", "data", "has_more"}},
               {"properties",
                {{"object", constant("list")},
                 {"data", {{"type", "array"}, {"items", ref(schema)}}},
                 {"has_more", {{"type", "boolean"}}}}}};
  j_["responses"]["200"] = {{"description", description},
                            {"headers",
                             {{"Has-More", {{"schema", {{"type", "string"}}}}},
                              {"Limit", {{"schema", {{"type", "string"}}}}},
                              {"Link",
                               {{"description", "rel=\"next\" and rel=\"prev\" pages"},
                                {"schema", {{"type", "string"}}}}}}},
                            {"content", json_content(std::move(page))}};
  return *this;
}

Doc& Doc::returns_raw(int status, std::string_view media_type, std::string_view description) {
  j_["responses"][std::to_string(status)] = {
      {"description", description},
      {"content", {{std::string(media_type), {{"schema", {{"type", "string"}}}}}}}};
  return *this;
}

Doc& Doc::errors(std::initializer_list<int> statuses) {
  for (int s : statuses) j_["responses"][std::to_string(s)] = error_response(reason(s));
  return *this;
}

Doc& Doc::query(const json& parameters) {
  for (const json& p : parameters) j_["parameters"].push_back(p);
  return *this;
}

json json_body(std::string_view description) {
  return {{"required", true},
          {"description", description},
          {"content", json_content({{"type", "object"}})}};
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

json openapi_document(const Router& router) {
  json paths = json::object();
  for (const Route& r : router.routes()) {
    json params = json::array();
    for (size_t at = r.path.find('{'); at != std::string::npos; at = r.path.find('{', at + 1)) {
      std::string name = r.path.substr(at + 1, r.path.find('}', at) - at - 1);
      params.push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    if (r.openapi.contains("parameters")) {
      for (const json& p : r.openapi["parameters"]) params.push_back(p);
    }
    json responses = r.openapi.value("responses", json::object());
    if (responses.empty()) responses["200"] = {{"description", "The object"}};
    responses["default"] = error_response("An error {kind, message}");
    json op = {{"summary", r.summary},
               {"operationId", fmt::format("{} {}", r.method, r.path)},
               {"responses", std::move(responses)}};
    if (!params.empty()) op["parameters"] = std::move(params);
    if (r.openapi.contains("requestBody")) op["requestBody"] = r.openapi["requestBody"];
    if (r.ignores_query) op["x-query-ignored"] = true;
    op["security"] = r.auth ? json::array({{{"bearer", json::array()}}}) : json::array();
    // A dashboard session's cookie also serves (runtime/api/session.h).
    if (r.auth && r.session) op["security"].push_back({{"session", json::array()}});
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.path][method] = std::move(op);
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "wfc API"},
            {"version", WFC_VERSION},
            {"description",
             "ittybit-compatible automations, runs and tasks (docs/api.md). Every route "
             "answers an unknown query parameter with 400 request_invalid listing the ones it "
             "accepts (`accepted`)."}}},
          {"paths", std::move(paths)},
          {"components",
           {{"schemas", schemas()},
            {"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"session",
               {{"type", "apiKey"},
                {"in", "cookie"},
                {"name", "wfc_session"},
                {"description", "A dashboard session (sign in at /ui/sign-in)"}}}}}}}};
}

}  // namespace wfc::api
