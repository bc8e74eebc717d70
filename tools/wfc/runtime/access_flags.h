// The access flags every command that runs workflows takes (`wfc run`, `wfc serve`), wired
// identically: --allow-hosts LIST (env WFC_ALLOW_HOSTS) and --allow-files LIST (env
// WFC_ALLOW_FILES) for what inputs may read, --allow-export LIST (env WFC_ALLOW_EXPORT) for where
// exports may write; comma-separated, repeatable; a flag given on the command line replaces its
// environment variable. Bad entries are usage errors reported by CLI11 before the command runs.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "runtime/ingest/access_policy.h"

namespace wfc::cli {

struct AccessFlags {
  std::vector<std::string> hosts;
  std::vector<std::string> files;
  std::vector<std::string> exports;
};

/// Adds --allow-hosts, --allow-files and --allow-export to `command`, storing their entries in
/// *flags.
inline void add_access_flags(CLI::App& command, AccessFlags* flags) {
  auto check = [](bool (ingest::AccessPolicy::*allow)(std::string_view, std::string*)) {
    return [allow](const std::string& entry) {
      ingest::AccessPolicy scratch;
      std::string error;
      return (scratch.*allow)(entry, &error) ? std::string() : error;
    };
  };
  command
      .add_option("--allow-hosts", flags->hosts,
                  "hosts, IP addresses and CIDR blocks inputs may come from besides public "
                  "addresses (e.g. 127.0.0.1,::1,10.0.0.0/8,minio.internal)")
      ->envname("WFC_ALLOW_HOSTS")
      ->delimiter(',')
      ->check(CLI::Validator(check(&ingest::AccessPolicy::allow_host), "HOST|IP|CIDR"));
  command
      .add_option("--allow-files", flags->files,
                  "directories (or single files) that local paths and file:// inputs may be read "
                  "from; none by default")
      ->envname("WFC_ALLOW_FILES")
      ->delimiter(',')
      ->check(CLI::Validator(check(&ingest::AccessPolicy::allow_file), "DIR"));
  command
      .add_option("--allow-export", flags->exports,
                  "directories `export` tasks may write files below (no symlink below them is "
                  "followed); none by default, and --allow-files does not grant writing")
      ->envname("WFC_ALLOW_EXPORT")
      ->delimiter(',')
      ->check(CLI::Validator(check(&ingest::AccessPolicy::allow_export), "DIR"));
}

/// The policy the parsed flags describe. False with *error if an entry went bad since parsing
/// (a directory removed in between).
inline bool access_policy(const AccessFlags& flags, ingest::AccessPolicy* policy,
                          std::string* error) {
  for (const auto& entry : flags.hosts) {
    if (!policy->allow_host(entry, error)) return false;
  }
  for (const auto& entry : flags.files) {
    if (!policy->allow_file(entry, error)) return false;
  }
  for (const auto& entry : flags.exports) {
    if (!policy->allow_export(entry, error)) return false;
  }
  return true;
}

}  // namespace wfc::cli
