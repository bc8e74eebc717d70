// Each `wfc` subcommand registers itself on the app; its callback stores the exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace wfc::cli {

/// Exit statuses shared by every subcommand.
enum Exit : int { kOk = 0, kProblems = 1, kUsage = 2 };

void add_validate(CLI::App& app, int& status);
void add_schema(CLI::App& app, int& status);
void add_explain(CLI::App& app, int& status);
void add_docs(CLI::App& app, int& status);
void add_convert(CLI::App& app, int& status);
void add_fmt(CLI::App& app, int& status);
void add_plan(CLI::App& app, int& status);
void add_run(CLI::App& app, int& status);
void add_serve(CLI::App& app, int& status);

}  // namespace wfc::cli
