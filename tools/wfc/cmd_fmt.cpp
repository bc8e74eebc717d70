// `wfc fmt [--check] FILE...`: rewrite .wf files in the canonical layout, comments kept.
// With --check nothing is written: the files that would change are listed and the exit status
// is 1 when there are any (for CI).
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/emit/dsl_format.h"
#include "compiler/frontend.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {
namespace {

struct Args {
  std::vector<std::string> paths;
  bool check = false;
  std::string color = "auto";
};

int run_fmt(const Args& args) {
  diag::RenderOptions render;
  render.color =
      args.color == "always" || (args.color == "auto" && diag::want_color(STDERR_FILENO));
  int status = kOk;
  for (const auto& path : args.paths) {
    if (path != "-" && syntax::syntax_for_path(path) != syntax::Syntax::Dsl) {
      std::cerr << "wfc: fmt formats .wf files; '" << path << "' is not one\n";
      status = std::max<int>(status, kUsage);
      continue;
    }
    diag::Diagnostics diags(path == "-" ? "<stdin>" : path);
    auto source = load_source(path, diags);
    if (!source) {
      diag::render_human(std::cerr, diags.items(), nullptr, render);
      status = std::max<int>(status, kUsage);
      continue;
    }
    auto formatted = emit::format_dsl(*source, diags);
    if (!formatted) {
      diag::render_human(std::cerr, diags.items(), &*source, render);
      std::cerr << "wfc: not formatting '" << path << "': it cannot be read\n";
      status = std::max<int>(status, kProblems);
      continue;
    }
    if (path == "-") {
      std::cout << *formatted;
      if (args.check && *formatted != source->text()) status = std::max<int>(status, kProblems);
      continue;
    }
    if (*formatted == source->text()) continue;
    if (args.check) {
      std::cout << path << "\n";
      status = std::max<int>(status, kProblems);
      continue;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << *formatted;
    out.close();
    if (!out) {
      std::cerr << "wfc: cannot write '" << path << "'\n";
      status = std::max<int>(status, kUsage);
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace

void add_fmt(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("fmt", "Rewrite .wf files in the canonical layout, comments kept");
  auto args = std::make_shared<Args>();
  cmd->add_option("paths", args->paths, ".wf files ('-' formats standard input to standard output)")
      ->required();
  cmd->add_flag("--check", args->check, "Write nothing; list the files that would change");
  cmd->add_option("--color", args->color, "Colour of diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 formatted (or, with --check, already canonical), 1 a file would change or "
      "cannot be read, 2 usage or I/O error.");
  cmd->callback([args, &status] { status = run_fmt(*args); });
}

}  // namespace wfc::cli
