// The HTTP client the intelligence providers share (libcurl): a POST of JSON or of
// multipart/form-data to one provider endpoint, with its key as `Authorization: Bearer`, its
// timeout and the call's cancel flag, answering the reply or the ai::Failure a task reports
// (provider_failed, provider_timeout, provider_invalid, cancelled). No message ever holds the key.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/ai/config.h"

namespace wfc::ai::http {

/// Providers' answers keep their keys' order (a classifier's categories come in the provider's).
using Json = nlohmann::ordered_json;

/// Who is asked: a provider's name (for messages), the full URL of the request, its key and
/// the most time the whole request may take.
struct Endpoint {
  std::string provider;
  std::string url;
  std::string api_key;
  std::chrono::milliseconds timeout{120000};
  /// The most time a connection may take to open (bounded by `timeout`).
  std::chrono::milliseconds connect_timeout{10000};
};

/// `config`'s endpoint for `path` ("/v1/audio/transcriptions"), named `provider`.
Endpoint endpoint(const ProviderConfig& config, std::string_view path);

/// One field of a multipart/form-data body; a file when `filename` is set.
struct FormPart {
  std::string name;
  std::string value;
  std::string filename;
  std::string content_type;  // of a file ("audio/wav"); "" for a plain field
};

/// A plain field of a form.
inline FormPart field(std::string name, std::string value) {
  return FormPart{std::move(name), std::move(value), "", ""};
}

/// A provider's answer, whatever its status.
struct Reply {
  long status = 0;
  std::string body;
};

/// POSTs `body` as `content_type`. A reply of any status is a Reply; a failure to get one is
/// provider_failed (refused, DNS, TLS), provider_timeout or cancelled.
Outcome<Reply> post(const Endpoint& endpoint, std::string_view content_type,
                    const std::string& body, const Call& call);

/// The multipart/form-data body of `parts` with `boundary` (which no part may contain).
std::string multipart_body(const std::vector<FormPart>& parts, std::string_view boundary);

/// POSTs `body` as application/json, then json_answer() on the reply.
Outcome<Json> post_json(const Endpoint& endpoint, const Json& body, const Call& call);

/// POSTs `parts` as multipart/form-data, then json_answer() on the reply.
Outcome<Json> post_form(const Endpoint& endpoint, const std::vector<FormPart>& parts,
                        const Call& call);

/// A reply's body as JSON: a non-2xx status is provider_failed with the status and the
/// provider's own message (`{"error": {"message": …}}`, `{"error": "…"}`, else the body's start);
/// a 2xx body that is not a JSON object is provider_invalid.
Outcome<Json> json_answer(const Endpoint& endpoint, const Outcome<Reply>& reply);

/// provider_invalid: "<provider> at <url> answered without <what>".
Failure invalid(const Endpoint& endpoint, std::string_view what);

/// "<provider> at <url>", for messages.
std::string who(const Endpoint& endpoint);

/// Standard base64 (RFC 4648, padded) of `bytes`.
std::string base64(std::string_view bytes);

}  // namespace wfc::ai::http
