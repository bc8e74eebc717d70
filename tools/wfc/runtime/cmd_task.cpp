// `wfc task KIND -i JSON [--OPTION VALUE …] [--out DIR] [--server URL [--key KEY]]`: one task, the
// CLI twin of POST /tasks in the form of seeds/004 ({kind, input, options}) and of ittybit's
// `ittybit task`. -i is {"url": …} for probe and import, a File object from an earlier task's
// `output` for the others, so tasks compose in a shell:
//   wfc task video -i "$(wfc task probe -i '{"url": "https://…/in.mp4"}' | jq .output)" --width 720
// The options are typed from the catalog and checked by the compiler before anything runs
// (task_options.h): `--width abc` is an error at `--width abc` that names the expected type.
// Locally (the default) the task runs in this process as `wfc run` runs a workflow: the input is
// read in place (a path or file:// URL named on the command line) or fetched under the access
// flags, the outputs go to --out (default wfc-tasks/<run id>/), and the task object is printed
// with its `input` and `output`, whose `url` is the file:// URL of the file made (a probe's or an
// export's output is the file it passed through). With --server the same body goes to a running
// server's POST /tasks (key: --key, else WFC_API_KEY), and the task is polled until it ends.
// Locally, `--connections FILE` gives the connections an export or ingest names by
// `--connection_id` (s3:// URLs), as `wfc run --connections` does; a server uses its own.
// Exit 0 when the task succeeded, 1 when it failed or was refused, 2 for usage errors.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "compiler/catalog/catalog.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "runtime/exec/media_executor.h"
#include "runtime/exec/scheduler.h"
#include "runtime/ingest/fetch.h"
#include "runtime/model/ids.h"
#include "runtime/model/status.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/access_flags.h"
#include "tools/wfc/runtime/ai_flags.h"
#include "tools/wfc/runtime/api_client.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime/connections_flag.h"
#include "tools/wfc/runtime/limit_flags.h"
#include "tools/wfc/runtime/task_options.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Args {
  std::string kind;
  std::string input;
  std::string out;
  std::string server;
  std::string key;
  AccessFlags access;
  std::vector<std::string> media_limits;
  std::string ai_config;
  std::string connections;         // --connections FILE (run here)
  std::vector<std::string> words;  // --OPTION VALUE …
};

bool terminal(const std::string& status) {
  std::optional<model::Status> s = model::parse_status(status);
  return s && model::is_terminal(*s);
}

int status_of(const json& task) {
  return task.value("status", "") == "succeeded" ? kOk : kProblems;
}

// The local path a -i url names when it is not fetched: a file:// URL or a path.
std::optional<fs::path> local_path(const std::string& url) {
  if (url.starts_with("file://")) return ingest::file_url_path(url);
  if (url.find("://") == std::string::npos) return fs::path(url);
  return std::nullopt;
}

int run_on_server(const Args& args, const json& input, const json& options) {
  std::string base = args.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Api api{base, args.key};
  if (api.key.empty()) {
    if (const char* env = std::getenv("WFC_API_KEY")) api.key = env;
  }
  json body = {{"kind", args.kind}, {"input", input}, {"options", options}};
  Api::Answer made = api.call("POST", "/tasks", &body);
  if (!made.reached || made.status != 201 || !made.body.is_object() || !made.body.contains("id")) {
    std::string where =
        made.body.is_object() && made.body.contains("pointer") && made.body["pointer"].is_string()
            ? " at " + made.body["pointer"].get<std::string>()
            : "";
    std::cerr << fmt::format("wfc task: {} refused the task{}: {}\n", base, where, made.message);
    return made.reached ? kProblems : kUsage;
  }
  std::string id = made.body["id"];
  json task = made.body;
  while (!terminal(task.value("status", ""))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Api::Answer got = api.call("GET", "/tasks/" + id);
    if (!got.reached || got.status != 200) {
      std::cerr << fmt::format("wfc task: reading task {}: {}\n", id, got.message);
      return kProblems;
    }
    task = got.body;
  }
  std::cout << task.dump(2) << "\n";
  if (task["error"].is_object()) {
    std::cerr << "wfc task: " << task["error"].value("message", "the task failed") << "\n";
  }
  return status_of(task);
}

int run_here(const Args& args, const std::string& url, const json& options) {
  // 1. Plan (already checked).
  SourceFile source("task", task_document(args.kind, url, options).dump());
  FrontendResult front = compile_source(source, syntax::Syntax::Json);
  diag::Diagnostics plan_diags("task");
  plan::Plan plan = plan::make_plan(*front.document, {}, plan_diags);

  // 2. The output directory and the input: read in place, or fetched there.
  std::string run_id = model::new_id("run");
  fs::path out = args.out.empty() ? fs::path("wfc-tasks") / run_id : fs::path(args.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::cerr << fmt::format("wfc task: cannot create '{}': {}\n", out.string(), ec.message());
    return kUsage;
  }
  out = fs::absolute(out);
  ingest::AccessPolicy policy;
  std::string error;
  if (!access_policy(args.access, &policy, &error) || !policy.allow_file(out.string(), &error) ||
      !policy.allow_export(out.string(), &error)) {
    std::cerr << "wfc task: " << error << "\n";
    return kUsage;
  }
  std::optional<fs::path> in_place = local_path(url);
  if (in_place) {
    // A file named on the command line may always be read, as `wfc run --input` is.
    if (!fs::is_regular_file(*in_place, ec) || !policy.allow_file(in_place->string(), &error)) {
      std::cerr << fmt::format("wfc task: the input '{}' is not a readable file\n", url);
      return kUsage;
    }
  }
  fs::path input_path;
  if (plan.node(plan::kRunInput)) {
    if (in_place) {
      input_path = *in_place;
    } else {
      auto fetched = ingest::fetch(url, out / ".input", {}, policy);
      if (!fetched.ok()) {
        std::cerr << fmt::format("wfc task: {} ({})\n", fetched.error->message,
                                 fetched.error->kind_name());
        return kProblems;
      }
      input_path = fetched.file.path;
    }
  }

  // 3. Run.
  auto engines = ai_engines(args.ai_config, "wfc task");
  if (!engines) return kUsage;
  exec::MediaExecutor executor(policy, {}, engines, media_limits(args.media_limits));
  std::unique_ptr<connections::Connections> listed;
  if (!args.connections.empty()) {
    listed = read_connections_flag(args.connections, "wfc task");
    if (!listed) return kUsage;
    executor.use_connections(listed.get());
  }
  exec::SchedulerOptions options_;
  options_.workspace = out;
  options_.run_id = run_id;
  auto prepared = std::make_shared<const exec::PreparedPlan>(
      std::move(plan), *exec::parse_predicate_engines("auto"));
  exec::Scheduler scheduler(prepared, executor, options_, [](const exec::Event&) {});
  exec::RunState run = scheduler.run(exec::FileRef{input_path, nullptr});

  // 4. The task object, with its input and output as POST /tasks shows them.
  json task = run.tasks.empty() ? run.to_json() : run.tasks.front().to_json(run.id);
  for (const exec::TaskState& t : run.tasks) {
    if (t.kind == args.kind && t.parent.empty()) task = t.to_json(run.id);
  }
  const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(args.kind);
  bool passes_input = spec && spec->passthrough;
  if (task.contains("outputs") && task["outputs"].is_array()) {
    for (json& file : task["outputs"]) {
      if (!file.is_object() || file.contains("url")) continue;
      if (passes_input) {
        file["url"] = url;
      } else if (file.contains("filename") && file["filename"].is_string()) {
        file["url"] = "file://" + (out / file["filename"].get<std::string>()).string();
      }
    }
  }
  json shown = {{"object", "external_file"}, {"url", url}};
  if (task.contains("inputs") && !task["inputs"].empty() && task["inputs"][0].is_object()) {
    shown = task["inputs"][0];
    shown["object"] = "external_file";
    shown["url"] = url;
  }
  task["input"] = shown;
  task["output"] =
      task.contains("outputs") && !task["outputs"].empty() ? task["outputs"][0] : json(nullptr);
  std::cout << task.dump(2) << "\n";
  if (run.error) std::cerr << "wfc task: " << run.error->message << "\n";
  return status_of(task);
}

int run_task(Args& args) {
  if (args.input.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "wfc task: -i is empty: give {\"url\": …} or a File object (when it comes from "
                 "another command, that command printed nothing: see its error)\n";
    return kUsage;
  }
  json input = json::parse(args.input, nullptr, false);
  if (input.is_discarded()) {
    std::cerr << "wfc task: -i must be JSON ({\"url\": …} or a File object), got: " << args.input
              << "\n";
    return kUsage;
  }
  std::string error;
  if (!args.server.empty() && !args.connections.empty()) {
    std::cerr << "wfc task: --connections is for a task run here; with --server the task uses "
                 "the server's connections (POST /connections)\n";
    return kUsage;
  }
  if (!catalog::Catalog::builtin().kind(args.kind)) {
    // The compiler names the kind and suggests one.
    std::cerr << check_task(args.kind, "https://example.com/in.mp4", json::object(), {});
    return kUsage;
  }
  std::optional<std::string> url = task_input_url(args.kind, input, &error);
  if (!url) {
    std::cerr << "wfc task: " << error << "\n";
    return kUsage;
  }
  std::optional<json> options = task_options(args.kind, args.words, &error);
  if (!options) {
    std::cerr << "wfc task: " << error << "\n";
    return kUsage;
  }
  std::string problems = check_task(args.kind, *url, *options, args.words);
  if (!problems.empty()) {
    std::cerr << problems;
    return kUsage;
  }
  return args.server.empty() ? run_here(args, *url, *options)
                             : run_on_server(args, input, *options);
}

}  // namespace

void add_task(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("task", runtime_summary("task"));
  cmd->add_option("kind", args->kind, "The task's kind: probe, import, video, audio, image, …")
      ->required();
  cmd->add_option("--input,-i", args->input,
                  "The input as JSON: {\"url\": …} for probe and import, a File object from an "
                  "earlier task's output for the others")
      ->required();
  cmd->add_option("--out,-o", args->out,
                  "Directory for the outputs when run here (default: wfc-tasks/<run id>)");
  cmd->add_option("--server", args->server,
                  "Send the task to this server's POST /tasks instead, e.g. http://127.0.0.1:8080");
  cmd->add_option("--key", args->key, "API key for --server (default: WFC_API_KEY)");
  add_access_flags(*cmd, &args->access);
  add_limit_flags(*cmd, &args->media_limits);
  add_ai_flags(*cmd, &args->ai_config);
  add_connections_flag(*cmd, &args->connections);
  cmd->allow_extras();
  cmd->footer(
      "Task options follow as --NAME VALUE (e.g. --width 720 --format webm), typed from the "
      "catalog: `wfc docs` lists each kind's options.");
  cmd->callback([args, cmd, &status] {
    args->words = cmd->remaining();
    status = run_task(*args);
  });
}

}  // namespace wfc::cli
