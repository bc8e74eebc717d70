// The runtime commands (tools/wfc/runtime_commands.h lists them); each registers itself on the
// app and its callback stores the exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace wfc::cli {

void add_run(CLI::App& app, int& status);
void add_serve(CLI::App& app, int& status);
void add_deploy(CLI::App& app, int& status);
void add_exec_run(CLI::App& app, int& status);  // hidden: wfc serve's worker processes

}  // namespace wfc::cli
