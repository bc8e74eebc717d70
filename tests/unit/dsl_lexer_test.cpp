// The hand-written DSL lexer (compiler/syntax/dsl/dsl_lexer.h) against the lexer ANTLR generates
// from grammar/Workflow.g4, which stays the definition: on every .wf file the project has and on
// generated text full of the lexer's corner cases, both must give the same tokens (type,
// channel, indexes, line, column, text). A grammar change the hand-written lexer does not follow
// fails here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/syntax/dsl/dsl_token_listing.h"

namespace {

namespace fs = std::filesystem;

void same_tokens(const std::string& text) {
  INFO("text: " << text);
  CHECK(wfc::syntax::describe_tokens(text, false) == wfc::syntax::describe_tokens(text, true));
}

}  // namespace

TEST_CASE("the DSL lexer gives the grammar's tokens on every .wf file", "[dsl_lexer]") {
  size_t files = 0;
  for (const char* dir : {"workflows", "tests/golden"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(WFC_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".wf") continue;
      INFO(e.path().string());
      wfc::diag::Diagnostics diags;
      auto source = wfc::load_source(e.path().string(), diags);
      REQUIRE(source);
      same_tokens(source->text());
      ++files;
    }
  }
  CHECK(files >= 60);
}

TEST_CASE("the DSL lexer gives the grammar's tokens on its corner cases", "[dsl_lexer]") {
  for (const char* text : {"",
                           "   \n\t\r\n",
                           "1",
                           "-1",
                           "-",
                           "->",
                           "-x",
                           "0",
                           "007",
                           "1.",
                           "1.5",
                           ".5",
                           "1.5.6",
                           "1280x720",
                           "-0123",
                           "1h30m",
                           "2e3.5",
                           "1.5e3s_",
                           "1e",
                           "1e5",
                           "1e+5",
                           "1E-05x",
                           "1e+",
                           "1ex",
                           "1.5e3ms",
                           "5Mbps",
                           "50%",
                           "-2.5%",
                           "1.5%x",
                           "10MB;",
                           "automation",
                           "automations",
                           "_a1",
                           "a_b-c",
                           "true false null",
                           "when kind == \"video\" && width >= 1280 || !(x != 2) <= < > >= =",
                           "& | & &&& |||",
                           "\"abc",
                           "\"a\\\"b\"",
                           "\"a\\\\\" x",
                           "\"abc\\",
                           "\"abc\\\nx\"",
                           "\"é→😀\" é",
                           "# c\nx",
                           "// c\r\ny",
                           "/* a\n b */ c",
                           "/* open",
                           "/*/ x */",
                           "a/b",
                           "x\r\ry",
                           "a\fb",
                           "@ $ ' \\ ` ~ ^ ? ="}) {
    same_tokens(text);
  }
}

TEST_CASE("the DSL lexer gives the grammar's tokens on generated text", "[dsl_lexer]") {
  // Pieces that meet at every boundary the rules care about: numbers next to letters, '.', '%'
  // and signs; keywords inside identifiers; strings with escapes, line ends and non-ASCII;
  // comment openers; operators and their halves.
  const std::vector<std::string> pieces = {
      "0",  "1", "9",  "12",  "-",    ".",     "e",          "E",    "+",  "%",  "ms", "s",    "MB",
      "x",  "_", "as", "run", "when", "label", "automation", "true", "\"", "\\", "\n", "\r\n", " ",
      "\t", "/", "*",  "#",   "=",    "!",     "<",          ">",    "&",  "|",  "(",  ")",    "{",
      "}",  "[", "]",  ":",   ",",    ";",     "é",          "→",    "😀",  "'",  "@"};
  std::mt19937 random(20261123);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1), length(1, 24);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text += pieces[piece(random)];
    same_tokens(text);
  }
}

TEST_CASE("the DSL lexer counts indexes and columns in code points", "[dsl_lexer]") {
  // NUMBER "1.5e3" beats QUANTITY "1.5e" and is beaten by MALFORMED_NUMBER "1.5e3ms" (one
  // token, reported once); "é" is one character, not two bytes.
  std::string listing = wfc::syntax::describe_tokens("1.5e3 1.5e3ms \"é\"", false);
  CHECK_THAT(listing, Catch::Contains(" 0 4 1:0 1.5e3\n"));
  CHECK_THAT(listing, Catch::Contains(" 6 12 1:6 1.5e3ms\n"));
  CHECK_THAT(listing, Catch::Contains(" 14 16 1:14 \"é\"\n"));
  CHECK_THAT(listing, Catch::EndsWith(" 17 16 1:17 <EOF>\n"));
}
