// Hostile input through the JSON front end and the shared precheck: empty, binary and non-UTF-8
// files, a 100 MB file, 100,000 levels of nesting, a million elements. Each gets its one clear
// diagnostic (or completes), in bounded time and memory, and nothing crashes.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "compiler/frontend.h"
#include "compiler/syntax/json/json_reader.h"

using namespace wfc;
using diag::Code;

namespace {

FrontendResult compile_json(std::string text) {
  SourceFile file("hostile.json", std::move(text));
  return compile_source(file, syntax::Syntax::Json);
}

std::string where(const Span& s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
         std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
}

// The one diagnostic the reader or the precheck gives a hostile file.
diag::Diagnostic only_diagnostic(const FrontendResult& r) {
  REQUIRE(r.diagnostics.size() == 1);
  CHECK_FALSE(r.document.has_value());
  return r.diagnostics.items().front();
}

// A temporary directory removed with everything in it when the test ends.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string name = "wfc-hostile-XXXXXX";
    path = std::filesystem::temp_directory_path() / name;
    std::string buffer = path.string();
    REQUIRE(::mkdtemp(buffer.data()) != nullptr);
    path = buffer;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("hostile: an empty file", "[hostile]") {
  auto d = only_diagnostic(compile_json(""));
  CHECK(d.code == Code::EmptyFile);
  CHECK(where(d.span) == "1:1-1:1");
}

TEST_CASE("hostile: random binary bytes", "[hostile]") {
  std::mt19937 random(20240601);
  std::string bytes(64 * 1024, '\0');
  for (auto& b : bytes) b = static_cast<char>(random() & 0xFF);
  const size_t nul = bytes.find('\0');
  REQUIRE(nul != std::string::npos);
  SourceFile file("x", bytes);
  const Position at = file.position(nul);

  auto d = only_diagnostic(compile_json(bytes));
  CHECK(d.code == Code::BinaryFile);
  CHECK(d.span.line == at.line);
  CHECK(d.span.column == at.column);
  CHECK(d.message == "unexpected NUL byte; the file looks binary");

  // Without NULs the same noise is caught as invalid UTF-8, before any parser sees it.
  for (auto& b : bytes) b = b == '\0' ? '\x01' : b;
  d = only_diagnostic(compile_json(bytes));
  CHECK(d.code == Code::InvalidUtf8);
}

TEST_CASE("hostile: a Latin-1 file", "[hostile]") {
  auto d =
      only_diagnostic(compile_json("{\n  \"name\": \"Caf\xE9 uploads\",\n  \"workflow\": []\n}"));
  CHECK(d.code == Code::InvalidUtf8);
  CHECK(where(d.span) == "2:15-2:16");
  CHECK(d.message == "invalid UTF-8 byte 0xe9");
}

TEST_CASE("hostile: a 100 MB file is refused from its size alone", "[hostile]") {
  TempDir dir;
  const auto path = (dir.path / "huge.json").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::string chunk(1 << 20, ' ');
    chunk.front() = '[';
    for (int i = 0; i < 100; ++i)
      REQUIRE(std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size());
    std::fclose(f);
  }
  diag::Diagnostics diags(path);
  auto source = load_source(path, diags);
  CHECK_FALSE(source.has_value());
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].code == Code::TooLarge);
  // The exact size comes from stat(); a file that was read would only be "larger than" the limit.
  CHECK(diags.items()[0].message == "file is 100.0 MiB; workflow files are limited to 8.0 MiB");
}

TEST_CASE("hostile: 100000 nested arrays", "[hostile]") {
  const size_t depth = 100'000;
  auto d = only_diagnostic(compile_json(std::string(depth, '[') + std::string(depth, ']')));
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:129-1:130");
  CHECK(d.message == "objects and arrays nest more than 128 levels deep");

  // Never closed, and broken at the end: the scanner reports the depth first as well.
  d = only_diagnostic(compile_json(std::string(depth, '[') + "\"unterminated"));
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:129-1:130");
}

TEST_CASE("hostile: 100000 nested objects", "[hostile]") {
  std::string text;
  for (int i = 0; i < 100'000; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(100'000, '}');
  auto d = only_diagnostic(compile_json(text));
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:641-1:642");  // the 129th '{', after 128 times `{"a":`
}

TEST_CASE("hostile: a flat array of a million elements", "[hostile]") {
  std::string text = "[";
  for (int i = 0; i < 1'000'000; ++i) text += i ? ",0" : "0";
  text += "]";
  REQUIRE(text.size() < syntax::Limits{}.max_bytes);

  SourceFile file("flat.json", text);
  diag::Diagnostics diags;
  auto value = syntax::read_json(file, diags);
  CHECK(diags.empty());
  REQUIRE(value);
  REQUIRE(value->items.size() == 1'000'000);
  CHECK(where(value->items.back().span) == "1:2000000-1:2000001");
  CHECK(where(value->span) == "1:1-1:2000002");

  // The whole front end completes; what the document builder thinks of it is its own business.
  auto result = compile_source(file, syntax::Syntax::Json);
  for (const auto& d : result.diagnostics.items()) {
    CHECK(d.code != Code::InvalidSyntax);
    CHECK(d.code != Code::TooDeep);
  }
}

TEST_CASE("hostile: a million duplicate keys are reported a thousand times", "[hostile]") {
  std::string text = "{\"a\":0";
  for (int i = 0; i < 1'000'000; ++i) text += ",\"a\":0";
  text += "}";
  SourceFile file("dup.json", text);
  diag::Diagnostics diags;
  auto value = syntax::read_json(file, diags);
  REQUIRE(value);
  CHECK(value->members.size() == 1);
  REQUIRE(diags.size() == 1000);
  CHECK(diags.items().back().code == Code::DuplicateKey);
  CHECK(diags.items().back().hint ==
        "first defined at 1:2; 999000 more duplicate keys are not reported");
}

TEST_CASE("hostile: a 7 MB string and a 7 MB line of small values", "[hostile]") {
  std::string text = "[\"" + std::string(7'000'000, 'x') + "\"]";
  SourceFile big("big.json", text);
  diag::Diagnostics diags;
  auto value = syntax::read_json(big, diags);
  REQUIRE(value);
  CHECK(value->items[0].string.size() == 7'000'000);

  // One long line: positions are found incrementally, so this stays linear.
  std::string line = "[";
  for (int i = 0; i < 500'000; ++i) line += i ? ",{\"k\":1}" : "{\"k\":1}";
  line += "]";
  SourceFile minified("min.json", line);
  value = syntax::read_json(minified, diags);
  REQUIRE(value);
  CHECK(diags.empty());
  CHECK(value->items.back().members[0].key_span.column == line.size() - 6);
}
