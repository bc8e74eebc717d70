// The export operator: copies the file it receives into the directory `url` names (`file:///path`
// or a path), keeping its name, only below a directory the access policy lets exports write to
// (--allow-export; `wfc run` adds its --out), with no symlink followed, through a temporary name,
// and replacing an existing file only with `overwrite: true` (runtime/ingest/export_file.h). The
// file passes on to `next` with its new `url`. S3 destinations come with object storage and fail
// with `kind_unsupported` until then.
#include "runtime/ingest/export_file.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

namespace fs = std::filesystem;

Result run_export(const plan::Node& node, const Context& context) {
  Result r;
  const std::string& url = node.options.text("url");
  std::string_view dir = url;
  if (dir.starts_with("file://")) dir.remove_prefix(7);
  if (dir.empty() || dir.find("://") != std::string_view::npos) {
    r.error = Error{"kind_unsupported",
                    "export to '" + url +
                        "' is not supported yet: this runtime exports to local directories "
                        "(file:///path or a path)"};
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
