// Hostile YAML: empty and binary files, nesting far past the limit, alias bombs and huge lines
// must each end in one clear diagnostic (or a document), never a crash or a runaway.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "compiler/frontend.h"
#include "compiler/syntax/reader.h"
#include "compiler/syntax/yaml/yaml_reader.h"

using namespace wfc;

namespace {

struct Result {
  std::optional<Value> value;
  diag::Diagnostics diags;
};

Result read(const std::string& text, const syntax::Limits& limits = {}) {
  SourceFile file("hostile.yaml", text);
  Result r{std::nullopt, diag::Diagnostics("hostile.yaml")};
  r.value = syntax::read_yaml(file, r.diags, limits);
  return r;
}

std::string at(Span s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
         std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The one diagnostic of a read that must fail.
const diag::Diagnostic& only(const Result& r) {
  REQUIRE(r.diags.size() == 1);
  CHECK_FALSE(r.value);
  return r.diags.items()[0];
}

}  // namespace

TEST_CASE("yaml hostile: empty, blank and comment-only files have no document", "[yaml]") {
  for (const char* text : {"", "\n\n", "# only a comment\n   # and another\n"}) {
    auto r = read(text);
    INFO(text);
    const auto& d = only(r);
    CHECK(d.code == diag::Code::EmptyFile);
    CHECK(d.message == "the file has no document");
    CHECK(at(d.span) == "1:1-1:1");
  }
}

TEST_CASE("yaml hostile: binary input is rejected before the parser", "[yaml]") {
  std::string binary = "kind: video\n";
  for (int i = 0; i < 256; ++i) binary += static_cast<char>((i * 37) & 0xFF);
  auto result = compile_source(SourceFile("bin.yaml", binary), syntax::Syntax::Yaml);
  // The first problem (diagnostics are sorted) is the first NUL byte, at the start of line 2.
  REQUIRE_FALSE(result.diagnostics.empty());
  const auto& d = result.diagnostics.items()[0];
  CHECK(d.code == diag::Code::BinaryFile);
  CHECK(d.span.line == 2);
  CHECK(d.span.column == 1);
  CHECK_FALSE(result.document);
}

TEST_CASE("yaml hostile: 100,000 nested flow brackets are WF105 at the 129th", "[yaml]") {
  auto r = read(repeat("[", 100000));
  const auto& d = only(r);
  CHECK(d.code == diag::Code::TooDeep);
  CHECK(d.message == "the document is nested more than 128 levels deep");
  CHECK(at(d.span) == "1:129-1:130");

  r = read(repeat("{a: ", 100000));
  CHECK(only(r).code == diag::Code::TooDeep);
  CHECK(at(only(r).span) == "1:513-1:514");

  // Brackets inside quotes and comments do not nest anything.
  r = read("a: \"" + repeat("[", 1000) + "\"  # " + repeat("{", 1000) + "\n");
  CHECK(r.diags.empty());
}

TEST_CASE("yaml hostile: 100,000 nested block sequences are WF105, no crash", "[yaml]") {
  auto r = read(repeat("- ", 100000) + "x\n");
  const auto& d = only(r);
  CHECK(d.code == diag::Code::TooDeep);
  CHECK(at(d.span) == "1:257-1:258");

  // Block mappings nested by indentation: the 129th level is reported where it starts.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::string(i, ' ') + "a:\n";
  r = read(text);
  CHECK(only(r).code == diag::Code::TooDeep);
  CHECK(at(only(r).span) == "129:129-129:130");
}

TEST_CASE("yaml hostile: nesting exactly at the limit is accepted", "[yaml]") {
  auto r = read(repeat("[", 128) + repeat("]", 128) + "\n");
  CHECK(r.diags.empty());
  REQUIRE(r.value);
  std::string text;
  for (int i = 0; i < 127; ++i) text += std::string(i, ' ') + "a:\n";
  text += std::string(127, ' ') + "a: 1\n";
  r = read(text);
  CHECK(r.diags.empty());
  REQUIRE(r.value);

  // A list under a key at the key's own column nests twice per indentation step; the reader
  // still counts the true depth.
  text.clear();
  for (int i = 0; i < 70; ++i)
    text += std::string(2 * i, ' ') + "a:\n" + std::string(2 * i, ' ') + "- b:\n";
  r = read(text);
  CHECK(only(r).code == diag::Code::TooDeep);
  CHECK(only(r).span.line == 128);
}

TEST_CASE("yaml hostile: a billion laughs stops at the alias that crosses the budget", "[yaml]") {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 1; j < 10; ++j) text += ", " + prev;
    text += "]\n";
  }
  auto r = read(text);
  const auto& d = only(r);
  CHECK(d.code == diag::Code::UnsupportedYaml);
  CHECK(d.message == "alias '*a4' expands the document beyond 1000000 values");
  CHECK(d.span.line == 6);

  // With a smaller budget the same document stops earlier.
  syntax::Limits small;
  small.max_nodes = 1000;
  r = read(text, small);
  CHECK(only(r).message == "alias '*a1' expands the document beyond 1000 values");
}

TEST_CASE("yaml hostile: an anchored copy that crosses the budget after aliases is WF109",
          "[yaml]") {
  // 10 written values, then each alias repeats them: the anchored copy of `b` (11 + 10 * 11
  // values) crosses a budget of 150 while the text itself holds only 32 values.
  std::string text = "a: &a [" + repeat("1, ", 9) + "1]\nb: &b [" + repeat("*a, ", 9) + "*a]\n";
  syntax::Limits small;
  small.max_nodes = 150;
  auto r = read(text, small);
  const auto& d = only(r);
  CHECK(d.code == diag::Code::UnsupportedYaml);
  CHECK(d.message == "aliases expand the document beyond 150 values");
  CHECK(at(d.span) == "2:7-2:8");
}

TEST_CASE("yaml hostile: more values than the budget is WF106", "[yaml]") {
  syntax::Limits small;
  small.max_nodes = 100;
  auto r = read("[" + repeat("1, ", 200) + "1]\n", small);
  const auto& d = only(r);
  CHECK(d.code == diag::Code::TooLarge);
  CHECK(d.message == "the document has more than 100 values");
}

TEST_CASE("yaml hostile: a very long single line is read in full", "[yaml]") {
  std::string big(2'000'000, 'x');
  auto r = read("label: " + big + "\n");
  REQUIRE(r.diags.empty());
  const auto* m = r.value->find("label");
  REQUIRE(m);
  CHECK(m->value.string.size() == big.size());
  CHECK(at(m->value.span) == "1:8-1:2000008");

  r = read("next: [" + repeat("a, ", 100000) + "a]\n");
  REQUIRE(r.diags.empty());
  CHECK(r.value->find("next")->value.items.size() == 100001);
}

TEST_CASE("yaml hostile: a file indented with tabs gets a bounded number of WF108", "[yaml]") {
  auto r = read("a:\n" + repeat("\tb: 1\n", 5000));
  REQUIRE(r.diags.size() == 10);
  CHECK(r.diags.items()[9].code == diag::Code::TabIndentation);
  CHECK(r.diags.items()[9].hint ==
        "YAML indentation must use spaces; replace the tab with spaces (4990 more lines below are "
        "indented with tabs)");
}

TEST_CASE("yaml hostile: an unclosed quote or bracket at the end of the file", "[yaml]") {
  auto r = read("kind: 'video\n");
  CHECK(only(r).code == diag::Code::InvalidSyntax);
  CHECK(at(only(r).span) == "1:7-1:8");
  r = read("options: {width: 640,\n");
  CHECK(only(r).code == diag::Code::InvalidSyntax);
  CHECK(at(only(r).span) == "1:22-1:22");
}
