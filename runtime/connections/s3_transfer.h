// Moving a task's files to and from S3 through a connection (docs/api.md "Connections"): `export`
// uploads the file it receives (an HLS or DASH playlist with its whole folder) to
// `s3://bucket/key`, `ingest` downloads `s3://bucket/key` into the run's directory. The bucket is
// reached with the connection's endpoint, region and credentials (StoredConnections opens the
// sealed secret only here, in the worker), and every connection goes through the access policy
// like any fetch: an endpoint on a loopback or private address needs --allow-hosts. Errors are
// `{kind, message}` values naming the connection and the object, never the secret.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/connections/connection.h"
#include "runtime/ingest/access_policy.h"

namespace wfc::connections {

/// `s3://bucket/key` split; `folder` when the key is empty or ends with '/'.
struct S3Location {
  std::string bucket, key;
  bool folder = false;
};

/// The location `url` names, or nullopt with *why (a bucket name, a key segment refused).
std::optional<S3Location> parse_s3_location(std::string_view url, std::string* why);

struct TransferError {
  std::string kind;  // connection_*, storage_unavailable, storage_refused, storage_invalid, …
  std::string message;
};

struct Uploaded {
  std::string url;                   // s3://bucket/key of the file itself (the playlist)
  std::vector<std::string> objects;  // s3://bucket/key of every object written, sorted
  std::optional<TransferError> error;
};

/// Uploads `file` to `url` through the connection `connection_id`. A key ending in '/' (or none)
/// is a folder that receives the file under its own name. With `whole_folder` (a playlist) every
/// file of `file`'s folder and below goes too, at the same relative keys beside it, hidden files
/// left out.
Uploaded upload_through(const Connections& connections, const std::string& connection_id,
                        std::string_view url, const std::filesystem::path& file, bool whole_folder,
                        const ingest::AccessPolicy& policy);

struct Downloaded {
  std::filesystem::path path;
  std::optional<TransferError> error;
};

/// Downloads the object `url` names into `dir` under its key's last segment (sanitized, never
/// replacing a file), at most `max_bytes`: input_too_large past it, input_not_found for a missing
/// object; other failures keep the storage kinds.
Downloaded download_through(const Connections& connections, const std::string& connection_id,
                            std::string_view url, const std::filesystem::path& dir,
                            std::uint64_t max_bytes, const ingest::AccessPolicy& policy);

}  // namespace wfc::connections
