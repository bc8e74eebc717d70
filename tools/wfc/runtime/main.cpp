// wfc-runtime: the commands of `wfc` that run work (runtime_commands.h). Users start them as
// `wfc run …`; `wfc` replaces itself with this program, which links the runtime.
#include <CLI/CLI.hpp>

#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"wfc: compile, check and run media automation workflows", "wfc"};
  app.set_version_flag("--version", std::string("wfc ") + WFC_VERSION);
  app.require_subcommand(1);
  int status = wfc::cli::kOk;
  wfc::cli::add_run(app, status);
  wfc::cli::add_task(app, status);
  wfc::cli::add_serve(app, status);
  wfc::cli::add_worker(app, status);
  wfc::cli::add_deploy(app, status);
  wfc::cli::add_exec_run(app, status);
  wfc::cli::add_worker_host(app, status);
  return wfc::cli::run_app(app, argc, argv, status);
}
