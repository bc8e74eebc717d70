// A file this server issued, named as a task's input: a run's output file, read from its place in
// the data directory (DATA/runs/<run id>/<path>) rather than fetched. The API resolves a File
// input (by its `url`, or by `id` through the store) to one and stores the run's input as a
// reference, `wfc-file:<run id>/<path>`; the worker reads it through an access-policy entry for
// that one file (docs/security.md, "Inputs that are files this server issued"). Nothing else
// makes such a reference: every input a request gives goes through the access policy, which
// never fetches the `wfc-file` scheme.
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
/// hidden (the run's fetched input is `.input/`). Judged on the text alone.
bool issued_path_ok(std::string_view path);

/// The run and path an API file URL names: http(s)://HOST/files/<run id>/<path>, the path
/// percent-decoded, with any query (a signature: `?expires=…&signature=…`) or fragment ignored,
/// and one path segment between `files/` and the run id allowed (a signature in the path).
/// Whose host it is, is not judged. nullopt when it is not of that shape.
std::optional<IssuedFile> issued_file_of_url(std::string_view url);

/// The IssuedFile of a reference made by IssuedFile::reference(); nullopt for anything else.
std::optional<IssuedFile> parse_issued_reference(std::string_view reference);

}  // namespace wfc::ingest
