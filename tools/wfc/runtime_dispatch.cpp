// `wfc run …` and the other runtime commands: replace this process with `wfc-runtime` from the
// directory this executable is in (see runtime_commands.h).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tools/wfc/commands.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

/// Execs wfc-runtime with `name` and `args`; returns only when that fails.
int exec_runtime(const std::string& name, const std::vector<std::string>& args) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  fs::path runtime = (ec ? fs::path(".") : self.parent_path()) / "wfc-runtime";
  std::vector<std::string> words = {"wfc", name};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execv(runtime.c_str(), argv.data());
  std::cerr << "wfc: '" << name << "' needs " << runtime.string()
            << ", which could not be started: " << std::strerror(errno)
            << " (build it with `make build`)\n";
  return kUsage;
}

}  // namespace

void add_runtime_commands(CLI::App& app, int& status) {
  for (const auto& c : kRuntimeCommands) {
    auto* sub = app.add_subcommand(c.name, c.summary);
    sub->prefix_command();
    sub->set_help_flag();  // wfc-runtime knows the options and prints the help
    sub->callback([sub, name = std::string(c.name), &status] {
      status = exec_runtime(name, sub->remaining());
    });
  }
}

}  // namespace wfc::cli
