// `wfc convert --to json|yaml|wf FILE...`: rewrite workflow files in another syntax, meaning the
// same document. A file with errors is not converted: its diagnostics go to standard error.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/emit/emit.h"
#include "compiler/frontend.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Args {
  std::vector<std::string> paths;
  std::string to;
  std::string from;
  std::string output;
  std::string out_dir;
  std::string color = "auto";
};

/// The extension a syntax's files carry.
std::string extension(syntax::Syntax s) { return "." + std::string(syntax::syntax_name(s)); }

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "wfc: cannot write '" << path << "'\n";
    return false;
  }
  return true;
}

/// Converts one file. Returns its exit status; the text goes to *text.
int convert_one(const std::string& path, std::optional<syntax::Syntax> forced, syntax::Syntax to,
                const diag::RenderOptions& render, std::string* text) {
  diag::Diagnostics load_diags(path == "-" ? "<stdin>" : path);
  auto from = forced ? forced : syntax::syntax_for_path(path);
  if (!from) {
    std::cerr << "wfc: cannot tell the syntax of '" << path
              << "' from its extension (.json, .yaml, .yml, .wf); use --from\n";
    return kUsage;
  }
  auto source = load_source(path, load_diags);
  if (!source) {
    diag::render_human(std::cerr, load_diags.items(), nullptr, render);
    return kUsage;
  }
  auto result = compile_source(*source, *from);
  const auto& diags = result.diagnostics.items();
  diag::render_human(std::cerr, diags, &*source, render);
  bool errors = std::any_of(diags.begin(), diags.end(),
                            [](const auto& d) { return d.severity == diag::Severity::Error; });
  if (errors || !result.document) {
    std::cerr << "wfc: not converting '" << path << "': it has errors\n";
    return kProblems;
  }
  if (to == syntax::Syntax::Json) {
    std::string where;
    if (!emit::json_representable(emit::canonical_value(*result.document), &where)) {
      std::cerr << "wfc: not converting '" << path << "': the number at '" << where
                << "' (NaN or infinity) has no JSON form\n";
      return kProblems;
    }
  }
  *text = emit::emit(*result.document, to);
  return kOk;
}

int run_convert(const Args& args) {
  auto to = syntax::parse_syntax(args.to);
  if (!to) {
    std::cerr << "wfc: unknown syntax '" << args.to << "' (json, yaml, wf)\n";
    return kUsage;
  }
  std::optional<syntax::Syntax> forced;
  if (!args.from.empty()) {
    forced = syntax::parse_syntax(args.from);
    if (!forced) {
      std::cerr << "wfc: unknown syntax '" << args.from << "' (json, yaml, wf)\n";
      return kUsage;
    }
  }
  if (!args.output.empty() && args.paths.size() != 1) {
    std::cerr << "wfc: -o takes one input file; use --out-dir for several\n";
    return kUsage;
  }
  diag::RenderOptions render;
  render.tool_version = WFC_VERSION;
  render.color =
      args.color == "always" || (args.color == "auto" && diag::want_color(STDERR_FILENO));

  int status = kOk;
  for (const auto& path : args.paths) {
    std::string text;
    int one = convert_one(path, forced, *to, render, &text);
    if (one != kOk) {
      status = std::max(status, one);
      continue;
    }
    if (!args.output.empty()) {
      if (!write_file(args.output, text)) status = kUsage;
    } else if (!args.out_dir.empty()) {
      fs::path name = path == "-" ? fs::path("stdin") : fs::path(path).filename();
      fs::path target = fs::path(args.out_dir) / name.replace_extension(extension(*to));
      std::error_code ec;
      fs::create_directories(args.out_dir, ec);
      if (!write_file(target.string(), text)) status = kUsage;
    } else {
      std::cout << text;
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace

void add_convert(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand(
      "convert", "Rewrite workflow files in another syntax (json, yaml, wf), same meaning");
  auto args = std::make_shared<Args>();
  cmd->add_option("paths", args->paths, "Files ('-' reads standard input)")->required();
  cmd->add_option("--to,-t", args->to, "Output syntax: json, yaml or wf")->required();
  cmd->add_option("--from", args->from, "Read every input as json, yaml or wf");
  cmd->add_option("--output,-o", args->output, "Write to this file instead of standard output");
  cmd->add_option(
      "--out-dir,-d", args->out_dir,
      "Write each file into this directory, named for its input with the new extension");
  cmd->add_option("--color", args->color, "Colour of diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->footer(
      "A file with errors is not converted; its diagnostics go to standard error.\n"
      "Exit status: 0 converted, 1 a file has errors, 2 usage or I/O error.");
  cmd->callback([args, &status] { status = run_convert(*args); });
}

}  // namespace wfc::cli
