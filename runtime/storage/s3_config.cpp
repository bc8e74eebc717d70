// S3Config from a storage URL and the environment (s3_config.h).
#include "runtime/storage/s3_config.h"

#include <cctype>

namespace wfc::storage {
namespace {

/// S3's bucket naming rules, the part every S3-compatible store shares.
std::string bucket_problem(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return "a bucket name has 3 to 63 characters";
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return "a bucket name has lowercase letters, digits, '-' and '.' only";
    }
  }
  auto alnum = [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c));
  };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) {
    return "a bucket name starts and ends with a letter or digit";
  }
  return "";
}

}  // namespace

std::string parse_s3_url(std::string_view url, S3Config& config) {
  constexpr std::string_view scheme = "s3://";
  if (!url.starts_with(scheme)) return "it does not start with s3://";
  std::string_view rest = url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (bucket.empty()) return "it has no bucket (s3://bucket/prefix)";
  if (auto p = bucket_problem(bucket); !p.empty()) {
    return "'" + std::string(bucket) + "' is not a bucket name: " + p;
  }
  if (prefix.find_first_of("?#") != std::string_view::npos) {
    return "it has a query or fragment; write s3://bucket/prefix";
  }
  if (auto p = prefix_problem(prefix); !p.empty()) return "its prefix is refused: " + p;
  if (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  config.bucket = bucket;
  config.prefix = prefix;
  return "";
}

std::string endpoint_problem(std::string_view endpoint) {
  std::string_view rest;
  if (endpoint.starts_with("http://")) {
    rest = endpoint.substr(7);
  } else if (endpoint.starts_with("https://")) {
    rest = endpoint.substr(8);
  } else {
    return "it does not start with http:// or https://";
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) return "it has no host";
  if (rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return "it has more than a scheme, host and port (no path, query or user name)";
  }
  return "";
}

StorageResult<S3Config> s3_config_from_env(std::string_view url, const EnvReader& getenv) {
  StorageResult<S3Config> out;
  auto invalid = [&](std::string message) {
    out.error = StorageError{StorageErrorKind::Invalid, std::move(message)};
    return out;
  };
  if (auto p = parse_s3_url(url, out.value); !p.empty()) {
    return invalid("the storage URL '" + std::string(url.substr(0, 200)) + "' is refused: " + p);
  }
  auto env = [&](const char* name) -> std::string {
    const char* v = getenv(name);
    return v ? v : "";
  };
  out.value.access_key_id = env("AWS_ACCESS_KEY_ID");
  out.value.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  if (out.value.access_key_id.empty() || out.value.secret_access_key.empty()) {
    return invalid("S3 storage needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  if (std::string region = env("AWS_REGION"); !region.empty()) {
    out.value.region = region;
  } else if (std::string fallback = env("AWS_DEFAULT_REGION"); !fallback.empty()) {
    out.value.region = fallback;
  }
  for (char c : out.value.region) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
      return invalid("AWS_REGION '" + out.value.region + "' is not a region name like us-east-1");
    }
  }
  std::string endpoint = env("WFC_S3_ENDPOINT");
  if (!endpoint.empty()) {
    if (auto p = endpoint_problem(endpoint); !p.empty()) {
      // Not echoed: a user name and password in it would be a secret.
      return invalid("WFC_S3_ENDPOINT is refused: " + p +
                     "; write an origin like http://127.0.0.1:9000");
    }
    if (endpoint.back() == '/') endpoint.pop_back();
    out.value.endpoint = endpoint;
  }
  return out;
}

}  // namespace wfc::storage
