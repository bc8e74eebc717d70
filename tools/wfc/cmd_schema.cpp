// `wfc schema`: the JSON Schema (2020-12) of the JSON/YAML syntax, generated from the catalog.
#include <iostream>

#include "compiler/catalog/catalog.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {

void add_schema(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("schema", "Print the JSON Schema of workflow files (for editors)");
  cmd->callback([&status] {
    std::cout << catalog::json_schema(catalog::Catalog::builtin()).dump(2) << "\n";
    status = kOk;
  });
}

}  // namespace wfc::cli
