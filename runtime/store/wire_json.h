// Stored objects as the API shows them (seeds/002_*, API-NOTES "Objects"): `object`, unix-second
// timestamps (null until they happen), `error` as {kind, message} or null. The store also uses
// these for the data of the events it raises itself (run.failed after interruptions, cancels).
// URLs in them are shown without user name and password (runtime/net/redact.h): the run's
// `input`, task options, an automation's workflow and webhook_url. What the worker fetches and
// where webhooks go are read from the store's own fields, which keep them.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/store/store.h"

namespace wfc::store {

nlohmann::json to_json(const Task& t);
nlohmann::json to_json(const Run& r);  // with its `tasks` array
nlohmann::json to_json(const Automation& a);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const ApiKey& k);  // never the hash
/// The File object as its task recorded it, with its run_id, task_id, `status` (ready |
/// deleted) and deleted_at; its `url` unsigned (the API signs it: runtime/api/sign_urls.h).
nlohmann::json to_json(const File& f);

}  // namespace wfc::store
