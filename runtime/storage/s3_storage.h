// S3Storage: the Storage interface over an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2,
// Garage; s3rver in the tests), on libcurl with SigV4 signing (s3_request.h). Objects are stored
// at prefix/key. Files over the part size go up as a multipart upload (aborted when a part
// fails); every request is retried with exponential backoff on 5xx, 429, timeouts and network
// errors, a bounded number of times, and a read that breaks mid-way resumes with a Range.
// Errors: storage_unavailable after the retries, not_found for 404, storage_refused for other
// 4xx (bad credentials, no such bucket); messages name the bucket and key, never a secret.
#pragma once

#include <string>

#include "runtime/storage/s3_config.h"
#include "runtime/storage/storage.h"

namespace wfc::storage {

class S3Storage final : public Storage {
 public:
  explicit S3Storage(S3Config config);

  std::string describe() const override;  // "s3://bucket/prefix"
  StorageStatus put_file(std::string_view key, const std::filesystem::path& file) override;
  StorageStatus read(std::string_view key, const ByteSink& sink,
                     std::optional<ByteRange> range = std::nullopt) override;
  StorageResult<ObjectStat> stat(std::string_view key) override;
  StorageStatus remove(std::string_view key) override;
  StorageStatus remove_prefix(std::string_view prefix) override;
  StorageResult<std::vector<ObjectInfo>> list(std::string_view prefix) override;
  /// A SigV4 query-string presigned GET (s3_presign.h) of prefix/key, valid for lifetime_s
  /// (at most 7 days, S3's limit); nullopt for a key that is refused.
  std::optional<std::string> presigned_get(std::string_view key, std::int64_t lifetime_s,
                                           std::int64_t now) const override;

  const S3Config& config() const { return config_; }

 private:
  S3Config config_;
};

}  // namespace wfc::storage
