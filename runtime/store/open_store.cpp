#include "runtime/store/open_store.h"

#include <string_view>

#include "runtime/store/pg_store.h"
#include "runtime/store/sqlite_store.h"

namespace wfc::store {

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

std::string redact_store_url(const std::string& url) {
  if (!is_postgres_url(url)) return url;
  size_t scheme = url.find("://") + 3;
  size_t at = url.find('@', scheme);
  size_t colon = url.find(':', scheme);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::unique_ptr<Store> open_store(const std::string& url, const OpenOptions& options) {
  if (is_postgres_url(url)) {
    PgStore::Options o;
    o.url = url;
    o.max_attempts = options.max_attempts;
    o.clock_ms = options.clock_ms;
    try {
      return std::make_unique<PgStore>(o);
    } catch (const StoreUnavailable& e) {
      throw StoreUnavailable(std::string(e.what()) + " (" + redact_store_url(url) + ")");
    }
  }
  std::string_view path = url;
  if (path.rfind("sqlite:", 0) == 0) path.remove_prefix(7);
  SqliteStore::Options o;
  o.path = std::filesystem::path(std::string(path));
  o.max_attempts = options.max_attempts;
  o.clock_ms = options.clock_ms;
  return std::make_unique<SqliteStore>(o);
}

}  // namespace wfc::store
