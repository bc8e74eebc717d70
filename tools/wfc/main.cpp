// wfc: a workflow definition compiler plus runtime for media automation.
#include <iostream>

#include "tools/wfc/commands.h"

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
  wfc::cli::add_plan(app, status);
  wfc::cli::add_run(app, status);
  wfc::cli::add_serve(app, status);
  wfc::cli::add_docs(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : wfc::cli::kUsage;
  }
  return status;
}
