// The plan for people (text: a tree of ids, kinds, options, gates and groups) and for Graphviz
// (DOT: fused groups as clusters, gates as diamonds). `wfc plan` prints these; the JSON form is
// plan.h's to_json().
#pragma once

#include <string>

#include "compiler/plan/plan.h"

namespace wfc::plan {

/// The text form; with `explain`, the passes' decisions and the costs follow the tree.
std::string render_text(const Plan& plan, bool explain = false);

/// The DOT form (`dot -Tsvg` renders it).
std::string render_dot(const Plan& plan);

}  // namespace wfc::plan
