// Output file ids (store.h, file_id): "file_" and 16 hex digits of the SHA-256 of
// "<run id>/<relative path>", so a file keeps its id across processes and restarts, and the byte
// route can find a file's record from its path alone.
#include <openssl/evp.h>

#include <array>
#include <string>

#include "runtime/store/store.h"

namespace wfc::store {

std::string file_id(const std::string& run_id, const std::string& path) {
  // The API checks an id against its URL for every output URL it signs: the algorithm is
  // fetched once (OpenSSL 3 would look it up at every call, most of the cost of a short digest).
  static const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string text = run_id + "/" + path;
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  unsigned int len = 0;
  if (!sha256 || EVP_Digest(text.data(), text.size(), md.data(), &len, sha256, nullptr) != 1)
    throw StoreError("sha256: libcrypto failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "file_";
  for (size_t i = 0; i < 8; ++i) {  // 16 hex digits, as hash_secret(…).substr(0, 16)
    id += kHex[md[i] >> 4];
    id += kHex[md[i] & 15];
  }
  return id;
}

}  // namespace wfc::store
