// What `wfc lsp` knows about a workflow document: its diagnostics (the ones `wfc validate`
// gives), hover text for kinds, options and file properties from the catalog, completions that
// know where in a chain the cursor is, the definition of a ref, and the quick fixes a
// did-you-mean hint offers. Each function takes the document as the editor holds it and answers
// in LSP's JSON shapes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "tools/wfc/lsp/text_document.h"

namespace wfc::lsp {

/// PublishDiagnosticsParams' `diagnostics` for the document (at most caps::kMaxDiagnostics and
/// a note for the rest, as `wfc validate`). Each carries `data.replacement` when its hint is a
/// single did-you-mean.
nlohmann::json diagnostics(const TextDocument& doc);

/// A Hover for the position, or null.
nlohmann::json hover(const TextDocument& doc, LspPosition at);

/// A CompletionList for the position.
nlohmann::json completion(const TextDocument& doc, LspPosition at);

/// The Location of the ref named at the position, or null.
nlohmann::json definition(const TextDocument& doc, LspPosition at);

/// TextEdit[] formatting a .wf document with `wfc fmt`'s layout; null when it cannot be read
/// (or is not a .wf file).
nlohmann::json formatting(const TextDocument& doc);

/// CodeAction[] for the diagnostics of a codeAction request's context.
nlohmann::json code_actions(const TextDocument& doc, const nlohmann::json& context);

/// The replacement a hint proposes ("did you mean 'video'?" → "video"), or nullopt.
std::optional<std::string> did_you_mean(const std::string& hint);

}  // namespace wfc::lsp
