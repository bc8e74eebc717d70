// Uploads and downloads through a connection (see s3_transfer.h).
#include "runtime/connections/s3_transfer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "runtime/ingest/workspace_file.h"
#include "runtime/storage/s3_storage.h"

namespace wfc::connections {

namespace fs = std::filesystem;

namespace {

/// The S3 settings for `loc` through the connection, guarded by the access policy.
std::optional<TransferError> config_for(const Connections& connections,
                                        const std::string& connection_id, const S3Location& loc,
                                        const ingest::AccessPolicy& policy,
                                        storage::S3Config* config) {
  if (connection_id.empty()) {
    return TransferError{"connection_required",
                         fmt::format("s3://{}/{} is reached through a connection: name one in "
                                     "connection_id (POST /connections makes one)",
                                     loc.bucket, loc.key)};
  }
  Lookup found = connections.find(connection_id);
  if (!found.connection) return TransferError{found.error->kind, found.error->message};
  if (auto e = s3_config_for(*found.connection, loc.bucket, config)) {
    return TransferError{e->kind, e->message};
  }
  const ingest::AccessPolicy* p = &policy;
  config->guard = [p](std::string_view host, const net::IpAddress& address) {
    return p->connect_refusal(host, address);
  };
  return std::nullopt;
}

TransferError storage_error(const storage::StorageError& e, std::string_view connection_id) {
  return {std::string(e.kind_name()),
          fmt::format("{} (through the connection {})", e.message, connection_id)};
}

std::string safe_name(std::string_view key) {
  auto slash = key.rfind('/');
  std::string_view last = key.substr(slash == std::string_view::npos ? 0 : slash + 1);
  std::string out;
  for (char c : last.substr(0, 200)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += ok ? c : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  return out.empty() ? "input" : out;
}

}  // namespace

std::optional<S3Location> parse_s3_location(std::string_view url, std::string* why) {
  storage::S3Config parsed;
  std::string problem = storage::parse_s3_url(url, parsed);
  if (!problem.empty()) {
    *why = problem;
    return std::nullopt;
  }
  S3Location loc{parsed.bucket, parsed.prefix, parsed.prefix.empty() || url.ends_with("/")};
  return loc;
}

Uploaded upload_through(const Connections& connections, const std::string& connection_id,
                        std::string_view url, const fs::path& file, bool whole_folder,
                        const ingest::AccessPolicy& policy) {
  Uploaded out;
  std::string why;
  auto loc = parse_s3_location(url, &why);
  if (!loc) {
    out.error =
        TransferError{"storage_invalid", fmt::format("cannot export to '{}': {}", url, why)};
    return out;
  }
  storage::S3Config config;
  if (auto e = config_for(connections, connection_id, *loc, policy, &config)) {
    out.error = e;
    return out;
  }
  storage::S3Storage bucket(config);
  // The file's key; a playlist's folder goes where the playlist goes.
  std::string key =
      loc->folder ? loc->key + (loc->key.empty() ? "" : "/") + file.filename().string() : loc->key;
  std::vector<std::pair<std::string, fs::path>> puts = {{key, file}};
  if (whole_folder) {
    fs::path folder = file.parent_path();
    std::string base = key.substr(0, key.rfind('/') == std::string::npos ? 0 : key.rfind('/') + 1);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      fs::path rel = it->path().lexically_relative(folder);
      if (rel.filename().string().starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file() || it->path() == file) continue;
      puts.push_back({base + rel.generic_string(), it->path()});
    }
    if (ec) {
      out.error =
          TransferError{"export_failed", fmt::format("cannot list the folder of '{}': {}",
                                                     file.filename().string(), ec.message())};
      return out;
    }
  }
  for (const auto& [object, local] : puts) {
    if (auto e = bucket.put_file(object, local)) {
      out.error = storage_error(*e, connection_id);
      return out;
    }
    out.objects.push_back("s3://" + loc->bucket + "/" + object);
  }
  out.url = out.objects.front();
  std::sort(out.objects.begin(), out.objects.end());
  return out;
}

Downloaded download_through(const Connections& connections, const std::string& connection_id,
                            std::string_view url, const fs::path& dir, std::uint64_t max_bytes,
                            const ingest::AccessPolicy& policy) {
  Downloaded out;
  std::string why;
  auto loc = parse_s3_location(url, &why);
  if (!loc || loc->folder) {
    out.error = TransferError{
        "input_invalid",
        fmt::format("cannot fetch '{}': {}", url, loc ? "it names a folder, not an object" : why)};
    return out;
  }
  storage::S3Config config;
  if (auto e = config_for(connections, connection_id, *loc, policy, &config)) {
    out.error = e;
    return out;
  }
  storage::S3Storage bucket(config);
  auto stat = bucket.stat(loc->key);
  if (!stat.ok()) {
    out.error = storage_error(*stat.error, connection_id);
    return out;
  }
  if (!stat.value.exists) {
    out.error = TransferError{"input_not_found",
                              fmt::format("cannot fetch {}: there is no such object (through the "
                                          "connection {})",
                                          url, connection_id)};
    return out;
  }
  if (stat.value.size > max_bytes) {
    out.error = TransferError{"input_too_large",
                              fmt::format("cannot fetch {}: the object has {} bytes, more than the "
                                          "limit of {}",
                                          url, stat.value.size, max_bytes)};
    return out;
  }
  ingest::WorkspaceFile temp(dir);
  if (!temp.ok()) {
    out.error = TransferError{"internal_error", temp.error()};
    return out;
  }
  std::uint64_t got = 0;
  bool too_large = false, write_failed = false;
  auto e = bucket.read(loc->key, [&](std::string_view chunk) {
    got += chunk.size();
    if (got > max_bytes) return !(too_large = true);
    if (!temp.write(chunk)) return !(write_failed = true);
    return true;
  });
  if (too_large) {
    out.error = TransferError{
        "input_too_large",
        fmt::format("cannot fetch {}: more than the limit of {} bytes", url, max_bytes)};
  } else if (write_failed) {
    out.error = TransferError{"internal_error", temp.error()};
  } else if (e) {
    out.error = e->kind == storage::StorageErrorKind::NotFound
                    ? TransferError{"input_not_found",
                                    fmt::format("cannot fetch {}: there is no such object", url)}
                    : storage_error(*e, connection_id);
  }
  if (out.error) return out;
  auto path = temp.commit(safe_name(loc->key));
  if (!path) {
    out.error = TransferError{"internal_error", temp.error()};
    return out;
  }
  out.path = *path;
  return out;
}

}  // namespace wfc::connections
