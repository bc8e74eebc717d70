// The fused media pass: one input file demuxed once and decoded once per stream, its frames fanned
// out to N outputs (the nodes of media kinds: video, audio, image, animation, thumbnails,
// adaptive_video), each filtering and encoding on its own thread. This is the engine the
// scheduler calls for a fused group of the plan, and also for a single task (a group of one).
// Each output is a plan node with the operator of its kind (runtime/operators/registry.h); the
// pass checks only what it must to feed it (the streams its kind decodes). Contract in
// runtime/media/README.md.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/expr/tier.h"
#include "compiler/plan/plan.h"
#include "runtime/media/limits.h"
#include "runtime/media/outputs.h"
#include "runtime/media/probe.h"

namespace wfc::ai {
struct Engines;
}

namespace wfc::media {

/// One output of a pass: a plan node of a media kind (its id is the stem of the files written;
/// its options are typed and complete) and the operator that builds it.
struct OutputSpec {
  plan::Node node;
  BuildFn build = nullptr;  // the kind's media operator
  /// The node's frame predicate built on the engine the plan chose; null when it has none.
  std::shared_ptr<const expr::CompiledPredicate> select;
  std::filesystem::path out_dir;  // created when missing
  /// Takes its frames from the video that output `*frames_of` of the same pass encodes, after
  /// that output's trim, frame rate and scaling, instead of from the decoder: the plan's tap
  /// (`frames of <node>`, docs/plan.md "Fusion"). Its options are then on that video's picture
  /// and timeline.
  std::optional<size_t> frames_of;
  /// What it computes once with the other outputs of the pass that share the same (the plan's
  /// `shares`: "transcript"); "" when it computes its results alone.
  std::string shares;

  const std::string& id() const { return node.id; }
};

struct PassSpec {
  std::filesystem::path input;  // a local file (ingest has fetched URLs already)
  std::vector<OutputSpec> outputs;
  /// Set by another thread to stop the pass; every unfinished output then fails `cancelled`.
  const std::atomic<bool>* cancel = nullptr;
  /// Called from the decode thread: output id, percent 0–100 of the decoded input that output
  /// needs, speed (seconds of media per second of wall time). At most a few times a second.
  std::function<void(const std::string& id, double percent, double speed)> progress;
  /// What the pass may do (limits.h): claims, sizes, outputs, pixel rate, memory.
  Limits limits;
  /// Wall-time budget of the whole pass; 0 means none. Unfinished outputs fail `time_limit`.
  std::chrono::milliseconds time_limit{0};
  /// The engines the intelligence kinds' operators run on what the pass takes from the file
  /// (runtime/ai); null when the runtime has none, and those outputs fail.
  const ai::Engines* ai = nullptr;
  /// Fetches a file an output's options name by URL (adaptive_video's subtitle tracks) into
  /// `into`, under the runtime's access policy: its path, or nullopt with *error. Unset: such
  /// outputs fail.
  std::function<std::optional<std::filesystem::path>(
      const std::string& url, const std::filesystem::path& into, std::string* error)>
      fetch;
};

struct OutputResult {
  std::string id;
  /// The File objects written (probe() of each, plus `filename`); for thumbnails the WebVTT
  /// track first, then the sprite sheets; for adaptive_video the master playlist.
  std::vector<nlohmann::json> files;
  std::optional<MediaError> error;  // set when this output failed; files is then empty
  /// Its frame predicate's evaluations in this pass, when it has one.
  std::optional<expr::Evaluations> evaluations;
};

struct PassResult {
  std::optional<nlohmann::json> input;  // the probed input File, when it could be read
  std::vector<OutputResult> outputs;    // in the order of PassSpec::outputs
};

/// Runs the pass. Never throws on bad media or bad options: each output gets files or an error,
/// and a bad input fails every output with `input_invalid`.
PassResult run_pass(const PassSpec& spec);

}  // namespace wfc::media
