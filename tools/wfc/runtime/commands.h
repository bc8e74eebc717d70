// The runtime commands (tools/wfc/runtime_commands.h lists them); each registers itself on the
// app and its callback stores the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace wfc::cli {

void add_run(CLI::App& app, int& status);
void add_task(CLI::App& app, int& status);
void add_serve(CLI::App& app, int& status);
void add_worker(CLI::App& app, int& status);
void add_deploy(CLI::App& app, int& status);
void add_exec_run(CLI::App& app, int& status);     // hidden: wfc serve's worker processes
void add_worker_host(CLI::App& app, int& status);  // hidden: forks them (cmd_worker_host.cpp)

/// `wfc-runtime exec-run ARGS…` in this process, as a worker the worker host forked runs it:
/// the same parse and the same run; returns its exit status.
int exec_run_main(const std::vector<std::string>& args);

}  // namespace wfc::cli
