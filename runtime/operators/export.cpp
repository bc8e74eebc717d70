// The export operator: copies the file it receives to `url`, a local directory (`file:///path`
// or a path) inside one the access policy lets inputs be read from (--allow-files), so that no
// other part of the disk is reachable; the file passes on to `next` with its new `url`. S3
// destinations come with object storage and fail with `kind_unsupported` until then.
#include <system_error>

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
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(dir)), ec);
  if (ec || !context.policy->file_allowed(canonical)) {
    r.error = Error{"output_refused", "refused to export to '" + std::string(dir) +
                                          "': it is not inside a directory allowed with "
                                          "--allow-files"};
    return r;
  }
  fs::create_directories(dir, ec);
  fs::path target = fs::path(dir) / context.input.path.filename();
  if (!ec) fs::copy_file(context.input.path, target, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    r.error = Error{"export_failed", "could not copy '" + context.input.path.string() + "' to '" +
                                         target.string() + "': " + ec.message()};
    return r;
  }
  nlohmann::json file = context.input.file;
  file["url"] = "file://" + fs::absolute(target).string();
  r.outputs.push_back({target, file});
  return r;
}

}  // namespace wfc::operators
