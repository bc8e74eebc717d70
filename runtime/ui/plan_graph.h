// An automation's workflow drawn from its plan's JSON (docs/plan.md): the plan is a tree of
// nodes, each reading one file, with gates (a `conditions` task's predicate) between a file and
// the nodes it guards, and fused groups (nodes served by one decode of a file) drawn as a dashed
// frame around their members. Rendered on the server as inline SVG with a text list beside it,
// so it reads without JavaScript or sight. External interface: plan_graph.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfc::ui {

/// The plan as an accessible <figure> (SVG and a list of the nodes); "" for a null plan.
std::string plan_graph(const nlohmann::json& plan);

}  // namespace wfc::ui
