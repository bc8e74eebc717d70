// A loopback HTTP server for tests (cpp-httplib): routes are set on server() before start(); it
// listens on an ephemeral port of the given loopback address and stops when destroyed.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

namespace wfc::test {

class HttpServer {
 public:
  explicit HttpServer(std::string host = "127.0.0.1") : host_(std::move(host)) {}
  ~HttpServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Server& server() { return server_; }

  /// Binds (the socket accepts connections from here on) and serves from a thread.
  void start() {
    port_ = server_.bind_to_any_port(host_);
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so do not hand the server out before then.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE(server_.is_running());
  }

  int port() const { return port_; }
  /// http://HOST:PORT + path.
  std::string url(const std::string& path) const {
    return "http://" + host_ + ":" + std::to_string(port_) + path;
  }

 private:
  std::string host_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace wfc::test
