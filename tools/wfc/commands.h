// Each `wfc` subcommand registers itself on the app; its callback stores the exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace wfc::cli {

/// Exit statuses shared by every subcommand.
enum Exit : int { kOk = 0, kProblems = 1, kUsage = 2 };

/// Parses the command line and runs the chosen subcommand; the process's exit status (a usage
/// error is kUsage, --help and --version 0, else what the subcommand stored in `status`).
inline int run_app(CLI::App& app, int argc, char** argv, const int& status) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kUsage;
  }
  return status;
}

void add_validate(CLI::App& app, int& status);
void add_schema(CLI::App& app, int& status);
void add_explain(CLI::App& app, int& status);
void add_docs(CLI::App& app, int& status);
void add_convert(CLI::App& app, int& status);
void add_fmt(CLI::App& app, int& status);
void add_plan(CLI::App& app, int& status);
void add_lsp(CLI::App& app, int& status);

}  // namespace wfc::cli
