// Bearer API keys (API-NOTES "Auth"): `Authorization: Bearer <key>`; the store keeps only each
// key's SHA-256. A missing header is 401 `token_missing`; an unknown or paused key 401
// `token_invalid`. External interface: authenticate().
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
