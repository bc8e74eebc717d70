// bench_encode_floor SRC W:H...: the cost of the HLS ladder's video encodes by themselves, as a
// floor under any way of making the ladder. It decodes SRC and scales it (bicubic, as the ladder
// does) to every W:H rendition into memory first, untimed; then it times only the encodes: one
// thread per rendition feeding libx264 from memory through runtime/media's open_video_encoder
// (the settings `wfc run` uses for the ladder: x264 `faster` CRF 23, a keyframe every 2 s, no
// scene cut), with the thread counts runtime/media's encoder_thread_shares gives on this machine.
// Packets are counted and dropped: no muxing, no decode, no scaling, no audio. It prints one line
// in the format of the benchmark script's `timed` (wall and CPU of the encodes; peak RSS of the
// process, which holds every frame) and, on stderr, the CPU that the untimed decode and scaling
// took on one thread and, per rendition, x264's own options string, so that a
// reader can check the settings are those of the other sides. Not a test.
extern "C" {
#include <libswscale/swscale.h>
}

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/media/av_util.h"
#include "runtime/media/encoder_threads.h"
#include "runtime/media/outputs.h"

namespace {

using wfc::media::FramePtr;

struct Rendition {
  int width = 0, height = 0;
  std::vector<FramePtr> frames;
  int threads = 0;
  int64_t bytes = 0, packets = 0;
  std::string x264_options, error;
};

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// x264's SEI ("x264 - core N - ... options: ...") in an encoded packet, if there is one.
std::string x264_options(const AVPacket* pkt) {
  const char* key = "options: ";
  const char* data = reinterpret_cast<const char*>(pkt->data);
  for (int i = 0; i + 9 < pkt->size; ++i) {
    if (std::memcmp(data + i, key, 9) != 0) continue;
    int end = i + 9;
    while (end < pkt->size && data[end] >= ' ' && data[end] <= '~') ++end;
    return std::string(data + i + 9, data + end);
  }
  return "";
}

// CPU seconds spent by load() decoding and scaling, each on the calling thread alone.
struct LoadCost {
  double decode = 0, scale = 0;
};

// Decodes the whole video stream of `path` into every rendition's frames, on one thread (so
// that `cost` holds all of the decoder's work).
bool load(const char* path, std::vector<Rendition>& out, AVRational* fps, LoadCost* cost,
          std::string* error) {
  auto in = wfc::media::open_local_input(path, error);
  if (!in) return false;
  int vi = wfc::media::best_stream(in.get(), AVMEDIA_TYPE_VIDEO);
  if (vi < 0) return *error = "no video stream", false;
  AVStream* st = in->streams[vi];
  *fps = av_guess_frame_rate(in.get(), st, nullptr);
  const AVCodec* dec = avcodec_find_decoder(st->codecpar->codec_id);
  wfc::media::CodecPtr c(avcodec_alloc_context3(dec));
  avcodec_parameters_to_context(c.get(), st->codecpar);
  c->thread_count = 1;
  if (avcodec_open2(c.get(), dec, nullptr) < 0) return *error = "cannot open decoder", false;
  std::vector<SwsContext*> sws(out.size(), nullptr);
  AVPacket* pkt = av_packet_alloc();
  FramePtr f(av_frame_alloc());
  auto timed = [](double* sum, auto&& work) {
    double t0 = thread_cpu_seconds();
    auto r = work();
    *sum += thread_cpu_seconds() - t0;
    return r;
  };
  auto take = [&]() {
    while (timed(&cost->decode, [&] { return avcodec_receive_frame(c.get(), f.get()); }) == 0) {
      for (size_t r = 0; r < out.size(); ++r) {
        FramePtr o(av_frame_alloc());
        if (f->width == out[r].width && f->height == out[r].height &&
            f->format == AV_PIX_FMT_YUV420P) {
          av_frame_ref(o.get(), f.get());  // the same size: the ladder passes the frame as is
        } else {
          sws[r] = sws_getCachedContext(sws[r], f->width, f->height, AVPixelFormat(f->format),
                                        out[r].width, out[r].height, AV_PIX_FMT_YUV420P,
                                        SWS_BICUBIC, nullptr, nullptr, nullptr);
          o->width = out[r].width;
          o->height = out[r].height;
          o->format = AV_PIX_FMT_YUV420P;
          av_frame_get_buffer(o.get(), 0);
          timed(&cost->scale, [&] {
            return sws_scale(sws[r], f->data, f->linesize, 0, f->height, o->data, o->linesize);
          });
        }
        o->pict_type = AV_PICTURE_TYPE_NONE;  // as the pass does: x264 chooses frame types
        out[r].frames.push_back(std::move(o));
      }
      av_frame_unref(f.get());
    }
  };
  while (av_read_frame(in.get(), pkt) >= 0) {
    if (pkt->stream_index == vi)
      timed(&cost->decode, [&] { return avcodec_send_packet(c.get(), pkt); });
    av_packet_unref(pkt);
    take();
  }
  avcodec_send_packet(c.get(), nullptr);
  take();
  av_packet_free(&pkt);
  for (SwsContext* s : sws) sws_freeContext(s);
  return true;
}

void encode(Rendition& r, AVRational fps) {
  wfc::media::VideoEncodeParams p;
  p.width = r.width;
  p.height = r.height;
  p.fps = fps;
  p.gop = static_cast<int>(av_q2d(fps) * 2 + 0.5);  // hls.cpp: a keyframe per 2 s segment
  p.threads = r.threads;
  wfc::media::CodecPtr c = wfc::media::open_video_encoder(p, &r.error);
  if (!c) return;
  AVPacket* pkt = av_packet_alloc();
  auto drain = [&]() {
    while (avcodec_receive_packet(c.get(), pkt) == 0) {
      if (r.x264_options.empty()) r.x264_options = x264_options(pkt);
      r.bytes += pkt->size;
      ++r.packets;
      av_packet_unref(pkt);
    }
  };
  int64_t pts = 0;
  for (FramePtr& f : r.frames) {
    f->pts = pts++;
    avcodec_send_frame(c.get(), f.get());
    drain();
  }
  avcodec_send_frame(c.get(), nullptr);
  drain();
  av_packet_free(&pkt);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_encode_floor SRC W:H...\n";
    return 2;
  }
  wfc::media::set_ffmpeg_log_level(AV_LOG_ERROR);
  std::vector<Rendition> rungs;
  for (int i = 2; i < argc; ++i) {
    Rendition r;
    if (std::sscanf(argv[i], "%d:%d", &r.width, &r.height) != 2) {
      std::cerr << "bench_encode_floor: '" << argv[i] << "' is not W:H\n";
      return 2;
    }
    rungs.push_back(std::move(r));
  }
  AVRational fps{30, 1};
  std::string error;
  LoadCost cost;
  if (!load(argv[1], rungs, &fps, &cost, &error)) {
    std::cerr << "bench_encode_floor: " << argv[1] << ": " << error << "\n";
    return 1;
  }
  std::vector<double> rates;
  for (const Rendition& r : rungs) rates.push_back(double(r.width) * r.height * av_q2d(fps));
  std::vector<int> threads =
      wfc::media::encoder_thread_shares(rates, std::thread::hardware_concurrency());
  for (size_t i = 0; i < rungs.size(); ++i) rungs[i].threads = threads[i];

  double cpu0 = cpu_seconds();
  auto begun = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (Rendition& r : rungs) workers.emplace_back(encode, std::ref(r), fps);
  for (std::thread& w : workers) w.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
  double cpu = cpu_seconds() - cpu0;

  int failed = 0;
  for (const Rendition& r : rungs) {
    if (!r.error.empty()) ++failed;
    std::cerr << "  " << r.width << "x" << r.height << ": " << r.frames.size() << " frames, "
              << r.packets << " packets, " << r.bytes << " bytes, threads " << r.threads
              << (r.error.empty() ? "" : ", error: " + r.error) << "\n    x264 " << r.x264_options
              << "\n";
  }
  std::fprintf(stderr, "  untimed, on one thread: decode %.2f CPU-s, scale %.2f CPU-s\n",
               cost.decode, cost.scale);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("wall %.2f s, CPU %.2f+0 s, peak RSS %ld KiB\n", wall, cpu, u.ru_maxrss);
  return failed ? 1 : 0;
}
