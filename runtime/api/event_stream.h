// Live events as server-sent events (docs/api.md, "The event stream"): GET /events/stream sends
// every event GET /events lists (run.created, run.updated, task.updated, run.succeeded, …) as it
// is recorded, by any worker on any node sharing the store. One watcher per server reads the
// store's new events (a cursor walk of the events table, every `period`, only while someone
// listens) and fans each out to its subscribers, so a thousand open pages cost the store what
// one does. A subscriber too slow to take what it is sent (more than kMaxPendingBytes waiting)
// is ended; EventSource reconnects by itself and a page reloads what it shows.
// External interface: EventHub.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/api/router.h"
#include "runtime/api/sign_urls.h"
#include "runtime/store/store.h"

namespace wfc::api {

class EventHub {
 public:
  static constexpr size_t kMaxPendingBytes = 4u << 20;

  EventHub(store::Store& store, const UrlSigning& signing,
           std::chrono::milliseconds period = std::chrono::milliseconds(250),
           std::chrono::seconds heartbeat = std::chrono::seconds(15));
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  void start();
  /// Ends every subscriber's stream and stops the watcher.
  void stop();

  /// A stream of the events of run `run_id` (every run's when empty), from the next one
  /// recorded. It begins with a `ready` event naming the stream.
  std::shared_ptr<Feed> subscribe(std::string run_id);

  size_t subscribers();

 private:
  struct Subscriber;
  void watch();
  void publish(const std::vector<store::Event>& events);

  store::Store& store_;
  const UrlSigning& signing_;
  std::chrono::milliseconds period_;
  std::chrono::seconds heartbeat_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::optional<std::string> cursor_;  // the last event sent; unset while nobody listens
  std::vector<std::shared_ptr<Subscriber>> subs_;
  std::thread thread_;
};

}  // namespace wfc::api
