// The HTTP stack's ceiling for tools/bench/api/run (its default bare server): a bare
// libmicrohttpd server configured as `wfc serve`'s front end configures it
// (runtime/api/http_front.cpp with runtime/api/server.h's Config defaults): its own non-blocking
// listening socket handed over with MHD_OPTION_LISTEN_SOCKET, MHD_USE_EPOLL_INTERNAL_THREAD with
// a pool of 8 threads, the same connection caps (1,000 in all, lowered by the open-file limit as
// wfc does; 128 per address), idle timeout (30 s), memory per connection (32 KiB), per-connection
// notifications and a completion callback, and `Connection: close` after 1,000 requests on a
// connection. It answers every GET with the same BYTES of JSON (copied into each response, as
// wfc's handlers' bodies are), prints its address as the first line of standard output, as
// `wfc serve` does, and serves until SIGINT or SIGTERM. Not measured here: wfc's per-request
// work above the stack (routing, the key, the handler) and its deadline sweep every 250 ms.
//
//   bench_api_bare_mhd [BYTES=1400]
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// As runtime/api/server.h's Config.
constexpr unsigned kThreads = 8;
constexpr unsigned kMaxConnections = 1000;
constexpr unsigned kPerAddress = 128;
constexpr unsigned kIdleTimeoutS = 30;
constexpr size_t kConnectionMemory = 32 * 1024;
constexpr int kKeepAliveRequests = 1000;

std::string body;

// Requests so far on one connection (its socket context), for the keep-alive cap.
void on_connection(void*, MHD_Connection*, void** socket_context,
                   MHD_ConnectionNotificationCode code) {
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    *socket_context = new int(0);
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    delete static_cast<int*>(*socket_context);
    *socket_context = nullptr;
  }
}

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
  *con_cls = nullptr;
}

MHD_Result on_request(void*, MHD_Connection* c, const char*, const char* method, const char*,
                      const char*, size_t* upload_size, void** con_cls) {
  static int first_call;
  if (*con_cls == nullptr) {  // the headers are in; answer on the next call, as wfc does
    *con_cls = &first_call;
    return MHD_YES;
  }
  if (*upload_size > 0) {  // a body is read and dropped
    *upload_size = 0;
    return MHD_YES;
  }
  bool get = std::string(method) == MHD_HTTP_METHOD_GET;
  MHD_Response* response =
      get ? MHD_create_response_from_buffer(body.size(), body.data(), MHD_RESPMEM_MUST_COPY)
          : MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  if (!response) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  int* requests = nullptr;
  if (const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT))
    requests = static_cast<int*>(info->socket_context);
  if (requests && ++*requests >= kKeepAliveRequests)
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
  MHD_Result ok = MHD_queue_response(c, get ? MHD_HTTP_OK : MHD_HTTP_METHOD_NOT_ALLOWED, response);
  MHD_destroy_response(response);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  long bytes = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1400;
  if (bytes < 16) {
    std::fprintf(stderr, "bench_api_bare_mhd: BYTES must be at least 16\n");
    return 2;
  }
  // {"pad":"xxxx…"} and a newline, like the server's answers.
  body = "{\"pad\":\"" + std::string(static_cast<size_t>(bytes) - 11, 'x') + "\"}\n";

  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  int one = 1;
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 1024) != 0) {
    std::fprintf(stderr, "bench_api_bare_mhd: cannot listen on 127.0.0.1\n");
    return 1;
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);

  unsigned limit = kMaxConnections;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY)
    limit = static_cast<unsigned>(
        std::min<rlim_t>(limit, files.rlim_cur > 128 ? files.rlim_cur - 96 : 32));
  // Waited for below: SIGINT and SIGTERM stop the daemon.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  MHD_Daemon* daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD, 0, nullptr, nullptr, &on_request, nullptr,
      MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, kThreads,
      MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, kPerAddress,
      MHD_OPTION_CONNECTION_TIMEOUT, kIdleTimeoutS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      kConnectionMemory, MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr,
      MHD_OPTION_NOTIFY_CONNECTION, &on_connection, nullptr, MHD_OPTION_END);
  if (!daemon) {
    std::fprintf(stderr, "bench_api_bare_mhd: cannot start libmicrohttpd\n");
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  MHD_stop_daemon(daemon);
  return 0;
}
