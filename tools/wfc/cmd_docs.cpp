// `wfc docs kinds` and `wfc docs diagnostics`: docs/kinds.md from the catalog and
// docs/diagnostics.md from the code registry (`make docs` writes both).
#include <iostream>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/reference.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {

void add_docs(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("docs", "Print generated reference documentation");
  cmd->group("");  // for maintainers: hidden from --help
  auto* kinds = cmd->add_subcommand("kinds", "docs/kinds.md from the kind catalog");
  auto* diagnostics =
      cmd->add_subcommand("diagnostics", "docs/diagnostics.md from the diagnostic codes");
  cmd->require_subcommand(1);
  kinds->callback([&status] {
    std::cout << catalog::kinds_markdown(catalog::Catalog::builtin());
    status = kOk;
  });
  diagnostics->callback([&status] {
    std::cout << diag::diagnostics_markdown();
    status = kOk;
  });
}

}  // namespace wfc::cli
