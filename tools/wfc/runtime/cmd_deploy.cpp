// `wfc deploy DIR --server URL [--dry-run] [--key KEY]`: sync a directory of workflow files to a
// running server through its API, the way `wfc serve --workflows DIR` loads it at start: the same
// stable ids and the same diff (runtime/automation/workflow_dir.h), applied with POST, PATCH and
// DELETE on /automations. Prints one line per automation (+ created, ~ updated, - deleted, =
// unchanged).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "runtime/automation/workflow_dir.h"
#include "tools/wfc/commands.h"
#include "tools/wfc/runtime/api_client.h"
#include "tools/wfc/runtime/commands.h"
#include "tools/wfc/runtime_commands.h"

namespace wfc::cli {
namespace {

struct Args {
  std::string dir;
  std::string server;
  std::string key;
  bool dry_run = false;
};

std::string text_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// An automation as GET /automations shows it (wire_json.h), in the store's terms.
store::Automation from_wire(const nlohmann::json& j) {
  store::Automation a;
  a.id = text_field(j, "id");
  a.name = text_field(j, "name");
  a.description = text_field(j, "description");
  if (j.contains("workflow")) a.workflow = j["workflow"];
  a.status = text_field(j, "status");
  a.webhook_url = text_field(j, "webhook_url");
  a.source_path = text_field(j, "source");
  return a;
}

/// Every automation on the server, page by page (oldest first). False with *error when the
/// server cannot be reached or refuses.
bool list_all(const Api& api, std::vector<store::Automation>* out, std::string* error) {
  std::string after;
  for (;;) {
    std::string path = "/automations?limit=100&order=asc";
    if (!after.empty()) path += "&after=" + after;
    Api::Answer a = api.call("GET", path);
    if (!a.reached || a.status != 200) {
      *error = "GET " + api.base + path + ": " + a.message;
      return false;
    }
    // A list is {"data": [...], "has_more": bool}; a bare array is taken as one page.
    const nlohmann::json* items = nullptr;
    if (a.body.is_array()) {
      items = &a.body;
    } else if (a.body.is_object() && a.body.contains("data") && a.body["data"].is_array()) {
      items = &a.body["data"];
    }
    if (!items) {
      *error = "GET " + api.base + path + ": the answer is not a list of automations";
      return false;
    }
    for (const auto& j : *items) {
      if (j.is_object()) out->push_back(from_wire(j));
    }
    bool more = a.body.is_object() && a.body.value("has_more", false);
    if (!more || items->empty() || out->back().id == after) return true;
    after = out->back().id;
  }
}

/// The body of POST /automations (with the stable id) or PATCH /automations/{id}.
nlohmann::json to_body(const store::Automation& a, const store::Automation* before) {
  nlohmann::json body = {{"name", a.name},
                         {"description", a.description},
                         {"workflow", a.workflow},
                         {"status", a.status},
                         {"source", a.source_path}};
  if (!before) body["id"] = a.id;
  if (!a.webhook_url.empty()) {
    body["webhook_url"] = a.webhook_url;
  } else if (before && !before->webhook_url.empty()) {
    body["webhook_url"] = nullptr;  // the file no longer names one
  }
  return body;
}

void print_line(char sign, const store::Automation& a) {
  std::cout << sign << ' ' << a.id << "  " << (a.source_path.empty() ? "-" : a.source_path) << "  "
            << a.name << "\n";
}

int run_deploy(const Args& args) {
  std::string server = args.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  Api api{server, args.key};
  if (api.key.empty()) {
    if (const char* env = std::getenv("WFC_API_KEY")) api.key = env;
  }

  automation::DesiredAutomations desired = automation::read_workflow_dir(args.dir);
  if (!desired.error.empty()) {
    std::cerr << "wfc: " << desired.error << "\n";
    return kUsage;
  }
  for (const auto& bad : desired.invalid) {
    std::cerr << bad.diagnostics;
    std::cerr << "wfc: skipped " << bad.path << " (invalid)\n";
  }

  std::vector<store::Automation> existing;
  std::string error;
  if (!list_all(api, &existing, &error)) {
    std::cerr << "wfc: " << error << "\n";
    return kUsage;
  }
  std::set<std::string> keep;
  for (const auto& bad : desired.invalid) keep.insert(bad.path);
  automation::AutomationDiff diff =
      automation::diff_automations(desired.automations, existing, keep);
  std::map<std::string, const store::Automation*> before;
  for (const auto& e : existing) before[e.id] = &e;

  // Lines in file order, whatever the change, so the output reads like the tree.
  std::vector<std::pair<char, const store::Automation*>> lines;
  for (const auto& a : diff.create) lines.push_back({'+', &a});
  for (const auto& a : diff.update) lines.push_back({'~', &a});
  for (const auto& a : diff.remove) lines.push_back({'-', &a});
  for (const auto& a : diff.unchanged) lines.push_back({'=', &a});
  std::stable_sort(lines.begin(), lines.end(), [](const auto& x, const auto& y) {
    return std::tie(x.second->source_path, x.second->id) <
           std::tie(y.second->source_path, y.second->id);
  });

  bool failed = false;
  for (const auto& [sign, a] : lines) {
    print_line(sign, *a);
    if (args.dry_run || sign == '=') continue;
    Api::Answer answer;
    std::string what;
    if (sign == '+') {
      nlohmann::json body = to_body(*a, nullptr);
      what = "POST /automations";
      answer = api.call("POST", "/automations", &body);
    } else if (sign == '~') {
      nlohmann::json body = to_body(*a, before[a->id]);
      what = "PATCH /automations/" + a->id;
      answer = api.call("PATCH", "/automations/" + a->id, &body);
    } else {
      what = "DELETE /automations/" + a->id;
      answer = api.call("DELETE", "/automations/" + a->id);
    }
    if (!answer.reached) {
      std::cerr << "wfc: " << what << ": " << answer.message << "\n";
      return kUsage;
    }
    if (answer.status < 200 || answer.status >= 300) {
      std::cerr << "wfc: " << what << " (" << a->source_path << "): " << answer.message << "\n";
      failed = true;
    }
  }
  std::cout << diff.create.size() << " created, " << diff.update.size() << " updated, "
            << diff.remove.size() << " deleted, " << diff.unchanged.size() << " unchanged, "
            << desired.invalid.size() << " invalid"
            << (args.dry_run ? " (dry run: nothing applied)" : "") << "\n";
  return failed || !desired.invalid.empty() ? kProblems : kOk;
}

}  // namespace

void add_deploy(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("deploy", runtime_summary("deploy"));
  auto args = std::make_shared<Args>();
  cmd->add_option("dir", args->dir, "Directory of workflow files (.json, .yaml, .yml, .wf)")
      ->required();
  cmd->add_option("--server", args->server, "The server's base URL, e.g. http://127.0.0.1:8080")
      ->required();
  cmd->add_option("--key", args->key, "API key (default: the WFC_API_KEY environment variable)");
  cmd->add_flag("--dry-run", args->dry_run, "Print the changes without making them");
  cmd->footer(
      "Each file becomes the automation with its stable id (declared in the file, or derived\n"
      "from its path); automations deployed from files that are gone are deleted, automations\n"
      "created over the API are left alone. Invalid files are reported and skipped.\n"
      "Exit status: 0 in sync, 1 invalid files or changes the server refused, 2 usage or the\n"
      "server could not be reached.");
  cmd->callback([args, &status] { status = run_deploy(*args); });
}

}  // namespace wfc::cli
