// `wfc explain CODE`: what a diagnostic code means, with an example (like `rustc --explain`).
#include <iostream>

#include "compiler/diag/diagnostic.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {

void add_explain(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("explain", "Explain a diagnostic code (WF201) or list them all");
  auto code = std::make_shared<std::string>();
  cmd->add_option("code", *code, "A code such as WF201 or a name such as unknown-kind");
  cmd->callback([code, &status] {
    if (code->empty()) {
      for (const auto& c : diag::all_codes()) {
        std::cout << c.id << "  " << diag::severity_name(c.severity) << "  " << c.name << ": "
                  << c.summary << "\n";
      }
      status = kOk;
      return;
    }
    auto parsed = diag::parse_code(*code);
    if (!parsed) {
      std::cerr << "wfc: unknown code '" << *code << "' (see `wfc explain`)\n";
      status = kUsage;
      return;
    }
    const auto& c = diag::info(*parsed);
    std::cout << c.id << " (" << c.name << ", " << diag::severity_name(c.severity)
              << "): " << c.summary << "\n\n"
              << c.explain << "\n";
    status = kOk;
  });
}

}  // namespace wfc::cli
