// The previous HTTP stack's ceiling for tools/bench/api/run (BARE_HTTP; the default is
// bare_mhd.cpp): a bare cpp-httplib server with the settings `wfc serve` gave it before issue 19
// (TCP_NODELAY, 128 connection threads, 1,000 requests per connection) that answers every GET with
// the same BYTES of JSON, built once. It prints its address as the first line of standard output,
// as `wfc serve` does, and serves until killed. The only file of the benchmark that knows the stack
// (see CMakeLists.txt).
//
//   bench_api_bare_http [BYTES=1400]
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  long bytes = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1400;
  if (bytes < 16) {
    std::fprintf(stderr, "bench_api_bare_http: BYTES must be at least 16\n");
    return 2;
  }
  // {"pad":"xxxx…"} and a newline, like the server's answers.
  std::string body = "{\"pad\":\"" + std::string(static_cast<size_t>(bytes) - 11, 'x') + "\"}\n";
  httplib::Server http;
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  http.new_task_queue = [] { return new httplib::ThreadPool(128); };
  http.Get(".*", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  int port = http.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "bench_api_bare_http: cannot listen on 127.0.0.1\n");
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%d\n", port);
  std::fflush(stdout);
  return http.listen_after_bind() ? 0 : 1;
}
