// Lowering: the checked AST to the naive plan, one node per task and one gate per `conditions`
// task, with ittybit's semantics (plan.h, docs/plan.md "Semantics"): siblings in parallel, `next`
// after success reading its parent's output, conditions gating their `next` on the file they
// receive, the seed form's top-level `ingest` feeding its siblings. Each gate gets a probe of
// its own; the probe pass merges them. External interface: lower().
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/plan/plan.h"

namespace wfc::plan {

/// Lowers a document that checked without errors. `input_facts` is what --input declares.
Plan lower(const ast::Document& doc, const catalog::Catalog& catalog,
           const nlohmann::json& input_facts);

/// The id of the file a node's output is: the node itself, or for a node that passes its input
/// on (probe, export), the file it received. "" when `id` names no node.
std::string file_of(const Plan& plan, std::string_view id);

}  // namespace wfc::plan
