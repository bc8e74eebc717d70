// The quality table: every quality level of every catalog encoder option has settings, and a
// higher quality never means a cheaper encode or a smaller file target.
#include "compiler/plan/encoder_settings.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/catalog/catalog.h"

namespace {

std::vector<std::string> enum_values(std::string_view kind, std::string_view option) {
  const auto* k = wfc::catalog::Catalog::builtin().kind(kind);
  REQUIRE(k != nullptr);
  const auto* o = k->option(option);
  REQUIRE(o != nullptr);
  return o->type.values;
}

}  // namespace

TEST_CASE("every catalog video codec and quality has encoder settings", "[plan][encoder]") {
  for (const auto& codec : enum_values("video", "codec")) {
    int last_crf = 1000;
    for (const auto& quality : enum_values("video", "quality")) {
      auto s = wfc::plan::video_encoder_settings(codec, quality);
      INFO(codec << " " << quality);
      REQUIRE(s.has_value());
      CHECK(s->crf < last_crf);  // higher quality → lower CRF (better)
      last_crf = s->crf;
    }
  }
  CHECK(wfc::plan::video_encoder_settings("h264", "medium")->encoder == "libx264");
  CHECK_FALSE(wfc::plan::video_encoder_settings("mpeg2", "medium").has_value());
}

TEST_CASE("the audio formats the catalog's constants name have encoders", "[plan][encoder]") {
  const auto& catalog = wfc::catalog::Catalog::builtin();
  const auto* video = catalog.kind("video")->constant("audio_formats");
  REQUIRE(video);
  for (const auto& container : enum_values("video", "format")) {
    INFO(container);
    REQUIRE(video->contains(container));
    CHECK(wfc::plan::audio_encoder_settings((*video)[container].get<std::string>(), "medium"));
  }
  const auto* hls = catalog.kind("adaptive_video")->constant("audio_format");
  REQUIRE(hls);
  CHECK(wfc::plan::audio_encoder_settings(hls->get<std::string>(), "medium"));
}

TEST_CASE("every catalog audio, image and animation format has settings", "[plan][encoder]") {
  for (const auto& quality : enum_values("audio", "quality")) {
    for (const auto& format : enum_values("audio", "format")) {
      INFO(format << " " << quality);
      CHECK(wfc::plan::audio_encoder_settings(format, quality).has_value());
    }
    for (const auto& format : enum_values("image", "format")) {
      INFO(format << " " << quality);
      CHECK(wfc::plan::image_encoder_settings(format, quality).has_value());
    }
    for (const auto& format : enum_values("animation", "format")) {
      INFO(format << " " << quality);
      CHECK(wfc::plan::animation_encoder_settings(format, quality).has_value());
    }
  }
  CHECK(wfc::plan::audio_encoder_settings("aac", "high")->bitrate >
        wfc::plan::audio_encoder_settings("aac", "low")->bitrate);
  CHECK(wfc::plan::audio_encoder_settings("flac", "high")->bitrate == 0);
}
