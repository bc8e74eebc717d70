// Live events as server-sent events (see event_stream.h), and GET /events/stream.
#include "runtime/api/event_stream.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/api/context.h"
#include "runtime/store/wire_json.h"

namespace wfc::api {

struct EventHub::Subscriber : Feed {
  std::string run_id;
  std::mutex mu;
  std::string pending;
  bool ended = false;
  std::function<void()> wake;

  bool read(std::string* out) override {
    std::lock_guard lock(mu);
    out->swap(pending);
    pending.clear();
    return !ended;
  }
  void notify(std::function<void()> w) override {
    std::lock_guard lock(mu);
    // Called under the lock, so that once close() returns no wake is running.
    if (!pending.empty() || ended) return w();
    wake = std::move(w);
  }
  void close() override {
    std::lock_guard lock(mu);
    ended = true;
    wake = nullptr;
  }
  /// Appends `text` (end: ends the stream after what is pending). False once it has ended.
  bool push(std::string_view text, bool end = false) {
    std::lock_guard lock(mu);
    if (ended) return false;
    if (pending.size() + text.size() > kMaxPendingBytes)
      end = true;  // too slow a reader
    else
      pending.append(text);
    if (end) ended = true;
    if (wake && (!text.empty() || ended)) {
      auto w = std::move(wake);
      wake = nullptr;
      w();
    }
    return !ended;
  }
};

EventHub::EventHub(store::Store& store, const UrlSigning& signing, std::chrono::milliseconds period,
                   std::chrono::seconds heartbeat)
    : store_(store), signing_(signing), period_(period), heartbeat_(heartbeat) {}

EventHub::~EventHub() { stop(); }

void EventHub::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { watch(); });
}

void EventHub::stop() {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    subs.swap(subs_);
  }
  cv_.notify_all();
  for (auto& s : subs) s->push("", true);
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<Feed> EventHub::subscribe(std::string run_id) {
  auto s = std::make_shared<Subscriber>();
  s->run_id = std::move(run_id);
  // The retry hint, and a first event so that a client knows the stream is open.
  s->push(fmt::format("retry: 2000\nevent: ready\ndata: {}\n\n",
                      nlohmann::json{{"run_id", s->run_id}}.dump()));
  std::lock_guard lock(mu_);
  if (stopping_) {
    s->push("", true);
    return s;
  }
  // The first subscriber sets the cursor at the newest event, so that what is recorded once
  // it has its `ready` is all sent to it.
  if (!cursor_) {
    try {
      store::ListQuery q;
      q.limit = 1;
      q.order = store::Order::Desc;
      auto page = store_.list_events(q);
      cursor_ = page && !page->items.empty() ? page->items.front().id : "";
    } catch (const store::StoreError& e) {
      s->push(
          fmt::format("event: error\ndata: {}\n\n",
                      nlohmann::json{{"kind", "store_unavailable"}, {"message", e.what()}}.dump()),
          true);
      return s;
    }
  }
  subs_.push_back(s);
  cv_.notify_all();
  return s;
}

size_t EventHub::subscribers() {
  std::lock_guard lock(mu_);
  return subs_.size();
}

void EventHub::publish(const std::vector<store::Event>& events) {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard lock(mu_);
    subs = subs_;
  }
  for (const store::Event& e : events) {
    // Rendered and signed once, for every subscriber.
    std::string text = fmt::format("id: {}\nevent: {}\ndata: {}\n\n", e.id, e.kind,
                                   signed_urls(store::to_json(e), signing_).dump());
    for (auto& s : subs) {
      if (s->run_id.empty() || s->run_id == e.run_id) s->push(text);
    }
  }
}

void EventHub::watch() {
  auto beat = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (subs_.empty()) {
      // Nobody listens: no store reads; the next first subscriber sets the cursor anew.
      cursor_.reset();
      cv_.wait(lock, [this] { return stopping_ || !subs_.empty(); });
      continue;
    }
    std::string cursor = cursor_.value_or("");
    lock.unlock();
    bool lost = false;
    try {
      for (int pages = 0; pages < 50; ++pages) {
        store::ListQuery q;
        q.after = cursor;
        q.limit = 100;
        q.order = store::Order::Asc;
        auto page = store_.list_events(q);
        if (!page) {  // the cursor's event is gone: start again from the newest
          lost = true;
          break;
        }
        if (page->items.empty()) break;
        cursor = page->items.back().id;
        publish(page->items);
        if (!page->has_more) break;
      }
    } catch (const store::StoreError& e) {
      fmt::print(stderr, "wfc serve: the event stream's watcher: {}\n", e.what());
    }
    auto now = std::chrono::steady_clock::now();
    bool heartbeat = now - beat >= heartbeat_;
    if (heartbeat) beat = now;
    lock.lock();
    if (lost) {
      cursor_.reset();
      store::ListQuery q;
      q.limit = 1;
      q.order = store::Order::Desc;
      lock.unlock();
      std::string newest;
      try {
        auto page = store_.list_events(q);
        if (page && !page->items.empty()) newest = page->items.front().id;
      } catch (const store::StoreError&) {
      }
      lock.lock();
      cursor_ = newest;
    } else {
      cursor_ = cursor;
    }
    // Drop the subscribers whose connection closed (their push fails); a comment line now and
    // then finds a dead connection.
    std::erase_if(subs_, [&](const std::shared_ptr<Subscriber>& s) {
      return !s->push(heartbeat ? ": keep-alive\n\n" : "");
    });
    cv_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

void add_event_stream_route(Router& router, Context& ctx, EventHub& hub) {
  EventHub* h = &hub;
  Route route{
      "GET",
      "/events/stream",
      "Server-sent events: each event as GET /events lists it, as it is recorded (filter run_id)",
      true,
      [h](Call& call) {
        std::string run_id = call.req.get_param_value("run_id");
        call.res.status = 200;
        call.res.set_header("Content-Type", "text/event-stream");
        call.res.set_header("Cache-Control", "no-store");
        call.res.set_header("X-Accel-Buffering", "no");  // proxies: do not buffer the stream
        call.feed = h->subscribe(std::move(run_id));
      },
      Doc()
          .query(nlohmann::json::array({{{"name", "run_id"},
                                         {"in", "query"},
                                         {"schema", {{"type", "string"}}},
                                         {"description", "Only the events of this run"}}}))
          .returns_raw(200, "text/event-stream",
                       "One `id:`/`event:`/`data:` record per event (data: the Event object), "
                       "from the next one recorded; `: keep-alive` comments every 15 s")};
  route.session = true;
  router.add(std::move(route));
}

}  // namespace wfc::api
