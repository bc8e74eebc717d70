// One-task outputs for the media pass (standalone.h).
#include "runtime/operators/standalone.h"

#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

std::optional<media::OutputSpec> standalone_output(const std::string& id, const std::string& kind,
                                                   const nlohmann::json& options,
                                                   const std::filesystem::path& out_dir,
                                                   std::string* error) {
  nlohmann::json task = {{"kind", kind}, {"options", options}};
  SourceFile source("output", nlohmann::json::array({task}).dump());
  FrontendResult front = compile_source(source, syntax::Syntax::Json);
  if (!front.document || front.diagnostics.has_errors()) {
    *error = front.diagnostics.empty() ? "the task does not check"
                                       : front.diagnostics.items()[0].message;
    return std::nullopt;
  }
  plan::PlanOptions none;
  for (std::string_view pass : plan::kPassNames) none.disabled.insert(std::string(pass));
  diag::Diagnostics ignored;
  plan::Plan plan = plan::make_plan(*front.document, none, ignored);
  const plan::Node* node = nullptr;
  for (const plan::Node& n : plan.nodes) {
    if (n.op == kind) node = &n;
  }
  const Operator* op = find_operator(kind);
  if (!node || !op || op->runs != Operator::Runs::MediaPass) {
    *error = "'" + kind + "' has no media operator";
    return std::nullopt;
  }
  media::OutputSpec spec{*node, op->build, nullptr, out_dir, std::nullopt};
  spec.node.id = id;
  if (node->select)
    spec.select = expr::CompiledPredicate::build(node->select->predicate, expr::Engine::Vm);
  return spec;
}

}  // namespace wfc::operators
