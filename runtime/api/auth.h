// Bearer API keys (API-NOTES "Auth"): `Authorization: Bearer <key>`; the store keeps only each
// key's SHA-256. A missing header is 401 `token_missing`; an unknown, paused, retired or revoked
// key 401 `token_invalid`. The key is looked up in the store at every request (no cache), so a
// revocation on one node is seen by the next request on every node sharing the database.
// External interface: authenticate().
#pragma once

#include <httplib.h>

#include <optional>

#include "runtime/api/request.h"
#include "runtime/store/store.h"

namespace wfc::api {

/// The key the request carries, or why it does not carry a usable one.
std::optional<ApiError> authenticate(store::Store& store, const httplib::Request& req,
                                     store::ApiKey* key);

}  // namespace wfc::api
