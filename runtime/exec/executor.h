// What the scheduler asks of the layers that do the work: probe a file, and execute a unit of
// work — one plan node, or the live members of a fused group that share one decode. The media
// engine (runtime/media) and ingest (runtime/ingest) implement it for real runs (wired in
// runtime/exec/media_executor); tests implement it with fakes to exercise the state machine.
// Executors report problems as TaskError values, never by throwing.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/prepared_plan.h"

namespace wfc::exec {

/// A task's error as the API reports it: `{kind, message}` (kind like `input_invalid`,
/// `task_timeout`, `dependency_failed`).
struct TaskError {
  std::string kind;
  std::string message;
};

/// A file a node made (or the run's input): where it is, and its File object (the seeds' fields
/// from a probe: kind, type, width, …). `file` is null until probed.
struct FileRef {
  std::filesystem::path path;
  nlohmann::json file;
};

/// One unit of work handed to an executor.
struct Work {
  std::vector<const plan::Node*> nodes;     // one node, or a fused group's live members
  const plan::FusedGroup* group = nullptr;  // set when `nodes` share one decode
  const PreparedPlan* prepared = nullptr;   // the plan, with its predicates built
  FileRef input;                            // the file every node in `nodes` reads
  std::filesystem::path workspace;          // the run's directory; outputs go under it
  /// Report progress of one node, 0–100 (decoded timestamp over duration).
  std::function<void(const std::string& node, double percent)> progress;
  const std::atomic<bool>* stop = nullptr;  // set on cancel or when the time limit passes
};

/// What one node of a unit of work produced.
struct NodeResult {
  std::string node;
  std::vector<FileRef> outputs;           // files (probed), or data (in `file`, path empty)
  std::optional<TaskError> error;         // set when the node failed
  std::optional<PredicateRun> predicate;  // how its frame predicate ran, when it has one
};

class Executor {
 public:
  virtual ~Executor() = default;
  /// The File object of a local file, or the reason it is not usable media.
  virtual std::optional<nlohmann::json> probe(const std::filesystem::path& path,
                                              TaskError* error) = 0;
  /// Runs the work; one result per node of `work.nodes`, in any order. Should return soon
  /// after `*work.stop` becomes true.
  virtual std::vector<NodeResult> execute(const Work& work) = 0;
  /// Whether a fused group member that takes frames of another member's output (`frames of
  /// t0`) can be served inside the pass; when not, the scheduler runs it after its input exists.
  virtual bool serves_chained_members() const { return false; }
};

}  // namespace wfc::exec
