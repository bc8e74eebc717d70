// Sealing connections' secrets with AES-256-GCM (see secrets_key.h), on OpenSSL's libcrypto.
#include "runtime/connections/secrets_key.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "runtime/store/private_files.h"

namespace wfc::connections {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "wfcs1.";
constexpr size_t kNonce = 12, kTag = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string key_id(const std::array<unsigned char, 32>& bytes) {
  // A hash of a label and the key: it names the key and reveals nothing usable of it.
  std::string input = "wfc secrets key id\n";
  input.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, 4);
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string associated_data(std::string_view connection_id) {
  return "wfc connection " + std::string(connection_id);
}

}  // namespace

std::optional<SecretsKey> parse_secrets_key(std::string_view text, std::string* error) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  SecretsKey key;
  if (text.size() != 64) {
    *error = fmt::format("a secrets key is 64 hex digits (32 bytes), this one has {} characters",
                         text.size());
    return std::nullopt;
  }
  for (size_t i = 0; i < 32; ++i) {
    int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      *error = fmt::format("a secrets key is 64 hex digits; character {} is not one",
                           2 * i + (hi < 0 ? 1 : 2));
      return std::nullopt;
    }
    key.bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  key.id = key_id(key.bytes);
  return key;
}

std::string new_secrets_key_text() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return hex(bytes, sizeof bytes) + "\n";
}

std::optional<SecretsKey> load_secrets_key(const KeySource& source, std::string* error) {
  auto from_file = [&](const fs::path& file) -> std::optional<SecretsKey> {
    std::ifstream in(file);
    if (!in) {
      *error = fmt::format("cannot read the secrets key file '{}'", file.string());
      return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string why;
    auto key = parse_secrets_key(text.str(), &why);
    if (!key)
      *error = fmt::format("the secrets key file '{}' is not usable: {}", file.string(), why);
    return key;
  };
  if (!source.file.empty()) return from_file(source.file);
  if (source.env && *source.env) {
    std::string why;
    auto key = parse_secrets_key(source.env, &why);
    if (!key) *error = "WFC_SECRETS_KEY is not usable: " + why;
    return key;
  }
  fs::path file = source.data_dir / "secrets-key";
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    if (!source.create) {
      *error = fmt::format(
          "no secrets key: '{}' does not exist; give the key every node shares with "
          "--secrets-key FILE or WFC_SECRETS_KEY",
          file.string());
      return std::nullopt;
    }
    std::string why;
    if (!store::keep_private_file(file, new_secrets_key_text(), &why)) {
      *error = fmt::format("cannot make the secrets key '{}': {}", file.string(), why);
      return std::nullopt;
    }
  }
  return from_file(file);
}

std::string seal(const SecretsKey& key, std::string_view connection_id, std::string_view secret) {
  std::string out(kNonce + secret.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, kNonce) != 1) throw std::runtime_error("RAND_bytes failed");
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string aad = associated_data(connection_id);
  int n = 0;
  bool ok = ctx &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), bytes) == 1;
  ok = ok &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                         static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), bytes + kNonce, &n,
                               reinterpret_cast<const unsigned char*>(secret.data()),
                               static_cast<int>(secret.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), bytes + kNonce + n, &n) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                                 bytes + kNonce + secret.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM: libcrypto failed");
  return std::string(kPrefix) + key.id + "." + base64(out);
}

std::string sealed_key_id(std::string_view sealed) {
  if (!sealed.starts_with(kPrefix)) return "";
  sealed.remove_prefix(kPrefix.size());
  auto dot = sealed.find('.');
  return dot == std::string_view::npos ? "" : std::string(sealed.substr(0, dot));
}

std::optional<std::string> open_sealed(const SecretsKey& key, std::string_view connection_id,
                                       std::string_view sealed, std::string* error) {
  std::string id = sealed_key_id(sealed);
  if (id.empty()) {
    *error = "its sealed secret is not in a form this wfc reads (damaged, or from a newer wfc)";
    return std::nullopt;
  }
  if (id != key.id) {
    *error = fmt::format(
        "its secret was sealed with the secrets key {}, and this process has the key {}: give it "
        "the key the connection was made with (--secrets-key or WFC_SECRETS_KEY; every node must "
        "share one), or set the secret again with PATCH /connections/{}",
        id, key.id, connection_id);
    return std::nullopt;
  }
  auto raw = unbase64(sealed.substr(kPrefix.size() + id.size() + 1));
  if (!raw || raw->size() < kNonce + kTag) {
    *error = "its sealed secret is damaged";
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  size_t length = raw->size() - kNonce - kTag;
  std::string out(length, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string aad = associated_data(connection_id);
  std::vector<unsigned char> tag(bytes + kNonce + length, bytes + raw->size());
  int n = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), bytes) == 1;
  ok = ok &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                         static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                               bytes + kNonce, static_cast<int>(length)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1;
  ok = ok &&
       EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &n) == 1;
  if (!ok) {
    *error =
        "its sealed secret does not open with this key: it was damaged or altered, or belongs to "
        "another connection";
    return std::nullopt;
  }
  return out;
}

std::string derive_secret(const SecretsKey& key, std::string_view purpose) {
  std::string message = "wfc derived secret\n" + std::string(purpose);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.bytes.data(), static_cast<int>(key.bytes.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
            &size)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return hex(digest, size);
}

}  // namespace wfc::connections
