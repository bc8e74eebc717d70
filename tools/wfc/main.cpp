// wfc: a workflow definition compiler plus runtime for media automation.
#include <iostream>

#include "tools/wfc/commands.h"
#include "tools/wfc/runtime_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"wfc: compile, check and run media automation workflows"};
  app.set_version_flag("--version", std::string("wfc ") + WFC_VERSION);
  app.require_subcommand(1);
  int status = wfc::cli::kOk;
  wfc::cli::add_validate(app, status);
  wfc::cli::add_schema(app, status);
  wfc::cli::add_explain(app, status);
  wfc::cli::add_convert(app, status);
  wfc::cli::add_fmt(app, status);
  wfc::cli::add_lsp(app, status);
  wfc::cli::add_plan(app, status);
  wfc::cli::add_runtime_commands(app, status);  // run, …: handed to wfc-runtime
  wfc::cli::add_docs(app, status);
  return wfc::cli::run_app(app, argc, argv, status);
}
