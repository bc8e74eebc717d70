// The diagnostics reference (docs/diagnostics.md), generated from the code registry and the
// renderers themselves so that it cannot drift from what wfc prints. `wfc docs diagnostics`
// prints it; `make docs` writes it; a test fails when the committed file is stale.
#pragma once

#include <string>

namespace wfc::diag {

std::string diagnostics_markdown();

}  // namespace wfc::diag
