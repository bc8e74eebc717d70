// Assertions shared by the ingest tests: a fetch that failed with a given error kind and message.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "runtime/ingest/fetch.h"

namespace wfc::test {

inline void check_fetch_error(const ingest::FetchResult& result, std::string_view kind,
                              const std::string& message) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error->kind_name() == kind);
  CHECK(result.error->message == message);
}

}  // namespace wfc::test
