// The export operator. To `s3://bucket/key` it uploads the file it receives through the
// connection `connection_id` (runtime/connections/s3_transfer.h): an HLS or DASH playlist with its
// whole folder (variant playlists, segments), every connection under the access policy; its
// output is the file with `url` set to the object's s3:// URL and `objects` listing every object
// written. To a local directory (`file:///path` or a path) it copies the file, keeping its name,
// only below a directory the access policy lets exports write to (--allow-export; `wfc run` adds
// its --out), with no symlink followed, through a temporary name, and replacing an existing file
// only with `overwrite: true` (runtime/ingest/export_file.h). The file passes on to `next`.
#include "runtime/connections/s3_transfer.h"
#include "runtime/ingest/export_file.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

namespace fs = std::filesystem;

namespace {

// A playlist references files beside and below it: they go with it.
bool is_playlist(const File& input) {
  std::string format = input.file.is_object() ? input.file.value("format", "") : "";
  std::string ext = input.path.extension().string();
  return format == "hls" || format == "dash" || ext == ".m3u8" || ext == ".mpd";
}

Result export_to_s3(const plan::Node& node, const Context& context, const std::string& url) {
  Result r;
  if (!context.connections) {
    r.error =
        Error{"connection_not_found", "export to '" + url +
                                          "' needs a connection, and none are known here (wfc run "
                                          "takes them with --connections FILE)"};
    return r;
  }
  const std::string& id = node.options.text("connection_id");
  connections::Uploaded up =
      connections::upload_through(*context.connections, id, url, context.input.path,
                                  is_playlist(context.input), *context.policy);
  if (up.error) {
    r.error = Error{up.error->kind, up.error->message};
    return r;
  }
  nlohmann::json file = context.input.file;
  if (!file.is_object()) file = nlohmann::json::object();
  file["url"] = up.url;
  file["objects"] = up.objects;
  r.outputs.push_back({context.input.path, file});
  return r;
}

}  // namespace

Result run_export(const plan::Node& node, const Context& context) {
  Result r;
  const std::string& url = node.options.text("url");
  if (url.starts_with("s3://")) return export_to_s3(node, context, url);
  std::string_view dir = url;
  if (dir.starts_with("file://")) dir.remove_prefix(7);
  if (dir.empty() || dir.find("://") != std::string_view::npos) {
    r.error = Error{"kind_unsupported", "export to '" + url +
                                            "' is not supported: this runtime exports to S3 "
                                            "(s3://bucket/key) and local directories (file:///path "
                                            "or a path)"};
    return r;
  }
  const plan::OptionValue* overwrite = node.options.find("overwrite");
  auto exported =
      ingest::export_file(*context.policy, context.input.path, fs::path(dir),
                          context.input.path.filename().string(), overwrite && overwrite->boolean);
  if (!exported.ok()) {
    r.error = Error{exported.error->kind, exported.error->message};
    return r;
  }
  nlohmann::json file = context.input.file;
  file["url"] = "file://" + exported.path.string();
  r.outputs.push_back({exported.path, file});
  return r;
}

}  // namespace wfc::operators
