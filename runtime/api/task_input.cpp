// Resolving the `input` of POST /tasks (see task_input.h).
#include "runtime/api/task_input.h"

#include <fmt/format.h>

#include <filesystem>

#include "runtime/api/sign_urls.h"
#include "runtime/ingest/issued_file.h"
#include "runtime/net/redact.h"
#include "runtime/storage/open_storage.h"

namespace wfc::api {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

ApiError invalid(std::string message, std::string_view pointer,
                 std::string kind = "input_invalid") {
  ApiError e{422, std::move(kind), std::move(message)};
  e.extra = {{"field", "input"}, {"pointer", pointer}};
  return e;
}

bool takes_url(const std::string& kind) { return kind == "probe" || kind == "import"; }

}  // namespace

json external_file(const std::string& url) {
  return {{"object", "external_file"}, {"url", net::redact_url(url)}};
}

std::optional<ApiError> resolve_task_input(const Context& ctx, const std::string& kind,
                                           const json& input, TaskInput* out) {
  std::string wanted =
      takes_url(kind)
          ? fmt::format("{{\"url\": …}} for a {} task", kind)
          : fmt::format("a File object from an earlier task's `output` for a {} task", kind);
  if (!input.is_object()) {
    return invalid(fmt::format("'input' must be {}, got {}", wanted, input.type_name()), "/input");
  }
  auto object = input.find("object");
  if (!takes_url(kind) && (object == input.end() || *object != "file")) {
    return invalid(fmt::format("'input' must be {} (with \"object\": \"file\"); to start from a "
                               "URL, probe it first or send {{\"url\": …, \"kind\": \"{}\"}}",
                               wanted, kind),
                   input.contains("object") ? "/input/object" : "/input");
  }
  auto url = input.find("url");
  bool has_url = url != input.end() && !url->is_null();
  auto id = input.find("id");
  bool has_id = !takes_url(kind) && id != input.end() && id->is_string();
  if (!has_url && !has_id) {
    return invalid(fmt::format("'input' names no file: it needs a `url`{} ({})",
                               takes_url(kind) ? "" : " or an `id`", wanted),
                   "/input");
  }
  if (has_url &&
      (!url->is_string() || url->get_ref<const std::string&>().find("://") == std::string::npos)) {
    return invalid(
        fmt::format("'input.url' must be an http(s):// or file:// URL, got {}", url->dump()),
        "/input/url");
  }
  const std::string u = has_url ? url->get<std::string>() : "";
  // A file this server issued: by its url (whatever signature it carries), else by its id.
  std::optional<ingest::IssuedFile> issued;
  // The url's shape (api::parse_file_url), a query or fragment left out: the file's name is its
  // run and path, whatever signature it carries and whether it is still valid.
  if (auto f = parse_file_url(std::string_view(u).substr(0, u.find_first_of("?#")))) {
    issued = ingest::IssuedFile{f->run_id, f->path};
  }
  std::string pointer = "/input/url";
  if (!issued && has_id) {
    const std::string& file_id = id->get_ref<const std::string&>();
    if (std::optional<store::File> f = ctx.store.get_file(file_id)) {
      if (f->deleted_at) {
        return invalid(fmt::format("file {} was deleted; its task's run can be run again to "
                                   "make it anew",
                                   file_id),
                       "/input/id", "input_not_found");
      }
      issued = ingest::IssuedFile{f->run_id, f->path};
      pointer = "/input/id";
    } else if (!has_url) {
      return invalid(fmt::format("this server has no file '{}'", file_id), "/input/id",
                     "input_not_found");
    }
  }
  out->url = has_url ? u : "";
  if (issued) {
    // Read in the data directory, never fetched.
    if (kind == "import") {
      return invalid(fmt::format("'{}' of run {} is already a file of this server: give its "
                                 "File as the input of the next task instead of importing it",
                                 issued->path, issued->run_id),
                     pointer);
    }
    // Asked of the storage the file is kept in (DATA/runs, or a bucket): a regular file there,
    // never a symlink (LocalStorage::stat).
    auto stored =
        ingest::issued_path_ok(issued->path)
            ? ctx.config.storage->stat(storage::run_file_key(issued->run_id, issued->path))
            : storage::StorageResult<storage::ObjectStat>{};
    if (!stored.ok()) {
      return ApiError{503, "storage_unavailable",
                      fmt::format("cannot look up file '{}' of run {}: {}; try again later",
                                  issued->path, issued->run_id, stored.error->message)};
    }
    if (!stored.value.exists) {
      return invalid(fmt::format("run {} has no file '{}' on this server (the run or the file is "
                                 "gone, or the url is not one this server issued)",
                                 issued->run_id, issued->path),
                     pointer, "input_not_found");
    }
    out->run_input = issued->reference();
    // The compiler reads a URL: the file's, or one of the same shape when only its id was given.
    if (out->url.empty())
      out->url = "http://localhost/files/" + issued->run_id + "/" + issued->path;
    out->shown = input;
    return std::nullopt;
  }
  // An external URL: the access policy's to judge, as the `url` of the other form is.
  if (auto e = check_input_access(ctx, u, "/input/url")) {
    e->extra["field"] = "input";
    return e;
  }
  out->run_input = u;
  out->shown = takes_url(kind) ? external_file(u) : input;
  return std::nullopt;
}

}  // namespace wfc::api
