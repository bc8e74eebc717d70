// S3Storage (s3_storage.h): keys to URLs, the retry loop, multipart uploads and the few XML
// answers S3 gives (errors, InitiateMultipartUpload, ListObjectsV2).
#include "runtime/storage/s3_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <thread>

#include "runtime/storage/s3_presign.h"
#include "runtime/storage/s3_request.h"

namespace wfc::storage {
namespace {

using s3::Request;
using s3::Response;

/// The text of the first <tag>…</tag> in `xml` from `from`, entities decoded; "" when absent.
std::string xml_text(std::string_view xml, std::string_view tag, std::size_t from = 0) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  std::size_t start = xml.find(open, from);
  if (start == std::string_view::npos) return "";
  start += open.size();
  std::size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return "";
  std::string_view raw = xml.substr(start, end - start);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    std::size_t semi = raw.find(';', i);
    std::string_view entity = raw.substr(i + 1, semi == std::string_view::npos ? 0 : semi - i - 1);
    if (entity == "amp")
      out += '&';
    else if (entity == "lt")
      out += '<';
    else if (entity == "gt")
      out += '>';
    else if (entity == "quot")
      out += '"';
    else if (entity == "apos")
      out += '\'';
    else if (entity.starts_with("#x") || entity.starts_with("#")) {
      bool hex = entity.starts_with("#x");
      unsigned code = 0;
      auto digits = entity.substr(hex ? 2 : 1);
      std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (code > 0 && code < 0x80) out += static_cast<char>(code);
    } else {
      out += '&';
      continue;
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

/// `text` without any occurrence of `secret`.
std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at; (at = text.find(secret)) != std::string::npos;) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

/// What one logical request (with its retries) came to.
struct Outcome {
  Response response;
  std::optional<StorageError> error;  // set for transport failures and retryable statuses that
                                      // outlasted the retries, and a stopped sink
};

class Client {
 public:
  explicit Client(const S3Config& config) : c_(config) {}

  std::string object_key(std::string_view key) const {
    return c_.prefix.empty() ? std::string(key) : c_.prefix + "/" + std::string(key);
  }
  /// "s3://bucket/prefix/key", for messages.
  std::string shown(std::string_view object) const {
    return "s3://" + c_.bucket + (object.empty() ? "" : "/" + std::string(object));
  }
  /// The URL of `object` ("" for the bucket), with a canonical query (may be empty).
  std::string url(std::string_view object, std::string_view query = "") const {
    std::string path = s3::uri_encode(object, true);
    std::string out = c_.endpoint.empty()
                          ? "https://" + c_.bucket + ".s3." + c_.region + ".amazonaws.com/" + path
                          : c_.endpoint + "/" + c_.bucket + (object.empty() ? "" : "/" + path);
    if (!query.empty()) out += "?" + std::string(query);
    return out;
  }
  std::string where() const { return c_.endpoint.empty() ? "AWS S3 in " + c_.region : c_.endpoint; }

  /// Runs `attempt` until it gets an answer that is not worth retrying or the attempts run out.
  /// `attempt` receives the number of the attempt (1, 2, …).
  Outcome send(std::string_view action, std::string_view object,
               const std::function<Response(int)>& attempt) const {
    Outcome out;
    int attempts = std::max(1, c_.max_attempts);
    auto wait = c_.backoff;
    for (int n = 1;; ++n) {
      out.response = attempt(n);
      const Response& r = out.response;
      if (r.sink_stopped) {
        out.error = StorageError{StorageErrorKind::Unavailable,
                                 "reading " + shown(object) + ": the receiver stopped"};
        return out;
      }
      bool retryable = r.transport_failed || r.status >= 500 || r.status == 429;
      if (!retryable) return out;
      if (n >= attempts) {
        std::string why;
        if (r.transport_failed) {
          why = "cannot reach the bucket '" + c_.bucket + "' at " + where() + " to " +
                std::string(action) + " " + shown(object) + " after " + std::to_string(n) +
                " attempts: " + r.transport_message +
                (c_.endpoint.empty() ? "" : " (check WFC_S3_ENDPOINT and that the server runs)");
        } else {
          why = "the S3 server at " + where() + " answered " + std::to_string(r.status) +
                error_detail(r) + " to " + std::string(action) + " " + shown(object) + ", " +
                std::to_string(n) + " times; try again later";
        }
        out.error = StorageError{StorageErrorKind::Unavailable, scrub(why, c_.secret_access_key)};
        return out;
      }
      std::this_thread::sleep_for(wait);
      wait *= 2;
    }
  }

  /// " (Code: Message)" from an S3 error body, or "".
  static std::string error_detail(const Response& r) {
    std::string code = xml_text(r.body, "Code"), message = xml_text(r.body, "Message");
    if (code.empty() && message.empty()) return "";
    return " (" + code + (message.empty() ? "" : ": " + message) + ")";
  }

  /// The error for a final non-2xx answer: not_found for 404, storage_invalid for 416,
  /// storage_refused for other 4xx.
  StorageError status_error(std::string_view action, std::string_view object,
                            const Response& r) const {
    std::string detail = error_detail(r);
    if (r.status == 404) {
      std::string code = xml_text(r.body, "Code");
      if (code == "NoSuchBucket") {
        return {StorageErrorKind::Refused, "the bucket '" + c_.bucket + "' does not exist at " +
                                               where() + " (cannot " + std::string(action) + " " +
                                               shown(object) + ")"};
      }
      return {StorageErrorKind::NotFound, "no object at " + shown(object)};
    }
    if (r.status == 416) {
      return {StorageErrorKind::Invalid,
              "the range asked of " + shown(object) + " starts past its end" + detail};
    }
    std::string hint = r.status == 403 || r.status == 401
                           ? "; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and the "
                             "bucket's policy"
                           : "";
    return {StorageErrorKind::Refused,
            scrub("the S3 server at " + where() + " refused to " + std::string(action) + " " +
                      shown(object) + ": " + std::to_string(r.status) + detail + hint,
                  c_.secret_access_key)};
  }

  const S3Config& config() const { return c_; }

 private:
  const S3Config& c_;
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

S3Storage::S3Storage(S3Config config) : config_(std::move(config)) {}

std::string S3Storage::describe() const {
  return "s3://" + config_.bucket + (config_.prefix.empty() ? "" : "/" + config_.prefix);
}

std::optional<std::string> S3Storage::presigned_get(std::string_view key, std::int64_t lifetime_s,
                                                    std::int64_t now) const {
  if (!key_problem(key).empty()) return std::nullopt;
  return presign_get_url(config_, Client(config_).object_key(key), lifetime_s, now);
}

StorageStatus S3Storage::put_file(std::string_view key, const std::filesystem::path& file) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  Client client(config_);
  std::string object = client.object_key(key);
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return StorageError{StorageErrorKind::NotFound, "cannot store " + file.string() + " at " +
                                                        client.shown(object) +
                                                        ": it is not a readable regular file"};
  }
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t part = std::max<std::uint64_t>(1, config_.part_size);
  auto upload = [&](const std::string& url, std::uint64_t offset, std::uint64_t length) {
    return client.send("upload", object, [&](int) {
      Request r;
      r.method = "PUT";
      r.url = url;
      r.file_fd = in.fd;
      r.offset = offset;
      r.length = length;
      return s3::perform(config_, r);
    });
  };
  if (size <= part) {
    Outcome o = upload(client.url(object), 0, size);
    if (o.error) return o.error;
    if (!o.response.ok()) return client.status_error("upload", object, o.response);
    return std::nullopt;
  }
  // Multipart: initiate, one PUT per part (each retried on its own), complete; abort on failure
  // so that the bucket keeps no orphaned parts.
  Outcome init = client.send("start a multipart upload of", object, [&](int) {
    Request r;
    r.method = "POST";
    r.url = client.url(object, "uploads=");
    return s3::perform(config_, r);
  });
  if (init.error) return init.error;
  if (!init.response.ok()) {
    return client.status_error("start a multipart upload of", object, init.response);
  }
  std::string upload_id = xml_text(init.response.body, "UploadId");
  if (upload_id.empty()) {
    return StorageError{StorageErrorKind::Unavailable,
                        "the S3 server at " + client.where() + " started a multipart upload of " +
                            client.shown(object) + " without an UploadId"};
  }
  std::string id = s3::uri_encode(upload_id, false);
  auto abort = [&](StorageError error) -> StorageStatus {
    client.send("abort the multipart upload of", object, [&](int) {
      Request r;
      r.method = "DELETE";
      r.url = client.url(object, "uploadId=" + id);
      return s3::perform(config_, r);
    });
    return error;
  };
  std::string complete = "<CompleteMultipartUpload>";
  int number = 1;
  for (std::uint64_t offset = 0; offset < size; offset += part, ++number) {
    std::uint64_t length = std::min(part, size - offset);
    Outcome o =
        upload(client.url(object, "partNumber=" + std::to_string(number) + "&uploadId=" + id),
               offset, length);
    if (o.error) return abort(*o.error);
    if (!o.response.ok()) return abort(client.status_error("upload", object, o.response));
    if (o.response.etag.empty()) {
      return abort({StorageErrorKind::Unavailable,
                    "the S3 server at " + client.where() + " gave no ETag for part " +
                        std::to_string(number) + " of " + client.shown(object)});
    }
    complete += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                xml_escape(o.response.etag) + "</ETag></Part>";
  }
  complete += "</CompleteMultipartUpload>";
  Outcome done = client.send("complete the multipart upload of", object, [&](int) {
    Request r;
    r.method = "POST";
    r.url = client.url(object, "uploadId=" + id);
    r.headers.push_back("Content-Type: application/xml");
    r.body = complete;
    return s3::perform(config_, r);
  });
  if (done.error) return abort(*done.error);
  if (!done.response.ok()) {
    return abort(client.status_error("complete the multipart upload of", object, done.response));
  }
  // S3 may answer 200 and put the error in the body.
  if (done.response.body.find("<Error>") != std::string::npos) {
    return abort({StorageErrorKind::Unavailable,
                  "the S3 server at " + client.where() +
                      " failed to complete the multipart upload of " + client.shown(object) +
                      Client::error_detail(done.response)});
  }
  return std::nullopt;
}

StorageStatus S3Storage::read(std::string_view key, const ByteSink& sink,
                              std::optional<ByteRange> range) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  Client client(config_);
  std::string object = client.object_key(key);
  if (range && range->length && *range->length == 0) {  // no bytes to ask for; it must exist
    auto st = stat(key);
    if (st.error) return st.error;
    if (!st.value.exists)
      return StorageError{StorageErrorKind::NotFound, "no object at " + client.shown(object)};
    return std::nullopt;
  }
  std::uint64_t delivered = 0;  // across attempts: a broken read resumes where it stopped
  Outcome o = client.send("read", object, [&](int) {
    Request r;
    r.url = client.url(object);
    ByteSink counted = [&](std::string_view chunk) {
      delivered += chunk.size();
      return sink(chunk);
    };
    r.sink = &counted;
    std::uint64_t offset = (range ? range->offset : 0) + delivered;
    if (range || delivered > 0) {
      std::string header = "Range: bytes=" + std::to_string(offset) + "-";
      if (range && range->length) {
        header += std::to_string(range->offset + *range->length - 1);
      }
      r.headers.push_back(header);
    }
    return s3::perform(config_, r);
  });
  if (o.error) return o.error;
  if (!o.response.ok()) return client.status_error("read", object, o.response);
  return std::nullopt;
}

StorageResult<ObjectStat> S3Storage::stat(std::string_view key) {
  if (auto problem = key_problem(key); !problem.empty()) {
    return {{}, invalid_key("key", key, problem)};
  }
  Client client(config_);
  std::string object = client.object_key(key);
  Outcome o = client.send("look at", object, [&](int) {
    Request r;
    r.method = "HEAD";
    r.url = client.url(object);
    return s3::perform(config_, r);
  });
  if (o.error) return {{}, o.error};
  if (o.response.status == 404) return {{false, 0}, std::nullopt};
  if (!o.response.ok()) return {{}, client.status_error("look at", object, o.response)};
  return {{true, o.response.content_length}, std::nullopt};
}

StorageStatus S3Storage::remove(std::string_view key) {
  if (auto problem = key_problem(key); !problem.empty()) return invalid_key("key", key, problem);
  Client client(config_);
  std::string object = client.object_key(key);
  Outcome o = client.send("delete", object, [&](int) {
    Request r;
    r.method = "DELETE";
    r.url = client.url(object);
    return s3::perform(config_, r);
  });
  if (o.error) return o.error;
  if (!o.response.ok() && o.response.status != 404) {
    return client.status_error("delete", object, o.response);
  }
  return std::nullopt;
}

StorageStatus S3Storage::remove_prefix(std::string_view prefix) {
  auto listed = list(prefix);
  if (listed.error) return listed.error;
  for (const auto& info : listed.value) {
    if (auto e = remove(info.key)) return e;
  }
  return std::nullopt;
}

StorageResult<std::vector<ObjectInfo>> S3Storage::list(std::string_view prefix) {
  if (auto problem = prefix_problem(prefix); !problem.empty()) {
    return {{}, invalid_key("prefix", prefix, problem)};
  }
  Client client(config_);
  std::string folder(prefix);
  if (!folder.empty() && folder.back() == '/') folder.pop_back();
  std::string root = config_.prefix.empty() ? "" : config_.prefix + "/";
  std::string wanted = folder.empty() ? root : client.object_key(folder) + "/";
  StorageResult<std::vector<ObjectInfo>> out;
  std::string token;
  for (int page = 0;; ++page) {
    // The query in SigV4's canonical order: names sorted, values encoded.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + s3::uri_encode(token, false) + "&";
    query += "list-type=2&prefix=" + s3::uri_encode(wanted, false);
    Outcome o = client.send("list", wanted, [&](int) {
      Request r;
      r.url = client.url("", query);
      return s3::perform(config_, r);
    });
    if (o.error) return {{}, o.error};
    if (!o.response.ok()) return {{}, client.status_error("list", wanted, o.response)};
    const std::string& xml = o.response.body;
    for (std::size_t at = xml.find("<Contents>"); at != std::string::npos;
         at = xml.find("<Contents>", at + 1)) {
      std::size_t end = xml.find("</Contents>", at);
      std::string_view item(xml.data() + at, (end == std::string::npos ? xml.size() : end) - at);
      std::string object = xml_text(item, "Key");
      std::string size_text = xml_text(item, "Size");
      if (!object.starts_with(wanted) || object.size() <= root.size()) continue;
      std::uint64_t size = 0;
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
      out.value.push_back({object.substr(root.size()), size});
    }
    token = xml_text(xml, "NextContinuationToken");
    if (xml_text(xml, "IsTruncated") != "true" || token.empty()) break;
  }
  std::sort(out.value.begin(), out.value.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace wfc::storage
