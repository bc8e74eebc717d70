// Files this server issued, as task inputs (see issued_file.h).
#include "runtime/ingest/issued_file.h"

#include "runtime/model/ids.h"

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
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part.front() == '.') return false;  // also `.` and `..`
    start = end + 1;
  }
  return true;
}

std::optional<IssuedFile> parse_issued_reference(std::string_view reference) {
  if (!reference.starts_with(kScheme)) return std::nullopt;
  return split_run_path(reference.substr(kScheme.size()));
}

}  // namespace wfc::ingest
