// The audio operator: each format's container and codec, bitrate, and trim, by probing.
#include <catch2/catch.hpp>

#include "compiler/plan/encoder_settings.h"
#include "test_media.h"

using namespace wfc::test;

TEST_CASE("audio formats", "[media][audio]") {
  struct Case {
    const char *format, *container, *codec, *type;
  };
  for (const Case& c :
       {Case{"mp3", "mp3", "mp3", "audio/mpeg"}, Case{"aac", "m4a", "aac", "audio/mp4"},
        Case{"ogg", "ogg", "vorbis", "audio/ogg"}, Case{"opus", "opus", "opus", "audio/ogg"},
        Case{"wav", "wav", "pcm_s16le", "audio/wav"}, Case{"flac", "flac", "flac", "audio/flac"}}) {
    DYNAMIC_SECTION(c.format) {
      auto r = run_one(sample("av.mp4"), "audio", {{"format", c.format}}, "aformat");
      json f = probe_ok(output_path("aformat", r));
      CHECK(f["kind"] == "audio");
      CHECK(f["format"] == c.container);
      CHECK(f["type"] == c.type);
      CHECK(f["codecs"]["audio"] == c.codec);
      CHECK(f["has_video"] == false);
      CHECK(f["channels"] == 2);
      // MP3 holds whole 1152-sample frames after the encoder's delay: the ffmpeg CLI's MP3 of
      // this input lasts 2.064 s too.
      double margin = std::string(c.format) == "mp3" ? 0.07 : 0.03;
      CHECK(f["duration"].get<double>() == Approx(2.0).margin(margin));
    }
  }
}

TEST_CASE("audio bitrate and trim", "[media][audio]") {
  auto r = run_one(sample("tone.wav"), "audio", {{"format", "mp3"}, {"bitrate", 64000}}, "abr");
  json f = probe_ok(output_path("abr", r));
  CHECK(f["bitrate"].get<double>() == Approx(64000).epsilon(0.1));
  r = run_one(sample("tone.wav"), "audio", {{"format", "mp3"}, {"bitrate", 192000}}, "abr");
  CHECK(probe_ok(output_path("abr", r))["bitrate"].get<double>() == Approx(192000).epsilon(0.1));
  r = run_one(sample("tone.wav"), "audio", {{"format", "flac"}, {"start", 0.5}, {"end", 1.25}},
              "atrim");
  f = probe_ok(output_path("atrim", r));
  CHECK(f["duration"].get<double>() == Approx(0.75).margin(0.03));
  CHECK(f["sample_rate"] == 48000);
}

TEST_CASE("audio quality picks the bitrate of the shared quality table", "[media][audio]") {
  for (const char* quality : {"very_low", "very_high"}) {
    DYNAMIC_SECTION(quality) {
      auto expected = wfc::plan::audio_encoder_settings("mp3", quality);
      REQUIRE(expected);
      auto r =
          run_one(sample("tone.wav"), "audio", {{"format", "mp3"}, {"quality", quality}}, "aq");
      CHECK(probe_ok(output_path("aq", r))["bitrate"].get<double>() ==
            Approx(expected->bitrate).epsilon(0.1));
    }
  }
}
