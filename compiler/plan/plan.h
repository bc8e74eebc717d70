// The execution plan: what the compiler hands the runtime, and the single record of what will
// run. A Plan is a DAG of nodes (an operator from the kind catalog, its typed and fully resolved
// options, the file it reads), gates (the typed predicates of `conditions` tasks, the engine
// chosen for each, and the subtree each guards), fused groups (nodes that share one demux+decode
// of a file) and probes. The runtime executes it without looking at syntax again and decides
// nothing the plan decided: it neither defaults nor validates options, nor parses or type-checks
// predicates. The store keeps its JSON form (`"plan_version": 2`), read back by from_json(),
// which refuses a plan that does not fit this wfc's catalog.
//
// Files are named by the node that makes them: a node's `input` is the id of the node whose
// output it reads, "$input" for the run's input. Ids are stable (docs/plan.md, "Ids"): a task's
// `ref` when it has one, else `t` and its position path (`t0`, `t2.1`: the second task in the
// `next` of the third top-level task), the same for the three syntaxes of a workflow and across
// runs; the planner's own nodes start with '$'. Every task id of the workflow appears in
// `tasks`, mapped to the node or gate that does its work (a deduplicated task maps to the node
// that survives; a conditions task whose gate always holds, to the file it passes on) or to
// nothing when a pass pruned it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/expr/ir.h"
#include "compiler/plan/options.h"
#include "compiler/source/source.h"

namespace wfc::plan {

/// 2: typed options with their defaults named, predicates as typed IR (expr/ir_json.h).
inline constexpr int kPlanVersion = 2;

/// The planner's id of the run's input file.
inline constexpr std::string_view kRunInput = "$input";

/// The estimate of a node's work (compiler/plan/cost.h). Units: the work of encoding one
/// megapixel with libx264 at `fast` (docs/plan.md, "Cost model").
struct Cost {
  double units = 0;   // this node alone
  double path = 0;    // this node plus the costliest chain after it: the scheduling priority
  std::string basis;  // how it was estimated: "1280×720 @30 fps × 60 s × libx264 faster (0.8)"
};

/// The engine chosen for a predicate (a gate's condition or a `select`), and why.
struct Tier {
  std::string engine = "vm";  // "vm", "jit" or "reference" (expr::engine_name)
  uint64_t expected = 0;      // evaluations the plan expects
  uint64_t break_even = 0;    // evaluations from which the JIT pays (expr::TierCosts)
  size_t instructions = 0;    // of the VM program
  std::string why;            // expr::TierChoice::explain(), or why tiering was off
};

/// A frame predicate a node evaluates on decoded frames: the `select` option of image, animation
/// and thumbnails, or for an image with neither `start` nor `select` the catalog's
/// representative-frame rule (kinds.json, image's `representative_select`).
struct Select {
  std::string text;                                  // canonical infix text (expr::to_string)
  std::shared_ptr<const expr::Predicate> predicate;  // typed IR over frame properties
  Tier tier;
  bool representative = false;  // the catalog's rule, not a `select` the task wrote
};

struct Node {
  std::string id;
  std::string op;     // the catalog kind; "input" for $input; "probe" for a probe
  Options options;    // typed, range-checked, every catalog default applied (options.h)
  std::string input;  // id of the node whose output this reads; "" for $input/ingest
  std::string gate;   // innermost gate guarding it; "" when it always runs
  std::string group;  // fused group it belongs to; "" when it decodes on its own
  std::vector<std::string> tasks;            // task ids it serves: its own plus deduplicated ones
  std::string ref, label, folder, filename;  // as written on the task
  std::string pointer;                       // JSON pointer of the task; "" for planner nodes
  Span span;                                 // of the task; invalid for planner nodes
  std::optional<Select> select;
  uint8_t produces = 0;  // catalog::FileKinds of its output
  Cost cost;
};

struct Gate {
  std::string id;    // the conditions task's id
  std::string when;  // canonical infix text of the predicate (expr::to_string)
  std::shared_ptr<const expr::Predicate> predicate;  // its typed IR over file properties
  std::string file;                                  // id of the node whose output it tests
  std::string parent;                                // enclosing gate; "" at the top
  std::string probe;               // the probe node that supplies the file's properties
  std::vector<std::string> tasks;  // task ids it serves (its own plus deduplicated gates)
  std::string pointer;
  Span span;       // of the conditions task
  Span when_span;  // of the condition (its options), where warnings point
  Tier tier;
};

/// What a member of a fused group takes from the shared pass.
struct Member {
  std::string node;
  std::string takes;  // "video", "audio", "video+audio", or "frames of <node id>"
  /// "transcript" or "transcript:<language>": one transcription of the group's file (in that
  /// language; detected without one) serves every member with the same value (their kinds'
  /// `execution.shares`); "" none.
  std::string shares;
};

/// Nodes that read the same file and are served by one demux+decode and one filter graph.
struct FusedGroup {
  std::string id;    // "$fuse.<file id>"
  std::string file;  // the node whose output is decoded once
  std::vector<Member> members;
  double saved = 0;  // cost units of decoding not repeated
};

/// A task that never runs, and why (a pass proved it).
struct Pruned {
  std::string task;
  std::string reason;
};

struct Plan {
  int version = kPlanVersion;
  std::string source;                                     // the file it was planned from
  nlohmann::json input_facts = nlohmann::json::object();  // --input: what is known of the input
  std::vector<Node> nodes;  // in lowering order: parents before children
  std::vector<Gate> gates;
  std::vector<FusedGroup> groups;
  std::map<std::string, std::string> tasks;  // task id → node or gate id that does its work
  std::vector<Pruned> pruned;
  std::vector<std::string> order;    // node ids, longest path first (the scheduling order)
  std::vector<std::string> passes;   // the passes that ran, in order
  std::vector<std::string> explain;  // one line per decision, "pass: what and why"

  /// Lookups by id, in constant time: an index that follows appends and is rebuilt when `nodes`
  /// or `gates` shrinks or moves. Renaming in place, or inserting anywhere but at the end, needs
  /// reindex().
  const Node* node(std::string_view id) const;
  Node* node(std::string_view id);
  const Gate* gate(std::string_view id) const;
  Gate* gate(std::string_view id);
  void reindex() const;

 private:
  template <typename T>
  struct Index {
    std::unordered_map<std::string, size_t> at;
    const T* data = nullptr;
    size_t size = 0;
  };
  mutable Index<Node> node_index_;
  mutable Index<Gate> gate_index_;
};

/// The versioned JSON form (docs/plan.md, "JSON form"). The form the store keeps leaves out
/// `explain` (the passes' decisions in words, for `wfc plan --explain`): no runtime reads it, and
/// the store writes a run's plan with every run.
enum class JsonForm { Full, Stored };
nlohmann::json to_json(const Plan& plan, JsonForm form = JsonForm::Full);

/// A plan read back, or the reason it cannot be: another version, missing or ill-typed fields,
/// options that do not fit the kind's catalog entry, a predicate that does not fit the
/// catalog's properties, dangling ids, a cycle. Never throws on bad input; the runtime refuses
/// such a plan whole (`plan_invalid`).
struct ReadPlan {
  std::optional<Plan> plan;
  std::string error;  // "nodes/3/input: unknown node 't9'"
};
ReadPlan from_json(const nlohmann::json& json);
ReadPlan from_json_text(std::string_view text);
/// The same, against another catalog than the built-in one (tests).
ReadPlan from_json(const nlohmann::json& json, const catalog::Catalog& catalog);

}  // namespace wfc::plan
