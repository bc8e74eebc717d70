// The SigV4 signatures S3Storage sends (curl's CURLOPT_AWS_SIGV4 over the URLs and headers that
// runtime/storage/s3_storage.cpp builds), checked by a fake S3 on loopback that verifies every
// request the way AWS documents it: canonical request (raw path, query names sorted and values
// re-encoded, the signed headers, x-amz-content-sha256 as the payload hash), string to sign,
// HMAC chain. s3rver does not check SigV4 (storage_s3_test.cpp), so this is where a query that
// curl would sign in another order, or a missing payload header, shows. The same verifier, in
// its query form, checks presigned GETs (s3_presign.h).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <ctime>
#include <map>
#include <mutex>
#include <regex>

#include "runtime/storage/s3_storage.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_http_server.h"
#include "tests/unit/test_storage.h"

namespace {

using wfc::storage::S3Config;
using wfc::storage::S3Storage;
using wfc::storage::StorageErrorKind;

std::string hex(const unsigned char* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr);
  return hex(md, n);
}

std::string hmac(const std::string& key, const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), md, &n);
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// AWS's UriEncode: unreserved characters stay, the rest are %XX (upper case).
std::string encode(const std::string& s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

/// "" when the request carries a valid SigV4 signature for `secret`, else why not.
std::string verify(const httplib::Request& req, const std::string& secret) {
  static const std::regex auth(
      R"(AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, ?)"
      R"(SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64}))");
  std::smatch m;
  std::string header = req.get_header_value("Authorization");
  if (!std::regex_match(header, m, auth)) return "no SigV4 Authorization header: " + header;
  std::string date = m[2], region = m[3], signed_headers = m[4], signature = m[5];
  if (!req.has_header("x-amz-content-sha256")) return "no x-amz-content-sha256";
  std::string target = req.target;
  size_t q = target.find('?');
  std::string uri = target.substr(0, q);
  std::vector<std::pair<std::string, std::string>> params;
  if (q != std::string::npos) {
    std::string query = target.substr(q + 1);
    for (size_t start = 0; start <= query.size();) {
      size_t amp = query.find('&', start);
      std::string part = query.substr(start, amp == std::string::npos ? amp : amp - start);
      size_t eq = part.find('=');
      params.emplace_back(encode(decode(part.substr(0, eq))),
                          eq == std::string::npos ? "" : encode(decode(part.substr(eq + 1))));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  std::sort(params.begin(), params.end());
  std::string canonical_query;
  for (const auto& [k, v] : params) {
    canonical_query += (canonical_query.empty() ? "" : "&") + k + "=" + v;
  }
  std::string canonical_headers;
  for (size_t start = 0; start <= signed_headers.size();) {
    size_t semi = signed_headers.find(';', start);
    std::string name =
        signed_headers.substr(start, semi == std::string::npos ? semi : semi - start);
    std::string value = req.get_header_value(name.c_str());
    canonical_headers += name + ":" + value + "\n";
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  if (signed_headers.find("x-amz-content-sha256") == std::string::npos) {
    return "x-amz-content-sha256 is not signed";
  }
  std::string canonical = req.method + "\n" + uri + "\n" + canonical_query + "\n" +
                          canonical_headers + "\n" + signed_headers + "\n" +
                          req.get_header_value("x-amz-content-sha256");
  std::string scope = date + "/" + region + "/s3/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + req.get_header_value("x-amz-date") + "\n" + scope +
                        "\n" + sha256_hex(canonical);
  std::string key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), "s3"), "aws4_request");
  std::string mine = hex(reinterpret_cast<const unsigned char*>(hmac(key, to_sign).data()), 32);
  if (mine != signature) return "signature mismatch; canonical request:\n" + canonical;
  return "";
}

}  // namespace

TEST_CASE("S3Storage's requests carry SigV4 signatures that verify as AWS documents them",
          "[storage][s3][sigv4]") {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  wfc::test::HttpServer fake;
  std::mutex mu;
  std::vector<std::string> seen, problems;
  std::string stored;
  auto check = [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(req.method + " " + req.target);
    std::string why = verify(req, secret);
    if (!why.empty()) {
      problems.push_back(req.method + " " + req.target + ": " + why);
      res.status = 403;
      res.set_content(
          "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
          "calculated does not match</Message></Error>",
          "application/xml");
      return false;
    }
    return true;
  };
  fake.server().Put(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (!check(req, res)) return;
    stored = req.body;
    res.set_header("ETag", "\"e\"");
  });
  fake.server().Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (!check(req, res)) return;
    res.set_content(req.has_param("uploads")
                        ? "<InitiateMultipartUploadResult><UploadId>a/b+c=</UploadId>"
                          "</InitiateMultipartUploadResult>"
                        : "<CompleteMultipartUploadResult/>",
                    "application/xml");
  });
  fake.server().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (!check(req, res)) return;
    if (req.has_param("list-type")) {
      res.set_content(
          "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>p/r 1/"
          "a+b &amp; c.txt</Key><Size>5</Size></Contents></ListBucketResult>",
          "application/xml");
      return;
    }
    res.set_content(stored, "application/octet-stream");
  });
  fake.server().Delete(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (check(req, res)) res.status = 204;
  });
  fake.start();

  wfc::test::TempDir dir;
  S3Config c;
  c.bucket = "wfc-test";
  c.prefix = "p";
  c.region = "eu-west-3";
  c.endpoint = "http://127.0.0.1:" + std::to_string(fake.port());
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = secret;
  c.part_size = 1000;
  c.max_attempts = 1;
  S3Storage s(c);
  // A key that needs encoding: a space, '+', '&' and a non-ASCII letter.
  const std::string key = "r 1/a+b & c é.txt";
  REQUIRE_FALSE(s.put_file(key, wfc::test::write_bytes(dir.path() / "small", "hello")));
  CHECK(wfc::test::read_all(s, key, wfc::storage::ByteRange{1, 3}) == "ell");
  CHECK(s.stat(key).value.exists);
  auto listed = s.list("r 1");
  REQUIRE(listed.ok());
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].key == "r 1/a+b & c.txt");
  // A multipart upload: POST ?uploads=, PUTs with partNumber and an upload id that needs
  // encoding, POST ?uploadId= with a body.
  auto big = wfc::test::random_bytes(2100);
  REQUIRE_FALSE(s.put_file(key, wfc::test::write_bytes(dir.path() / "big", big)));
  CHECK_FALSE(s.remove(key));
  INFO("requests:\n"
       << [&] {
            std::string all;
            for (auto& line : seen) all += line + "\n";
            return all;
          }());
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  CHECK(seen.size() == 10);  // put, get, head, list, post, 3 parts, complete, delete

  // The same requests signed with another secret are refused: storage_refused, secret unsaid.
  S3Config wrong = c;
  wrong.secret_access_key = "not-the-secret-at-all";
  auto refused = S3Storage(wrong).put_file(key, dir.path() / "small");
  REQUIRE(refused);
  CHECK(refused->kind == StorageErrorKind::Refused);
  CHECK_THAT(refused->message, Catch::Contains("SignatureDoesNotMatch"));
  CHECK(refused->message.find("not-the-secret-at-all") == std::string::npos);
}

namespace {

/// "" when `req` is a GET presigned for `secret` (SigV4 in the query, AWS's "Authenticating
/// Requests: Using Query Parameters") that is still valid at `now`, else why not.
std::string verify_presigned(const httplib::Request& req, const std::string& secret, int64_t now) {
  if (req.method != "GET") return "not a GET";
  std::string target = req.target;
  size_t q = target.find('?');
  if (q == std::string::npos) return "no query";
  std::string uri = target.substr(0, q), query = target.substr(q + 1);
  std::vector<std::pair<std::string, std::string>> params;
  std::string signature;
  for (size_t start = 0; start <= query.size();) {
    size_t amp = query.find('&', start);
    std::string part = query.substr(start, amp == std::string::npos ? amp : amp - start);
    size_t eq = part.find('=');
    std::string name = decode(part.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : decode(part.substr(eq + 1));
    if (name == "X-Amz-Signature") {
      signature = value;
    } else {
      params.emplace_back(encode(name), encode(value));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::map<std::string, std::string> p;
  std::string canonical_query;
  for (const auto& [k, v] : params) {
    canonical_query += (canonical_query.empty() ? "" : "&") + k + "=" + v;
    p[decode(k)] = decode(v);
  }
  if (p["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256") return "X-Amz-Algorithm is not SigV4";
  if (p["X-Amz-SignedHeaders"] != "host") return "signs more than host";
  static const std::regex credential(R"(([^/]+)/(\d{8})/([^/]+)/s3/aws4_request)");
  std::smatch m;
  std::string cred = p["X-Amz-Credential"];
  if (!std::regex_match(cred, m, credential)) return "bad X-Amz-Credential: " + cred;
  std::string date = m[2], region = m[3];
  std::string stamp = p["X-Amz-Date"];
  if (stamp.substr(0, 8) != date) return "X-Amz-Date is not the credential's day";
  std::tm t{};
  if (!strptime(stamp.c_str(), "%Y%m%dT%H%M%SZ", &t)) return "bad X-Amz-Date";
  int64_t signed_at = timegm(&t);
  int64_t expires = std::stoll(p["X-Amz-Expires"]);
  if (expires < 1 || expires > 7 * 24 * 3600) return "X-Amz-Expires out of S3's range";
  std::string canonical = "GET\n" + uri + "\n" + canonical_query +
                          "\nhost:" + req.get_header_value("Host") + "\n\nhost\nUNSIGNED-PAYLOAD";
  std::string scope = date + "/" + region + "/s3/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), "s3"), "aws4_request");
  std::string mine = hex(reinterpret_cast<const unsigned char*>(hmac(key, to_sign).data()), 32);
  if (mine != signature) return "signature mismatch; canonical request:\n" + canonical;
  if (now > signed_at + expires) return "expired";
  return "";
}

}  // namespace

TEST_CASE("presigned GETs verify as AWS documents query signing, and only for their object",
          "[storage][s3][sigv4][objects]") {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  wfc::test::HttpServer fake;
  std::mutex mu;
  std::vector<std::string> problems;
  fake.server().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::string why = verify_presigned(req, secret, time(nullptr));
    std::lock_guard<std::mutex> lock(mu);
    if (!why.empty()) {
      problems.push_back(req.target + ": " + why);
      res.status = 403;
      return;
    }
    res.set_content("the bytes", "application/octet-stream");
  });
  fake.start();
  S3Config c;
  c.bucket = "wfc-test";
  c.prefix = "p";
  c.region = "eu-west-3";
  c.endpoint = "http://127.0.0.1:" + std::to_string(fake.port());
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = secret;
  S3Storage s(c);
  auto get = [&](const std::string& url) {
    std::string prefix = c.endpoint;
    REQUIRE(url.rfind(prefix, 0) == 0);
    httplib::Client client("127.0.0.1", fake.port());
    auto r = client.Get(url.substr(prefix.size()).c_str());
    REQUIRE(r);
    return r->status;
  };

  // A key that needs encoding; the URL is the object's, path style, and it works without any
  // header of ours.
  const std::string key = "run_x/r 1/a+b & c é.mp4";
  auto url = s.presigned_get(key, 600, time(nullptr));
  REQUIRE(url);
  INFO(*url);
  CHECK(url->rfind(c.endpoint + "/wfc-test/p/run_x/r%201/a%2Bb%20%26%20c%20%C3%A9.mp4?", 0) == 0);
  CHECK(url->find("X-Amz-Expires=600&") != std::string::npos);
  CHECK(url->find(secret) == std::string::npos);
  CHECK(get(*url) == 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& p : problems) UNSCOPED_INFO(p);
    CHECK(problems.empty());
    problems.clear();
  }

  // Another object under the same signature, a changed expiry, another secret: refused.
  std::string other = *url;
  other.replace(other.find("a%2Bb"), 5, "b%2Ba");
  CHECK(get(other) == 403);
  std::string longer = *url;
  longer.replace(longer.find("X-Amz-Expires=600"), 17, "X-Amz-Expires=900");
  CHECK(get(longer) == 403);
  S3Config wrong = c;
  wrong.secret_access_key = "not-the-secret-at-all";
  CHECK(get(*S3Storage(wrong).presigned_get(key, 600, time(nullptr))) == 403);
  // Expired: signed two hours ago for one.
  CHECK(get(*s.presigned_get(key, 3600, time(nullptr) - 7200)) == 403);
  // S3's limit: at most 7 days, whatever is asked.
  CHECK(s.presigned_get(key, 30 * 24 * 3600, time(nullptr))->find("X-Amz-Expires=604800&") !=
        std::string::npos);
  // A key the storage refuses gets no URL.
  CHECK_FALSE(s.presigned_get("../x", 600, time(nullptr)));
}
