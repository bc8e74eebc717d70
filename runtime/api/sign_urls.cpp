// Signed output URLs (see sign_urls.h).
#include "runtime/api/sign_urls.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <memory>

#include "runtime/model/ids.h"
#include "runtime/storage/open_storage.h"
#include "runtime/store/store.h"

namespace wfc::api {

namespace {

constexpr std::string_view kRoute = "/files/";
constexpr std::string_view kSigned = "signed/";
/// How deep below a run's directory a folder-scoped (playlist) signature may sit.
constexpr int kMaxScopeDepth = 8;

std::string base64url(const unsigned char* p, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int have = 0;
  for (size_t i = 0; i < n; ++i) {
    bits = (bits << 8) | p[i];
    have += 8;
    while (have >= 6) {
      have -= 6;
      out += kAlphabet[(bits >> have) & 63];
    }
  }
  if (have > 0) out += kAlphabet[(bits << (6 - have)) & 63];
  return out;
}

const EVP_MD* sha256() {
  // Fetched once: OpenSSL 3 looks an algorithm up at every use otherwise (a microsecond each).
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

/// HMAC-SHA256 (RFC 2104) under one key, with the key's inner and outer pads hashed once: a
/// signature then costs two short digests, not the key schedule and algorithm lookups of a
/// one-shot HMAC() (7 µs a URL before, on the development machine).
class Hmac {
 public:
  explicit Hmac(std::string_view key)
      : key_(key), inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()), work_(EVP_MD_CTX_new()) {
    std::array<unsigned char, 64> block{};
    if (key.size() > block.size()) {
      unsigned int len = 0;
      EVP_Digest(key.data(), key.size(), block.data(), &len, sha256(), nullptr);
    } else {
      std::copy(key.begin(), key.end(), block.begin());
    }
    std::array<unsigned char, 64> pad;
    for (size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x36;
    EVP_DigestInit_ex(inner_, sha256(), nullptr);
    EVP_DigestUpdate(inner_, pad.data(), pad.size());
    for (size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x5c;
    EVP_DigestInit_ex(outer_, sha256(), nullptr);
    EVP_DigestUpdate(outer_, pad.data(), pad.size());
  }
  ~Hmac() {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_CTX_free(work_);
  }
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;

  const std::string& key() const { return key_; }

  std::array<unsigned char, 32> sign(std::string_view message) {
    std::array<unsigned char, 32> inner, out;
    unsigned int len = 0;
    EVP_MD_CTX_copy_ex(work_, inner_);
    EVP_DigestUpdate(work_, message.data(), message.size());
    EVP_DigestFinal_ex(work_, inner.data(), &len);
    EVP_MD_CTX_copy_ex(work_, outer_);
    EVP_DigestUpdate(work_, inner.data(), inner.size());
    EVP_DigestFinal_ex(work_, out.data(), &len);
    return out;
  }

 private:
  std::string key_;
  EVP_MD_CTX *inner_, *outer_, *work_;
};

}  // namespace

std::string hmac_base64url(const std::string& secret, std::string_view message) {
  // One keyed state per thread (the server's handler threads, the deliverer's), made again if
  // the secret differs (tests sign with several).
  thread_local std::unique_ptr<Hmac> hmac;
  if (!hmac || hmac->key() != secret) hmac = std::make_unique<Hmac>(secret);
  std::array<unsigned char, 32> md = hmac->sign(message);
  return base64url(md.data(), md.size());
}

namespace {

/// The signature of GET on `scope` until `expires`.
std::string signature(const UrlSigning& s, std::string_view scope, int64_t expires) {
  std::string message = "GET\n";
  message.append(scope);
  message += '\n';
  message += std::to_string(expires);
  return hmac_base64url(s.secret, message);
}

std::string scope_of(std::string_view run_id, std::string_view path, bool folder) {
  std::string scope = std::string(kRoute) + std::string(run_id) + "/";
  if (!folder) return scope + std::string(path);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) scope += path.substr(0, slash + 1);
  return scope;
}

void sign_in(nlohmann::json& j, const UrlSigning& s, int64_t now) {
  if (j.is_array()) {
    for (nlohmann::json& e : j) sign_in(e, s, now);
    return;
  }
  if (!j.is_object()) return;
  auto url = j.find("url");
  if (url != j.end() && url->is_string()) {
    auto id = j.find("id");
    std::optional<FileUrl> f;
    if (id != j.end() && id->is_string() && (f = parse_file_url(url->get_ref<std::string&>())) &&
        f->token.empty() && *id == store::file_id(f->run_id, f->path)) {
      bool folder = folder_scoped(j, f->path);
      std::optional<std::string> presigned;
      if (s.presign && !folder) {
        presigned =
            s.presign->presigned_get(storage::run_file_key(f->run_id, f->path), s.lifetime_s, now);
      }
      *url = presigned ? std::move(*presigned)
                       : signed_file_url(s, f->base, f->run_id, f->path, folder, now);
    }
  }
  for (auto& [key, value] : j.items()) {
    if (value.is_structured()) sign_in(value, s, now);
  }
}

}  // namespace

std::optional<FileUrl> parse_file_url(std::string_view url) {
  // The first "/files/" followed by a run id (a --public-url may itself hold "/files/").
  size_t at = 0;
  for (size_t from = 0; (at = url.find(kRoute, from)) != std::string_view::npos; from = at + 1) {
    FileUrl f;
    f.base = std::string(url.substr(0, at));
    std::string_view rest = url.substr(at + kRoute.size());
    if (rest.starts_with(kSigned)) {
      rest.remove_prefix(kSigned.size());
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0) continue;
      f.token = std::string(rest.substr(0, slash));
      rest.remove_prefix(slash + 1);
    }
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    f.run_id = std::string(rest.substr(0, slash));
    f.path = std::string(rest.substr(slash + 1));
    if (!model::is_id(f.run_id, "run") || f.path.empty()) continue;
    if (f.path.find_first_of("?#") != std::string::npos) continue;
    return f;
  }
  return std::nullopt;
}

bool folder_scoped(const nlohmann::json& file, std::string_view path) {
  std::string format = file.is_object() ? file.value("format", "") : "";
  return storage::is_playlist(format, path);
}

std::string signed_file_url(const UrlSigning& s, std::string_view base, std::string_view run_id,
                            std::string_view path, bool folder, int64_t now) {
  int64_t expires = now + s.lifetime_s;
  // Deeper folders are not tried by check_signature: such a playlist opens itself only.
  if (folder && std::count(path.begin(), path.end(), '/') > kMaxScopeDepth) folder = false;
  std::string url(base);
  url += kRoute;
  url += kSigned;
  url += std::to_string(expires);
  url += '.';
  url += signature(s, scope_of(run_id, path, folder), expires);
  url += '/';
  url += run_id;
  url += '/';
  url += path;
  return url;
}

void sign_urls(nlohmann::json& j, const UrlSigning& s, int64_t now) { sign_in(j, s, now); }

nlohmann::json signed_urls(nlohmann::json j, const UrlSigning& s) {
  sign_in(j, s, unix_now());
  return j;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SignatureCheck check_signature(const UrlSigning& s, std::string_view token, std::string_view run_id,
                               std::string_view path, int64_t now) {
  size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0) return SignatureCheck::Invalid;
  int64_t expires = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + dot, expires);
  if (ec != std::errc() || end != token.data() + dot) return SignatureCheck::Invalid;
  std::string_view given = token.substr(dot + 1);
  // The file's own scope, then the run's directory and the folders below it towards the file,
  // at most kMaxScopeDepth deep: a path of thousands of segments costs no more HMACs.
  auto matches = [&](const std::string& scope) {
    std::string want = signature(s, scope, expires);
    return want.size() == given.size() &&
           CRYPTO_memcmp(want.data(), given.data(), want.size()) == 0;
  };
  const std::string run_dir = std::string(kRoute) + std::string(run_id) + "/";
  bool valid = matches(run_dir + std::string(path)) || matches(run_dir);
  size_t from = 0;
  for (int depth = 1; !valid && depth <= kMaxScopeDepth; ++depth) {
    size_t slash = path.find('/', from);
    if (slash == std::string_view::npos) break;
    valid = matches(run_dir + std::string(path.substr(0, slash + 1)));
    from = slash + 1;
  }
  if (!valid) return SignatureCheck::Invalid;
  return expires < now ? SignatureCheck::Expired : SignatureCheck::Valid;
}

}  // namespace wfc::api
