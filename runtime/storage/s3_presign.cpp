// SigV4 query-string presigning of S3 GETs (s3_presign.h).
#include "runtime/storage/s3_presign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "runtime/storage/s3_request.h"

namespace wfc::storage {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest hmac(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string_view view(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), d.data(), &len, EVP_sha256(), nullptr);
  return hex(d.data(), d.size());
}

/// "20261207T203000Z" and "20261207" of unix time `now`, in UTC.
std::pair<std::string, std::string> amz_times(std::int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32], day[16];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::strftime(day, sizeof day, "%Y%m%d", &utc);
  return {stamp, day};
}

}  // namespace

std::string presign_get_url(const S3Config& config, std::string_view object,
                            std::int64_t lifetime_s, std::int64_t now) {
  std::int64_t expires = std::clamp<std::int64_t>(lifetime_s, 1, kMaxPresignSeconds);
  std::string encoded = s3::uri_encode(object, true);
  std::string origin, host, path;
  if (config.endpoint.empty()) {
    host = config.bucket + ".s3." + config.region + ".amazonaws.com";
    origin = "https://" + host;
    path = "/" + encoded;
  } else {
    origin = config.endpoint;
    host = origin.substr(origin.find("://") + 3);
    path = "/" + config.bucket + "/" + encoded;
  }
  auto [stamp, day] = amz_times(now);
  std::string scope = day + "/" + config.region + "/s3/aws4_request";
  // The query's names in byte order, as the canonical request lists them.
  std::string query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
                      s3::uri_encode(config.access_key_id + "/" + scope, false) +
                      "&X-Amz-Date=" + stamp + "&X-Amz-Expires=" + std::to_string(expires) +
                      "&X-Amz-SignedHeaders=host";
  std::string canonical =
      "GET\n" + path + "\n" + query + "\nhost:" + host + "\n\nhost\nUNSIGNED-PAYLOAD";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + sha256_hex(canonical);
  Digest key = hmac("AWS4" + config.secret_access_key, day);
  key = hmac(view(key), config.region);
  key = hmac(view(key), "s3");
  key = hmac(view(key), "aws4_request");
  Digest signature = hmac(view(key), to_sign);
  return origin + path + "?" + query +
         "&X-Amz-Signature=" + hex(signature.data(), signature.size());
}

}  // namespace wfc::storage
