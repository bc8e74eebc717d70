// Outputs put into the storage as nodes succeed, inputs fetched back (stored_outputs.h).
#include "runtime/exec/stored_outputs.h"

#include <fmt/format.h>

#include <fstream>

#include "runtime/storage/open_storage.h"

namespace wfc::exec {

namespace fs = std::filesystem;

namespace {

std::string format_of(const nlohmann::json& file) {
  return file.is_object() && file.contains("format") && file["format"].is_string()
             ? file["format"].get<std::string>()
             : "";
}

TaskError storage_failure(const storage::StorageError& e, std::string_view what) {
  // A local file to put that vanished is this worker's fault, not the storage's.
  std::string kind =
      e.kind == storage::StorageErrorKind::NotFound ? "internal_error" : std::string(e.kind_name());
  return {kind, fmt::format("{}: {}", what, e.message)};
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::equivalent(a, b, ec)) return true;
  return fs::absolute(a, ec).lexically_normal() == fs::absolute(b, ec).lexically_normal();
}

}  // namespace

StoringExecutor::StoringExecutor(Executor& inner, storage::Storage& storage, std::string run_id,
                                 fs::path workspace)
    : inner_(inner),
      storage_(storage),
      run_id_(std::move(run_id)),
      workspace_(std::move(workspace)) {}

std::string StoringExecutor::relative(const fs::path& file) const {
  if (file.empty()) return "";
  fs::path rel = file.lexically_normal().lexically_relative(workspace_.lexically_normal());
  std::string text = rel.generic_string();
  return storage::key_problem(text).empty() ? text : "";
}

std::optional<nlohmann::json> StoringExecutor::probe(const fs::path& path, TaskError* error) {
  if (auto e = restore({path, nullptr})) {
    *error = *e;
    return std::nullopt;
  }
  return inner_.probe(path, error);
}

std::vector<NodeResult> StoringExecutor::execute(const Work& work) {
  if (auto e = restore(work.input)) {
    std::vector<NodeResult> failed;
    for (const plan::Node* n : work.nodes) failed.push_back({n->id, {}, e, std::nullopt});
    return failed;
  }
  std::vector<NodeResult> results = inner_.execute(work);
  for (NodeResult& r : results) {
    if (r.error) continue;
    if (auto e = store(r, work.input)) {
      r.error = std::move(e);
      r.outputs.clear();
    }
  }
  return results;
}

std::optional<TaskError> StoringExecutor::store(const NodeResult& result, const FileRef& input) {
  auto put = [&](const fs::path& file, const std::string& rel) -> std::optional<TaskError> {
    std::string key = storage::run_file_key(run_id_, rel);
    if (auto local = storage_.local_file(key); local && same_file(*local, file)) {
      return std::nullopt;  // already where the storage keeps it
    }
    if (auto e = storage_.put_file(key, file)) {
      return storage_failure(
          *e, fmt::format("the output '{}' could not be stored in {}", rel, storage_.describe()));
    }
    return std::nullopt;
  };
  for (const FileRef& out : result.outputs) {
    std::string rel = relative(out.path);
    // Data outputs have no file; the run's fetched input (.input/) and a file passed through
    // (probe, conditions, export: the input itself) are no new file of this node.
    if (rel.empty() || (!input.path.empty() && same_file(out.path, input.path))) continue;
    fs::path folder = fs::path(rel).parent_path();
    if (!storage::is_playlist(format_of(out.file), rel) || folder.empty()) {
      if (auto e = put(out.path, rel)) return e;
      continue;
    }
    // A playlist goes up with its folder (variant playlists, segments), the playlist last, so
    // that a reader who finds it finds what it names.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(workspace_ / folder, ec);
         !ec && it != fs::end(it); it.increment(ec)) {
      if (!it->is_regular_file() || same_file(it->path(), out.path)) continue;
      std::string member = relative(it->path());
      if (member.empty()) continue;  // hidden: a temporary file
      if (auto e = put(it->path(), member)) return e;
    }
    if (ec) {
      return TaskError{"internal_error",
                       fmt::format("cannot list the folder of '{}': {}", rel, ec.message())};
    }
    if (auto e = put(out.path, rel)) return e;
  }
  return std::nullopt;
}

std::optional<TaskError> StoringExecutor::restore(const FileRef& file) {
  std::error_code ec;
  if (file.path.empty() || fs::exists(file.path, ec)) return std::nullopt;
  std::string rel = relative(file.path);
  if (rel.empty()) return std::nullopt;  // not a run file: the executor reports it missing
  auto failed = [&](const storage::StorageError& e) {
    return storage_failure(e, fmt::format("the input '{}' (an earlier task's output) could not be "
                                          "fetched from {}",
                                          rel, storage_.describe()));
  };
  fs::path folder = fs::path(rel).parent_path();
  if (storage::is_playlist(format_of(file.file), rel) && !folder.empty()) {
    auto objects = storage_.list(storage::run_file_key(run_id_, folder.generic_string()));
    if (!objects.ok()) return failed(*objects.error);
    std::string prefix = run_id_ + "/";
    for (const storage::ObjectInfo& o : objects.value) {
      if (!o.key.starts_with(prefix)) continue;
      if (auto e = fetch_object(storage_, o.key, workspace_ / o.key.substr(prefix.size()))) {
        return failed(*e);
      }
    }
    if (fs::exists(file.path, ec)) return std::nullopt;
  }
  if (auto e = fetch_object(storage_, storage::run_file_key(run_id_, rel), file.path)) {
    return failed(*e);
  }
  return std::nullopt;
}

bool keeps_in_place(const storage::Storage& storage, std::string_view run_id,
                    const fs::path& workspace) {
  auto local = storage.local_file(storage::run_file_key(run_id, "file"));
  if (!local) return false;
  std::error_code ec;
  return fs::absolute(*local, ec).lexically_normal() ==
         fs::absolute(workspace / "file", ec).lexically_normal();
}

storage::StorageStatus fetch_object(storage::Storage& storage, std::string_view key,
                                    const fs::path& dest) {
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) {
    return storage::StorageError{
        storage::StorageErrorKind::Unavailable,
        fmt::format("cannot create {}: {}", dest.parent_path().string(), ec.message())};
  }
  fs::path part = dest.parent_path() / ("." + dest.filename().string() + ".part");
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (!out) {
    return storage::StorageError{storage::StorageErrorKind::Unavailable,
                                 fmt::format("cannot write {}", part.string())};
  }
  auto status = storage.read(key, [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return static_cast<bool>(out);
  });
  out.close();
  if (!status && !out) {
    status = storage::StorageError{storage::StorageErrorKind::Unavailable,
                                   fmt::format("cannot write {}", part.string())};
  }
  if (status) {
    fs::remove(part, ec);
    return status;
  }
  fs::rename(part, dest, ec);
  if (ec) {
    return storage::StorageError{storage::StorageErrorKind::Unavailable,
                                 fmt::format("cannot write {}: {}", dest.string(), ec.message())};
  }
  return std::nullopt;
}

}  // namespace wfc::exec
