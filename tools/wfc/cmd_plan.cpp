// `wfc plan FILE [--format text|json|dot] [--explain] [--no-opt] [--no-pass=NAME] [--input
// k=v,...]`: compile a workflow and print its execution plan (docs/plan.md). An invalid workflow
// prints the usual diagnostics and exits 1; warnings (WF5xx) go to standard error too.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/expr/jit.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "compiler/plan/render.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {
namespace {

struct Args {
  std::string path;
  std::string format = "text";
  std::string syntax;
  std::string input;
  std::vector<std::string> no_pass;
  bool explain = false;
  bool no_opt = false;
  std::string color = "auto";
};

int run_plan(const Args& args) {
  plan::PlanOptions options;
  for (const auto& name : args.no_pass) {
    if (std::find(std::begin(plan::kPassNames), std::end(plan::kPassNames), name) ==
        std::end(plan::kPassNames)) {
      std::cerr << "wfc: unknown pass '" << name << "' (prune, dedupe, probe, fuse, tier)\n";
      return kUsage;
    }
    options.disabled.insert(name);
  }
  if (args.no_opt) {
    for (auto name : plan::kPassNames) options.disabled.insert(std::string(name));
  }
  if (!args.input.empty()) {
    std::string error;
    auto facts = plan::parse_input_facts(args.input, &error);
    if (!facts) {
      std::cerr << "wfc: --input: " << error << "\n";
      return kUsage;
    }
    options.input_facts = *facts;
  }
  options.jit_available = expr::JitEngine::built();

  std::optional<syntax::Syntax> syntax =
      args.syntax.empty() ? syntax::syntax_for_path(args.path) : syntax::parse_syntax(args.syntax);
  if (!syntax) {
    std::cerr << "wfc: cannot tell the syntax of '" << args.path
              << "' (.json, .yaml, .yml, .wf); use --syntax\n";
    return kUsage;
  }
  diag::RenderOptions render;
  render.tool_version = WFC_VERSION;
  render.color =
      args.color == "always" || (args.color == "auto" && diag::want_color(STDERR_FILENO));
  diag::Diagnostics load_diags(args.path == "-" ? "<stdin>" : args.path);
  auto source = load_source(args.path, load_diags);
  if (!source) {
    diag::render_human(std::cerr, load_diags.items(), nullptr, render);
    return kUsage;
  }
  auto result = compile_source(*source, *syntax);
  if (result.diagnostics.has_errors() || !result.document) {
    diag::render_human(std::cerr, result.diagnostics.items(), &*source, render);
    return kProblems;
  }
  diag::Diagnostics diags = std::move(result.diagnostics);
  plan::Plan plan = plan::make_plan(*result.document, options, diags);
  diags.sort();
  diag::render_human(std::cerr, diags.items(), &*source, render);
  if (args.format == "json") {
    std::cout << plan::to_json(plan).dump(2) << "\n";
  } else if (args.format == "dot") {
    std::cout << plan::render_dot(plan);
  } else {
    std::cout << plan::render_text(plan, args.explain);
  }
  std::cout.flush();
  return kOk;
}

}  // namespace

void add_plan(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("plan", "Print the execution plan of a workflow");
  auto args = std::make_shared<Args>();
  cmd->add_option("path", args->path, "Workflow file ('-' reads standard input)")->required();
  cmd->add_option("--format,-f", args->format, "text, json or dot")
      ->check(CLI::IsMember({"text", "json", "dot"}))
      ->capture_default_str();
  cmd->add_flag("--explain", args->explain, "Say what each pass decided and what each node costs");
  cmd->add_flag("--no-opt", args->no_opt, "Switch every pass off: the plan as lowered");
  cmd->add_option("--no-pass", args->no_pass,
                  "Switch one pass off: prune, dedupe, probe, fuse or tier (repeatable)");
  cmd->add_option("--input", args->input,
                  "What is known of the input, e.g. kind=video,width=1920,height=1080,duration=60");
  cmd->add_option("--syntax", args->syntax, "Read the file as json, yaml or wf");
  cmd->add_option("--color", args->color, "Colour of diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->footer(
      "An invalid workflow prints its diagnostics and no plan.\n"
      "Exit status: 0 planned, 1 the workflow has errors, 2 usage or I/O error.");
  cmd->callback([args, &status] { status = run_plan(*args); });
}

}  // namespace wfc::cli
