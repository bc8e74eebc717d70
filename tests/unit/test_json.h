// A test-only JSON reader that produces a located Value with real 1-based positions
// (columns count code points, strings and keys span their quotes), so that the builder and
// checker tests can state the exact line:column a user would see, independently of the
// production readers. It assumes well-formed input: a malformed test fixture fails the test.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <string_view>

#include "compiler/value/value.h"

namespace wfc::test {

class JsonFixture {
 public:
  explicit JsonFixture(std::string_view text) : text_(text) {}

  Value parse() {
    skip_ws();
    Value v = value();
    skip_ws();
    REQUIRE(pos_ == text_.size());
    return v;
  }

 private:
  Position here() const { return {line_, column_}; }

  void advance() {
    char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
  }

  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      advance();
    }
  }

  void expect(char c) {
    REQUIRE(pos_ < text_.size());
    REQUIRE(text_[pos_] == c);
    advance();
  }

  std::string string_body() {
    expect('"');
    std::string out;
    while (text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        advance();
        char e = text_[pos_];
        out.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        advance();
      } else {
        out.push_back(text_[pos_]);
        advance();
      }
    }
    expect('"');
    return out;
  }

  Value value() {
    Value v;
    Position begin = here();
    REQUIRE(pos_ < text_.size());
    char c = text_[pos_];
    if (c == '{') {
      v.type = ValueType::Object;
      advance();
      skip_ws();
      while (text_[pos_] != '}') {
        Member m;
        Position kb = here();
        m.key = string_body();
        m.key_span = Span::between(kb, here());
        skip_ws();
        expect(':');
        skip_ws();
        m.value = value();
        v.members.push_back(std::move(m));
        skip_ws();
        if (text_[pos_] == ',') {
          advance();
          skip_ws();
        }
      }
      advance();
    } else if (c == '[') {
      v.type = ValueType::Array;
      advance();
      skip_ws();
      while (text_[pos_] != ']') {
        v.items.push_back(value());
        skip_ws();
        if (text_[pos_] == ',') {
          advance();
          skip_ws();
        }
      }
      advance();
    } else if (c == '"') {
      v.type = ValueType::String;
      v.string = string_body();
    } else if (text_.substr(pos_, 4) == "true" || text_.substr(pos_, 5) == "false") {
      v.type = ValueType::Bool;
      v.boolean = c == 't';
      for (int i = c == 't' ? 4 : 5; i > 0; --i) advance();
    } else if (text_.substr(pos_, 4) == "null") {
      for (int i = 0; i < 4; ++i) advance();
    } else {
      size_t start = pos_;
      bool integral = true;
      while (pos_ < text_.size() &&
             std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
        if (std::string_view(".eE").find(text_[pos_]) != std::string_view::npos) integral = false;
        advance();
      }
      REQUIRE(pos_ > start);
      std::string number(text_.substr(start, pos_ - start));
      if (integral) {
        v.type = ValueType::Integer;
        v.integer = std::strtoll(number.c_str(), nullptr, 10);
      } else {
        v.type = ValueType::Number;
        v.number = std::strtod(number.c_str(), nullptr);
      }
    }
    v.span = Span::between(begin, here());
    return v;
  }

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

/// Parses a JSON fixture into a located Value.
inline Value json(std::string_view text) { return JsonFixture(text).parse(); }

}  // namespace wfc::test
