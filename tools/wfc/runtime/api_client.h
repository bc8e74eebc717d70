// Calls to a running server's API from the runtime commands that talk to one (`wfc deploy`,
// `wfc task --server`): its base URL and Bearer key, JSON in and out, the API's {kind, message}
// as the message of a refusal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/net/http_client.h"

namespace wfc::cli {

/// One call to the server's API.
struct Api {
  std::string base;  // no trailing '/'
  std::string key;

  struct Answer {
    bool reached = false;  // false: not an HTTP answer at all (message says why)
    long status = 0;
    nlohmann::json body;  // discarded when not JSON
    std::string message;
  };

  Answer call(const std::string& method, const std::string& path,
              const nlohmann::json* body = nullptr) const {
    net::HttpRequest request;
    request.method = method;
    request.url = base + path;
    request.headers = {"Accept: application/json", "Expect:"};
    if (!key.empty()) request.headers.push_back("Authorization: Bearer " + key);
    if (body) {
      request.headers.push_back("Content-Type: application/json");
      request.body = body->dump();
    }
    request.limits.connect_timeout = std::chrono::seconds(10);
    request.limits.total_timeout = std::chrono::seconds(60);
    request.limits.max_redirects = 0;
    request.limits.max_body_bytes = 64ull << 20;
    request.read_error_body = true;  // the API's {kind, message} says what it refused
    // No guard: the server is named by the user, and is usually on loopback or a private net.
    net::HttpResponse response = net::http_request(request);
    Answer a;
    if (response.failure != net::HttpFailure::None) {
      a.message = response.message.empty() ? "the request failed" : response.message;
      return a;
    }
    a.reached = true;
    a.status = response.status;
    a.body = nlohmann::json::parse(response.body, nullptr, false);
    if (a.body.is_object() && a.body.contains("message") && a.body["message"].is_string()) {
      a.message = a.body["message"].get<std::string>();
      if (a.body.contains("kind") && a.body["kind"].is_string())
        a.message = a.body["kind"].get<std::string>() + ": " + a.message;
    } else {
      a.message = "HTTP " + std::to_string(response.status);
    }
    return a;
  }
};

}  // namespace wfc::cli
