// The settings of an S3-compatible bucket (S3Config) and where they come from: the storage URL
// `s3://bucket/prefix`, and the AWS conventions for the rest (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION; WFC_S3_ENDPOINT for MinIO, Ceph RGW, Garage or a test
// server, addressed path-style). docs/storage.md lists them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/net/ip_address.h"
#include "runtime/storage/storage.h"

namespace wfc::storage {

struct S3Config {
  std::string bucket;
  std::string prefix;  // every key is stored under it ("" or "a/b", no trailing '/')
  std::string region = "us-east-1";
  /// "http://127.0.0.1:9000": requests go path-style to endpoint/bucket/key. Empty: AWS itself,
  /// virtual-host style (https://bucket.s3.region.amazonaws.com/key).
  std::string endpoint;
  std::string access_key_id;
  std::string secret_access_key;  // never in a message or log
  /// Files larger than part_size are uploaded in parts of part_size (S3's minimum is 5 MiB).
  std::uint64_t part_size = 8ull << 20;
  /// Attempts per request on 5xx, 429, timeouts and network errors; the wait between two is
  /// backoff, doubled after each retry.
  int max_attempts = 4;
  std::chrono::milliseconds backoff{250};
  std::chrono::milliseconds connect_timeout{10'000};
  /// A transfer slower than this for low_speed_time counts as a timeout.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  /// Vets every address before a socket connects to it (the endpoint's host as written, the
  /// address DNS gave): why not, or "" to connect. Empty: every address. Buckets that tasks reach
  /// through a connection pass the access policy here (AccessPolicy::connect_refusal), so a
  /// connection's endpoint cannot reach internal hosts unless --allow-hosts names them. A refusal
  /// is storage_refused at once, never retried.
  std::function<std::string(std::string_view host, const net::IpAddress& address)> guard;
};

/// Fills `config`'s bucket and prefix from "s3://bucket/prefix" (the prefix may be empty).
/// Returns why it is not such a URL, or "".
std::string parse_s3_url(std::string_view url, S3Config& config);

/// Why `endpoint` is not an http(s) origin like "http://127.0.0.1:9000", or "".
std::string endpoint_problem(std::string_view endpoint);

/// Reads the environment through `getenv`.
using EnvReader = std::function<const char*(const char* name)>;

/// The configuration for the storage URL `url` with credentials, region and endpoint from the
/// environment. storage_invalid when the URL or WFC_S3_ENDPOINT is malformed or a credential is
/// missing (the message names the variable, never a value).
StorageResult<S3Config> s3_config_from_env(std::string_view url, const EnvReader& getenv);

}  // namespace wfc::storage
