// The HTTP front end on libmicrohttpd (see http_front.h).
#include "runtime/api/http_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "runtime/api/http_body.h"
#include "runtime/api/http_range.h"
#include "runtime/api/request.h"
#include "runtime/store/store.h"

namespace wfc::api {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

enum Phase : int { kHeaders, kBody, kBusy };

// One client connection: its socket (for the deadline's shutdown), what it is waiting for and
// since when, and its requests so far (keep-alive's cap).
struct Conn {
  int fd = -1;
  std::atomic<int> phase{kHeaders};
  std::atomic<int64_t> since{0};
  int requests = 0;
  bool shut = false;  // the deadline shut it down
};

// One request on its way through: what the handler gets, and the body being read.
struct Exchange {
  httplib::Request req;
  httplib::Response res;
  Router::Match match;
  store::ApiKey key;
  std::unique_ptr<BodyReader> body;
  unsigned long long discarded = 0;  // raw bytes read after the body was refused
  unsigned long long discard_max;    // past it the connection is closed rather than answered
  bool decided = false;              // res was settled from the headers alone (404, 401, …)
  std::shared_ptr<Feed> feed;        // a streaming handler's (Call::feed)
};

// Bytes of a refused body read (and dropped, never kept) so that the client reads the answer
// rather than a reset connection: the rest of a body found too large as it streamed (a small
// compressed one), or the rest of one announced too large by a little. Past it the connection
// is closed.
constexpr unsigned long long kDiscardBytes = 4ull << 20;
// A request refused from its headers (401, 404, 405, 415) is answered before its body is read
// unless the Content-Length says the body is this small: then it is read and dropped first, so
// that a client still writing it does not lose the answer to a reset, and the connection stays.
constexpr unsigned long long kDrainBytes = 64 * 1024;

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<httplib::Request*>(cls)->headers.emplace(key, value ? value : "");
  return MHD_YES;
}

MHD_Result collect_param(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<httplib::Request*>(cls)->params.emplace(key, value ? value : "");
  return MHD_YES;
}

// A response body read piece by piece: literal text (multipart framing) or a range of the
// handler's content provider.
struct Piece {
  std::string text;
  uint64_t offset = 0, length = 0;
  bool provided = false;
};

struct Stream {
  httplib::ContentProvider provider;
  httplib::ContentProviderResourceReleaser releaser;
  std::vector<Piece> pieces;
  size_t piece = 0;
  uint64_t done = 0;  // of the current piece
  std::string pending;
  size_t pending_at = 0;
  bool failed = false;
};

ssize_t read_stream(void* cls, uint64_t, char* buf, size_t max) {
  auto* s = static_cast<Stream*>(cls);
  size_t n = 0;
  while (n < max) {
    if (s->pending_at < s->pending.size()) {
      size_t take = std::min(max - n, s->pending.size() - s->pending_at);
      std::memcpy(buf + n, s->pending.data() + s->pending_at, take);
      n += take;
      s->pending_at += take;
      continue;
    }
    s->pending.clear();
    s->pending_at = 0;
    if (s->piece == s->pieces.size()) break;
    Piece& p = s->pieces[s->piece];
    if (!p.provided) {
      s->pending = p.text;
      ++s->piece;
      continue;
    }
    if (s->done == p.length) {
      ++s->piece;
      s->done = 0;
      continue;
    }
    httplib::DataSink sink;
    sink.write = [&](const char* d, size_t len) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(len, p.length - s->done));
      s->pending.append(d, take);
      s->done += take;
      return true;
    };
    sink.is_writable = [] { return true; };
    sink.done = [] {};
    if (!s->provider(static_cast<size_t>(p.offset + s->done),
                     static_cast<size_t>(p.length - s->done), sink) ||
        s->pending.empty()) {
      s->failed = true;  // the file shrank or broke: end the response short
      return n > 0 ? static_cast<ssize_t>(n) : MHD_CONTENT_READER_END_WITH_ERROR;
    }
  }
  return n > 0 ? static_cast<ssize_t>(n) : MHD_CONTENT_READER_END_OF_STREAM;
}

void free_stream(void* cls) {
  auto* s = static_cast<Stream*>(cls);
  if (s->releaser) s->releaser(!s->failed);
  delete s;
}

// A Feed being sent on a connection. Between two pieces the connection is suspended (no thread
// polls it); the feed's wake resumes it. `mu` guards `suspended` and `stopping`.
struct FeedState {
  std::shared_ptr<Feed> feed;
  MHD_Connection* connection = nullptr;
  std::string pending;
  size_t at = 0;
  bool ended = false;
  std::mutex mu;
  bool suspended = false;
  bool stopping = false;                   // the server stops: end the stream
  std::function<void(FeedState*)> forget;  // removes it from the front's list

  void resume() {
    std::lock_guard lock(mu);
    if (!suspended) return;
    suspended = false;
    MHD_resume_connection(connection);
  }
};

ssize_t read_feed(void* cls, uint64_t, char* buf, size_t max) {
  auto* s = static_cast<FeedState*>(cls);
  if (s->at == s->pending.size()) {
    s->pending.clear();
    s->at = 0;
    bool stopping;
    {
      std::lock_guard lock(s->mu);
      stopping = s->stopping;
    }
    if (stopping) s->ended = true;
    if (!s->ended && !s->feed->read(&s->pending)) s->ended = true;
  }
  if (s->at < s->pending.size()) {
    size_t n = std::min(max, s->pending.size() - s->at);
    std::memcpy(buf, s->pending.data() + s->at, n);
    s->at += n;
    return static_cast<ssize_t>(n);
  }
  if (s->ended) return MHD_CONTENT_READER_END_OF_STREAM;
  // Nothing yet: suspended until the feed has more (its wake may come at once, from here).
  {
    std::lock_guard lock(s->mu);
    if (s->stopping) return MHD_CONTENT_READER_END_OF_STREAM;
    s->suspended = true;
    MHD_suspend_connection(s->connection);
  }
  s->feed->notify([s] { s->resume(); });
  return 0;
}

void free_feed(void* cls) {
  auto* s = static_cast<FeedState*>(cls);
  s->feed->close();  // no wake comes after this
  if (s->forget) s->forget(s);
  delete s;
}

}  // namespace

struct HttpFront::Impl {
  Impl(const Router& router, Authenticator authenticate, const Config& config)
      : router(router), authenticate(std::move(authenticate)), config(config) {}

  const Router& router;
  Authenticator authenticate;
  const Config& config;
  int listen_fd = -1;
  bool ipv6 = false;

  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  MHD_Daemon* daemon = nullptr;

  std::mutex conns_mu;
  std::unordered_set<Conn*> conns;

  std::mutex feeds_mu;
  std::condition_variable feeds_cv;
  std::unordered_set<FeedState*> feeds;  // the streams being sent

  /// Ends every stream (resuming the suspended ones), and waits a little for them to finish:
  /// libmicrohttpd must not be stopped with a connection suspended.
  void end_feeds() {
    std::unique_lock lock(feeds_mu);
    for (FeedState* f : feeds) {
      {
        std::lock_guard l(f->mu);
        f->stopping = true;
      }
      f->resume();
    }
    feeds_cv.wait_for(lock, std::chrono::seconds(2), [this] { return feeds.empty(); });
  }

  // --- connections -------------------------------------------------------------------------

  static void on_connection(void* cls, MHD_Connection* c, void** socket_context,
                            MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* conn = new Conn;
      if (const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD))
        conn->fd = info->connect_fd;
      conn->since = now_ms();
      *socket_context = conn;
      std::lock_guard lock(self->conns_mu);
      self->conns.insert(conn);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      auto* conn = static_cast<Conn*>(*socket_context);
      if (!conn) return;
      {
        std::lock_guard lock(self->conns_mu);
        self->conns.erase(conn);
      }
      delete conn;
      *socket_context = nullptr;
    }
  }

  static Conn* conn_of(MHD_Connection* c) {
    const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? static_cast<Conn*>(info->socket_context) : nullptr;
  }

  static void on_completed(void* cls, MHD_Connection* c, void** con_cls,
                           MHD_RequestTerminationCode) {
    delete static_cast<Exchange*>(*con_cls);
    *con_cls = nullptr;
    if (Conn* conn = conn_of(c)) {
      conn->since = now_ms();
      conn->phase = kHeaders;  // the next request's headers, on a kept-alive connection
    }
  }

  /// Shuts down the connections past their deadline (their epoll thread then closes them).
  void reap() {
    int64_t now = now_ms();
    int64_t headers = int64_t{std::max(1, config.header_timeout_s)} * 1000;
    int64_t body = int64_t{std::max(1, config.body_timeout_s)} * 1000;
    std::lock_guard lock(conns_mu);
    for (Conn* conn : conns) {
      int phase = conn->phase;
      int64_t limit = phase == kHeaders ? headers : phase == kBody ? body : -1;
      if (limit < 0 || conn->shut || conn->fd < 0 || now - conn->since <= limit) continue;
      ::shutdown(conn->fd, SHUT_RDWR);
      conn->shut = true;
    }
  }

  // --- requests ----------------------------------------------------------------------------

  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                               const char* version, const char* upload, size_t* upload_size,
                               void** con_cls) {
    auto* self = static_cast<Impl*>(cls);
    auto* ex = static_cast<Exchange*>(*con_cls);
    if (!ex) {
      ex = new Exchange;
      ex->discard_max = kDiscardBytes;
      *con_cls = ex;
      return self->begin(c, *ex, url, method, version);
    }
    if (*upload_size > 0) {
      size_t n = *upload_size;
      *upload_size = 0;
      if (ex->decided || ex->body->error()) {
        ex->discarded += n;
        return ex->discarded > ex->discard_max ? MHD_NO : MHD_YES;
      }
      ex->body->feed(std::string_view(upload, n));
      return MHD_YES;
    }
    return self->finish(c, *ex);
  }

  /// The headers are in: route, authenticate, check the body's framing. A refusal is answered
  /// now, and libmicrohttpd then reads none of the body and closes the connection.
  MHD_Result begin(MHD_Connection* c, Exchange& ex, const char* url, const char* method,
                   const char* version) {
    httplib::Request& req = ex.req;
    req.method = method;
    req.path = url;
    req.version = version;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &req);
    Conn* conn = conn_of(c);
    if (conn) {
      ++conn->requests;
      conn->since = now_ms();
      conn->phase = kBody;
    }
    std::optional<unsigned long long> length;
    if (req.has_header("Content-Length")) {
      std::string v = req.get_header_value("Content-Length");
      char* end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (!v.empty() && end && *end == '\0') length = n;
    }
    bool chunked = req.has_header("Transfer-Encoding");
    // Answered from the headers: at once when a body of more than `drain` bytes (or of unknown
    // size) follows, which is then never read and the connection closed; else once the small
    // body is read and dropped, which keeps the connection.
    auto decided = [&](unsigned long long drain) {
      ex.decided = true;
      ex.discard_max = drain;
      return chunked || length.value_or(0) > drain ? respond(c, ex) : MHD_YES;
    };
    try {
      ex.match = router.match(req, ex.res);
      if (!ex.match.route) return decided(kDrainBytes);
      if (ex.match.route->auth && !authenticate(*ex.match.route, req, ex.res, &ex.key))
        return decided(kDrainBytes);
    } catch (const store::StoreUnavailable& e) {
      unavailable(ex, e.what());
      return decided(kDrainBytes);
    } catch (const std::exception& e) {
      return fail(c, ex, e.what());
    }
    size_t limit =
        ex.match.route->max_body_bytes ? ex.match.route->max_body_bytes : config.max_body_bytes;
    ex.body = std::make_unique<BodyReader>(
        limit, fmt::format("{} {}", ex.match.route->method, ex.match.route->path));
    if (auto e = ex.body->start(req.get_header_value("Content-Encoding"), length)) {
      send_error(ex.res, *e);
      return decided(e->status == 413 ? limit + kDiscardBytes : kDrainBytes);
    }
    return MHD_YES;
  }

  /// The body is in: call the handler and answer.
  MHD_Result finish(MHD_Connection* c, Exchange& ex) {
    if (Conn* conn = conn_of(c)) conn->phase = kBusy;
    if (ex.decided) return respond(c, ex);
    if (auto e = ex.body->finish()) {
      send_error(ex.res, *e);
      return respond(c, ex);
    }
    ex.req.body = std::move(ex.body->body());
    try {
      Router::call(ex.match, ex.req, ex.res, ex.key, &ex.feed);
    } catch (const store::StoreUnavailable& e) {
      unavailable(ex, e.what());
      return respond(c, ex);
    } catch (const std::exception& e) {
      return fail(c, ex, e.what());
    } catch (...) {
      return fail(c, ex, "unknown error");
    }
    return respond(c, ex);
  }

  std::atomic<int64_t> unavailable_logged_ms{0};

  /// A handler that met a database it cannot reach now (PostgreSQL restarting) answers 503 with
  /// Retry-After: the request may be sent again as it is (docs/api.md, "Database unavailable").
  void unavailable(Exchange& ex, const char* what) {
    // One line a second at most: while the database is away every request meets it.
    int64_t now = now_ms(), last = unavailable_logged_ms.load();
    if (now - last >= 1000 && unavailable_logged_ms.compare_exchange_strong(last, now))
      fmt::print(stderr, "wfc serve: {} {}: {} (answering 503 until it is back)\n", ex.req.method,
                 ex.req.path, what);
    ex.res = httplib::Response();
    send_error(ex.res, {503, "store_unavailable",
                        "the database cannot be reached now; send the request again in a few "
                        "seconds (an Idempotency-Key makes a retried creation safe)"});
    ex.res.set_header("Retry-After", "2");
  }

  /// A handler that throws (a broken database, a bug) answers 500; the server lives on.
  MHD_Result fail(MHD_Connection* c, Exchange& ex, const char* what) {
    fmt::print(stderr, "wfc serve: {} {}: {}\n", ex.req.method, ex.req.path, what);
    ex.res = httplib::Response();
    send_error(ex.res, {500, "internal_error", "the server failed to answer this request"});
    return respond(c, ex);
  }

  /// Sends ex.res: the status (200 when the handler left it unset), its headers, and its body
  /// or content provider (with the request's Range applied).
  MHD_Result respond(MHD_Connection* c, Exchange& ex) {
    httplib::Response& res = ex.res;
    int status = res.status < 0 ? 200 : res.status;
    MHD_Response* response = nullptr;
    if (ex.feed) {
      auto* state = new FeedState;
      state->feed = std::move(ex.feed);
      state->connection = c;
      state->forget = [this](FeedState* f) {
        std::lock_guard lock(feeds_mu);
        feeds.erase(f);
        feeds_cv.notify_all();
      };
      {
        std::lock_guard lock(feeds_mu);
        feeds.insert(state);
      }
      response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, read_feed, state,
                                                   free_feed);
    } else if (res.content_provider_ && status == 200) {
      auto* stream = new Stream;
      stream->provider = std::move(res.content_provider_);
      stream->releaser = std::move(res.content_provider_resource_releaser_);
      res.content_provider_ = nullptr;
      res.content_provider_resource_releaser_ = nullptr;
      uint64_t size = res.content_length_;
      RangePlan plan;
      if (ex.req.has_header("Range")) plan = plan_ranges(ex.req.get_header_value("Range"), size);
      if (plan.status == 416) {
        free_stream(stream);
        res.headers.erase("Content-Type");
        res.set_header("Content-Range", fmt::format("bytes */{}", size));
        send_error(res, {416, "range_not_satisfiable", plan.message});
        status = 416;
      } else if (plan.status == 206 && plan.ranges.size() == 1) {
        const ByteRange& r = plan.ranges[0];
        stream->pieces.push_back({"", r.first, r.length(), true});
        res.set_header("Content-Range", fmt::format("bytes {}-{}/{}", r.first, r.last, size));
        status = 206;
        response = MHD_create_response_from_callback(r.length(), 64 * 1024, read_stream, stream,
                                                     free_stream);
      } else if (plan.status == 206) {
        Multipart mp(res.get_header_value("Content-Type"), size);
        uint64_t total = 0;
        for (size_t i = 0; i < plan.ranges.size(); ++i) {
          std::string head = mp.before(plan.ranges[i], i == 0);
          total += head.size() + plan.ranges[i].length();
          stream->pieces.push_back({std::move(head), 0, 0, false});
          stream->pieces.push_back({"", plan.ranges[i].first, plan.ranges[i].length(), true});
        }
        stream->pieces.push_back({mp.end(), 0, 0, false});
        total += mp.end().size();
        res.headers.erase("Content-Type");
        res.set_header("Content-Type", "multipart/byteranges; boundary=" + mp.boundary);
        status = 206;
        response =
            MHD_create_response_from_callback(total, 64 * 1024, read_stream, stream, free_stream);
      } else {
        stream->pieces.push_back({"", 0, size, true});
        response =
            MHD_create_response_from_callback(size, 64 * 1024, read_stream, stream, free_stream);
      }
    }
    if (!response) {
      response =
          MHD_create_response_from_buffer(res.body.size(), res.body.data(), MHD_RESPMEM_MUST_COPY);
    }
    if (!response) return MHD_NO;
    for (const auto& [name, value] : res.headers) {
      if (strcasecmp(name.c_str(), "Content-Length") == 0 ||
          strcasecmp(name.c_str(), "Transfer-Encoding") == 0 ||
          strcasecmp(name.c_str(), "Connection") == 0)
        continue;
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    Conn* conn = conn_of(c);
    if (conn) conn->phase = kBusy;
    if (conn && conn->requests >= std::max(1, config.keep_alive_requests))
      MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(status), response);
    MHD_destroy_response(response);
    return ok;
  }
};

HttpFront::HttpFront(const Router& router, Authenticator authenticate, const Config& config)
    : impl_(std::make_unique<Impl>(router, std::move(authenticate), config)) {}

HttpFront::~HttpFront() {
  stop();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

int HttpFront::bind(std::string* error) {
  const Config& c = impl_->config;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(c.port);
  int rc = getaddrinfo(c.host.empty() ? nullptr : c.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    *error = fmt::format("cannot listen on {}:{}: {}", c.host, c.port, gai_strerror(rc));
    return -1;
  }
  std::string why = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      continue;
    }
    impl_->listen_fd = fd;
    impl_->ipv6 = a->ai_family == AF_INET6;
    break;
  }
  freeaddrinfo(found);
  if (impl_->listen_fd < 0) {
    *error = fmt::format("cannot listen on {}:{}: {}", c.host, c.port, why);
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&bound), &len);
  return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void HttpFront::run() {
  Impl& m = *impl_;
  const Config& c = m.config;
  {
    std::lock_guard lock(m.mu);
    if (m.stopped || m.listen_fd < 0) return;
    // Connections in all: what the process's open-file limit leaves beside the database and
    // the workers' files.
    unsigned limit = static_cast<unsigned>(std::max(16, c.max_connections));
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY)
      limit = static_cast<unsigned>(
          std::min<rlim_t>(limit, files.rlim_cur > 128 ? files.rlim_cur - 96 : 32));
    // Suspend/resume: a stream (Feed) waits for its next piece with its connection suspended.
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | (m.ipv6 ? MHD_USE_IPv6 : 0);
    m.daemon = MHD_start_daemon(
        flags, 0, nullptr, nullptr, &Impl::on_request, &m, MHD_OPTION_LISTEN_SOCKET, m.listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(std::max(1, c.http_threads)),
        MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        static_cast<unsigned>(std::max(1, c.max_connections_per_address)),
        MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(std::max(1, c.idle_timeout_s)),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, c.connection_memory_bytes, MHD_OPTION_NOTIFY_COMPLETED,
        &Impl::on_completed, &m, MHD_OPTION_NOTIFY_CONNECTION, &Impl::on_connection, &m,
        MHD_OPTION_END);
    if (!m.daemon) {
      fmt::print(stderr, "wfc serve: cannot start the HTTP server (libmicrohttpd)\n");
      return;
    }
    m.listen_fd = -1;  // the daemon owns (and closes) it now
  }
  std::unique_lock lock(m.mu);
  while (!m.stopped) {
    m.cv.wait_for(lock, std::chrono::milliseconds(250));
    lock.unlock();
    m.reap();
    lock.lock();
  }
}

void HttpFront::stop() {
  MHD_Daemon* daemon = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
    daemon = impl_->daemon;
    impl_->daemon = nullptr;
  }
  impl_->cv.notify_all();
  if (daemon) {
    impl_->end_feeds();
    MHD_stop_daemon(daemon);
  }
}

}  // namespace wfc::api
