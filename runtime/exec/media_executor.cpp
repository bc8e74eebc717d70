// The real runs' Executor (see media_executor.h).
#include "runtime/exec/media_executor.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/log.h>
}

#include <cstdlib>

#include "runtime/media/pass.h"
#include "runtime/media/probe.h"
#include "runtime/operators/registry.h"

namespace wfc::exec {
namespace {

namespace fs = std::filesystem;
using operators::Operator;

// Where a node's files go: the run's directory, or the `folder` the task names inside it.
fs::path out_dir(const plan::Node& node, const Work& work) {
  fs::path folder = fs::path(node.folder).relative_path().lexically_normal();
  if (node.folder.empty() || folder.empty() || *folder.begin() == "..") return work.workspace;
  return work.workspace / folder;
}

FileRef file_ref(const fs::path& dir, const nlohmann::json& file) {
  fs::path path = dir;
  if (file.contains("filename") && file["filename"].is_string()) {
    path /= file["filename"].get<std::string>();
  }
  return {path, file};
}

NodeResult failed(const plan::Node& node, std::string kind, std::string message) {
  return {node.id, {}, TaskError{std::move(kind), std::move(message)}, std::nullopt};
}

}  // namespace

MediaExecutor::MediaExecutor(ingest::AccessPolicy policy, ingest::FetchLimits limits,
                             std::shared_ptr<const ai::Engines> engines, media::Limits media_limits)
    : policy_(std::move(policy)),
      limits_(limits),
      engines_(std::move(engines)),
      media_limits_(media_limits) {
  // FFmpeg's own log would interleave with the progress display; what matters reaches the
  // tasks' errors. WFC_FFMPEG_LOG=1 keeps it, for debugging an input.
  const char* keep = std::getenv("WFC_FFMPEG_LOG");
  if (!keep || std::string_view(keep) != "1") av_log_set_level(AV_LOG_FATAL);
}

std::optional<nlohmann::json> MediaExecutor::probe(const fs::path& path, TaskError* error) {
  auto result = media::probe(path, media_limits_.max_frame_pixels);
  if (auto* file = std::get_if<nlohmann::json>(&result)) return std::move(*file);
  const auto& e = std::get<media::MediaError>(result);
  *error = TaskError{e.kind, e.message};
  return std::nullopt;
}

std::vector<NodeResult> MediaExecutor::execute(const Work& work) {
  std::vector<NodeResult> results;
  media::PassSpec pass;
  pass.input = work.input.path;
  pass.cancel = work.stop;
  pass.ai = engines_.get();
  pass.limits = media_limits_;
  pass.fetch = [this](const std::string& url, const fs::path& into,
                      std::string* error) -> std::optional<fs::path> {
    ingest::FetchResult r = ingest::fetch(url, into, limits_, policy_);
    if (r.ok()) return r.file.path;
    *error = r.error->message;
    return std::nullopt;
  };
  pass.progress = [&work](const std::string& id, double percent, double) {
    work.progress(id, percent);
  };
  for (const plan::Node* node : work.nodes) {
    const Operator* op = operators::find_operator(node->op);
    if (!op) {
      results.push_back(failed(*node, "kind_unsupported",
                               fmt::format("'{}' is not a kind this runtime knows", node->op)));
      continue;
    }
    switch (op->runs) {
      case Operator::Runs::MediaPass:
        pass.outputs.push_back({*node, op->build,
                                work.prepared ? work.prepared->select(node->id) : nullptr,
                                out_dir(*node, work), std::nullopt});
        break;
      case Operator::Runs::Alone: {
        operators::Context context{{work.input.path, work.input.file},
                                   out_dir(*node, work),
                                   &policy_,
                                   &limits_,
                                   &media_limits_,
                                   connections_};
        operators::Result r = op->run(*node, context);
        NodeResult result{node->id, {}, std::nullopt, std::nullopt};
        if (r.error) result.error = TaskError{r.error->kind, r.error->message};
        for (operators::File& f : r.outputs) result.outputs.push_back({f.path, std::move(f.file)});
        results.push_back(std::move(result));
        break;
      }
      case Operator::Runs::Scheduler:
        results.push_back(failed(*node, "internal_error",
                                 fmt::format("'{}' is the scheduler's to run", node->op)));
        break;
      case Operator::Runs::NotRunnable:
        results.push_back(
            failed(*node, "kind_unsupported",
                   fmt::format("'{}' tasks cannot run here: {}", node->op, op->reason)));
        break;
    }
  }
  if (pass.outputs.empty()) return results;
  // Taps: a member that takes `frames of` another member of this pass reads that one's video;
  // members that share a transcript are served by one transcription.
  if (work.group) {
    for (const plan::Member& m : work.group->members) {
      if (!m.shares.empty()) {
        for (media::OutputSpec& o : pass.outputs)
          if (o.id() == m.node) o.shares = m.shares;
      }
      std::string_view prefix = "frames of ";
      if (!std::string_view(m.takes).starts_with(prefix)) continue;
      std::string source = m.takes.substr(prefix.size());
      auto at = [&](const std::string& id) -> std::optional<size_t> {
        for (size_t i = 0; i < pass.outputs.size(); ++i)
          if (pass.outputs[i].id() == id) return i;
        return std::nullopt;
      };
      auto child = at(m.node), parent = at(source);
      if (child && parent) pass.outputs[*child].frames_of = *parent;
    }
  }
  media::PassResult done = media::run_pass(pass);
  for (size_t i = 0; i < done.outputs.size(); ++i) {
    const media::OutputResult& out = done.outputs[i];
    NodeResult r;
    r.node = out.id;
    if (out.error) {
      r.error = TaskError{out.error->kind, out.error->message};
    } else {
      for (const nlohmann::json& file : out.files) {
        r.outputs.push_back(file_ref(pass.outputs[i].out_dir, file));
      }
    }
    if (out.evaluations && pass.outputs[i].select)
      r.predicate = PredicateRun::of(*pass.outputs[i].select, *out.evaluations);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace wfc::exec
