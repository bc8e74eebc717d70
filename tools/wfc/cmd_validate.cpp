// `wfc validate PATH...`: check workflow files (recursively for directories) on all cores and
// report their problems, in a stable order, in the chosen format: at most caps::kMaxDiagnostics
// per file, the rest counted by one WF118 note (the summary line and the exit status count all).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "compiler/diag/render.h"
#include "compiler/frontend.h"
#include "compiler/util/caps.h"
#include "tools/wfc/commands.h"

namespace wfc::cli {
namespace {

namespace fs = std::filesystem;

struct Job {
  std::string path;
  syntax::Syntax syntax;
};

struct Outcome {
  std::optional<SourceFile> source;
  std::vector<diag::Diagnostic> diagnostics;  // at most caps::kMaxDiagnostics and a WF118 note
  size_t errors = 0, warnings = 0;            // all of them, shown or not
  bool io_error = false;
};

/// Counts the file's diagnostics, then keeps the first caps::kMaxDiagnostics.
void count_and_cap(Outcome& out) {
  for (const auto& d : out.diagnostics) {
    out.errors += d.severity == diag::Severity::Error;
    out.warnings += d.severity == diag::Severity::Warning;
  }
  diag::truncate(out.diagnostics, caps::kMaxDiagnostics);
}

/// Expands the paths: files as given, directories recursively to the files whose extension
/// names a syntax (hidden directories skipped), each directory's files sorted by path.
bool expand(const std::vector<std::string>& paths, std::optional<syntax::Syntax> forced,
            std::vector<Job>& jobs) {
  bool ok = true;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p != "-" && fs::is_directory(p, ec)) {
      std::vector<Job> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec),
          end;
      for (; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        auto name = entry.path().filename().string();
        if (entry.is_directory(ec)) {
          if (!name.empty() && name[0] == '.' && name != "." && name != "..")
            it.disable_recursion_pending();
          continue;
        }
        if (auto s = syntax::syntax_for_path(name)) {
          found.push_back({entry.path().string(), forced.value_or(*s)});
        }
      }
      if (ec) {
        std::cerr << "wfc: cannot read directory '" << p << "': " << ec.message() << "\n";
        ok = false;
      }
      std::sort(found.begin(), found.end(),
                [](const Job& a, const Job& b) { return a.path < b.path; });
      jobs.insert(jobs.end(), found.begin(), found.end());
      continue;
    }
    auto s = forced ? forced : syntax::syntax_for_path(p);
    if (!s) {
      std::cerr << "wfc: cannot tell the syntax of '" << p
                << "' from its extension (.json, .yaml, .yml, .wf); use --syntax\n";
      ok = false;
      continue;
    }
    jobs.push_back({p, *s});
  }
  return ok;
}

Outcome check_one(const Job& job) {
  Outcome out;
  diag::Diagnostics load_diags(job.path == "-" ? "<stdin>" : job.path);
  out.source = load_source(job.path, load_diags);
  if (!out.source) {
    out.io_error = std::any_of(load_diags.items().begin(), load_diags.items().end(),
                               [](const auto& d) { return d.code == diag::Code::IoError; });
    out.diagnostics = std::move(load_diags.items());
    count_and_cap(out);
    return out;
  }
  auto result = compile_source(*out.source, job.syntax);
  out.diagnostics = std::move(result.diagnostics.items());
  count_and_cap(out);
  return out;
}

int run_validate(const std::vector<std::string>& paths, const std::string& format_name,
                 const std::string& syntax_name, const std::string& color, bool strict,
                 unsigned jobs_wanted, bool quiet) {
  auto format = diag::parse_format(format_name);
  if (!format) {
    std::cerr << "wfc: unknown format '" << format_name << "' (human, json, github, sarif)\n";
    return kUsage;
  }
  std::optional<syntax::Syntax> forced;
  if (!syntax_name.empty()) {
    forced = syntax::parse_syntax(syntax_name);
    if (!forced) {
      std::cerr << "wfc: unknown syntax '" << syntax_name << "' (json, yaml, wf)\n";
      return kUsage;
    }
  }
  std::vector<Job> jobs;
  bool usage_ok = expand(paths, forced, jobs);

  // Check on every core; results land in their job's slot so the output order is stable.
  std::vector<Outcome> outcomes(jobs.size());
  std::atomic<size_t> next{0};
  unsigned threads = jobs_wanted ? jobs_wanted : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, jobs.size())));
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < jobs.size();) outcomes[i] = check_one(jobs[i]);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  size_t errors = 0, warnings = 0, files_with_problems = 0;
  bool io_error = false;
  std::vector<diag::Diagnostic> all;
  for (auto& o : outcomes) {
    io_error |= o.io_error;
    errors += o.errors;
    warnings += o.warnings;
    files_with_problems += o.errors > 0 || (strict && o.warnings > 0);
  }

  diag::RenderOptions options;
  options.tool_version = WFC_VERSION;
  if (*format == diag::Format::Human) {
    options.color = color == "always" || (color == "auto" && diag::want_color(STDOUT_FILENO));
    for (const auto& o : outcomes) {
      diag::render_human(std::cout, o.diagnostics, o.source ? &*o.source : nullptr, options);
    }
    if (!quiet) {
      std::cerr << "checked " << jobs.size() << (jobs.size() == 1 ? " file" : " files") << ": "
                << errors << (errors == 1 ? " error" : " errors") << ", " << warnings
                << (warnings == 1 ? " warning" : " warnings") << "\n";
    }
  } else {
    std::map<std::string, const SourceFile*> by_path;
    for (auto& o : outcomes) {
      if (o.source) by_path[o.source->path()] = &*o.source;
      all.insert(all.end(), o.diagnostics.begin(), o.diagnostics.end());
    }
    auto lookup = [&](const std::string& p) -> const SourceFile* {
      auto it = by_path.find(p);
      return it == by_path.end() ? nullptr : it->second;
    };
    diag::render(std::cout, *format, all, lookup, options);
  }
  std::cout.flush();

  if (!usage_ok || io_error) return kUsage;
  if (errors > 0 || (strict && warnings > 0)) return kProblems;
  return kOk;
}

}  // namespace

void add_validate(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("validate", "Check workflow files and report every problem");
  struct Args {
    std::vector<std::string> paths;
    std::string format = "human";
    std::string syntax;
    std::string color = "auto";
    bool strict = false;
    bool quiet = false;
    unsigned jobs = 0;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("paths", args->paths, "Files and directories ('-' reads standard input)")
      ->required();
  cmd->add_option("--format,-f", args->format, "Output: human, json, github, sarif")
      ->capture_default_str();
  cmd->add_option("--syntax", args->syntax, "Read every file as json, yaml or wf");
  cmd->add_option("--color", args->color, "Colour: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--strict", args->strict, "Warnings fail too (exit 1)");
  cmd->add_flag("--quiet,-q", args->quiet, "No summary line on standard error");
  cmd->add_option("--jobs,-j", args->jobs, "Threads (default: all cores)");
  cmd->footer(
      "Exit status: 0 clean (warnings allowed unless --strict), 1 problems found, 2 usage or "
      "I/O error.");
  cmd->callback([args, &status] {
    status = run_validate(args->paths, args->format, args->syntax, args->color, args->strict,
                          args->jobs, args->quiet);
  });
}

}  // namespace wfc::cli
