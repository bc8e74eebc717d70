// What every Store has before a backend provides it: the connection methods of a backend that
// does not keep connections yet throw, so a route reaching one fails loudly instead of quietly
// forgetting a credential.
#include "runtime/store/store.h"

namespace wfc::store {

namespace {
[[noreturn]] void no_connections() { throw StoreError("this store does not keep connections"); }
}  // namespace

Connection Store::create_connection(Connection) { no_connections(); }
std::optional<Connection> Store::get_connection(const std::string&) { no_connections(); }
std::optional<Page<Connection>> Store::list_connections(const ListQuery&) { no_connections(); }
bool Store::update_connection(const Connection&) { no_connections(); }
bool Store::delete_connection(const std::string&) { no_connections(); }

}  // namespace wfc::store
