// The VS Code client of `wfc lsp` (docs/editors.md): starts the server over stdio for .wf files
// and, when wfc.structuredFiles is on, for the JSON and YAML workflows under workflows/.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("wfc");
  const command = config.get("path", "wfc");
  const selector = [{ scheme: "file", language: "wfc" }];
  if (config.get("structuredFiles", true)) {
    selector.push({ scheme: "file", pattern: "**/workflows/**/*.{json,yaml,yml}" });
  }
  client = new LanguageClient(
    "wfc",
    "wfc workflows",
    { command, args: ["lsp", "--stdio"] },
    { documentSelector: selector },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
