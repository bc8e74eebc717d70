// The Executor of real runs: media kinds go to the fused media pass (runtime/media/pass.h) —
// every media node of a unit in one pass, so a fused group decodes once — `ingest`/`import`
// fetch through runtime/ingest under the access policy, `export` copies files to a local
// directory, and the kinds this runtime does not implement yet fail with `kind_unsupported`.
#pragma once

#include <string>

#include "runtime/exec/executor.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"

namespace wfc::exec {

class MediaExecutor : public Executor {
 public:
  explicit MediaExecutor(ingest::AccessPolicy policy, ingest::FetchLimits limits = {});

  std::optional<nlohmann::json> probe(const std::filesystem::path& path, TaskError* error) override;
  std::vector<NodeResult> execute(const Work& work) override;

 private:
  NodeResult fetch(const plan::Node& node, const Work& work);
  NodeResult export_files(const plan::Node& node, const Work& work);

  ingest::AccessPolicy policy_;
  ingest::FetchLimits limits_;
};

/// Whether the media pass implements `kind` (video, audio, image, animation, thumbnails,
/// adaptive_video).
bool is_media_kind(std::string_view kind);

}  // namespace wfc::exec
