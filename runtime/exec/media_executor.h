// The Executor of real runs. What runs each node is its kind's row in the operator table
// (runtime/operators/registry.h): the media kinds of a unit go to one fused media pass
// (runtime/media/pass.h) — every media node of a unit in one pass, so a fused group decodes
// once — with their frame predicates built on the engine the plan chose; the transfer kinds
// (ingest, import, export) run alone under the access policy; a kind the table declares not
// runnable fails with `kind_unsupported` and the table's reason. The intelligence kinds run in the
// same pass, on the engines given here (runtime/ai), built once and shared by every run.
#pragma once

#include <memory>
#include <string>

#include "runtime/ai/ai.h"
#include "runtime/connections/connection.h"
#include "runtime/exec/executor.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "runtime/media/limits.h"

namespace wfc::exec {

class MediaExecutor : public Executor {
 public:
  explicit MediaExecutor(ingest::AccessPolicy policy, ingest::FetchLimits limits = {},
                         std::shared_ptr<const ai::Engines> engines = nullptr,
                         media::Limits media_limits = {});

  std::optional<nlohmann::json> probe(const std::filesystem::path& path, TaskError* error) override;
  std::vector<NodeResult> execute(const Work& work) override;
  /// A member of a fused group that takes `frames of` a video of the same group is served in
  /// the same pass, from that video's filtered frames.
  bool serves_chained_members() const override { return true; }
  /// Where `export` and `ingest` find the connections their `connection_id` names (s3:// URLs);
  /// it must outlive the executor. Without one such tasks fail with `connection_not_found`.
  void use_connections(const connections::Connections* c) { connections_ = c; }

 private:
  ingest::AccessPolicy policy_;
  ingest::FetchLimits limits_;
  std::shared_ptr<const ai::Engines> engines_;
  media::Limits media_limits_;
  const connections::Connections* connections_ = nullptr;
};

}  // namespace wfc::exec
