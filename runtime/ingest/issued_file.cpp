// Files this server issued, as task inputs (see issued_file.h).
#include "runtime/ingest/issued_file.h"

#include "runtime/model/ids.h"
#include "runtime/storage/storage.h"

namespace wfc::ingest {

namespace {

constexpr std::string_view kScheme = "wfc-file:";

std::optional<IssuedFile> split_run_path(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  IssuedFile f{std::string(s.substr(0, slash)), std::string(s.substr(slash + 1))};
  if (!model::is_id(f.run_id, "run") || !issued_path_ok(f.path)) return std::nullopt;
  return f;
}

}  // namespace

std::string IssuedFile::reference() const { return std::string(kScheme) + run_id + "/" + path; }

std::filesystem::path IssuedFile::local_path(const std::filesystem::path& data_dir) const {
  return data_dir / "runs" / run_id / path;
}

bool issued_path_ok(std::string_view path) {
  // One rule for every path of a run's files: what a storage accepts as a key (storage.h).
  return storage::key_problem(path).empty();
}

std::optional<IssuedFile> parse_issued_reference(std::string_view reference) {
  if (!reference.starts_with(kScheme)) return std::nullopt;
  return split_run_path(reference.substr(kScheme.size()));
}

}  // namespace wfc::ingest
