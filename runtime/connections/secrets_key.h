// Sealing connections' secrets at rest (docs/security.md "Connection secrets"): AES-256-GCM with a
// 32-byte key kept outside the database. The key is written as 64 hex digits, in a file
// (`--secrets-key FILE`; by default DATA/secrets-key, made 0600 on first use) or in the
// environment (WFC_SECRETS_KEY, the key itself), so worker processes inherit it without argv.
// A sealed secret is text: "wfcs1.<key id>.<base64 of nonce, ciphertext and tag>", the key id
// being the first 8 hex digits of a hash of the key, so a secret sealed with another key is told
// apart from a damaged one and a key can be rotated later. The connection's id is the GCM
// associated data: a sealed secret copied onto another connection does not open.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::connections {

struct SecretsKey {
  std::array<unsigned char, 32> bytes{};
  std::string id;  // 8 hex digits naming the key (never the key): "3fa1c09e"
};

/// The key written as 64 hex digits (surrounding whitespace ignored); nullopt with *error saying
/// what is wrong with it (never echoing it).
std::optional<SecretsKey> parse_secrets_key(std::string_view text, std::string* error);

/// A new random key, as parse_secrets_key reads it back (64 hex digits and a newline).
std::string new_secrets_key_text();

/// Where a process takes its key from, in this order: `file` (--secrets-key), the environment's
/// WFC_SECRETS_KEY (`env`, null when unset), else `data_dir`/secrets-key, made (0600, random)
/// when missing if `create`.
struct KeySource {
  std::filesystem::path file;
  const char* env = nullptr;
  std::filesystem::path data_dir;
  bool create = true;
};

/// The key, or nullopt with *error naming where it was looked for and what to do.
std::optional<SecretsKey> load_secrets_key(const KeySource& source, std::string* error);

/// `secret` sealed for the connection `connection_id` (AES-256-GCM, a fresh random nonce).
std::string seal(const SecretsKey& key, std::string_view connection_id, std::string_view secret);

/// The secret sealed by seal(), or nullopt with *error saying why in words that name neither the
/// secret nor the key: another key's id, a damaged or tampered text, another connection's.
std::optional<std::string> open_sealed(const SecretsKey& key, std::string_view connection_id,
                                       std::string_view sealed, std::string* error);

/// The id of the key a sealed text names ("" when it is not a sealed text).
std::string sealed_key_id(std::string_view sealed);

/// A secret for `purpose` derived from the key (HMAC-SHA256 of "wfc derived secret\n" and the
/// purpose, 64 hex digits): the same on every node that has the key, and telling nothing of the
/// key nor of another purpose's secret. `wfc serve` on a shared store signs output URLs and
/// dashboard sessions with derive_secret(key, "url signing"), so that any API node opens what
/// another signed.
std::string derive_secret(const SecretsKey& key, std::string_view purpose);

}  // namespace wfc::connections
