// Unit literals and percentages (compiler/catalog/units.h): what each unit converts to, the
// advice for a unit that is none, the one percentage parser, and which catalog types take which
// measure, as stdlib/kinds.json declares it.
#include "compiler/catalog/units.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "compiler/catalog/catalog.h"

namespace {

using wfc::catalog::Catalog;
using wfc::catalog::Measure;
using wfc::catalog::parse_percent;
using wfc::catalog::parse_quantity;
using wfc::catalog::takes_measure;

/// The error and hint for a literal that does not parse, as "error | hint".
std::string rejection(const std::string& text) {
  std::string error, hint;
  auto q = parse_quantity(text, &error, &hint);
  CHECK_FALSE(q.has_value());
  return error + " | " + hint;
}

}  // namespace

TEST_CASE("units: a literal converts to seconds, bytes or bits per second", "[units]") {
  struct Row {
    const char* text;
    Measure measure;
    double value;
    const char* unit;
  };
  const Row rows[] = {
      {"500ms", Measure::Duration, 0.5, "ms"},       {"2s", Measure::Duration, 2, "s"},
      {"1.5min", Measure::Duration, 90, "min"},      {"1h", Measure::Duration, 3600, "h"},
      {"-2s", Measure::Duration, -2, "s"},           {"10MB", Measure::Size, 1e7, "MB"},
      {"1KiB", Measure::Size, 1024, "KiB"},          {"1GiB", Measure::Size, 1073741824.0, "GiB"},
      {"128kbps", Measure::Bitrate, 128000, "kbps"}, {"5Mbps", Measure::Bitrate, 5e6, "Mbps"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    std::string error, hint;
    auto q = parse_quantity(row.text, &error, &hint);
    REQUIRE(q.has_value());
    CHECK(q->measure == row.measure);
    CHECK(q->value == Approx(row.value));
    CHECK(q->unit == row.unit);
  }
}

TEST_CASE("units: an unknown unit says what was probably meant", "[units]") {
  CHECK(rejection("5mbps") ==
        "unknown unit 'mbps' in '5mbps' | units are case-sensitive: did you mean '5Mbps'?");
  CHECK(rejection("1280px") ==
        "unknown unit 'px' in '1280px' | pixels are plain numbers: write 1280");
  CHECK(rejection("2sec").find("unknown unit 'sec' in '2sec' | units are ms, s, min, h") == 0);
}

TEST_CASE("units: a percentage is digits with at most one decimal point, then '%'", "[units]") {
  CHECK(parse_percent("50%") == 50);
  CHECK(parse_percent("12.5%") == 12.5);
  CHECK(parse_percent("100%") == 100);
  for (const char* bad : {"%", "50", "-5%", "5.%", ".5%", "1.2.3%", "5 %", "50%%", "x%", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_percent(bad).has_value());
  }
  CHECK(wfc::catalog::is_decimal("12.5"));
  CHECK_FALSE(wfc::catalog::is_decimal("12."));
}

TEST_CASE("units: the catalog declares what each number measures", "[units][catalog]") {
  const Catalog& c = Catalog::builtin();
  const auto& video = *c.kind("video");
  CHECK(takes_measure(video.option("bitrate")->type, Measure::Bitrate));
  CHECK_FALSE(takes_measure(video.option("bitrate")->type, Measure::Size));
  CHECK(takes_measure(video.option("start")->type, Measure::Duration));  // seconds, by type
  CHECK_FALSE(takes_measure(video.option("start")->type, Measure::Bitrate));
  CHECK_FALSE(takes_measure(video.option("width")->type, Measure::Duration));
  CHECK_FALSE(takes_measure(video.option("fps")->type, Measure::Size));
  CHECK(takes_measure(c.kind("audio")->option("bitrate")->type, Measure::Bitrate));
  const auto& rendition = *c.kind("adaptive_video")->option("renditions")->type.items;
  const auto bitrate = std::find_if(rendition.fields.begin(), rendition.fields.end(),
                                    [](const auto& f) { return f.name == "bitrate"; });
  REQUIRE(bitrate != rendition.fields.end());
  CHECK(takes_measure(bitrate->type, Measure::Bitrate));

  CHECK(takes_measure(c.property("duration")->type, Measure::Duration));
  CHECK(takes_measure(c.property("filesize")->type, Measure::Size));
  CHECK(takes_measure(c.property("bitrate")->type, Measure::Bitrate));
  CHECK_FALSE(takes_measure(c.property("width")->type, Measure::Duration));
  CHECK_FALSE(takes_measure(c.property("metadata.size")->type, Measure::Size));
}
