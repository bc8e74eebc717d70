// The caps on what one workflow, one run and one report may hold: the numbers the compiler, the
// API and `wfc validate` enforce so that a hostile (or runaway) request costs bounded memory and
// time. One place for the numbers; docs/language.md ("Limits") and docs/security.md ("Caps") give
// them with the reasons below. Readers' own limits (file size, nesting) are syntax::Limits.
#pragma once

#include <cstddef>

namespace wfc::caps {

/// Tasks written in one workflow, counted through every `next` (WF116 past it). The largest
/// workflows in use hold a few dozen tasks; every task becomes a plan node, a stored task row and
/// an entry of GET /runs/{id}, and 24,000 of them cost 200 MB and a 9.5 MB answer.
inline constexpr size_t kMaxTasksPerWorkflow = 1000;

/// Tasks one run may be created with (422 `request_invalid` on the API past it). A run holds one
/// task per task its workflow wrote, so WF116 already keeps new workflows within it; the API
/// checks again when it creates the run, which also covers an automation stored by an older wfc
/// (before the cap) and triggered now.
inline constexpr size_t kMaxTasksPerRun = kMaxTasksPerWorkflow;

/// Tasks chained through `next` below one another (WF117 past it): `a -> b -> c` is 3 deep. Real
/// chains are a handful deep; each level is a level of recursion in the checker and the planner.
/// Below the readers' nesting limit (128 levels of objects and arrays, about 63 `next` levels in
/// JSON), so the cap is the same whatever the syntax.
inline constexpr size_t kMaxNextDepth = 32;

/// Diagnostics shown per file by `wfc validate` and per request by the API; the rest are counted
/// in one WF118 note (`truncated` in JSON). A person reads the first few; a workflow with 70,000
/// mistakes gave 13 MB of them.
inline constexpr size_t kMaxDiagnostics = 100;

}  // namespace wfc::caps
