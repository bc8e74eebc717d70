// `wfc run WORKFLOW --input URL|PATH --out DIR [--json] [--no-opt] [--predicates auto|vm|jit]`:
// compile a workflow, plan it, fetch the input, and execute the plan in-process; outputs and
// `run.json` (the run object with its tasks and their output File objects) go to DIR. Every
// predicate runs on the engine the plan chose, unless --predicates says otherwise (for
// benchmarks and tests); run.json records per task which engine ran it. Exit 0 only when the
// run succeeded; 1 when the workflow is invalid or the run failed or was cancelled; 2 for usage
// errors. `--connections FILE` gives the connections that `export` and `ingest` tasks name
// (s3:// URLs), credentials included, for runs without a server. With --storage URL
// (WFC_STORAGE) the outputs are also put into that storage at <run id>/<path> as each task
// succeeds (docs/storage.md). Ctrl-C cancels the run (the outputs made so far stay, run.json
// says `cancelled`).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "compiler/diag/render.h"
#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "runtime/exec/media_executor.h"
#include "runtime/exec/scheduler.h"
#include "runtime/exec/stored_outputs.h"
#include "runtime/ingest/fetch.h"
#include "runtime/model/ids.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/access_flags.h"
#include "tools/wfc/runtime/ai_flags.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime/limit_flags.h"
#include "tools/wfc/runtime/run_display.h"
#include "tools/wfc/runtime/storage_flags.h"
#include "tools/wfc/runtime/worker_flags.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Args {
  std::string workflow;
  std::string input;
  std::string out;
  bool json = false;
  bool no_opt = false;
  std::string predicates = "auto";
  unsigned threads = 0;
  double time_limit = 0;
  AccessFlags access;
  std::vector<std::string> media_limits;
  std::string ai_config;
  std::string connections;  // --connections FILE: what export/ingest's connection_id names
  std::string storage;      // "": the outputs stay in --out only
  exec::RetryPolicy retry;  // --task-attempts
};

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  if (g_interrupted.exchange(true)) std::_Exit(130);  // a second Ctrl-C: leave now
}

bool is_url(std::string_view s) { return s.find("://") != std::string_view::npos; }

bool write_run_json(const fs::path& dir, const exec::RunState& run) {
  std::ofstream out(dir / "run.json", std::ios::trunc);
  out << run.to_json().dump(2) << "\n";
  return static_cast<bool>(out);
}

int run_workflow(const Args& args) {
  // Ctrl-C from here on cancels the run (once it has started) instead of killing wfc.
  g_interrupted = false;
  auto previous = std::signal(SIGINT, on_interrupt);
  struct Restore {
    void (*handler)(int);
    ~Restore() { std::signal(SIGINT, handler); }
  } restore{previous};
  // 1. Compile and plan.
  diag::Diagnostics load_diags(args.workflow);
  auto syntax = syntax::syntax_for_path(args.workflow);
  if (!syntax) {
    std::cerr << "wfc: cannot tell the syntax of '" << args.workflow
              << "' from its extension (.json, .yaml, .yml, .wf)\n";
    return kUsage;
  }
  diag::RenderOptions render;
  render.color = diag::want_color(STDERR_FILENO);
  auto source = load_source(args.workflow, load_diags);
  if (!source) {
    diag::render_human(std::cerr, load_diags.items(), nullptr, render);
    return kUsage;
  }
  auto compiled = compile_source(*source, *syntax);
  if (compiled.diagnostics.has_errors() || !compiled.document) {
    diag::render_human(std::cerr, compiled.diagnostics.items(), &*source, render);
    return kProblems;
  }
  plan::PlanOptions plan_options;
  if (args.no_opt) {
    for (std::string_view pass : plan::kPassNames) plan_options.disabled.insert(std::string(pass));
  }
  diag::Diagnostics plan_diags(args.workflow);
  plan::Plan plan = plan::make_plan(*compiled.document, plan_options, plan_diags);
  diag::render_human(std::cerr, compiled.diagnostics.items(), &*source, render);
  diag::render_human(std::cerr, plan_diags.items(), &*source, render);

  // 2. The input: a local path is read in place; a URL is fetched into the output directory.
  std::error_code ec;
  fs::create_directories(args.out, ec);
  if (ec) {
    std::cerr << fmt::format("wfc: cannot create '{}': {}\n", args.out, ec.message());
    return kUsage;
  }
  ingest::AccessPolicy policy;
  std::string error;
  if (!access_policy(args.access, &policy, &error)) {
    std::cerr << "wfc: " << error << "\n";
    return kUsage;
  }
  fs::path input_path;
  if (is_url(args.input) && !args.input.starts_with("file://")) {
    auto fetched = ingest::fetch(args.input, fs::path(args.out) / ".input", {}, policy);
    if (!fetched.ok()) {
      std::cerr << fmt::format("wfc: {} ({})\n", fetched.error->message,
                               fetched.error->kind_name());
      return kProblems;
    }
    input_path = fetched.file.path;
  } else {
    // `wfc run` may always read its own --input.
    input_path = args.input.starts_with("file://") ? args.input.substr(7) : args.input;
    if (!fs::is_regular_file(input_path, ec)) {
      std::cerr << fmt::format("wfc: the input '{}' is not a readable file\n", args.input);
      return kUsage;
    }
  }

  // 3. Run, with a display on standard error.
  // Exports may write below --out, as the run's own outputs do (and read there, as before).
  if (!policy.allow_file(fs::absolute(args.out).string(), &error) ||
      !policy.allow_export(fs::absolute(args.out).string(), &error)) {
    std::cerr << "wfc: " << error << "\n";
    return kUsage;
  }
  auto engines = ai_engines(args.ai_config, "wfc");
  if (!engines) return kUsage;
  exec::MediaExecutor media(policy, {}, engines, media_limits(args.media_limits));
  std::unique_ptr<connections::Connections> listed;
  if (!args.connections.empty()) {
    listed = connections::read_connections_file(args.connections, &error);
    if (!listed) {
      std::cerr << "wfc: " << error << "\n";
      return kUsage;
    }
    media.use_connections(listed.get());
  }
  exec::SchedulerOptions options;
  options.threads = args.threads;
  options.retry = args.retry;
  options.workspace = args.out;
  // With --storage, each task's files are also put there, at <run id>/<path>, before its
  // success is recorded (runtime/exec/stored_outputs.h).
  std::shared_ptr<storage::Storage> storage;
  std::optional<exec::StoringExecutor> storing;
  if (!args.storage.empty()) {
    storage = open_storage_flag(args.storage, args.out, "wfc");
    if (!storage) return kUsage;
    options.run_id = model::new_id("run");
    storing.emplace(media, *storage, options.run_id, fs::path(args.out));
  }
  exec::Executor& executor = storing ? static_cast<exec::Executor&>(*storing) : media;
  options.task_time_limit = std::chrono::milliseconds(static_cast<int64_t>(args.time_limit * 1000));
  RunDisplay display(stderr, isatty(STDERR_FILENO) == 1);
  auto prepared = std::make_shared<const exec::PreparedPlan>(
      std::move(plan), *exec::parse_predicate_engines(args.predicates));
  exec::Scheduler scheduler(prepared, executor, options,
                            [&display](const exec::Event& e) { display.on_event(e); });
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (g_interrupted) {
        scheduler.cancel();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  exec::RunState run = scheduler.run(exec::FileRef{input_path, nullptr});
  done = true;
  watcher.join();
  display.finish();

  if (!write_run_json(args.out, run)) {
    std::cerr << fmt::format("wfc: cannot write '{}'\n",
                             (fs::path(args.out) / "run.json").string());
  }
  if (args.json) {
    std::cout << run.to_json().dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "run {} {}: {} tasks; outputs and run.json in {}{}\n", run.id,
        model::status_name(run.status), run.tasks.size(), args.out,
        storage ? fmt::format(", outputs stored in {}/{}/", storage->describe(), run.id) : "");
    if (run.error) std::cout << run.error->message << "\n";
  }
  return run.status == model::Status::Succeeded ? kOk : kProblems;
}

}  // namespace

void add_run(CLI::App& app, int& status) {
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("run", runtime_summary("run"));
  cmd->add_option("workflow", args->workflow, "The workflow file (.json, .yaml, .wf)")->required();
  cmd->add_option("--input,-i", args->input, "The input: a local path, file://, http(s):// URL")
      ->required();
  cmd->add_option("--out,-o", args->out, "Directory for the outputs and run.json")->required();
  cmd->add_flag("--json", args->json, "Print the run object (run.json) on standard output");
  cmd->add_flag("--no-opt", args->no_opt, "Run the unoptimized plan (no fusion, no dedupe, …)");
  cmd->add_option("--predicates", args->predicates,
                  "Engine for conditions and select: the plan's choice (auto), or all on the "
                  "bytecode VM (vm) or the JIT (jit)")
      ->check(CLI::IsMember({"auto", "vm", "jit"}));
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  cmd->add_option("--time-limit", args->time_limit,
                  "Seconds each task may take before it fails with task_timeout (0: none)");
  add_access_flags(*cmd, &args->access);
  add_limit_flags(*cmd, &args->media_limits);
  add_ai_flags(*cmd, &args->ai_config);
  cmd->add_option("--connections", args->connections,
                  "JSON or YAML file of the connections export and ingest tasks name by "
                  "connection_id, with their credentials: {\"conn_…\": {\"kind\": \"s3\", "
                  "\"name\", \"endpoint\", \"region\", \"access_key_id\", "
                  "\"secret_access_key\", \"bucket\"}} (docs/cli.md)");
  add_storage_flag(*cmd, &args->storage);
  add_retry_flags(*cmd, &args->retry);
  cmd->callback([args, &status] { status = run_workflow(*args); });
}

}  // namespace wfc::cli
