#include "tools/wfc/lsp/server.h"

#include "tools/wfc/lsp/features.h"

namespace wfc::lsp {
namespace {

using nlohmann::json;

/// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700, kInvalidRequest = -32600, kMethodNotFound = -32601,
              kInvalidParams = -32602, kServerNotInitialized = -32002;

struct RpcError {
  int code;
  std::string message;
};

LspPosition position(const json& params) {
  const auto& p = params.at("position");
  return {p.at("line").get<uint32_t>(), p.at("character").get<uint32_t>()};
}

}  // namespace

int Server::run() {
  std::string error;
  while (!exit_) {
    auto message = io_.read(&error);
    if (!message) break;  // the end of the input, or a stream out of step
    if (message->is_null() && !error.empty()) {
      io_.write({{"jsonrpc", "2.0"},
                 {"id", nullptr},
                 {"error", {{"code", kParseError}, {"message", error}}}});
      continue;
    }
    handle(*message);
    // Typing sends a change per keystroke: apply every waiting one, then check once.
    if (!io_.pending()) {
      for (const auto& uri : dirty_) publish(uri);
      dirty_.clear();
    }
  }
  return exit_ && shutdown_ ? 0 : 1;
}

void Server::handle(const json& m) {
  if (!m.is_object() || !m.contains("method") || !m["method"].is_string()) {
    if (m.is_object() && m.contains("id") && !m.contains("result") && !m.contains("error")) {
      io_.write(
          {{"jsonrpc", "2.0"},
           {"id", m["id"]},
           {"error", {{"code", kInvalidRequest}, {"message", "a request without a method"}}}});
    }
    return;  // a response to a request of ours (we send none that need one)
  }
  const std::string& method = m["method"].get_ref<const std::string&>();
  json params = m.value("params", json::object());
  if (!m.contains("id")) {
    notification(method, params);
    return;
  }
  json reply = {{"jsonrpc", "2.0"}, {"id", m["id"]}};
  try {
    if (!initialized_ && method != "initialize") {
      throw RpcError{kServerNotInitialized, "initialize first"};
    }
    reply["result"] = request(method, params);
  } catch (const RpcError& e) {
    reply["error"] = {{"code", e.code}, {"message", e.message}};
  } catch (const json::exception& e) {
    reply["error"] = {{"code", kInvalidParams},
                      {"message", std::string("bad params: ") + e.what()}};
  }
  io_.write(reply);
}

json Server::request(const std::string& method, const json& params) {
  if (method == "initialize") {
    initialized_ = true;
    return {{"capabilities",
             {{"positionEncoding", "utf-16"},
              {"textDocumentSync", {{"openClose", true}, {"change", 2}}},
              {"hoverProvider", true},
              {"completionProvider", {{"triggerCharacters", {"(", ",", ":", ">", " ", "\""}}}},
              {"definitionProvider", true},
              {"documentFormattingProvider", true},
              {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}}}},
            {"serverInfo", {{"name", "wfc"}}}};
  }
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (method == "textDocument/hover") {
    auto* d = document(params);
    return d ? hover(*d, position(params)) : json(nullptr);
  }
  if (method == "textDocument/completion") {
    auto* d = document(params);
    return d ? completion(*d, position(params)) : json(nullptr);
  }
  if (method == "textDocument/definition") {
    auto* d = document(params);
    return d ? definition(*d, position(params)) : json(nullptr);
  }
  if (method == "textDocument/formatting") {
    auto* d = document(params);
    return d ? formatting(*d) : json(nullptr);
  }
  if (method == "textDocument/codeAction") {
    auto* d = document(params);
    return d ? code_actions(*d, params.value("context", json::object())) : json::array();
  }
  throw RpcError{kMethodNotFound, "wfc lsp does not handle " + method};
}

void Server::notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exit_ = true;
    return;
  }
  if (!initialized_) return;
  try {
    if (method == "textDocument/didOpen") {
      const auto& td = params.at("textDocument");
      std::string uri = td.at("uri");
      docs_[uri] = std::make_unique<TextDocument>(uri, td.at("text").get<std::string>(),
                                                  td.value("version", int64_t{0}));
      dirty_.insert(uri);
    } else if (method == "textDocument/didChange") {
      auto* d = document(params);
      if (!d) return;
      for (const auto& change : params.at("contentChanges")) {
        if (!d->apply(change)) {
          io_.write({{"jsonrpc", "2.0"},
                     {"method", "window/logMessage"},
                     {"params",
                      {{"type", 1},
                       {"message", "wfc lsp: a change outside " + d->uri() +
                                       " was ignored; reopen the file"}}}});
        }
      }
      d->set_version(params.at("textDocument").value("version", d->version() + 1));
      dirty_.insert(d->uri());
    } else if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri");
      docs_.erase(uri);
      dirty_.erase(uri);
      io_.write({{"jsonrpc", "2.0"},
                 {"method", "textDocument/publishDiagnostics"},
                 {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
    }
  } catch (const json::exception&) {
    // A malformed notification has no reply; it changes nothing.
  }
}

void Server::publish(const std::string& uri) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) return;
  io_.write({{"jsonrpc", "2.0"},
             {"method", "textDocument/publishDiagnostics"},
             {"params",
              {{"uri", uri},
               {"version", it->second->version()},
               {"diagnostics", diagnostics(*it->second)}}}});
}

TextDocument* Server::document(const json& params) {
  std::string uri = params.at("textDocument").at("uri");
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : it->second.get();
}

}  // namespace wfc::lsp
