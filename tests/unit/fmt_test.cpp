// `wfc fmt` on every .wf file the project has (workflows/ and the valid golden files): the
// canonical layout is a fixed point, the document means the same before and after, and every
// comment of the source is still there.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/emit/dsl_format.h"
#include "compiler/frontend.h"
#include "test_meaning.h"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every .wf file under workflows/ and tests/golden/ that compiles without errors.
std::vector<fs::path> valid_wf_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"workflows", "tests/golden"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(WFC_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".wf") continue;
      wfc::SourceFile source(e.path().string(), read_file(e.path()));
      auto r = wfc::compile_source(source, wfc::syntax::Syntax::Dsl);
      bool errors =
          std::any_of(r.diagnostics.items().begin(), r.diagnostics.items().end(),
                      [](const auto& d) { return d.severity == wfc::diag::Severity::Error; });
      if (r.document && !errors) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string fmt(const std::string& name, const std::string& text) {
  wfc::SourceFile source(name, text);
  wfc::diag::Diagnostics diags(name);
  auto out = wfc::emit::format_dsl(source, diags);
  INFO(name << ":\n" << text);
  REQUIRE(out.has_value());
  return *out;
}

std::string meaning_of(const std::string& name, const std::string& text) {
  wfc::SourceFile source(name, text);
  auto r = wfc::compile_source(source, wfc::syntax::Syntax::Dsl);
  INFO(name << ":\n" << text);
  REQUIRE(r.document.has_value());
  return wfc::test::meaning(*r.document);
}

std::vector<std::string> comment_texts(const std::string& name, const std::string& text) {
  wfc::SourceFile source(name, text);
  std::vector<std::string> out;
  for (const auto& c : wfc::emit::dsl_comments(source)) out.push_back(c.text);
  return out;
}

/// fmt is idempotent, keeps the meaning and keeps each comment's text, in order.
void check_fmt(const std::string& name, const std::string& text) {
  std::string once = fmt(name, text);
  INFO(name << " formatted:\n" << once);
  CHECK(fmt(name, once) == once);
  CHECK(meaning_of(name, once) == meaning_of(name, text));
  CHECK(comment_texts(name, once) == comment_texts(name, text));
}

}  // namespace

TEST_CASE("fmt: every .wf file is formatted to a fixed point with the same meaning", "[fmt]") {
  auto files = valid_wf_files();
  CHECK(files.size() >= 19);
  for (const auto& f : files) check_fmt(f.string(), read_file(f));
}

TEST_CASE("fmt: the example workflows are already canonical", "[fmt]") {
  for (const auto& e : fs::directory_iterator(fs::path(WFC_SOURCE_DIR) / "workflows")) {
    if (e.path().extension() != ".wf") continue;
    std::string text = read_file(e.path());
    CHECK(fmt(e.path().string(), text) == text);
  }
}

TEST_CASE("fmt: comments stay beside the code they were next to", "[fmt]") {
  const std::string text =
      "# uploads\n"
      "automation    uploads \"Uploads\"{   // the header\n"
      "  description   \"All uploads\"\n"
      "/* thumbnails\n"
      "   first */\n"
      "      image(width:320,format:png)  as thumb # small\n"
      "  when kind==\"video\" && exists(metadata.label){\n"
      "    // captions, named with '-'\n"
      "    subtitles(format:vtt) as \"captions-vtt\"\n"
      "  }\n"
      "  // the end\n"
      "}\n"
      "// after\n";
  std::string once = fmt("c.wf", text);
  CHECK(once ==
        "# uploads\n"
        "automation uploads \"Uploads\" { // the header\n"
        "  description \"All uploads\"\n"
        "\n"
        "  /* thumbnails\n"
        "   first */\n"
        "  image(width: 320, format: png) as thumb # small\n"
        "  when kind == \"video\" && exists(metadata.label) {\n"
        "    // captions, named with '-'\n"
        "    subtitles(format: vtt) as \"captions-vtt\"\n"
        "  }\n"
        "  // the end\n"
        "}\n"
        "// after\n");
  check_fmt("c.wf", text);
}

TEST_CASE("fmt: a comment marker inside a string is no comment", "[fmt]") {
  const std::string text = "summary label \"a // b # c /* d */\" // real\n";
  CHECK(comment_texts("s.wf", text) == std::vector<std::string>{"// real"});
  CHECK(fmt("s.wf", text) == text);
}

TEST_CASE("fmt: a file with syntax errors is not formatted, and says why", "[fmt]") {
  wfc::SourceFile source("bad.wf", "video(width: 1280\n");
  wfc::diag::Diagnostics diags("bad.wf");
  CHECK_FALSE(wfc::emit::format_dsl(source, diags).has_value());
  REQUIRE_FALSE(diags.items().empty());
  CHECK(std::string(wfc::diag::info(diags.items().front().code).id) == "WF101");
}
