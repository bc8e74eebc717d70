// The allow-lists: parsing their entries and answering the questions fetch and export ask (may
// this connection go to this address; may this file be read; below which directory may this
// export write), for a connection, a file, or an input's text before anything is fetched.
#include "runtime/ingest/access_policy.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "runtime/ingest/workspace_file.h"

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

std::string AccessPolicy::file_refusal(const fs::path& path, fs::path* canonical,
                                       std::error_code* error) const {
  if (!reads_files()) {
    return "local files are not readable here; allow a directory with --allow-files or "
           "WFC_ALLOW_FILES";
  }
  const char* outside =
      "it is outside the directories allowed with --allow-files or WFC_ALLOW_FILES";
  error->clear();
  fs::path absolute = fs::absolute(path, *error).lexically_normal();
  *canonical = fs::canonical(absolute, *error);
  // Whether a path outside the allowed directories exists is none of the caller's business.
  if (*error) return file_allowed(absolute) ? "" : outside;
  return file_allowed(*canonical) ? "" : outside;
}

std::string AccessPolicy::opened_refusal(int fd) const {
  fs::path link = proc_root_ / "self" / "fd" / std::to_string(fd);
  std::error_code ec;
  fs::path opened = fs::read_symlink(link, ec);
  if (ec) {
    return "cannot check which file was opened: reading " + link.string() + " failed (" +
           ec.message() +
           "); local files are read only where /proc is mounted, so that a symlink swapped in "
           "after the check cannot escape";
  }
  if (file_allowed(opened)) return "";
  return "it is outside the directories allowed with --allow-files or WFC_ALLOW_FILES";
}

InputVerdict AccessPolicy::check_without_resolving(std::string_view input) const {
  using P = InputVerdict::Problem;
  std::string scheme = url_scheme(input);
  if (scheme == "http" || scheme == "https") {
    std::string_view host = url_host(input);
    auto address = net::IpAddress::parse(host);
    if (!address) return {};  // a host name: judged after DNS, at each connection
    std::string why = connect_refusal(host, *address);
    return why.empty() ? InputVerdict{} : InputVerdict{P::Refused, why};
  }
  std::optional<fs::path> path;
  if (scheme == "file") {
    path = file_url_path(input);
    if (!path) return {P::Invalid, "a file URL names a local path, as in file:///media/in.mp4"};
  } else if (!scheme.empty()) {
    return {P::Invalid, "'" + scheme + "' URLs are not fetched; use http, https or file"};
  } else {
    path = fs::path(input);
  }
  fs::path canonical;
  std::error_code error;
  std::string why = file_refusal(*path, &canonical, &error);
  return why.empty() ? InputVerdict{} : InputVerdict{P::Refused, why};
}

std::string url_scheme(std::string_view input) {
  auto end = input.find("://");
  if (end == std::string_view::npos || end == 0) return "";
  std::string scheme;
  for (std::size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(input[i]);
    bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
    scheme += static_cast<char>(std::tolower(c));
  }
  return scheme;
}

std::optional<fs::path> file_url_path(std::string_view url) {
  std::string_view rest = url.substr(std::string_view("file://").size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  std::string path = percent_decode(rest.substr(slash));
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return fs::path(path);
}

std::string_view url_host(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view authority = url.substr(start + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return close == std::string_view::npos ? authority.substr(1) : authority.substr(1, close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool AccessPolicy::file_allowed(const fs::path& file) const {
  if (std::find(files_.begin(), files_.end(), file) != files_.end()) return true;
  return std::any_of(dirs_.begin(), dirs_.end(),
                     [&](const fs::path& dir) { return below(file, dir); });
}

}  // namespace wfc::ingest
