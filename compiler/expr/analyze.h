// Warnings about checked conditions that cannot be what the author meant: a condition (or an
// alternative of an `or`) that can never hold (WF409), one (or a clause of an `and`) that always
// holds (WF410), and a condition that cannot hold for the files the chain delivers (WF501: the
// branch is dead). One warning per mistake: once a node is reported, its parts are not.
// External interface: analyze().
#pragma once

#include <string>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"

namespace wfc::expr {

/// What reaches a condition along the chain.
struct ChainContext {
  catalog::FileKinds kinds = catalog::kAnyFile;  // kAnyFile: unknown
  std::string from;               // the kind of the task whose output it is; "" for the run's input
  bool from_passthrough = false;  // `from` passes on what it received (conditions, probe)
};

/// Reports what is wrong with `root` and returns the file kinds that can pass it (as
/// Ranges::kinds_passing), computed from the same normal form.
catalog::FileKinds analyze(const Node& root, const Schema& schema, const ChainContext& chain,
                           diag::Diagnostics& diags);

/// The text of a test as the warnings quote it, negated when `positive` is false, shortened.
std::string clause_text(const Node& test, bool positive = true);

}  // namespace wfc::expr
