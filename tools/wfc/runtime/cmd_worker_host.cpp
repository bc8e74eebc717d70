// `wfc-runtime worker-host EXEC-RUN-ARGS…`: hidden; the pre-started process `wfc serve` asks for
// its worker processes (runtime/exec/worker_host.h, docs/runtime.md "Worker processes"). Its
// arguments are those of `exec-run` but the per-run ones (--worker, --files-url), which each
// request adds. It has loaded this program's libraries once and stays single-threaded; for each
// request it forks a worker that sets its limits and runs exactly `exec-run ARGS… EXTRA…`
// (exec_run_main), relaying its pid and its end to the server. Its standard input and output is
// the server's SOCK_SEQPACKET socket; it exits when the server closes it. Exit: 0, or 3 when it
// cannot serve (more than one thread at start).
#include <unistd.h>

#include <memory>

#include "compiler/catalog/catalog.h"
#include "runtime/exec/worker_host.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/commands.h"

namespace wfc::cli {

void add_worker_host(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("worker-host", "Fork wfc serve's worker processes");
  cmd->group("");         // hidden: `wfc serve` starts it
  cmd->prefix_command();  // everything after it is exec-run's
  cmd->callback([cmd, &status] {
    std::vector<std::string> base = cmd->remaining();
    // Parsed once here, inherited by every forked worker (it reads the catalog to prepare its
    // plan and to decide whether it needs the AI engines). Single-threaded: the host's one-thread
    // check still holds.
    catalog::Catalog::builtin();
    status = exec::serve_worker_host(STDIN_FILENO, [&base](const std::vector<std::string>& extra) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return exec_run_main(args);
    });
  });
}

}  // namespace wfc::cli
