// Webhook delivery: events the store recorded with a webhook_url are POSTed to it, signed, and
// retried with exponential backoff until the receiver answers 2xx or the attempts run out. The
// store is the outbox (Store::due_deliveries / record_delivery), so a restart resumes deliveries
// where they stopped; an event may therefore arrive more than once and receivers deduplicate on
// its id. docs/api-webhooks.md gives the wire form and the signature scheme. runtime/webhooks
// is its own folder: an outbound loop over the store, not request handling (runtime/api) and
// not run execution (runtime/exec); `wfc serve` runs it beside both.
// External interface: WebhookDeliverer, WebhookOptions, and sign_webhook, signature_header and
// verify_webhook (the signature, for receivers and tests).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "runtime/ingest/access_policy.h"
#include "runtime/store/store.h"

namespace wfc::webhooks {

inline constexpr std::string_view kSignatureHeader = "Wfc-Signature";
inline constexpr std::string_view kEventIdHeader = "Wfc-Event-Id";
inline constexpr std::string_view kEventKindHeader = "Wfc-Event-Kind";

/// The lower-case hex HMAC-SHA256, keyed by `secret`, of `<timestamp>.<body>`.
std::string sign_webhook(std::string_view secret, int64_t timestamp, std::string_view body);

/// The Wfc-Signature header's value for a body sent at `timestamp`: "t=<unix>,v1=<hex>".
std::string signature_header(std::string_view secret, int64_t timestamp, std::string_view body);

/// Whether `header` (a Wfc-Signature value) signs `body` with `secret`: one of its v1 entries
/// matches (compared in constant time). With tolerance_seconds > 0 the header's timestamp must
/// also lie within that many seconds of `now` (unix seconds), which limits replays.
bool verify_webhook(std::string_view secret, std::string_view header, std::string_view body,
                    int64_t now = 0, int64_t tolerance_seconds = 0);

struct WebhookOptions {
  /// How often the background thread looks for due events (notify() wakes it sooner).
  std::chrono::milliseconds poll_interval{1000};
  /// The receiver must answer within this, connection included (API-NOTES: 200 within 5 s).
  std::chrono::milliseconds timeout{5000};
  /// Attempts per event, the first included; after the last failure the event is given up.
  int max_attempts = 16;  // with the defaults below, about 5 hours of retrying
  /// The wait after the n-th failed attempt is backoff_base * 2^(n-1), capped at backoff_cap,
  /// plus up to half of it again as jitter (so receivers that failed together do not all get
  /// their retries in the same second).
  std::chrono::seconds backoff_base{2};
  std::chrono::seconds backoff_cap{3600};
  int batch = 32;  // events taken from the store per step
  /// Receivers served at once in a step; each receiver gets its events one at a time, in order.
  int concurrency = 4;
  /// Unix seconds for the background thread; tests call deliver_due() with their own clock.
  std::function<int64_t()> clock;
  /// Applied to each event's body before it is signed and sent: `wfc serve` signs the output
  /// file URLs in it here (runtime/api/sign_urls.h), as the API does in its answers.
  std::function<void(nlohmann::json&)> transform;
  /// Where notes go (an event given up, a store failure); default standard error.
  std::function<void(const std::string&)> log;
};

/// What one deliver_due() step did.
struct DeliveryStats {
  int attempted = 0;
  int delivered = 0;
  int retrying = 0;  // failed, another attempt scheduled
  int given_up = 0;  // failed for the last time, or refused (retrying cannot help)
};

/// The wait before attempt `failed_attempts + 1`, without jitter (exposed for tests and docs).
std::chrono::seconds backoff_delay(const WebhookOptions& options, int failed_attempts);

/// Delivers due events from the store, in a background thread (start/stop) or one step at a time
/// (deliver_due); a step serves up to `concurrency` receivers in parallel. Every POST goes through
/// net::http_request with a guard from the access policy, so a webhook_url on a private or loopback
/// address is refused unless the allow-list names it.
class WebhookDeliverer {
 public:
  /// `secret` signs every delivery; with an empty secret the signature header is left out.
  WebhookDeliverer(store::Store& store, std::string secret, ingest::AccessPolicy policy,
                   WebhookOptions options = {});
  ~WebhookDeliverer();  // stops the thread
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  /// Delivers every event due at `now` (unix seconds), oldest first, and records each outcome.
  DeliveryStats deliver_due(int64_t now);

  /// Starts the background thread (no-op when it runs); stop() ends it after the current POST.
  void start();
  void stop();
  /// Wakes the thread now, e.g. after a run finished and its events were written.
  void notify();

 private:
  enum class Outcome { Delivered, Retry, GiveUp };
  /// POSTs one event. Retry: worth another attempt; GiveUp: the URL is refused or malformed,
  /// which the next attempt would meet again. *why says what went wrong.
  Outcome deliver_one(const store::Event& e, int64_t now, std::string* why);
  /// deliver_one, then the outcome recorded in the store (and noted when given up).
  Outcome attempt(const store::Event& e, int64_t now);
  void loop();
  int64_t now() const;
  void note(const std::string& text) const;

  store::Store& store_;
  std::string secret_;
  ingest::AccessPolicy policy_;
  WebhookOptions options_;

  mutable std::mutex log_mu_;  // options_.log is called from the step's threads
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace wfc::webhooks
