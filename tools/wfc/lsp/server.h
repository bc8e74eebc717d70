// `wfc lsp`: a Language Server for workflow files (.wf, JSON, YAML) over standard input and
// output (docs/editors.md). The server keeps the open documents in step with the editor's
// incremental edits and answers with features.h. It is single-threaded: when edits arrive
// faster than it checks, it applies every waiting one before it checks again, so diagnostics
// follow typing without queueing stale work. External interface: Server.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tools/wfc/lsp/text_document.h"
#include "tools/wfc/lsp/transport.h"

namespace wfc::lsp {

class Server {
 public:
  explicit Server(Transport& transport) : io_(transport) {}
  /// Serves until `exit`; the process's exit status (0 after shutdown, 1 otherwise, as the
  /// protocol says).
  int run();

 private:
  void handle(const nlohmann::json& message);
  nlohmann::json request(const std::string& method, const nlohmann::json& params);
  void notification(const std::string& method, const nlohmann::json& params);
  void publish(const std::string& uri);
  TextDocument* document(const nlohmann::json& params);

  Transport& io_;
  std::map<std::string, std::unique_ptr<TextDocument>> docs_;
  std::set<std::string> dirty_;  // changed since their diagnostics were published
  bool initialized_ = false, shutdown_ = false, exit_ = false;
};

}  // namespace wfc::lsp
