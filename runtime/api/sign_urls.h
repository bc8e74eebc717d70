// Signed output URLs (docs/api.md, "Signed URLs"; docs/security.md): every output file `url` the
// API answers with is signed at answer time, so a browser, a <video> element, hls.js or ffmpeg
// can fetch it without the API key until it expires. The signature travels in the path,
//   <base>/files/signed/<expires>.<signature>/<run id>/<path>
// with <signature> the base64url HMAC-SHA256, keyed by the server's URL secret, of
// "GET\n<scope>\n<expires>". The scope is the file itself (/files/<run id>/<path>), or for a
// playlist (HLS, DASH) its folder (/files/<run id>/<folder>/), so that the playlist's relative
// references to variant playlists and segments resolve to URLs the same signature covers.
// External interface: UrlSigning, FileUrl, parse_file_url, signed_file_url, sign_urls,
// check_signature.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/storage/storage.h"

namespace wfc::api {

struct UrlSigning {
  /// The HMAC key: `wfc serve` keeps it in DATA/url-secret; a Server given none makes one for
  /// its lifetime.
  std::string secret;
  int64_t lifetime_s = 24 * 3600;  // --url-lifetime / WFC_URL_LIFETIME
  /// `--file-urls presigned`: the storage whose presigned GETs (Storage::presigned_get, S3's
  /// SigV4 query signing) replace the API's signed URLs, for every file but playlists (their
  /// segments are fetched by relative references, which one object's signature cannot cover:
  /// they keep the API's folder-scoped URL). Null: the API's signed URLs (`api`, the default).
  std::shared_ptr<const storage::Storage> presign;
};

/// Where an output file's URL points. `base` is everything before "/files/" (scheme, host,
/// any prefix of --public-url); `token` is "" for an unsigned URL.
struct FileUrl {
  std::string base, token, run_id, path;
};

/// Reads an output file URL of this server, unsigned (<base>/files/<run id>/<path>) or signed
/// (<base>/files/signed/<token>/<run id>/<path>); nullopt for anything else. Only the shape is
/// checked, not the signature.
std::optional<FileUrl> parse_file_url(std::string_view url);

/// Whether a File object's signature covers its folder: playlists (format hls or dash, or an
/// .m3u8 / .mpd path), whose segments are fetched by relative references.
bool folder_scoped(const nlohmann::json& file, std::string_view path);

/// The signed URL of `path` in run `run_id` under `base`, valid until now + lifetime.
std::string signed_file_url(const UrlSigning& s, std::string_view base, std::string_view run_id,
                            std::string_view path, bool folder, int64_t now);

/// Signs, in place, every output file URL in `j` (at any depth: a run's tasks, a task's inputs
/// and outputs, an event's data, a File): each object whose string `url` is this server's
/// unsigned file URL and whose `id` is that file's id (store::file_id of its run and path), so
/// that a user's own URL that merely looks like one is left alone. With `s.presign`, such a url
/// becomes the storage's presigned GET of the file instead (playlists excepted).
void sign_urls(nlohmann::json& j, const UrlSigning& s, int64_t now);

/// Unix seconds now (what sign_urls and check_signature are given by the server).
int64_t unix_now();

/// sign_urls at unix_now(), on a value: what the handlers wrap their answers in.
nlohmann::json signed_urls(nlohmann::json j, const UrlSigning& s);

/// The base64url HMAC-SHA256 of `message` keyed by `secret` (what URLs and dashboard sessions,
/// runtime/api/session.h, are signed with). Callers prefix their messages with what they sign
/// ("GET\n", "session\n", …), so one signature never stands for another.
std::string hmac_base64url(const std::string& secret, std::string_view message);

enum class SignatureCheck { Valid, Invalid, Expired };

/// Whether `token` (from a signed URL's path) lets GET read `path` of run `run_id` at `now`
/// (its scope being the file, or a folder above it at most 8 levels below the run's directory):
/// Invalid when it is malformed or signs another scope or expiry (a tampered URL), Expired when
/// it is genuine but its time has passed.
SignatureCheck check_signature(const UrlSigning& s, std::string_view token, std::string_view run_id,
                               std::string_view path, int64_t now);

}  // namespace wfc::api
