// Stored objects as the API shows them (seeds/002_*, API-NOTES "Objects"): `object`, unix-second
// timestamps (null until they happen), `error` as {kind, message} or null. The store also uses
// these for the data of the events it raises itself (run.failed after interruptions, cancels).
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/store/store.h"

namespace wfc::store {

nlohmann::json to_json(const Task& t);
nlohmann::json to_json(const Run& r);  // with its `tasks` array
nlohmann::json to_json(const Automation& a);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const ApiKey& k);  // never the hash

}  // namespace wfc::store
