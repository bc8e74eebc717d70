// Webhook delivery (delivery.h): signing, verification and the delivery loop.
#include "runtime/webhooks/delivery.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "runtime/net/http_client.h"
#include "runtime/store/wire_json.h"

namespace wfc::webhooks {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string sign_webhook(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string message = std::to_string(timestamp);
  message += '.';
  message.append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return hex(mac, len);
}

std::string signature_header(std::string_view secret, int64_t timestamp, std::string_view body) {
  return "t=" + std::to_string(timestamp) + ",v1=" + sign_webhook(secret, timestamp, body);
}

bool verify_webhook(std::string_view secret, std::string_view header, std::string_view body,
                    int64_t now, int64_t tolerance_seconds) {
  std::optional<int64_t> timestamp;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view part = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(part.substr(0, eq)), value = trim(part.substr(eq + 1));
    if (key == "t") {
      int64_t t = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
      if (ec != std::errc() || end != value.data() + value.size()) return false;
      timestamp = t;
    } else if (key == "v1") {
      signatures.push_back(value);
    }
  }
  if (!timestamp || signatures.empty()) return false;
  if (tolerance_seconds > 0 && std::abs(now - *timestamp) > tolerance_seconds) return false;
  std::string expected = sign_webhook(secret, *timestamp, body);
  bool match = false;
  // Every entry is compared, whatever matched before, so the time taken says nothing.
  for (std::string_view s : signatures) {
    if (s.size() == expected.size() && CRYPTO_memcmp(s.data(), expected.data(), s.size()) == 0)
      match = true;
  }
  return match;
}

std::chrono::seconds backoff_delay(const WebhookOptions& options, int failed_attempts) {
  int64_t base = std::max<int64_t>(1, options.backoff_base.count());
  int64_t cap = std::max<int64_t>(base, options.backoff_cap.count());
  int64_t delay = base;
  for (int i = 1; i < failed_attempts && delay < cap; ++i) delay *= 2;
  return std::chrono::seconds(std::min(delay, cap));
}

WebhookDeliverer::WebhookDeliverer(store::Store& store, std::string secret,
                                   ingest::AccessPolicy policy, WebhookOptions options)
    : store_(store),
      secret_(std::move(secret)),
      policy_(std::move(policy)),
      options_(std::move(options)) {}

WebhookDeliverer::~WebhookDeliverer() { stop(); }

int64_t WebhookDeliverer::now() const {
  return options_.clock ? options_.clock() : system_seconds();
}

void WebhookDeliverer::note(const std::string& text) const {
  std::lock_guard<std::mutex> lock(log_mu_);
  if (options_.log) {
    options_.log(text);
  } else {
    std::cerr << "wfc: webhooks: " << text << "\n";
  }
}

WebhookDeliverer::Outcome WebhookDeliverer::attempt(const store::Event& e, int64_t now) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::string why;
  int attempt = e.attempts + 1;
  Outcome outcome = deliver_one(e, now, &why);
  if (outcome == Outcome::Retry && attempt >= options_.max_attempts) outcome = Outcome::GiveUp;
  store::DeliveryResult result;
  if (outcome == Outcome::Delivered) {
    result.delivered = true;
  } else if (outcome == Outcome::Retry) {
    // Jitter stays under half the delay, so each wait is still longer than the one before.
    int64_t delay = backoff_delay(options_, attempt).count();
    int64_t jitter =
        std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(0, (delay - 1) / 2))(rng);
    result.next_attempt_at = now + delay + jitter;
  }
  store_.record_delivery(e.id, result);
  if (outcome == Outcome::GiveUp) {
    note("gave up delivering " + e.id + " (" + e.kind + ") to " + net::redact_url(e.webhook_url) +
         " after " + std::to_string(attempt) + (attempt == 1 ? " attempt: " : " attempts: ") + why);
  }
  return outcome;
}

DeliveryStats WebhookDeliverer::deliver_due(int64_t now) {
  std::vector<store::Event> due = store_.due_deliveries(now, std::max(1, options_.batch));
  // One group per receiver, each in the store's order: a receiver gets its events one at a time
  // and in order, and a slow one holds up only its own.
  std::vector<std::vector<const store::Event*>> groups;
  std::map<std::string, size_t> group_of;
  for (const auto& e : due) {
    auto [it, added] = group_of.emplace(e.webhook_url, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&e);
  }
  DeliveryStats stats;
  std::mutex mu;
  std::exception_ptr failure;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t g; (g = next++) < groups.size();) {
      for (const store::Event* e : groups[g]) {
        Outcome outcome = Outcome::GiveUp;
        try {
          outcome = attempt(*e, now);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mu);
          if (!failure) failure = std::current_exception();
          return;
        }
        std::lock_guard<std::mutex> lock(mu);
        ++stats.attempted;
        if (outcome == Outcome::Delivered) {
          ++stats.delivered;
        } else if (outcome == Outcome::Retry) {
          ++stats.retrying;
        } else {
          ++stats.given_up;
        }
      }
    }
  };
  size_t threads = std::min<size_t>(std::max(1, options_.concurrency), groups.size());
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);
  return stats;
}

WebhookDeliverer::Outcome WebhookDeliverer::deliver_one(const store::Event& e, int64_t now,
                                                        std::string* why) {
  // Invalid UTF-8 (in metadata, say) is replaced rather than thrown on: the event still goes.
  nlohmann::json event = store::to_json(e);
  if (options_.transform) options_.transform(event);
  std::string body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  net::HttpRequest request;
  request.method = "POST";
  request.url = e.webhook_url;
  request.headers = {
      "Content-Type: application/json",
      "User-Agent: wfc-webhooks",
      std::string(kEventIdHeader) + ": " + e.id,
      std::string(kEventKindHeader) + ": " + e.kind,
      // curl would otherwise send "Expect: 100-continue" on large bodies and wait for it.
      "Expect:",
  };
  if (!secret_.empty()) {
    request.headers.push_back(std::string(kSignatureHeader) + ": " +
                              signature_header(secret_, now, body));
  }
  request.body = std::move(body);
  request.limits.connect_timeout = options_.timeout;
  request.limits.total_timeout = options_.timeout;
  request.limits.low_speed_time = std::chrono::seconds(0);
  // A receiver's redirect is not followed: the signed POST goes where it was configured to.
  request.limits.max_redirects = 0;
  request.limits.max_body_bytes = 64 << 10;
  request.guard = [this](std::string_view host, const net::IpAddress& address) {
    return policy_.connect_refusal(host, address);
  };
  // The receiver's answer is not read beyond its status.
  net::HttpResponse response = net::http_request(request, [](std::string_view) { return true; });
  bool two_xx = response.status >= 200 && response.status < 300;
  if (two_xx && (response.failure == net::HttpFailure::None ||
                 response.failure == net::HttpFailure::TooLarge)) {
    return Outcome::Delivered;
  }
  switch (response.failure) {
    case net::HttpFailure::InvalidUrl:
    case net::HttpFailure::Refused:
      *why = response.message;
      return Outcome::GiveUp;
    case net::HttpFailure::None:
      *why = "the receiver answered " + std::to_string(response.status);
      return Outcome::Retry;
    default:
      *why = response.message;
      return Outcome::Retry;
  }
}

void WebhookDeliverer::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void WebhookDeliverer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  thread_ = std::thread();
}

void WebhookDeliverer::notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void WebhookDeliverer::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    DeliveryStats stats;
    try {
      stats = deliver_due(now());
    } catch (const std::exception& e) {
      // A broken database is the server's to report; deliveries wait for the next poll.
      note(std::string("delivery step failed: ") + e.what());
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    // A full batch means more may be due already: go on without waiting.
    if (stats.attempted >= std::max(1, options_.batch)) continue;
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace wfc::webhooks
