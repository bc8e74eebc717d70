// The kind registry of the runtime: one table from each kind of the catalog to what runs it.
// A media kind's operator builds its output inside the fused media pass (runtime/media/pass.h), and
// so does an intelligence kind's, whose engines (runtime/ai) run on what the pass takes from the
// file;
// a transfer kind's runs alone (fetching or copying bytes); `probe` and `conditions` are the
// scheduler's own (a probe passes its probed file on, a condition is a gate); a kind this runtime
// cannot run yet is declared so, with the reason its tasks fail with. The executor
// (runtime/exec/media_executor) reads only this table, and a test holds it against the catalog:
// adding a kind is a catalog entry, one operator file here named for the kind, its row in the
// table, and its test (docs/runtime.md, "Operators"). External interface: find_operator().
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/connections/connection.h"
#include "runtime/ingest/access_policy.h"
#include "runtime/ingest/fetch.h"
#include "runtime/media/pass.h"

namespace wfc::operators {

/// A file an operator read or made: where it is, and its File object (null until probed).
struct File {
  std::filesystem::path path;
  nlohmann::json file;
};

/// Why an operator failed, as the API reports it: `{kind, message}`.
struct Error {
  std::string kind;
  std::string message;
};

/// What an operator that runs alone is given.
struct Context {
  File input;                     // the file it reads (none for ingest/import)
  std::filesystem::path out_dir;  // where its files go (the node's `folder` in the run)
  const ingest::AccessPolicy* policy = nullptr;  // what may be read from or written to
  const ingest::FetchLimits* limits = nullptr;
  const media::Limits* media_limits = nullptr;  // null: the defaults
  /// Where `connection_id` is looked up (export to and ingest from s3://); null: none are known.
  const connections::Connections* connections = nullptr;
};

struct Result {
  std::vector<File> outputs;
  std::optional<Error> error;
};

/// An operator that runs alone.
using RunFn = Result (*)(const plan::Node& node, const Context& context);

struct Operator {
  enum class Runs {
    MediaPass,    // `build` builds its output in the fused media pass
    Alone,        // `run` does its work
    Scheduler,    // the scheduler itself: probe (passes its file on), conditions (a gate)
    NotRunnable,  // this runtime has no operator for it: `reason`
  };
  std::string_view kind;
  Runs runs = Runs::NotRunnable;
  media::BuildFn build = nullptr;
  RunFn run = nullptr;
  std::string_view reason;  // NotRunnable: why, as the task's error says it
};

/// The operator of `kind`; nullptr for a kind the table does not name (not a catalog kind).
const Operator* find_operator(std::string_view kind);
/// Every row of the table.
const std::vector<Operator>& all_operators();

// The operators, one file each (runtime/operators/<kind>.cpp).
void build_video(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_audio(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_image(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_animation(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_thumbnails(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_adaptive_video(const media::InputInfo& in, media::OutputWork& work,
                          media::BranchSet& set);
void build_subtitles(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_chapters(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_speech(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_nsfw(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_summary(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
void build_outline(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set);
Result run_ingest(const plan::Node& node, const Context& context);
Result run_import(const plan::Node& node, const Context& context);
Result run_export(const plan::Node& node, const Context& context);

}  // namespace wfc::operators
