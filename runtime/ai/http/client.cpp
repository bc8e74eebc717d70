// libcurl behind the providers' POSTs, and the mapping of a provider's answer onto ai::Failure.
#include "runtime/ai/http/client.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>

namespace wfc::ai::http {
namespace {

constexpr std::size_t kMaxBody = 64u << 20;  // no provider answers more than this
constexpr std::size_t kExcerpt = 200;        // bytes of an unexplained error body in a message

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Transfer {
  const Call* call = nullptr;
  std::string body;
  bool too_large = false;
  bool cancelled = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  if (t->body.size() + n > kMaxBody) {
    t->too_large = true;
    return 0;
  }
  t->body.append(data, n);
  return n;
}

// libcurl calls this often while data moves and about once a second while it waits, so a cancel
// is seen within a second even when the provider is silent.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->call->cancel != nullptr && t->call->cancel->load()) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

std::string seconds(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

/// `text` with every occurrence of the key masked: a provider may echo what it was sent.
std::string scrub(std::string text, const std::string& key) {
  if (key.size() < 4) return text;
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
    text.replace(at, key.size(), "***");
  }
  return text;
}

Failure failure(const Endpoint& e, std::string kind, const std::string& message) {
  return Failure{std::move(kind), scrub(message, e.api_key)};
}

/// The provider's own words in an error body, or "".
std::string provider_message(const Json& body) {
  if (!body.is_object()) return "";
  auto error = body.find("error");
  if (error == body.end()) return "";
  if (error->is_string()) return error->get<std::string>();
  if (error->is_object()) {
    auto message = error->find("message");
    if (message != error->end() && message->is_string()) return message->get<std::string>();
  }
  return "";
}

std::string excerpt(const std::string& body) {
  std::string out = body.substr(0, kExcerpt);
  // Cut at a UTF-8 boundary and keep the message on one line.
  while (!out.empty() && out.size() < body.size() &&
         (static_cast<unsigned char>(body[out.size()]) & 0xC0) == 0x80) {
    out.pop_back();
  }
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  if (out.size() < body.size()) out += "…";
  return out;
}

std::string random_boundary() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char text[40];
  std::snprintf(text, sizeof text, "wfc-%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return text;
}

}  // namespace

Endpoint endpoint(const ProviderConfig& config, std::string_view path) {
  Endpoint e;
  e.provider = config.provider;
  e.url = config.base_url + std::string(path);
  e.api_key = config.api_key;
  e.timeout = config.timeout;
  return e;
}

std::string who(const Endpoint& e) { return e.provider + " at " + e.url; }

Failure invalid(const Endpoint& e, std::string_view what) {
  return failure(e, "provider_invalid", who(e) + " answered without " + std::string(what));
}

Outcome<Reply> post(const Endpoint& e, std::string_view content_type, const std::string& body,
                    const Call& call) {
  if (call.cancel != nullptr && call.cancel->load()) return Failure{"cancelled", "cancelled"};
  global_init();
  std::unique_ptr<CURL, EasyFree> easy(curl_easy_init());
  if (!easy) return failure(e, "provider_failed", "libcurl could not start a request");
  CURL* c = easy.get();

  std::unique_ptr<curl_slist, ListFree> headers;
  auto add_header = [&](const std::string& h) {
    curl_slist* grown = curl_slist_append(headers.get(), h.c_str());
    if (grown != nullptr) {
      headers.release();
      headers.reset(grown);
    }
  };
  add_header("Content-Type: " + std::string(content_type));
  add_header("Accept: application/json");
  add_header("Expect:");  // no 100-continue round trip before an upload
  if (!e.api_key.empty()) add_header("Authorization: Bearer " + e.api_key);

  Transfer transfer;
  transfer.call = &call;
  char error_buffer[CURL_ERROR_SIZE] = {};
  long timeout_ms = std::max<long>(1, static_cast<long>(e.timeout.count()));
  long connect_ms = std::min(timeout_ms, static_cast<long>(e.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_URL, e.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "wfc");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode rc = curl_easy_perform(c);
  if (transfer.cancelled) return Failure{"cancelled", "cancelled"};
  if (transfer.too_large) {
    return failure(e, "provider_invalid",
                   who(e) + " answered more than " + std::to_string(kMaxBody >> 20) + " MB");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    curl_off_t connected = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
    if (connected == 0) {
      return failure(e, "provider_timeout",
                     who(e) + " did not accept a connection within " +
                         seconds(std::chrono::milliseconds(connect_ms)));
    }
    return failure(e, "provider_timeout", who(e) + " did not answer within " + seconds(e.timeout));
  }
  if (rc != CURLE_OK) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    return failure(e, "provider_failed", who(e) + " could not be reached: " + detail);
  }
  Reply reply;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = std::move(transfer.body);
  return reply;
}

std::string multipart_body(const std::vector<FormPart>& parts, std::string_view boundary) {
  std::string out;
  for (const FormPart& p : parts) {
    out += "--";
    out += boundary;
    out += "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) out += "; filename=\"" + p.filename + "\"";
    out += "\r\n";
    if (!p.content_type.empty()) out += "Content-Type: " + p.content_type + "\r\n";
    out += "\r\n";
    out += p.value;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

Outcome<Json> json_answer(const Endpoint& e, const Outcome<Reply>& outcome) {
  if (failed(outcome)) return std::get<Failure>(outcome);
  const Reply& reply = std::get<Reply>(outcome);
  Json body = Json::parse(reply.body, nullptr, false);
  std::string said = body.is_discarded() ? "" : provider_message(body);
  if (reply.status < 200 || reply.status >= 300) {
    std::string message = who(e) + " answered HTTP " + std::to_string(reply.status);
    if (!said.empty()) {
      message += ": " + said;
    } else if (!reply.body.empty()) {
      message += ": " + excerpt(reply.body);
    }
    return failure(e, "provider_failed", message);
  }
  // whisper.cpp's server answers its errors with status 200 and {"error": "…"}.
  if (!said.empty()) return failure(e, "provider_failed", who(e) + " answered an error: " + said);
  if (body.is_discarded() || !body.is_object()) {
    return failure(e, "provider_invalid",
                   who(e) + " answered something that is not a JSON object: " +
                       (reply.body.empty() ? std::string("an empty body") : excerpt(reply.body)));
  }
  return body;
}

Outcome<Json> post_json(const Endpoint& e, const Json& body, const Call& call) {
  return json_answer(e, post(e, "application/json", body.dump(), call));
}

Outcome<Json> post_form(const Endpoint& e, const std::vector<FormPart>& parts, const Call& call) {
  std::string boundary = random_boundary();
  return json_answer(e, post(e, "multipart/form-data; boundary=" + boundary,
                             multipart_body(parts, boundary), call));
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

}  // namespace wfc::ai::http
