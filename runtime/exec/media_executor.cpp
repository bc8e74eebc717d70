// The real runs' Executor (see media_executor.h).
#include "runtime/exec/media_executor.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/log.h>
}

#include <array>
#include <cstdlib>
#include <system_error>

#include "runtime/media/pass.h"
#include "runtime/media/probe.h"

namespace wfc::exec {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 6> kMediaKinds = {
    "video", "audio", "image", "animation", "thumbnails", "adaptive_video"};

// Where a node's files go: the run's directory, or the `folder` the task names inside it.
fs::path out_dir(const plan::Node& node, const Work& work) {
  fs::path folder = fs::path(node.folder).relative_path().lexically_normal();
  if (node.folder.empty() || folder.empty() || *folder.begin() == "..") return work.workspace;
  return work.workspace / folder;
}

FileRef file_ref(const fs::path& dir, const nlohmann::json& file) {
  fs::path path = dir;
  if (file.contains("filename") && file["filename"].is_string()) {
    path /= file["filename"].get<std::string>();
  }
  return {path, file};
}

}  // namespace

MediaExecutor::MediaExecutor(ingest::AccessPolicy policy, ingest::FetchLimits limits)
    : policy_(std::move(policy)), limits_(limits) {
  // FFmpeg's own log would interleave with the progress display; what matters reaches the
  // tasks' errors. WFC_FFMPEG_LOG=1 keeps it, for debugging an input.
  const char* keep = std::getenv("WFC_FFMPEG_LOG");
  if (!keep || std::string_view(keep) != "1") av_log_set_level(AV_LOG_FATAL);
}

bool is_media_kind(std::string_view kind) {
  for (std::string_view k : kMediaKinds) {
    if (k == kind) return true;
  }
  return false;
}

std::optional<nlohmann::json> MediaExecutor::probe(const fs::path& path, TaskError* error) {
  auto result = media::probe(path);
  if (auto* file = std::get_if<nlohmann::json>(&result)) return std::move(*file);
  const auto& e = std::get<media::MediaError>(result);
  *error = TaskError{e.kind, e.message};
  return std::nullopt;
}

std::vector<NodeResult> MediaExecutor::execute(const Work& work) {
  std::vector<NodeResult> results;
  media::PassSpec pass;
  pass.input = work.input.path;
  pass.cancel = work.stop;
  pass.progress = [&work](const std::string& id, double percent, double) {
    work.progress(id, percent);
  };
  for (const plan::Node* node : work.nodes) {
    if (is_media_kind(node->op)) {
      pass.outputs.push_back({node->id, node->op, node->options, out_dir(*node, work)});
    } else if (node->op == "ingest" || node->op == "import") {
      results.push_back(fetch(*node, work));
    } else if (node->op == "export") {
      results.push_back(export_files(*node, work));
    } else {
      results.push_back({node->id,
                         {},
                         TaskError{"kind_unsupported",
                                   fmt::format("'{}' tasks are not implemented by this runtime "
                                               "yet; the workflow is valid, but this task cannot "
                                               "run here",
                                               node->op)}});
    }
  }
  if (pass.outputs.empty()) return results;
  media::PassResult done = media::run_pass(pass);
  for (size_t i = 0; i < done.outputs.size(); ++i) {
    const media::OutputResult& out = done.outputs[i];
    NodeResult r;
    r.node = out.id;
    if (out.error) {
      r.error = TaskError{out.error->kind, out.error->message};
    } else {
      for (const nlohmann::json& file : out.files) {
        r.outputs.push_back(file_ref(pass.outputs[i].out_dir, file));
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

NodeResult MediaExecutor::fetch(const plan::Node& node, const Work& work) {
  NodeResult r{node.id, {}, std::nullopt};
  std::string url = node.options.value("url", "");
  ingest::FetchResult got = ingest::fetch(url, out_dir(node, work), limits_, policy_);
  if (!got.ok()) {
    r.error = TaskError{std::string(got.error->kind_name()), got.error->message};
    return r;
  }
  TaskError probe_error;
  auto file = probe(got.file.path, &probe_error);
  // A fetched file that is not media still succeeded as a fetch; what reads it fails.
  r.outputs.push_back({got.file.path, file ? *file : nlohmann::json(nullptr)});
  return r;
}

NodeResult MediaExecutor::export_files(const plan::Node& node, const Work& work) {
  NodeResult r{node.id, {}, std::nullopt};
  std::string url = node.options.value("url", "");
  std::string_view dir = url;
  if (dir.starts_with("file://")) dir.remove_prefix(7);
  if (dir.empty() || dir.find("://") != std::string_view::npos) {
    r.error = TaskError{"kind_unsupported",
                        fmt::format("export to '{}' is not supported yet: this runtime exports "
                                    "to local directories (file:///path or a path)",
                                    url)};
    return r;
  }
  // Exports write where --allow-files lets inputs be read: nothing else of the disk is reachable.
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(fs::path(dir)), ec);
  if (ec || !policy_.file_allowed(canonical)) {
    r.error = TaskError{"output_refused",
                        fmt::format("refused to export to '{}': it is not inside a directory "
                                    "allowed with --allow-files",
                                    dir)};
    return r;
  }
  fs::create_directories(dir, ec);
  fs::path target = fs::path(dir) / work.input.path.filename();
  if (!ec) fs::copy_file(work.input.path, target, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    r.error = TaskError{"export_failed",
                        fmt::format("could not copy '{}' to '{}': {}", work.input.path.string(),
                                    target.string(), ec.message())};
    return r;
  }
  nlohmann::json file = work.input.file;
  file["url"] = "file://" + fs::absolute(target).string();
  r.outputs.push_back({target, file});
  return r;
}

}  // namespace wfc::exec
