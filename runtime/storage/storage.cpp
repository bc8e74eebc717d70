// The error kinds' names and the key rules shared by every backend (storage.h).
#include "runtime/storage/storage.h"

namespace wfc::storage {

std::string_view error_kind_name(StorageErrorKind kind) {
  switch (kind) {
    case StorageErrorKind::Unavailable:
      return "storage_unavailable";
    case StorageErrorKind::NotFound:
      return "not_found";
    case StorageErrorKind::Refused:
      return "storage_refused";
    case StorageErrorKind::Invalid:
      return "storage_invalid";
  }
  return "storage_unavailable";
}

std::string key_problem(std::string_view key) {
  if (key.empty()) return "it is empty";
  if (key.front() == '/') return "it is absolute (starts with '/')";
  for (char c : key) {
    if (c == '\\') return "it has a backslash; segments are separated by '/'";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "it has a control character";
  }
  std::size_t start = 0;
  while (true) {
    std::size_t slash = key.find('/', start);
    std::string_view part =
        key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) return "it has an empty segment ('//' or a trailing '/')";
    if (part == "." || part == "..") return "it has a '" + std::string(part) + "' segment";
    if (part.front() == '.') return "it has a hidden segment ('" + std::string(part) + "')";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (key.size() > 1024) return "it is longer than 1024 bytes";
  return "";
}

std::string prefix_problem(std::string_view prefix) {
  if (prefix.empty()) return "";
  if (prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return "it is absolute (starts with '/')";
  return key_problem(prefix);
}

StorageError invalid_key(std::string_view what, std::string_view key, std::string_view problem) {
  std::string shown(key.substr(0, 200));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return {StorageErrorKind::Invalid, "the storage " + std::string(what) + " '" + shown +
                                         "' is refused: " + std::string(problem)};
}

}  // namespace wfc::storage
