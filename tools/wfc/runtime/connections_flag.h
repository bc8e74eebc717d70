// The connections flag of the commands that run tasks in this process without a store (`wfc run`,
// `wfc task` locally): --connections FILE, a JSON or YAML file of the connections that `export`
// and `ingest` tasks name by connection_id, credentials included
// (connections::read_connections_file; docs/cli.md "Connections"). `wfc run --store` reads them
// from the store instead when no file is given.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "runtime/connections/connection.h"

namespace wfc::cli {

/// Adds --connections to `command`, storing the file's path in *file.
inline void add_connections_flag(CLI::App& command, std::string* file) {
  command.add_option("--connections", *file,
                     "JSON or YAML file of the connections export and ingest tasks name by "
                     "connection_id, with their credentials: {\"conn_…\": {\"kind\": \"s3\", "
                     "\"name\", \"endpoint\", \"region\", \"access_key_id\", "
                     "\"secret_access_key\", \"bucket\"}} (docs/cli.md)");
}

/// The connections of `file`; nullptr after printing why, prefixed with `who`.
inline std::unique_ptr<connections::Connections> read_connections_flag(const std::string& file,
                                                                       const char* who) {
  std::string error;
  auto listed = connections::read_connections_file(file, &error);
  if (!listed) std::cerr << who << ": " << error << "\n";
  return listed;
}

}  // namespace wfc::cli
