// The ingest operator: fetches the file at `url` (under the access policy and the fetch limits,
// runtime/ingest) into the run's directory and probes it; its `next` tasks read it. An
// `s3://bucket/key` url is read through the connection `connection_id`
// (runtime/connections/s3_transfer.h), its endpoint under the same access policy and size limit.
// A file that is not media still arrives (the fetch succeeded); what reads it fails on it.
#include "runtime/connections/s3_transfer.h"
#include "runtime/media/probe.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

Result run_ingest(const plan::Node& node, const Context& context) {
  Result r;
  const std::string& url = node.options.text("url");
  std::filesystem::path path;
  if (url.starts_with("s3://")) {
    if (!context.connections) {
      r.error = Error{"connection_not_found", "ingest from '" + url +
                                                  "' needs a connection, and none are known here "
                                                  "(wfc run takes them with --connections FILE)"};
      return r;
    }
    connections::Downloaded got =
        connections::download_through(*context.connections, node.options.text("connection_id"), url,
                                      context.out_dir, context.limits->max_bytes, *context.policy);
    if (got.error) {
      r.error = Error{got.error->kind, got.error->message};
      return r;
    }
    path = got.path;
  } else {
    ingest::FetchResult got = ingest::fetch(url, context.out_dir, *context.limits, *context.policy);
    if (!got.ok()) {
      r.error = Error{std::string(got.error->kind_name()), got.error->message};
      return r;
    }
    path = got.file.path;
  }
  auto probed = media::probe(
      path, context.media_limits ? context.media_limits->max_frame_pixels : media::kMaxFramePixels);
  auto* file = std::get_if<nlohmann::json>(&probed);
  r.outputs.push_back({path, file ? std::move(*file) : nlohmann::json(nullptr)});
  return r;
}

}  // namespace wfc::operators
