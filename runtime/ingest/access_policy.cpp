// The allow-lists: parsing their entries and answering the questions fetch and export ask (may
// this connection go to this address; may this file be read; below which directory may this
// export write).
#include "runtime/ingest/access_policy.h"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace wfc::ingest {
namespace {

namespace fs = std::filesystem;

std::string lower_host(std::string_view host) {
  std::string s(host);
  if (!s.empty() && s.back() == '.') s.pop_back();
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool valid_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-') return false;
      label = 0;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '-') return false;
    ++label;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Whether `path` is `dir` or lies below it (both canonical).
bool below(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

/// `path` relative to `dir` when it is `dir` or lies below it (both absolute and lexically
/// normal), empty components (a trailing '/') dropped; nullopt otherwise.
std::optional<fs::path> relative_below(const fs::path& path, const fs::path& dir) {
  auto d = dir.begin(), p = path.begin();
  for (; d != dir.end(); ++d) {
    if (d->empty()) continue;  // "/data/" ends in an empty component
    while (p != path.end() && p->empty()) ++p;
    if (p == path.end() || *p != *d) return std::nullopt;
    ++p;
  }
  fs::path rest;
  for (; p != path.end(); ++p) {
    if (!p->empty()) rest /= *p;
  }
  return rest;
}

}  // namespace

std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> entries;
  while (true) {
    auto comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    if (!entry.empty()) entries.push_back(entry);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return entries;
}

bool AccessPolicy::allow_host(std::string_view entry, std::string* error) {
  entry = trim(entry);
  if (entry.empty()) return true;
  if (auto scheme_end = entry.find("://"); scheme_end != std::string_view::npos) {
    *error = "host entry '" + std::string(entry) + "' is a URL; give only its host";
    return false;
  }
  std::string_view bare = entry;
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  bool looks_numeric = bare.find_first_of(":/") != std::string_view::npos ||
                       std::all_of(bare.begin(), bare.end(), [](char c) {
                         return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
                       });
  if (looks_numeric) {
    std::string why;
    auto block = net::Cidr::parse(bare, &why);
    if (!block) {
      *error = "host entry '" + std::string(entry) + "': " + why;
      return false;
    }
    blocks_.push_back(*block);
    return true;
  }
  std::string name = lower_host(bare);
  if (!valid_host_name(name)) {
    *error = "host entry '" + std::string(entry) +
             "' is neither an IP address, a CIDR block (10.0.0.0/8) nor a host name";
    return false;
  }
  hosts_.push_back(std::move(name));
  return true;
}

bool AccessPolicy::allow_file(std::string_view entry, std::string* error) {
  entry = trim(entry);
  if (entry.empty()) return true;
  std::error_code ec;
  fs::path canonical = fs::canonical(fs::path(entry), ec);
  if (ec) {
    *error = "file entry '" + std::string(entry) + "': " + ec.message();
    return false;
  }
  auto status = fs::status(canonical, ec);
  if (fs::is_directory(status)) {
    dirs_.push_back(canonical);
  } else if (fs::is_regular_file(status)) {
    files_.push_back(canonical);
  } else {
    *error = "file entry '" + std::string(entry) + "' is neither a directory nor a regular file";
    return false;
  }
  return true;
}

bool AccessPolicy::allow_export(std::string_view entry, std::string* error) {
  entry = trim(entry);
  if (entry.empty()) return true;
  std::error_code ec;
  fs::path given = fs::absolute(fs::path(entry), ec).lexically_normal();
  fs::path canonical = ec ? fs::path() : fs::canonical(given, ec);
  if (ec) {
    *error = "export entry '" + std::string(entry) + "': " + ec.message();
    return false;
  }
  if (!fs::is_directory(canonical, ec)) {
    *error = "export entry '" + std::string(entry) + "' is not a directory";
    return false;
  }
  exports_.push_back({given, canonical});
  return true;
}

bool AccessPolicy::allow_exports(std::string_view list, std::string* error) {
  for (auto entry : split_list(list)) {
    if (!allow_export(entry, error)) return false;
  }
  return true;
}

std::optional<AccessPolicy::ExportRoot> AccessPolicy::export_root(const fs::path& path) const {
  for (const auto& dir : exports_) {
    for (const fs::path* name : {&dir.canonical, &dir.given}) {
      if (auto rest = relative_below(path, *name)) return ExportRoot{dir.canonical, *rest};
    }
  }
  return std::nullopt;
}

bool AccessPolicy::allow_hosts(std::string_view list, std::string* error) {
  for (auto entry : split_list(list)) {
    if (!allow_host(entry, error)) return false;
  }
  return true;
}

bool AccessPolicy::allow_files(std::string_view list, std::string* error) {
  for (auto entry : split_list(list)) {
    if (!allow_file(entry, error)) return false;
  }
  return true;
}

std::string AccessPolicy::connect_refusal(std::string_view host,
                                          const net::IpAddress& address) const {
  net::AddressClass cls = net::classify(address);
  if (cls == net::AddressClass::Public) return "";
  for (const auto& block : blocks_) {
    if (block.contains(address)) return "";
  }
  std::string name = lower_host(host);
  if (std::find(hosts_.begin(), hosts_.end(), name) != hosts_.end()) return "";
  return address.unmapped().to_string() + " is " + std::string(net::describe(cls)) +
         "; allow it with --allow-hosts or WFC_ALLOW_HOSTS";
}

bool AccessPolicy::file_allowed(const fs::path& file) const {
  if (std::find(files_.begin(), files_.end(), file) != files_.end()) return true;
  return std::any_of(dirs_.begin(), dirs_.end(),
                     [&](const fs::path& dir) { return below(file, dir); });
}

}  // namespace wfc::ingest
