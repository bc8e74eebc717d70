// `wfc lsp`: the Language Server over standard input and output (tools/wfc/lsp/server.h,
// docs/editors.md).
#include <unistd.h>

#include "tools/wfc/commands.h"
#include "tools/wfc/lsp/server.h"

namespace wfc::cli {

void add_lsp(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand(
      "lsp", "Language Server for .wf, JSON and YAML workflow files, over stdin/stdout");
  // Editors pass --stdio by convention; it is the only transport.
  static bool stdio = true;
  cmd->add_flag("--stdio", stdio, "Talk over standard input and output (the default and only way)");
  cmd->callback([&status] {
    lsp::Transport transport(STDIN_FILENO, STDOUT_FILENO);
    lsp::Server server(transport);
    status = server.run();
  });
}

}  // namespace wfc::cli
