// `wfc convert` keeps the meaning of a workflow: every file in workflows/ and a few hundred
// generated valid workflows, written in each syntax by the emitters and read back, give the same
// document. Plus the layout details a user sees in converted files (what YAML quotes, how JSON
// lines break) and the CLI's refusal to convert a file with errors.
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/emit/emit.h"
#include "compiler/frontend.h"
#include "test_meaning.h"
#include "test_workflow_gen.h"

namespace {

namespace fs = std::filesystem;
using wfc::syntax::Syntax;
using Json = nlohmann::ordered_json;

const fs::path kWorkflowsDir = fs::path(WFC_SOURCE_DIR) / "workflows";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string render(const wfc::diag::Diagnostics& diags) {
  std::string s;
  for (const auto& d : diags.items()) {
    s += std::to_string(d.span.line) + ":" + std::to_string(d.span.column) + " " +
         std::string(wfc::diag::info(d.code).id) + " " + d.message + "\n";
  }
  return s;
}

/// Compiles text that must be free of errors (warnings are allowed: a generated gate may be
/// judged redundant).
wfc::ast::Document compile_clean(const std::string& name, const std::string& text, Syntax syntax) {
  wfc::SourceFile source(name, text);
  auto result = wfc::compile_source(source, syntax);
  bool errors = std::any_of(result.diagnostics.items().begin(), result.diagnostics.items().end(),
                            [](const auto& d) { return d.severity == wfc::diag::Severity::Error; });
  INFO(name << " in " << wfc::syntax::syntax_name(syntax) << ":\n"
            << text << "\n"
            << render(result.diagnostics));
  REQUIRE(result.document.has_value());
  REQUIRE_FALSE(errors);
  return *result.document;
}

/// Converts `doc` to each syntax the build reads and back; each must mean the same document.
void check_round_trips(const std::string& name, const wfc::ast::Document& doc,
                       const std::vector<Syntax>& syntaxes) {
  const std::string expected_exact = wfc::emit::emit_json(doc);
  const std::string expected = wfc::test::meaning(doc);
  for (Syntax to : syntaxes) {
    std::string text = wfc::emit::emit(doc, to);
    auto back = compile_clean(name + " (converted)", text, to);
    INFO(name << " → " << wfc::syntax::syntax_name(to) << ":\n" << text);
    if (to == Syntax::Dsl) {
      CHECK(wfc::test::meaning(back) == expected);
    } else {
      // JSON and YAML keep even the spelling of conditions.
      CHECK(wfc::emit::emit_json(back) == expected_exact);
    }
    // Converting the converted file again changes nothing: the layout is canonical.
    CHECK(wfc::emit::emit(back, to) == text);
  }
}

std::vector<Syntax> syntaxes_read() {
  std::vector<Syntax> all = {Syntax::Json, Syntax::Yaml};
  if (wfc::test::dsl_supported()) all.push_back(Syntax::Dsl);
  return all;
}

using wfc::test::Gen;

}  // namespace

TEST_CASE("convert: every example workflow converts to each syntax and back unchanged",
          "[convert]") {
  auto syntaxes = syntaxes_read();
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kWorkflowsDir)) {
    auto syntax = wfc::syntax::syntax_for_path(entry.path().filename().string());
    if (!syntax || std::find(syntaxes.begin(), syntaxes.end(), *syntax) == syntaxes.end()) {
      continue;
    }
    auto name = entry.path().filename().string();
    auto doc = compile_clean(name, read_file(entry.path()), *syntax);
    check_round_trips(name, doc, syntaxes);
    ++files;
  }
  CHECK(files >= 30);
}

TEST_CASE("convert: 300 generated workflows convert to each syntax and back unchanged",
          "[convert]") {
  auto syntaxes = syntaxes_read();
  Gen gen(20240611);
  for (int i = 0; i < 300; ++i) {
    std::string name = "generated-" + std::to_string(i) + ".json";
    std::string text = gen.document().dump(2);
    auto doc = compile_clean(name, text, Syntax::Json);
    check_round_trips(name, doc, syntaxes);
  }
}

TEST_CASE("convert: YAML quotes exactly the strings it would read as something else", "[convert]") {
  auto doc = compile_clean("q.json", R"({"name": "yes", "description": "Resize: all", "workflow": [
    {"kind": "image", "label": "Thumbs for web", "folder": "out/thumbs", "options": {"width": 320}},
    {"kind": "summary", "label": "1.5"}, {"kind": "summary", "label": "null"}]})",
                           Syntax::Json);
  CHECK(wfc::emit::emit_yaml(doc) ==
        "name: \"yes\"\n"
        "description: \"Resize: all\"\n"
        "workflow:\n"
        "  - kind: image\n"
        "    label: Thumbs for web\n"
        "    folder: out/thumbs\n"
        "    options:\n"
        "      width: 320\n"
        "  - kind: summary\n"
        "    label: \"1.5\"\n"
        "  - kind: summary\n"
        "    label: \"null\"\n");
}

TEST_CASE("convert: JSON puts fields in canonical order and flat objects on one line",
          "[convert]") {
  auto doc = compile_clean("o.yaml",
                           "status: active\n"
                           "workflow:\n"
                           "  - options: {format: png, width: 320}\n"
                           "    ref: thumb\n"
                           "    kind: image\n"
                           "  - kind: summary\n"
                           "name: Thumbs\n",
                           Syntax::Yaml);
  CHECK(wfc::emit::emit_json(doc) ==
        "{\n"
        "  \"name\": \"Thumbs\",\n"
        "  \"status\": \"active\",\n"
        "  \"workflow\": [\n"
        "    {\n"
        "      \"kind\": \"image\",\n"
        "      \"ref\": \"thumb\",\n"
        "      \"options\": { \"format\": \"png\", \"width\": 320 }\n"
        "    },\n"
        "    { \"kind\": \"summary\" }\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("convert: a number JSON cannot hold is named, not written", "[convert]") {
  auto doc = compile_clean("n.yaml", "tasks:\n  - kind: summary\nmetadata:\n  ratio: .nan\n",
                           Syntax::Yaml);
  std::string where;
  CHECK_FALSE(wfc::emit::json_representable(wfc::emit::canonical_value(doc), &where));
  CHECK(where == "/metadata/ratio");
  CHECK(wfc::emit::emit_yaml(doc) == "tasks:\n  - kind: summary\nmetadata:\n  ratio: .nan\n");
}

TEST_CASE("convert: ids and refs that are no DSL name, and keywords after '.', survive the DSL",
          "[convert]") {
  auto doc = compile_clean("k.json",
                           R"({"id": "process-uploads", "name": "Captions", "workflow": [
  {"kind": "conditions", "options": {"metadata.label": {"exists": true}}, "next": [
    {"kind": "subtitles", "ref": "captions-vtt", "options": {"format": "vtt"}}]}]})",
                           Syntax::Json);
  std::string wf = wfc::emit::emit(doc, Syntax::Dsl);
  CHECK(wf ==
        "automation \"process-uploads\" \"Captions\" {\n"
        "  when exists(metadata.label) {\n"
        "    subtitles(format: vtt) as \"captions-vtt\"\n"
        "  }\n"
        "}\n");
  check_round_trips("k.json", doc, {Syntax::Json, Syntax::Yaml, Syntax::Dsl});
}
