// The ingest operator: fetches the file at `url` (under the access policy and the fetch limits,
// runtime/ingest) into the run's directory and probes it; its `next` tasks read it. A file that
// is not media still arrives (the fetch succeeded); what reads it fails on it.
#include "runtime/media/probe.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

Result run_ingest(const plan::Node& node, const Context& context) {
  Result r;
  ingest::FetchResult got =
      ingest::fetch(node.options.text("url"), context.out_dir, *context.limits, *context.policy);
  if (!got.ok()) {
    r.error = Error{std::string(got.error->kind_name()), got.error->message};
    return r;
  }
  auto probed =
      media::probe(got.file.path, context.media_limits ? context.media_limits->max_frame_pixels
                                                       : media::kMaxFramePixels);
  auto* file = std::get_if<nlohmann::json>(&probed);
  r.outputs.push_back({got.file.path, file ? std::move(*file) : nlohmann::json(nullptr)});
  return r;
}

}  // namespace wfc::operators
