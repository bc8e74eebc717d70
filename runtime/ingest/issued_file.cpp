// Files this server issued, as task inputs (see issued_file.h).
#include "runtime/ingest/issued_file.h"

#include "runtime/model/ids.h"

namespace wfc::ingest {

namespace {

constexpr std::string_view kScheme = "wfc-file:";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return std::nullopt;
    out += c;
    i += 2;
  }
  return out;
}

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

std::optional<IssuedFile> issued_file_of_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find('/');
  if (path_start == std::string_view::npos) return std::nullopt;
  std::string_view path = rest.substr(path_start);
  path = path.substr(0, path.find_first_of("?#"));
  constexpr std::string_view kFiles = "/files/";
  if (!path.starts_with(kFiles)) return std::nullopt;
  auto decoded = percent_decode(path.substr(kFiles.size()));
  if (!decoded) return std::nullopt;
  if (auto f = split_run_path(*decoded)) return f;
  // A signature as a path segment of its own, before the run id.
  size_t slash = decoded->find('/');
  if (slash == std::string::npos) return std::nullopt;
  return split_run_path(std::string_view(*decoded).substr(slash + 1));
}

std::optional<IssuedFile> parse_issued_reference(std::string_view reference) {
  if (!reference.starts_with(kScheme)) return std::nullopt;
  return split_run_path(reference.substr(kScheme.size()));
}

}  // namespace wfc::ingest
