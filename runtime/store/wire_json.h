// Stored objects as the API shows them (seeds/002_*, API-NOTES "Objects"): `object`, unix-second
// timestamps (null until they happen), `error` as {kind, message} or null. The store also uses
// these for the data of the events it raises itself (run.failed after interruptions, cancels).
// URLs in them are shown without user name and password (runtime/net/redact.h): the run's
// `input`, task options, an automation's workflow and webhook_url. What the worker fetches and
// where webhooks go are read from the store's own fields, which keep them.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/store/store.h"

namespace wfc::store {

nlohmann::json to_json(const Task& t);
nlohmann::json to_json(const Run& r);  // with its `tasks` array
nlohmann::json to_json(const Automation& a);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const ApiKey& k);  // never the hash
/// Never the sealed secret: `secret_access_key_set` says whether one is stored.
nlohmann::json to_json(const Connection& c);
/// The File object as its task recorded it, with its run_id, task_id, `status` (ready |
/// deleted) and deleted_at; its `url` unsigned (the API signs it: runtime/api/sign_urls.h).
nlohmann::json to_json(const File& f);

/// Appends a task's File array (`inputs` or `outputs`) to an answer, given its stored JSON
/// text: where an answer may change what files show (the API signs their URLs) without parsing
/// the rest.
using FilesText = std::function<void(const Task& t, std::string_view stored, std::string* out)>;

/// The run as to_json(run).dump() would write it (the same bytes: keys in the same order,
/// numbers and escapes alike; tests/unit/store_wire_text_test.cpp holds them to it), rendered
/// from the stored JSON text without parsing it. URLs are redacted as to_json does; text with no
/// '@' in it can hold no credentials and is copied as it is. `files` writes each task's inputs
/// and outputs (empty: copied as stored).
std::string to_json_text(const RunText& r, const FilesText& files = {});

}  // namespace wfc::store
