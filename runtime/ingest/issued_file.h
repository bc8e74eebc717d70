// A file this server issued, named as a task's input: a run's output file, read from its place in
// the data directory (DATA/runs/<run id>/<path>) rather than fetched. The API resolves a File
// input (by its `url`, api::parse_file_url, or by `id` through the store's files table) to one
// and stores the run's input as a reference, `wfc-file:<run id>/<path>`; the worker reads it
// through an access-policy entry for that one file (docs/security.md, "Inputs that are files
// this server issued"). Nothing else makes such a reference: an input a request gives must be a
// URL with `://`, which a reference is not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace wfc::ingest {

struct IssuedFile {
  std::string run_id;  // run_…
  std::string path;    // relative to the run's directory, '/'-separated, no hidden part

  /// "wfc-file:<run id>/<path>": what a run stores as its input.
  std::string reference() const;
  /// DATA/runs/<run id>/<path>.
  std::filesystem::path local_path(const std::filesystem::path& data_dir) const;
};

/// Whether `path` may name a file in a run's directory: relative, and no part empty, `..` or
/// hidden (the run's fetched input is `.input/`), no backslash or control character. Judged on
/// the text alone, by the rule every storage applies to keys (storage::key_problem), so a path
/// served, issued or stored is judged once, the same way.
bool issued_path_ok(std::string_view path);

/// The IssuedFile of a reference made by IssuedFile::reference(); nullopt for anything else.
std::optional<IssuedFile> parse_issued_reference(std::string_view reference);

}  // namespace wfc::ingest
