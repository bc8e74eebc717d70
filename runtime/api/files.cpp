// GET /files/{run_id}/{path}: the files a run made, at the `url` of each output File object.
// Streamed from DATA/runs/<run id>/ with HTTP Range support (the front end applies the ranges to
// the content provider: runtime/api/http_range.h; 206 with the bytes asked for, 416 when
// unsatisfiable). Only files inside
// the run's directory are served, and not its fetched input (`.input`): a path is refused
// before it touches the file system when it climbs (`..`) or names a hidden entry.
#include <fmt/format.h>

#include <fstream>
#include <memory>

#include "runtime/api/context.h"
#include "runtime/model/ids.h"

namespace wfc::api {

namespace {

namespace fs = std::filesystem;

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

void serve(Context& ctx, Call& call) {
  const std::string& run_id = call.params[0];
  const std::string& path = call.params[1];
  auto missing = [&] {
    send_error(call.res,
               {404, "file_not_found", fmt::format("run '{}' has no file '{}'", run_id, path)});
  };
  if (!model::is_id(run_id, "run")) return missing();
  fs::path rel = fs::path(path).lexically_normal();
  if (rel.is_absolute() || rel.empty()) return missing();
  for (const fs::path& part : rel) {
    if (part.empty() || part.string()[0] == '.') return missing();
  }
  fs::path file = ctx.config.data_dir / "runs" / run_id / rel;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(file, ec))) return missing();
  uintmax_t size = fs::file_size(file, ec);
  if (ec) return missing();
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (!*in) return missing();
  // Status left unset: the front end answers 200, or 206 for a Range request.
  call.res.set_header("Accept-Ranges", "bytes");
  call.res.set_content_provider(size, content_type(file),
                                [in](size_t offset, size_t length, httplib::DataSink& sink) {
                                  char buf[64 * 1024];
                                  in->clear();
                                  in->seekg(static_cast<std::streamoff>(offset));
                                  size_t want = std::min(length, sizeof buf);
                                  in->read(buf, static_cast<std::streamsize>(want));
                                  std::streamsize got = in->gcount();
                                  // The file shrank under us: end the response.
                                  if (got <= 0) return false;
                                  return sink.write(buf, static_cast<size_t>(got));
                                });
}

}  // namespace

void add_file_routes(Router& router, Context& ctx) {
  Context* c = &ctx;
  router.add({"GET", "/files/{run_id}/{path}",
              "Download a run's output file (the `url` of an output File object); Range "
              "requests answer 206",
              true, [c](Call& call) { serve(*c, call); },
              Doc()
                  .returns_raw(200, "application/octet-stream", "The file")
                  .returns_raw(206, "application/octet-stream", "The requested range")
                  .errors({404, 416})});
}

}  // namespace wfc::api
