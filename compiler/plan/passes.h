// The plan's optimization passes, one file each (prune.cpp, dedupe.cpp, probe.cpp, fuse.cpp,
// tier.cpp), run by make_plan() in kPassNames order. Each takes the plan as the previous pass
// left it, keeps its meaning (the same tasks run, with the same options, under the same
// conditions, for every input the plan admits), and says what it did in plan.explain, one line
// per decision. Passes read only the Plan, so tests drive them on plans of their own.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/expr/ir.h"
#include "compiler/plan/plan.h"
#include "compiler/plan/planner.h"

namespace wfc::plan {

/// Folds each gate with what is known of its file (the chain's file kinds; for the run's input,
/// plan.input_facts) and removes gates that always hold and branches that never run. A branch
/// that only --input makes dead gets WF502 at its condition.
void prune_pass(Plan& plan, const catalog::Catalog& catalog, diag::Diagnostics& diags);

/// Merges nodes with the same operator, resolved options, input, gate and output location (and
/// gates with the same condition on the same file under the same gate); the duplicates' tasks map
/// to the survivor.
void dedupe_pass(Plan& plan);

/// One probe per file: every gate, and every `probe` task that runs whenever the others do,
/// reads the same probe node.
void probe_pass(Plan& plan);

/// Media fusion (docs/plan.md "Fusion"): groups the nodes that one demux+decode of a file can
/// serve, and taps `video → image` chains from the video's filtered frames.
void fuse_pass(Plan& plan);

/// Chooses each predicate's engine from the evaluations the plan expects (expr/tier.h).
/// With tiering off every predicate runs on the VM.
void tier_pass(Plan& plan, const PlanOptions& options, bool enabled);

// Shared by the passes.

/// Removes nodes and gates, and everything that reads their output or sits under them,
/// transitively. `roots` maps each id to remove to the reason; the task ids of everything
/// removed map to nothing and are listed as pruned with the reason of their root (planner nodes,
/// which serve no task, go silently).
void remove_ids(Plan& plan, const std::map<std::string, std::string>& roots);

/// Merges each key of `alias` into its value (a node into a node, a gate into a gate): every
/// reference (inputs, gates, parents, probes, task mappings) moves to the survivor, which takes
/// on the tasks the merged one served, and the merged ones leave the plan. One pass over the
/// plan, however many merges.
void merge_into(Plan& plan, const std::map<std::string, std::string>& alias);

/// The innermost gate over both `a` and `b` ("" for none).
std::string common_gate(const Plan& plan, const std::string& a, const std::string& b);

}  // namespace wfc::plan
