// API key secrets (store.h): only a secret's SHA-256 is stored, so a copy of the database does
// not hand out working keys. Secrets are long random strings, so an unsalted fast hash suffices
// (there is no dictionary to try); OpenSSL's libcrypto computes it.
#include <openssl/evp.h>

#include <array>
#include <string>

#include "runtime/model/ids.h"
#include "runtime/store/store.h"

namespace wfc::store {

std::string hash_secret(const std::string& secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md;
  unsigned int len = 0;
  if (EVP_Digest(secret.data(), secret.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw StoreError("sha256: libcrypto failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string new_secret() {
  // Random ids from the CSPRNG (ids.h): 40 symbols of [0-9a-z] after "wfc_", about 206 bits.
  std::string a = model::new_id("k"), b = model::new_id("k"), c = model::new_id("k");
  return "wfc_" + a.substr(2) + b.substr(2) + c.substr(2, 8);
}

}  // namespace wfc::store
