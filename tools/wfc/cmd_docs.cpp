// `wfc docs kinds`: docs/kinds.md, generated from the catalog (`make docs` writes it).
#include <iostream>

#include "compiler/catalog/catalog.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {

void add_docs(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("docs", "Print generated reference documentation");
  cmd->group("");  // for maintainers: hidden from --help
  auto* kinds = cmd->add_subcommand("kinds", "docs/kinds.md from the kind catalog");
  cmd->require_subcommand(1);
  kinds->callback([&status] {
    std::cout << catalog::kinds_markdown(catalog::Catalog::builtin());
    status = kOk;
  });
}

}  // namespace wfc::cli
