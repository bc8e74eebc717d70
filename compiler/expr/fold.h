// Constant folding: simplifies a checked predicate without changing its answer on any record
// (the differential test holds it to that), optionally using what the chain fixes about the
// file: after an `audio` task the file is audio, so `kind == "video"` is false there. External
// interface: fold().
#pragma once

#include "compiler/catalog/catalog.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"

namespace wfc::expr {

/// What is known at compile time about the records a predicate will see.
struct Known {
  /// The file kinds that can arrive (the checker's chain typing). A media kind maps to the
  /// `kind` value of the same name; the others (data, track, playlist) have a `kind` outside
  /// the catalog's values.
  catalog::FileKinds kinds = catalog::kAnyFile;
};

/// Folds constants through and/or/not, flattens nested groups, removes double negation, and
/// decides tests on `kind` that `known` settles. The result holds exactly where `n` holds, for
/// every record that `known` admits.
Node fold(Node n, const Schema& schema, const Known& known = {});

}  // namespace wfc::expr
