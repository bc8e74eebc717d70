// Bearer API keys (see auth.h).
#include "runtime/api/auth.h"

#include <string_view>

namespace wfc::api {

std::optional<ApiError> authenticate(store::Store& store, const httplib::Request& req,
                                     store::ApiKey* key) {
  std::string header = req.get_header_value("Authorization");
  if (header.empty()) {
    return ApiError{401, "token_missing", "send the API key as 'Authorization: Bearer <key>'"};
  }
  std::string_view h = header;
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) {
    return ApiError{401, "token_missing",
                    "the Authorization header must be 'Bearer <key>' (another scheme was sent)"};
  }
  std::string secret(h.substr(kBearer.size()));
  auto found = store.find_api_key(secret);
  if (!found) return ApiError{401, "token_invalid", "the API key is not valid"};
  if (found->status == "retired") {
    return ApiError{401, "token_invalid",
                    "the API key is retired: it was not configured when the server last started"};
  }
  if (found->status == "revoked") {
    return ApiError{401, "token_invalid", "the API key was revoked"};
  }
  if (found->status != "active") {
    return ApiError{401, "token_invalid", "the API key is " + found->status};
  }
  *key = std::move(*found);
  return std::nullopt;
}

}  // namespace wfc::api
