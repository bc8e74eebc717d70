// /files: the output files of runs (docs/api.md, "Files" and "Signed URLs").
// - GET /files, GET /files/{id}, DELETE /files/{id}, POST /files/{id}/url: the File records the
//   store keeps of every task output (store::File), their `url`s signed (sign_urls.h). A delete
//   removes the bytes (a playlist's whole folder) and keeps the record, `status: "deleted"`.
// - GET /files/{run_id}/{path} (API key) and GET /files/signed/{token}/{run_id}/{path} (the
//   signature instead of a key; CORS for browsers on other origins): the bytes, streamed from
//   the storage (Config::storage: DATA/runs, or a bucket) at <run id>/<path>, read in blocks of
//   at most 1 MiB (256 KiB locally), with HTTP Range support (the front end applies the ranges to
//   the content provider: runtime/api/http_range.h; 206 with the bytes asked for, 416 when
//   unsatisfiable). A storage that cannot be reached answers 503 storage_unavailable. Only files
//   inside the run's directory are served, and not its fetched input (`.input`): a path is refused
//   before it touches the file system when it climbs (`..`) or names a hidden entry. A deleted
//   file's URL answers 410 `file_deleted`.
// The router tells the shapes apart by their segments: /files/{id} has one, /files/{id}/url
// is the only POST, and /files/signed/… is added before /files/{run_id}/{path} (whose run id
// could never be "signed").
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "runtime/api/context.h"
#include "runtime/api/pagination.h"
#include "runtime/api/sign_urls.h"
#include "runtime/ingest/issued_file.h"
#include "runtime/model/ids.h"
#include "runtime/storage/open_storage.h"
#include "runtime/storage/s3_presign.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

namespace {

namespace fs = std::filesystem;

/// The most one download holds in memory: one ranged read of the storage; a bucket's in 1 MiB
/// GETs, local files' in 256 KiB reads.
constexpr uint64_t kRemoteBlock = 1u << 20, kLocalBlock = 256u << 10;

std::string content_type(const fs::path& p) {
  // clang-format off
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".mp4", "video/mp4"},         {".m4v", "video/mp4"},
      {".webm", "video/webm"},       {".mov", "video/quicktime"},
      {".m3u8", "application/vnd.apple.mpegurl"},
      {".ts", "video/mp2t"},         {".m4s", "video/iso.segment"},
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},
      {".png", "image/png"},         {".webp", "image/webp"},
      {".avif", "image/avif"},       {".gif", "image/gif"},
      {".mp3", "audio/mpeg"},        {".aac", "audio/aac"},
      {".m4a", "audio/mp4"},         {".ogg", "audio/ogg"},
      {".opus", "audio/opus"},       {".wav", "audio/wav"},
      {".flac", "audio/flac"},       {".vtt", "text/vtt"},
      {".srt", "application/x-subrip"}, {".json", "application/json"},
      {".txt", "text/plain"}};
  // clang-format on
  std::string ext = p.extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return std::string(type);
  }
  return "application/octet-stream";
}

/// The path of a request as a relative path inside the run's directory, or "" when it climbs,
/// is absolute or names a hidden entry.
fs::path safe_relative(const std::string& path) {
  fs::path rel = fs::path(path).lexically_normal();
  return ingest::issued_path_ok(rel.generic_string()) ? rel : fs::path();
}

/// The deleted file a missing path belonged to: the file itself, or a deleted playlist whose
/// folder (removed with it) held the path. Asked only when the bytes are missing.
std::optional<store::File> deleted_file(Context& ctx, const std::string& run_id,
                                        const std::string& path) {
  auto f = ctx.store.get_file(store::file_id(run_id, path));
  if (f) return f->deleted_at ? f : std::nullopt;
  if (path.find('/') == std::string::npos) return std::nullopt;
  store::ListQuery q;
  q.run_id = run_id;
  q.kind = "playlist";  // what adaptive_video records; only playlists take their folder along
  q.limit = 100;
  for (;;) {
    auto page = ctx.store.list_files(q);
    if (!page) return std::nullopt;
    for (store::File& file : page->items) {
      size_t slash = file.path.rfind('/');
      if (!file.deleted_at || slash == std::string::npos || !folder_scoped(file.data, file.path))
        continue;
      if (path.starts_with(std::string_view(file.path).substr(0, slash + 1))) return file;
    }
    if (!page->has_more || page->items.empty()) return std::nullopt;
    q.after = page->items.back().id;
  }
}

/// The answer when the storage failed: 503 `storage_unavailable` when it cannot be reached now
/// (sent with `Retry-After`), else 500 `internal_error` (it refused: credentials, no bucket);
/// the message says what it was doing.
ApiError storage_failed(const storage::StorageError& e, std::string_view doing,
                        std::string_view key) {
  if (e.kind == storage::StorageErrorKind::Unavailable) {
    return ApiError{503, "storage_unavailable",
                    fmt::format("cannot {} '{}': {}; try again later", doing, key, e.message)};
  }
  return ApiError{500, "internal_error",
                  fmt::format("cannot {} '{}': the storage answered {}: {}", doing, key,
                              e.kind_name(), e.message)};
}

void send_storage_error(httplib::Response& res, const ApiError& e) {
  if (e.status == 503) res.set_header("Retry-After", "5");
  send_error(res, e);
}

ApiError gone(const store::File& f) {
  ApiError e{410, "file_deleted",
             fmt::format("file '{}' was deleted at {} (DELETE /files/{}); its bytes are gone", f.id,
                         f.deleted_at, f.id)};
  e.extra = {{"id", f.id}, {"deleted_at", f.deleted_at}};
  return e;
}

void serve(Context& ctx, Call& call, const std::string& run_id, const std::string& path) {
  auto missing = [&] {
    if (model::is_id(run_id, "run") && !safe_relative(path).empty()) {
      if (auto f = deleted_file(ctx, run_id, safe_relative(path).generic_string())) {
        return send_error(call.res, gone(*f));
      }
    }
    send_error(call.res,
               {404, "file_not_found", fmt::format("run '{}' has no file '{}'", run_id, path)});
  };
  if (!model::is_id(run_id, "run")) return missing();
  fs::path rel = safe_relative(path);
  if (rel.empty()) return missing();
  // The bytes come from the storage (--storage): DATA/runs by default, or a bucket.
  std::shared_ptr<storage::Storage> objects = ctx.config.storage;
  std::string key = storage::run_file_key(run_id, rel.generic_string());
  auto found = objects->stat(key);
  if (!found.ok()) return send_storage_error(call.res, storage_failed(*found.error, "read", key));
  if (!found.value.exists) return missing();
  // Read in blocks (one ranged read each: a GET for a bucket), handed to the front end 64 KiB at
  // a time: a download holds one block, never the object.
  struct Reader {
    std::shared_ptr<storage::Storage> store;
    std::string key;
    uint64_t block_size;
    std::string block;
    uint64_t block_at = 0;
  };
  auto reader = std::make_shared<Reader>(
      Reader{objects, key, objects->local_file(key) ? kLocalBlock : kRemoteBlock, {}, 0});
  // Status left unset: the front end answers 200, or 206 for a Range request.
  call.res.set_header("Accept-Ranges", "bytes");
  call.res.set_content_provider(
      found.value.size, content_type(rel),
      [reader](size_t offset, size_t length, httplib::DataSink& sink) {
        Reader& r = *reader;
        if (offset < r.block_at || offset >= r.block_at + r.block.size()) {
          r.block.clear();
          r.block_at = offset;
          storage::ByteRange range{offset, std::min<uint64_t>(length, r.block_size)};
          auto error = r.store->read(
              r.key,
              [&r](std::string_view chunk) {
                r.block.append(chunk);
                return r.block.size() <= r.block_size;
              },
              range);
          // Gone, shrunk or unreachable mid-way: end the response short.
          if (error || r.block.empty()) {
            if (error && error->kind != storage::StorageErrorKind::NotFound) {
              fmt::print(stderr, "wfc serve: reading {} from {}: {}\n", r.key, r.store->describe(),
                         error->message);
            }
            return false;
          }
        }
        size_t from = offset - r.block_at;
        size_t n = std::min({length, r.block.size() - from, size_t{64} * 1024});
        return sink.write(r.block.data() + from, n);
      });
}

/// GET with a signed URL: no key, the signature checked against the path, CORS headers on every
/// answer (a browser on another origin reads the errors too).
void serve_signed(Context& ctx, Call& call) {
  call.res.set_header("Access-Control-Allow-Origin", "*");
  call.res.set_header("Access-Control-Expose-Headers",
                      "Content-Length, Content-Range, Accept-Ranges");
  const std::string& token = call.params[0];
  const std::string& run_id = call.params[1];
  const std::string& path = call.params[2];
  fs::path rel = safe_relative(path);
  std::string normal = rel.empty() ? path : rel.generic_string();
  switch (check_signature(ctx.config.url_signing, token, run_id, normal, unix_now())) {
    case SignatureCheck::Valid:
      return serve(ctx, call, run_id, path);
    case SignatureCheck::Expired:
      return send_error(call.res,
                        {403, "signature_expired",
                         "the signed URL has expired; get a fresh one with POST /files/{id}/url "
                         "or from the run or task (GET /runs/{id}, GET /tasks/{id})"});
    case SignatureCheck::Invalid:
      break;
  }
  send_error(call.res,
             {403, "signature_invalid",
              "the URL's signature does not match its path and expiry (was it changed?); use the "
              "url the API answered with, or the API key"});
}

std::optional<ApiError> file_or_error(Context& ctx, const std::string& id, store::File* out) {
  auto f = ctx.store.get_file(id);
  if (!f) {
    return ApiError{404, "file_not_found", fmt::format("no file '{}' (GET /files lists them)", id)};
  }
  *out = std::move(*f);
  return std::nullopt;
}

void list(Context& ctx, Call& call) {
  store::ListQuery q;
  if (auto e = parse_list_query(call.req, {Filter::RunId, Filter::TaskId, Filter::Kind}, &q)) {
    return send_error(call.res, *e);
  }
  auto page = ctx.store.list_files(q);
  if (!page) return send_error(call.res, unknown_cursor(q));
  nlohmann::json data = nlohmann::json::array();
  for (const store::File& f : page->items) data.push_back(store::to_json(f));
  send_page_json(call.req, call.res, q, signed_urls(std::move(data), ctx.config.url_signing),
                 page->has_more, page->items.empty() ? "" : page->items.front().id,
                 page->items.empty() ? "" : page->items.back().id);
}

void get(Context& ctx, Call& call) {
  store::File f;
  if (auto e = file_or_error(ctx, call.params[0], &f)) return send_error(call.res, *e);
  send_json(call.res, 200, signed_urls(store::to_json(f), ctx.config.url_signing));
}

/// Removes the bytes of `f`: the file, or for a playlist in a folder of its own, that folder
/// (its variant playlists and segments). Already absent is done.
std::optional<ApiError> remove_bytes(Context& ctx, const store::File& f) {
  fs::path rel = safe_relative(f.path);
  if (rel.empty()) return std::nullopt;  // recorded, never servable: nothing of it to remove
  storage::Storage& objects = *ctx.config.storage;
  bool folder = folder_scoped(f.data, f.path) && rel.has_parent_path();
  std::string key =
      storage::run_file_key(f.run_id, (folder ? rel.parent_path() : rel).generic_string());
  if (auto e = folder ? objects.remove_prefix(key) : objects.remove(key)) {
    ApiError error = storage_failed(*e, folder ? "remove the folder" : "remove", key);
    error.message += fmt::format("; file '{}' was not deleted", f.id);
    return error;
  }
  return std::nullopt;
}

void remove(Context& ctx, Call& call) {
  store::File f;
  if (auto e = file_or_error(ctx, call.params[0], &f)) return send_error(call.res, *e);
  if (!f.deleted_at) {
    // The bytes first: a failure leaves the file as it was; then the record says so, and the
    // URL (which finds the bytes missing) answers 410.
    if (auto e = remove_bytes(ctx, f)) return send_storage_error(call.res, *e);
    auto marked = ctx.store.mark_file_deleted(f.id);
    if (marked) f = std::move(*marked);
  }
  send_json(call.res, 200, signed_urls(store::to_json(f), ctx.config.url_signing));
}

void fresh_url(Context& ctx, Call& call) {
  store::File f;
  if (auto e = file_or_error(ctx, call.params[0], &f)) return send_error(call.res, *e);
  if (f.deleted_at) return send_error(call.res, gone(f));
  nlohmann::json j = store::to_json(f);
  int64_t now = unix_now();
  sign_urls(j, ctx.config.url_signing, now);
  int64_t lifetime = ctx.config.url_signing.lifetime_s;
  // A presigned GET lasts at most S3's 7 days (playlists keep the API's URL).
  if (ctx.config.url_signing.presign && !folder_scoped(f.data, f.path)) {
    lifetime = std::min(lifetime, storage::kMaxPresignSeconds);
  }
  j["url_expires_at"] = now + lifetime;
  send_json(call.res, 200, j);
}

}  // namespace

void add_file_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add(
      {"GET", "/files", "List output files (filters run_id, task_id, kind), deleted ones included",
       true, [c](Call& call) { list(*c, call); },
       Doc().query(list_params({"run_id", "task_id", "kind"})).page("File", "A page of files")});
  router.add({"GET", "/files/{id}",
              "Get an output file: the File object with its run_id, task_id, status and a signed "
              "url",
              true, [c](Call& call) { get(*c, call); },
              Doc().returns(200, "File", "The File object").errors({404})});
  router.add({"DELETE", "/files/{id}",
              "Delete an output file's bytes (a playlist's folder with it); the record stays, "
              "status deleted, and its URL answers 410 file_deleted",
              true, [c](Call& call) { remove(*c, call); },
              Doc().returns(200, "File", "The File object, status deleted").errors({404, 503})});
  router.add({"POST", "/files/{id}/url",
              "Issue a fresh signed URL of an output file (no body); `url_expires_at` says until "
              "when it works",
              true, [c](Call& call) { fresh_url(*c, call); },
              Doc().returns(200, "File", "The File object with a fresh url").errors({404, 410})});
  // Before /files/{run_id}/{path}, which would take "signed" for a run id.
  Route signed_route{"GET",
                     "/files/signed/{token}/{run_id}/{path}",
                     "Download an output file by its signed URL (no API key; Range answers 206; "
                     "CORS for any origin)",
                     false,
                     [c](Call& call) { serve_signed(*c, call); },
                     Doc()
                         .returns_raw(200, "application/octet-stream", "The file")
                         .returns_raw(206, "application/octet-stream", "The requested range")
                         .errors({403, 404, 410, 416, 503})};
  signed_route.cors = true;
  signed_route.ignores_query = true;
  router.add(std::move(signed_route));
  Route keyed_route{
      "GET",
      "/files/{run_id}/{path}",
      "Download a run's output file with the API key (an output File's url without its "
      "signature); Range requests answer 206",
      true,
      [c](Call& call) { serve(*c, call, call.params[0], call.params[1]); },
      Doc()
          .returns_raw(200, "application/octet-stream", "The file")
          .returns_raw(206, "application/octet-stream", "The requested range")
          .errors({404, 410, 416, 503})};
  keyed_route.ignores_query = true;
  router.add(std::move(keyed_route));
}

}  // namespace wfc::api
