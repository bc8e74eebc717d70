// Webhook delivery against loopback receivers: the signed POST a receiver gets, retries with
// growing waits recorded in the store, refused private addresses, dead receivers, giving up.
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "runtime/store/wire_json.h"
#include "runtime/webhooks/delivery.h"
#include "test_http_server.h"
#include "test_store.h"

namespace {

using wfc::webhooks::DeliveryStats;
using wfc::webhooks::WebhookDeliverer;
using wfc::webhooks::WebhookOptions;

constexpr const char* kSecret = "whsec_test_secret";

/// What a receiver got: one POST.
struct Got {
  httplib::Headers headers;
  std::string body;
  std::string get_header_value(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// A receiver that records what it got and answers with the statuses given, then 200.
struct Receiver {
  wfc::test::HttpServer http;
  std::mutex mu;
  std::vector<int> answers;  // consumed front first
  std::vector<Got> got;

  explicit Receiver(std::vector<int> statuses = {}) : answers(std::move(statuses)) {
    http.server().Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      got.push_back({req.headers, req.body});
      int status = 200;
      if (!answers.empty()) {
        status = answers.front();
        answers.erase(answers.begin());
      }
      res.status = status;
      res.set_content(status == 200 ? "ok" : "not now", "text/plain");
    });
    http.start();
  }
  size_t hits() {
    std::lock_guard<std::mutex> lock(mu);
    return got.size();
  }
};

wfc::ingest::AccessPolicy loopback_allowed() {
  wfc::ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(policy.allow_host("127.0.0.1", &error));
  return policy;
}

/// Creates a run whose events go to `url`; returns its run.created event.
wfc::store::Event run_with_webhook(wfc::store::Store& store, const std::string& url) {
  wfc::store::NewRun r = wfc::test::three_task_run();
  r.webhook_url = url;
  auto created = store.create_run(r);
  wfc::store::ListQuery q;
  q.run_id = created.run.id;
  auto page = store.list_events(q);
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  REQUIRE(page->items[0].webhook_url == url);
  return page->items[0];
}

wfc::store::Event reread(wfc::store::Store& store, const std::string& event_id) {
  wfc::store::ListQuery q;
  q.limit = 100;
  auto page = store.list_events(q);
  REQUIRE(page);
  for (const auto& e : page->items) {
    if (e.id == event_id) return e;
  }
  FAIL("event " << event_id << " is gone");
  return {};
}

int64_t store_now(const wfc::test::StoreFixture& fx) { return fx.clock.ms->load() / 1000; }

}  // namespace

TEST_CASE("webhooks: sign and verify", "[webhooks]") {
  std::string body = R"({"id":"evt_1","object":"event"})";
  std::string header = wfc::webhooks::signature_header(kSecret, 1800000000, body);
  CHECK(header.starts_with("t=1800000000,v1="));
  CHECK(header.size() == std::string("t=1800000000,v1=").size() + 64);
  CHECK(wfc::webhooks::verify_webhook(kSecret, header, body));
  CHECK_FALSE(wfc::webhooks::verify_webhook("another secret", header, body));
  CHECK_FALSE(wfc::webhooks::verify_webhook(kSecret, header, body + " "));
  CHECK_FALSE(wfc::webhooks::verify_webhook(kSecret, "t=1800000001" + header.substr(12), body));
  CHECK_FALSE(wfc::webhooks::verify_webhook(kSecret, "v1=" + header.substr(16), body));
  CHECK_FALSE(wfc::webhooks::verify_webhook(kSecret, "", body));
  // A rotated secret: the receiver accepts either signature.
  std::string both = header + ",v1=" + wfc::webhooks::sign_webhook("old", 1800000000, body);
  CHECK(wfc::webhooks::verify_webhook(kSecret, both, body));
  // The timestamp bounds replays when the receiver asks for it.
  CHECK(wfc::webhooks::verify_webhook(kSecret, header, body, 1800000100, 300));
  CHECK_FALSE(wfc::webhooks::verify_webhook(kSecret, header, body, 1800000400, 300));
  // A known answer, so that receivers in other languages can check their implementation
  // (docs/api-webhooks.md shows the same computation with openssl).
  CHECK(wfc::webhooks::sign_webhook("secret", 1, "{}") ==
        "1122767b193110cfec322b6f199b599edbf608ed087f2d27afb0b97d99523908");
}

TEST_CASE("webhooks: a loopback receiver gets the event, signed", "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  Receiver receiver;
  auto event = run_with_webhook(*store, receiver.http.url("/hook"));

  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed());
  DeliveryStats stats = deliverer.deliver_due(store_now(fx));
  CHECK(stats.attempted == 1);
  CHECK(stats.delivered == 1);
  REQUIRE(receiver.hits() == 1);

  const Got& got = receiver.got[0];
  CHECK(got.get_header_value("Content-Type") == "application/json");
  CHECK(got.get_header_value("Wfc-Event-Id") == event.id);
  CHECK(got.get_header_value("Wfc-Event-Kind") == "run.created");
  std::string signature = got.get_header_value("Wfc-Signature");
  CHECK(wfc::webhooks::verify_webhook(kSecret, signature, got.body, store_now(fx), 300));
  auto body = nlohmann::json::parse(got.body);
  CHECK(body == wfc::store::to_json(event));
  CHECK(body["id"] == event.id);
  CHECK(body["object"] == "event");
  CHECK(body["kind"] == "run.created");
  CHECK(body["data"]["id"] == event.run_id);

  auto after = reread(*store, event.id);
  CHECK(after.delivered_at > 0);
  CHECK(after.next_attempt_at == 0);
  CHECK(after.attempts == 1);
  // Delivered once is delivered: the next step sends nothing.
  CHECK(deliverer.deliver_due(store_now(fx) + 3600).attempted == 0);
  CHECK(receiver.hits() == 1);
}

TEST_CASE("webhooks: 500 twice, then 200: delivered on the third try, waits growing",
          "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  Receiver receiver({500, 500});
  auto event = run_with_webhook(*store, receiver.http.url("/hook"));
  WebhookOptions options;
  options.backoff_base = std::chrono::seconds(2);
  options.log = [](const std::string&) {};
  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed(), options);

  int64_t now = store_now(fx);
  CHECK(deliverer.deliver_due(now).retrying == 1);
  auto first = reread(*store, event.id);
  CHECK(first.attempts == 1);
  CHECK(first.delivered_at == 0);
  int64_t wait1 = first.next_attempt_at - now;
  CHECK(wait1 >= 2);
  // Not due yet: nothing is sent before the recorded time.
  CHECK(deliverer.deliver_due(first.next_attempt_at - 1).attempted == 0);
  CHECK(receiver.hits() == 1);

  now = first.next_attempt_at;
  CHECK(deliverer.deliver_due(now).retrying == 1);
  auto second = reread(*store, event.id);
  CHECK(second.attempts == 2);
  int64_t wait2 = second.next_attempt_at - now;
  CHECK(wait2 > wait1);

  now = second.next_attempt_at;
  CHECK(deliverer.deliver_due(now).delivered == 1);
  auto third = reread(*store, event.id);
  CHECK(third.attempts == 3);
  CHECK(third.delivered_at > 0);
  CHECK(third.next_attempt_at == 0);
  REQUIRE(receiver.hits() == 3);
  // Every try is the same event, so the receiver can deduplicate on its id.
  CHECK(receiver.got[0].body == receiver.got[2].body);
  CHECK(receiver.got[0].get_header_value("Wfc-Event-Id") ==
        receiver.got[2].get_header_value("Wfc-Event-Id"));
}

TEST_CASE("webhooks: a loopback address is refused unless the allow-list names it", "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  Receiver receiver;
  std::vector<std::string> notes;
  WebhookOptions options;
  options.log = [&](const std::string& s) { notes.push_back(s); };

  auto refused = run_with_webhook(*store, receiver.http.url("/hook"));
  {
    WebhookDeliverer deliverer(*store, kSecret, wfc::ingest::AccessPolicy{}, options);
    DeliveryStats stats = deliverer.deliver_due(store_now(fx));
    CHECK(stats.given_up == 1);
    CHECK(stats.delivered == 0);
  }
  CHECK(receiver.hits() == 0);
  auto after = reread(*store, refused.id);
  CHECK(after.delivered_at == 0);
  CHECK(after.next_attempt_at == 0);  // retrying would meet the same refusal
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains(refused.id) && Catch::Contains("gave up"));

  auto allowed = run_with_webhook(*store, receiver.http.url("/hook"));
  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed(), options);
  CHECK(deliverer.deliver_due(store_now(fx)).delivered == 1);
  REQUIRE(receiver.hits() == 1);
  CHECK(receiver.got[0].get_header_value("Wfc-Event-Id") == allowed.id);
}

TEST_CASE("webhooks: a dead receiver is retried, then given up after max attempts", "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  std::string url;
  {
    wfc::test::HttpServer gone;
    gone.start();
    url = gone.url("/hook");
  }  // nothing listens on that port any more
  auto event = run_with_webhook(*store, url);
  std::vector<std::string> notes;
  WebhookOptions options;
  options.max_attempts = 3;
  options.log = [&](const std::string& s) { notes.push_back(s); };
  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed(), options);

  int64_t now = store_now(fx);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    CHECK(deliverer.deliver_due(now).retrying == 1);
    auto e = reread(*store, event.id);
    CHECK(e.attempts == attempt);
    CHECK(e.next_attempt_at > now);  // still owed
    CHECK(e.delivered_at == 0);
    now = e.next_attempt_at;
  }
  CHECK(notes.empty());
  CHECK(deliverer.deliver_due(now).given_up == 1);
  auto e = reread(*store, event.id);
  CHECK(e.attempts == 3);
  CHECK(e.next_attempt_at == 0);
  CHECK(e.delivered_at == 0);
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("after 3 attempts"));
}

TEST_CASE("webhooks: each receiver gets its events in order, receivers side by side",
          "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  Receiver a, b;
  std::vector<std::string> for_a;
  for (int i = 0; i < 5; ++i) {
    for_a.push_back(run_with_webhook(*store, a.http.url("/hook")).id);
    fx.clock.advance_seconds(1);  // created_at (and so the store's order) differ
  }
  auto for_b = run_with_webhook(*store, b.http.url("/hook"));
  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed());
  DeliveryStats stats = deliverer.deliver_due(store_now(fx));
  CHECK(stats.attempted == 6);
  CHECK(stats.delivered == 6);
  REQUIRE(a.hits() == 5);
  for (size_t i = 0; i < for_a.size(); ++i)
    CHECK(a.got[i].get_header_value("Wfc-Event-Id") == for_a[i]);
  REQUIRE(b.hits() == 1);
  CHECK(b.got[0].get_header_value("Wfc-Event-Id") == for_b.id);
}

TEST_CASE("webhooks: backoff doubles up to its cap", "[webhooks]") {
  WebhookOptions options;
  options.backoff_base = std::chrono::seconds(2);
  options.backoff_cap = std::chrono::seconds(60);
  CHECK(wfc::webhooks::backoff_delay(options, 1).count() == 2);
  CHECK(wfc::webhooks::backoff_delay(options, 2).count() == 4);
  CHECK(wfc::webhooks::backoff_delay(options, 3).count() == 8);
  CHECK(wfc::webhooks::backoff_delay(options, 6).count() == 60);
  CHECK(wfc::webhooks::backoff_delay(options, 100).count() == 60);
}

TEST_CASE("webhooks: the background thread delivers what is due", "[webhooks]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  Receiver receiver;
  run_with_webhook(*store, receiver.http.url("/hook"));
  WebhookOptions options;
  options.poll_interval = std::chrono::milliseconds(20);
  auto ms = fx.clock.ms;
  options.clock = [ms] { return ms->load() / 1000; };
  WebhookDeliverer deliverer(*store, kSecret, loopback_allowed(), options);
  deliverer.start();
  deliverer.notify();
  for (int i = 0; i < 500 && receiver.hits() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  deliverer.stop();
  CHECK(receiver.hits() == 1);
}
