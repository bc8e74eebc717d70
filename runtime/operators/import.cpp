// The import operator: as ingest (the file at `url` into the run's directory, probed), keeping
// the original bytes as they arrived; storage of the original beyond the run's directory comes
// with object storage.
#include "runtime/operators/registry.h"

namespace wfc::operators {

Result run_import(const plan::Node& node, const Context& context) {
  return run_ingest(node, context);
}

}  // namespace wfc::operators
