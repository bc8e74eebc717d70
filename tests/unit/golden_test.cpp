// Golden diagnostics and the example workflows.
//
// Every input under tests/golden/ is a workflow with known mistakes; its `<file>.expected`
// sidecar holds exactly the diagnostics `wfc` must report for it, in the text format described
// in tests/golden/README.md. WFC_UPDATE_GOLDEN=1 rewrites the sidecars from the current output
// instead of comparing (review the diff before committing). Inputs listed in
// tests/golden/KNOWN-ISSUES.md hold the output we want but do not get yet: a mismatch there is a
// warning, and a match a failure (so the list shrinks when the code is fixed). Every file under
// workflows/ must compile without a single diagnostic, and each JSON/YAML pair must mean the same
// document.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/frontend.h"
#include "compiler/syntax/dsl/dsl_reader.h"
#include "compiler/syntax/json/json_reader.h"
#include "compiler/syntax/reader.h"
#include "compiler/syntax/yaml/yaml_reader.h"
#include "test_meaning.h"

namespace {

namespace fs = std::filesystem;
using wfc::diag::Code;

const fs::path kSourceDir = WFC_SOURCE_DIR;
const fs::path kGoldenDir = kSourceDir / "tests" / "golden";
const fs::path kWorkflowsDir = kSourceDir / "workflows";
constexpr std::string_view kExpectedSuffix = ".expected";

// Codes the golden corpus need not cover, and why.
const std::set<Code> kNotCoveredByGolden = {
    Code::IoError,          // WF100: needs a missing or unreadable path, not a file's content
    Code::TooLarge,         // WF106: needs a file over 8 MiB, too big to keep in the repository
    Code::NeverForInput,    // WF502: a plan warning for an --input; plan_prune_test covers it
    Code::MoreDiagnostics,  // WF118: added when output is capped; security_caps_test covers it
};

bool is_input(const fs::path& p) {
  return wfc::syntax::syntax_for_path(p.filename().string()).has_value();
}

/// The files under `dir` (recursively) whose extension names a syntax, sorted by path.
std::vector<fs::path> inputs_under(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && is_input(entry.path())) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string display_path(const fs::path& p) { return fs::relative(p, kSourceDir).generic_string(); }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The inputs named by `## <path>` headings in KNOWN-ISSUES.md, relative to tests/golden.
std::set<std::string> known_issues() {
  std::set<std::string> paths;
  std::istringstream lines(read_file(kGoldenDir / "KNOWN-ISSUES.md"));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("## ")) paths.insert(line.substr(3));
  }
  return paths;
}

/// One block per diagnostic: `LINE:COL-END_LINE:END_COL SEVERITY CODE MESSAGE`, then an indented
/// `hint:` line when there is a hint.
std::string render_golden(const std::vector<wfc::diag::Diagnostic>& diags) {
  std::ostringstream out;
  for (const auto& d : diags) {
    out << d.span.line << ':' << d.span.column << '-' << d.span.end_line << ':' << d.span.end_column
        << ' ' << wfc::diag::severity_name(d.severity) << ' ' << wfc::diag::id(d.code) << ' '
        << d.message << '\n';
    if (!d.hint.empty()) out << "  hint: " << d.hint << '\n';
  }
  return out.str();
}

/// Loads and compiles one file the way `wfc validate` does.
wfc::FrontendResult compile_file(const fs::path& p) {
  wfc::diag::Diagnostics load_diags(display_path(p));
  auto source = wfc::load_source(p.string(), load_diags);
  if (!source) return {std::nullopt, std::move(load_diags)};
  auto syntax = wfc::syntax::syntax_for_path(p.filename().string());
  return wfc::compile_source(*source, *syntax);
}

// The document as plain data, spans left out: what a JSON file and its YAML twin must share.
nlohmann::json text_json(const std::optional<wfc::ast::Text>& t) {
  return t ? nlohmann::json(t->value) : nlohmann::json();
}

nlohmann::json task_json(const wfc::ast::Task& task) {
  nlohmann::json j;
  j["kind"] = task.kind.value;
  j["pointer"] = task.pointer;
  j["ref"] = text_json(task.ref);
  j["label"] = text_json(task.label);
  j["folder"] = text_json(task.folder);
  j["filename"] = text_json(task.filename);
  j["has_options"] = task.options_span.valid();
  j["has_next"] = task.next_span.valid();
  j["options"] = nlohmann::json::array();
  for (const auto& o : task.options) {
    j["options"].push_back({o.name, o.pointer, nlohmann::json::parse(wfc::json_text(o.value))});
  }
  j["next"] = nlohmann::json::array();
  for (const auto& n : task.next) j["next"].push_back(task_json(n));
  return j;
}

nlohmann::json document_json(const wfc::ast::Document& doc) {
  auto value_json = [](const std::optional<wfc::Value>& v) {
    return v ? nlohmann::json::parse(wfc::json_text(*v)) : nlohmann::json();
  };
  nlohmann::json j;
  j["kind"] = std::string(document_kind_name(doc.kind));
  j["id"] = text_json(doc.id);
  j["name"] = text_json(doc.name);
  j["description"] = text_json(doc.description);
  j["status"] = text_json(doc.status);
  j["url"] = text_json(doc.url);
  j["webhook_url"] = text_json(doc.webhook_url);
  j["input"] = value_json(doc.input);
  j["metadata"] = value_json(doc.metadata);
  j["workflow_pointer"] = doc.workflow_pointer;
  j["workflow"] = nlohmann::json::array();
  for (const auto& t : doc.workflow) j["workflow"].push_back(task_json(t));
  return j;
}

/// The whole file as read (before the document builder); nullopt when it cannot be read.
/// With `recovering`, a .wf file with syntax errors gives the partial tree `wfc validate` checks.
std::optional<wfc::Value> read_value(const fs::path& p, wfc::diag::Diagnostics& diags,
                                     bool recovering = false) {
  wfc::SourceFile source(display_path(p), read_file(p));
  if (!wfc::syntax::precheck(source, diags)) return std::nullopt;
  auto syntax = wfc::syntax::syntax_for_path(p.filename().string());
  if (syntax == wfc::syntax::Syntax::Json) return wfc::syntax::read_json(source, diags);
  if (syntax == wfc::syntax::Syntax::Dsl && recovering) {
    std::vector<wfc::Span> incomplete;
    return wfc::syntax::read_dsl_recovering(source, diags, incomplete);
  }
  if (syntax == wfc::syntax::Syntax::Dsl) return wfc::syntax::read_dsl(source, diags);
  return wfc::syntax::read_yaml(source, diags);
}

/// The whole file as read, as JSON text.
std::string read_value_json(const fs::path& p) {
  wfc::diag::Diagnostics diags(display_path(p));
  auto value = read_value(p, diags);
  return value ? wfc::json_text(*value) : "<unreadable: " + render_golden(diags.items()) + ">";
}

bool within(const wfc::Span& inner, const wfc::Span& outer) {
  auto before = [](uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 <= c2);
  };
  return before(outer.line, outer.column, inner.line, inner.column) &&
         before(inner.end_line, inner.end_column, outer.end_line, outer.end_column);
}

/// Whether a diagnostic's span lies where its JSON pointer (RFC 6901) leads in `root`: inside
/// the value it names, that value's key, or the object or array holding it (a duplicate key's
/// second occurrence, a required option's task). Only the last step may be missing (a missing
/// option). Explains a failure in *why.
bool pointer_matches_span(const wfc::Value& root, const wfc::diag::Diagnostic& d,
                          std::string* why) {
  std::vector<std::string> tokens;
  for (size_t at = 1; at <= d.pointer.size();) {
    size_t end = std::min(d.pointer.find('/', at), d.pointer.size());
    std::string token = d.pointer.substr(at, end - at);
    for (size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
    for (size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
    tokens.push_back(token);
    at = end + 1;
  }
  const wfc::Value* value = &root;
  const wfc::Value* parent = nullptr;
  std::optional<wfc::Span> key_span;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const wfc::Value* next = nullptr;
    if (value->is_object()) {
      if (const auto* m = value->find(tokens[i])) {
        next = &m->value;
        key_span = m->key_span;
      }
    } else if (value->is_array() && !tokens[i].empty() &&
               tokens[i].find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(tokens[i]) < value->items.size()) {
      next = &value->items[std::stoul(tokens[i])];
      key_span.reset();
    }
    if (!next) {
      *why = "pointer stops at '" + tokens[i] + "'";
      return i + 1 == tokens.size() && within(d.span, value->span);
    }
    parent = value;
    value = next;
  }
  *why = "span is outside the value the pointer names and its container";
  return within(d.span, value->span) || (key_span && within(d.span, *key_span)) ||
         (parent && within(d.span, parent->span));
}

}  // namespace

TEST_CASE("golden: every invalid file reports exactly its expected diagnostics", "[golden]") {
  const char* update_env = std::getenv("WFC_UPDATE_GOLDEN");
  const bool update = update_env != nullptr && std::string(update_env) == "1";
  const auto known = known_issues();
  auto inputs = inputs_under(kGoldenDir);
  REQUIRE(inputs.size() >= 100);
  size_t mismatches = 0, updated = 0;
  for (const auto& input : inputs) {
    auto result = compile_file(input);
    std::string actual = render_golden(result.diagnostics.items());
    fs::path expected_path = input.string() + std::string(kExpectedSuffix);
    std::string expected = fs::exists(expected_path) ? read_file(expected_path) : "<missing>";
    const bool is_known = known.count(fs::relative(input, kGoldenDir).generic_string()) != 0;
    if (is_known) {
      // The sidecar holds the output we want; never overwrite it with today's.
      if (actual == expected) {
        FAIL_CHECK(display_path(input) << " now gives its expected output: "
                                          "remove it from tests/golden/KNOWN-ISSUES.md");
      } else {
        WARN("known issue " << display_path(input) << "\n--- wanted ---\n"
                            << expected << "--- actual ---\n"
                            << actual);
      }
      continue;
    }
    if (actual == expected) continue;
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      ++updated;
      continue;
    }
    ++mismatches;
    FAIL_CHECK(display_path(input) << "\n--- expected ---\n"
                                   << expected << "--- actual ---\n"
                                   << actual);
  }
  if (update) WARN("WFC_UPDATE_GOLDEN=1: rewrote " << updated << " .expected file(s)");
  CHECK(mismatches == 0);
}

TEST_CASE("golden: every known issue names an existing input", "[golden]") {
  for (const auto& path : known_issues()) {
    INFO("tests/golden/KNOWN-ISSUES.md names '" << path << "'");
    CHECK(is_input(kGoldenDir / path));
    CHECK(fs::exists(kGoldenDir / path));
  }
}

TEST_CASE("golden: every input has a .expected sidecar and every sidecar an input", "[golden]") {
  for (const auto& input : inputs_under(kGoldenDir)) {
    INFO(display_path(input));
    CHECK(fs::exists(input.string() + std::string(kExpectedSuffix)));
  }
  for (const auto& entry : fs::recursive_directory_iterator(kGoldenDir)) {
    std::string path = entry.path().string();
    if (!entry.is_regular_file() || !path.ends_with(kExpectedSuffix)) continue;
    INFO(display_path(entry.path()));
    fs::path input = path.substr(0, path.size() - kExpectedSuffix.size());
    CHECK(is_input(input));
    CHECK(fs::exists(input));
  }
}

TEST_CASE("golden: every diagnostic code is exercised by some .expected file", "[golden]") {
  // Known issues hold wanted, not actual, output: they prove nothing about coverage.
  const auto known = known_issues();
  std::set<std::string> seen;
  const std::regex code_at_line_start(R"(^\d+:\d+-\d+:\d+ \w+ (WF\d{3}) )");
  for (const auto& entry : fs::recursive_directory_iterator(kGoldenDir)) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || !path.ends_with(kExpectedSuffix)) continue;
    fs::path input = path.substr(0, path.size() - kExpectedSuffix.size());
    if (known.count(fs::relative(input, kGoldenDir).generic_string())) continue;
    std::istringstream lines(read_file(entry.path()));
    std::smatch m;
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_search(line, m, code_at_line_start)) seen.insert(m[1]);
    }
  }
  for (const auto& code : wfc::diag::all_codes()) {
    if (kNotCoveredByGolden.count(code.code)) continue;
    INFO(code.id << " (" << code.name << ") appears in no tests/golden/**/*.expected");
    CHECK(seen.count(std::string(code.id)) == 1);
  }
}

TEST_CASE("golden: every JSON pointer names the place its diagnostic points at", "[golden]") {
  size_t checked = 0;
  for (const auto& input : inputs_under(kGoldenDir)) {
    auto result = compile_file(input);
    wfc::diag::Diagnostics read_diags;
    auto root = read_value(input, read_diags, /*recovering=*/true);
    if (!root) continue;  // a reader may name where it gave up, but there is no tree to check
    for (const auto& d : result.diagnostics.items()) {
      if (d.pointer.empty()) continue;  // unknown, or the whole document
      std::string why;
      INFO(display_path(input) << ": " << render_golden({d}) << "pointer '" << d.pointer << "'");
      CHECK(d.pointer[0] == '/');
      CHECK(pointer_matches_span(*root, d, &why));
      INFO(why);
      ++checked;
    }
  }
  CHECK(checked >= 100);
}

TEST_CASE("golden: the pointer check tells a right pointer from a wrong one", "[golden]") {
  wfc::SourceFile source("inline.json",
                         "[{\"kind\": \"video\", \"options\": {\"fps\": 75}},\n"
                         " {\"kind\": \"image\"}]");
  wfc::diag::Diagnostics diags;
  auto root = wfc::syntax::read_json(source, diags);
  REQUIRE(root.has_value());
  auto fps = wfc::compile_source(source, wfc::syntax::Syntax::Json).diagnostics.items();
  REQUIRE(fps.size() == 1);
  CHECK(fps[0].pointer == "/0/options/fps");
  std::string why;
  CHECK(pointer_matches_span(*root, fps[0], &why));
  auto wrong = fps[0];
  wrong.pointer = "/1/kind";  // the other task
  CHECK_FALSE(pointer_matches_span(*root, wrong, &why));
  wrong.pointer = "/0/next/0";  // nothing there
  CHECK_FALSE(pointer_matches_span(*root, wrong, &why));
}

TEST_CASE("workflows: every example compiles without a single diagnostic", "[workflows]") {
  auto files = inputs_under(kWorkflowsDir);
  REQUIRE(files.size() >= 16);
  const bool dsl = wfc::test::dsl_supported();
  for (const auto& file : files) {
    if (file.extension() == ".wf" && !dsl) continue;  // until this build reads the DSL
    auto result = compile_file(file);
    INFO(display_path(file) << ":\n" << render_golden(result.diagnostics.items()));
    CHECK(result.document.has_value());
    CHECK(result.diagnostics.empty());
  }
}

TEST_CASE("workflows: each JSON file and its YAML twin mean the same document", "[workflows]") {
  std::map<std::string, std::vector<fs::path>> by_stem;
  std::vector<fs::path> wf_files;
  for (const auto& file : inputs_under(kWorkflowsDir)) {
    if (file.extension() == ".wf") {
      wf_files.push_back(file);
      continue;
    }
    by_stem[(file.parent_path() / file.stem()).string()].push_back(file);
  }
  REQUIRE(by_stem.size() >= 8);
  for (const auto& [stem, files] : by_stem) {
    INFO(display_path(stem) << ": JSON and YAML forms");
    REQUIRE(files.size() == 2);
    const auto& json = files[0].extension() == ".json" ? files[0] : files[1];
    const auto& yaml = files[0].extension() == ".json" ? files[1] : files[0];
    CHECK(json.extension() == ".json");
    CHECK(yaml.extension() != ".json");

    CHECK(read_value_json(yaml) == read_value_json(json));

    auto from_json = compile_file(json);
    auto from_yaml = compile_file(yaml);
    REQUIRE(from_json.document.has_value());
    REQUIRE(from_yaml.document.has_value());
    CHECK(document_json(*from_yaml.document).dump(2) == document_json(*from_json.document).dump(2));

    // The DSL twin: the same document, conditions compared by what they mean (the DSL spells
    // them as infix).
    fs::path wf = fs::path(stem).replace_extension(".wf");
    INFO(display_path(wf));
    REQUIRE(fs::exists(wf));
    if (!wfc::test::dsl_supported()) continue;  // until this build reads the DSL
    auto from_wf = compile_file(wf);
    REQUIRE(from_wf.document.has_value());
    CHECK(wfc::test::meaning(*from_wf.document) == wfc::test::meaning(*from_json.document));
  }
  // No .wf file without its JSON and YAML twins.
  for (const auto& wf : wf_files) {
    INFO(display_path(wf));
    CHECK(by_stem.count((wf.parent_path() / wf.stem()).string()) == 1);
  }
}
