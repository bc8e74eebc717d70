// The commands that run work (`wfc run`, …) live in the `wfc-runtime` executable beside `wfc`, so
// that the compiler's commands load no media, network or database libraries
// (tools/wfc/CMakeLists.txt says why). This table is the one list of them: `wfc` registers each
// as a command that hands its arguments over, and `wfc-runtime` takes each one's summary from it.
#pragma once

#include <CLI/CLI.hpp>
#include <string_view>

namespace wfc::cli {

struct RuntimeCommand {
  const char* name;
  const char* summary;
};

inline constexpr RuntimeCommand kRuntimeCommands[] = {
    {"run", "Run a workflow on one input, in this process"},
    {"task", "Run one task (probe, video, …) on an input, here or on a server"},
    {"serve", "Serve the HTTP API and execute the runs it accepts"},
    {"worker", "Execute runs queued in a shared store (no HTTP): one node of many"},
    {"deploy", "Sync a directory of workflows to a running server"},
};

/// The summary of runtime command `name` ("" when there is no such command).
inline const char* runtime_summary(std::string_view name) {
  for (const auto& c : kRuntimeCommands) {
    if (name == c.name) return c.summary;
  }
  return "";
}

/// Registers every runtime command on `app` as one that replaces this process with
/// `wfc-runtime NAME ARGS…` (all arguments, --help included, go to it).
void add_runtime_commands(CLI::App& app, int& status);

}  // namespace wfc::cli
