// Output file ids (store.h, file_id): "file_" and 16 hex digits of the SHA-256 of
// "<run id>/<relative path>", so a file keeps its id across processes and restarts, and the byte
// route can find a file's record from its path alone.
#include <string>

#include "runtime/store/store.h"

namespace wfc::store {

std::string file_id(const std::string& run_id, const std::string& path) {
  return "file_" + hash_secret(run_id + "/" + path).substr(0, 16);
}

}  // namespace wfc::store
