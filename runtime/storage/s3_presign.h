// Presigned S3 GETs: SigV4 with the signature in the query string (AWS's "Authenticating
// Requests: Using Query Parameters"), computed here with libcrypto, no SDK. Whoever holds the URL
// may GET that one object until it expires; nothing else (the signed headers are only `host`).
// S3Storage::presigned_get uses it for `--file-urls presigned` (docs/storage.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/storage/s3_config.h"

namespace wfc::storage {

/// S3's limit on a presigned URL's lifetime: 7 days.
inline constexpr std::int64_t kMaxPresignSeconds = 7 * 24 * 3600;

/// The presigned GET URL of `object` (the whole key in the bucket, prefix included) signed with
/// `config`'s credentials at unix time `now`, valid for `lifetime_s` seconds (clamped to
/// 1 … kMaxPresignSeconds). Path style with an endpoint, virtual-host style without one, as the
/// storage's own requests.
std::string presign_get_url(const S3Config& config, std::string_view object,
                            std::int64_t lifetime_s, std::int64_t now);

}  // namespace wfc::storage
