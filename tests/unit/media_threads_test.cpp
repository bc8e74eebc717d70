// How a fused pass shares the cores between its encoders (encoder_threads.h), and that an
// encoder reopened with another thread count still writes a file players read.
#include <catch2/catch.hpp>
#include <tuple>

#include "runtime/media/container.h"
#include "runtime/media/encoder_threads.h"
#include "runtime/media/outputs.h"
#include "test_media.h"

using namespace wfc::test;
using wfc::media::encoder_thread_shares;

TEST_CASE("encoders fewer than the cores keep their own thread counts", "[media][threads]") {
  CHECK(encoder_thread_shares({2e6}, 2) == std::vector<int>{0});
  CHECK(encoder_thread_shares({2e6, 1e6, 5e5}, 4) == std::vector<int>{0, 0, 0});
  CHECK(encoder_thread_shares({}, 2).empty());
}

TEST_CASE("encoders that fill the cores get threads by their share of the pixels",
          "[media][threads]") {
  // The benchmark's HLS ladder on two cores: 1080p, 720p, 480p, 360p at 30 fps.
  std::vector<double> ladder = {1920.0 * 1080 * 30, 1280.0 * 720 * 30, 854.0 * 480 * 30,
                                640.0 * 360 * 30};
  CHECK(encoder_thread_shares(ladder, 2) == std::vector<int>{2, 1, 1, 1});
  CHECK(encoder_thread_shares(ladder, 4) == std::vector<int>{3, 2, 1, 1});
  // Two equal renditions on two cores: one core each, not two each.
  CHECK(encoder_thread_shares({1e6, 1e6}, 2) == std::vector<int>{1, 1});
  // An encoder with no measurable work still gets a thread.
  CHECK(encoder_thread_shares({1e6, 0}, 2) == std::vector<int>{2, 1});
  CHECK(encoder_thread_shares({0, 0}, 2) == std::vector<int>{0, 0});
}

TEST_CASE("a video encoder reopened with one thread writes a playable file", "[media][threads]") {
  namespace m = wfc::media;
  auto [codec, format, decoded] =
      GENERATE(std::make_tuple("h264", "mp4", "h264"), std::make_tuple("vp9", "webm", "vp9"));
  INFO(codec);
  fs::path dir = out_dir(std::string("reopened-") + codec);
  fs::path file = dir / (std::string("v.") + format);
  std::string error;
  auto out = m::Container::create(file, format, &error);
  REQUIRE(out);
  m::VideoEncodeParams p;
  p.codec = codec;
  p.width = 160;
  p.height = 96;
  p.fps = {10, 1};
  p.global_header = out->needs_global_header();
  m::CodecPtr opened = m::open_video_encoder(p, &error);
  REQUIRE(opened);
  m::Encoder enc(std::move(opened));
  enc.add_target({out.get(), out->add_stream(enc.ctx())});
  enc.set_reopen([p](int threads, std::string* e) {
    m::VideoEncodeParams with = p;
    with.threads = threads;
    return m::open_video_encoder(with, e);
  });
  REQUIRE(enc.can_set_threads());
  REQUIRE(enc.set_threads(1, &error));
  CHECK(enc.ctx()->thread_count == 1);
  REQUIRE(out->write_header(nullptr, &error));

  m::FramePtr frame(av_frame_alloc());
  frame->width = p.width;
  frame->height = p.height;
  frame->format = AV_PIX_FMT_YUV420P;
  REQUIRE(av_frame_get_buffer(frame.get(), 0) >= 0);
  constexpr int kFrames = 12;
  for (int i = 0; i < kFrames; ++i) {
    REQUIRE(av_frame_make_writable(frame.get()) >= 0);
    for (int plane = 0; plane < 3; ++plane) {
      int rows = plane ? p.height / 2 : p.height;
      for (int y = 0; y < rows; ++y)
        memset(frame->data[plane] + y * frame->linesize[plane], (i * 20 + y + plane * 60) & 0xff,
               frame->linesize[plane]);
    }
    frame->pts = i;
    REQUIRE(enc.encode(frame.get()) >= 0);
  }
  REQUIRE(enc.encode(nullptr) >= 0);
  REQUIRE(out->finish(&error));

  json f = probe_ok(file);
  CHECK(f["codecs"]["video"] == decoded);
  CHECK(f["width"] == p.width);
  CHECK(f["height"] == p.height);
  CHECK(f["frames"] == kFrames);
}
