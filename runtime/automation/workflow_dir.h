// Automations from git: every workflow file under a directory (`.json`, `.yaml`, `.yml`, `.wf`)
// becomes one automation with a stable id, so that redeploying the same tree changes nothing and
// a run's automation_id keeps meaning the same file across restarts and machines. Used by
// `wfc serve --workflows DIR` (load_workflow_dir into the store, again on SIGHUP) and by
// `wfc deploy DIR --server URL` (read_workflow_dir and diff_automations against the server's
// list, applied through the API). docs/api-automations.md describes the rules.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/store.h"

namespace wfc::automation {

/// A file that did not become an automation, and why, in the compiler's human rendering.
struct InvalidWorkflow {
  std::string path;         // relative to the directory, '/'-separated
  std::string diagnostics;  // rendered diagnostics, no colour
};

/// What a directory asks for.
struct DesiredAutomations {
  /// Sorted by source_path. Each has id, name, description, workflow (JSON form), plan,
  /// status, webhook_url and source_path set; timestamps are left 0.
  std::vector<store::Automation> automations;
  std::vector<InvalidWorkflow> invalid;
  /// Nonempty when the directory itself could not be read; then nothing else is filled.
  std::string error;
};

/// "auto_" and 16 characters of [0-9a-z] taken from SHA-256 of `seed`: the same seed gives the
/// same id everywhere.
std::string derived_automation_id(std::string_view seed);

/// The id of the automation read from `relative_path`: a declared id that already is an
/// automation id (auto_ + 16 of [0-9a-z]) as it is; another declared id ("podcast") derived
/// from it, so renaming the file keeps the id; no declared id: derived from the path.
std::string automation_id_for(std::string_view declared_id, std::string_view relative_path);

/// Compiles and plans every workflow file below `dir` (hidden directories skipped). Files with
/// errors, and files declaring an id another file already took, are reported in `invalid`.
/// Automation documents give their name, description, status and webhook_url; the other shapes
/// (a bare workflow array, a run request's tasks, a single task) are named after the file.
DesiredAutomations read_workflow_dir(const std::filesystem::path& dir);

/// Whether two automations hold the same deployable fields: name, description, workflow,
/// status, webhook_url, source_path, and the plan when both sides have one (the API's objects
/// do not show it; the store's do, so a compiler upgrade that changes a plan updates it).
bool same_automation(const store::Automation& a, const store::Automation& b);

/// What it takes to make `existing` match `desired`.
struct AutomationDiff {
  std::vector<store::Automation> create;     // desired ids not in existing
  std::vector<store::Automation> update;     // desired, whose existing one differs (desired form)
  std::vector<store::Automation> unchanged;  // desired, already so
  std::vector<store::Automation> remove;     // existing, deployed from a file, no longer desired
};

/// The pure diff step shared by load_workflow_dir and `wfc deploy`. Only automations that were
/// deployed from a file (source_path set) are ever removed; those whose file is in
/// `keep_sources` (it exists but is invalid now) are kept, so a broken edit does not take a
/// working automation away. Each list is sorted by source_path, then id.
AutomationDiff diff_automations(const std::vector<store::Automation>& desired,
                                const std::vector<store::Automation>& existing,
                                const std::set<std::string>& keep_sources = {});

/// What a load did, by automation id (`invalid` by file).
struct LoadReport {
  std::vector<std::string> created, updated, unchanged, deleted;
  std::vector<InvalidWorkflow> invalid;
  std::string error;  // the directory could not be read; the store was left alone
};

/// For the server's log: each invalid file's diagnostics, then one line of counts ("workflows:
/// 3 created, 1 updated, 0 deleted, 20 unchanged, 1 invalid (skipped)"), or the error.
std::string describe(const LoadReport& report);

/// Syncs the store's automations with `dir`: read_workflow_dir, diff_automations against every
/// automation in the store, then creates, updates (keeping created_at) and deletes. Calling it
/// again with nothing changed on disk changes nothing. Throws store::StoreError.
LoadReport load_workflow_dir(store::Store& store, const std::filesystem::path& dir);

}  // namespace wfc::automation
