// A one-source, one-sink filter graph (see filter_chain.h), after FFmpeg's filtering_video.c.
#include "runtime/media/filter_chain.h"

extern "C" {
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

namespace wfc::media {

std::unique_ptr<FilterChain> FilterChain::create(const SourceParams& src,
                                                 const std::string& filters, const SinkParams& sink,
                                                 std::string* error) {
  auto chain = std::unique_ptr<FilterChain>(new FilterChain());
  chain->graph_.reset(avfilter_graph_alloc());
  AVFilterGraph* g = chain->graph_.get();
  // Each branch runs on its own thread already; one filter thread each keeps 2 cores busy
  // without oversubscribing them.
  g->nb_threads = 1;
  bool video = src.type == AVMEDIA_TYPE_VIDEO;
  char args[512];
  if (video) {
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d",
             src.width, src.height, src.pix_fmt, src.time_base.num, src.time_base.den,
             src.sar.num > 0 ? src.sar.num : 1, src.sar.den > 0 ? src.sar.den : 1);
    if (src.frame_rate.num > 0) {
      size_t n = strlen(args);
      snprintf(args + n, sizeof args - n, ":frame_rate=%d/%d", src.frame_rate.num,
               src.frame_rate.den);
    }
  } else {
    char layout[128] = "";
    av_channel_layout_describe(&src.layout, layout, sizeof layout);
    snprintf(args, sizeof args, "time_base=%d/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
             src.time_base.num, src.time_base.den, src.sample_rate,
             av_get_sample_fmt_name(static_cast<AVSampleFormat>(src.sample_fmt)), layout);
  }
  int err = avfilter_graph_create_filter(
      &chain->src_, avfilter_get_by_name(video ? "buffer" : "abuffer"), "in", args, nullptr, g);
  if (err >= 0) {
    err = avfilter_graph_create_filter(&chain->sink_,
                                       avfilter_get_by_name(video ? "buffersink" : "abuffersink"),
                                       "out", nullptr, nullptr, g);
  }
  if (err < 0) {
    *error = "cannot create the filter graph: " + av_error_text(err);
    return nullptr;
  }
  // The sink's format constraints are added as a final format filter so they are explicit in
  // the description (and shown in errors).
  std::string desc = filters.empty() ? std::string(video ? "null" : "anull") : filters;
  if (video && sink.pix_fmt >= 0)
    desc += std::string(",format=") + av_get_pix_fmt_name(static_cast<AVPixelFormat>(sink.pix_fmt));
  if (!video && sink.sample_fmt >= 0) {
    AVChannelLayout out{};
    av_channel_layout_default(&out, sink.channels > 0 ? sink.channels : 2);
    char layout[128] = "";
    av_channel_layout_describe(&out, layout, sizeof layout);
    desc += std::string(",aresample=") + std::to_string(sink.sample_rate) +
            ",aformat=sample_fmts=" +
            av_get_sample_fmt_name(static_cast<AVSampleFormat>(sink.sample_fmt)) +
            ":sample_rates=" + std::to_string(sink.sample_rate) + ":channel_layouts=" + layout;
  }
  AVFilterInOut* outputs = avfilter_inout_alloc();
  AVFilterInOut* inputs = avfilter_inout_alloc();
  outputs->name = av_strdup("in");
  outputs->filter_ctx = chain->src_;
  outputs->pad_idx = 0;
  outputs->next = nullptr;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = chain->sink_;
  inputs->pad_idx = 0;
  inputs->next = nullptr;
  err = avfilter_graph_parse_ptr(g, desc.c_str(), &inputs, &outputs, nullptr);
  avfilter_inout_free(&inputs);
  avfilter_inout_free(&outputs);
  if (err >= 0) err = avfilter_graph_config(g, nullptr);
  if (err < 0) {
    *error = "cannot build the filters '" + desc + "': " + av_error_text(err);
    return nullptr;
  }
  if (!video && sink.frame_size > 0) av_buffersink_set_frame_size(chain->sink_, sink.frame_size);
  return chain;
}

int FilterChain::push(AVFrame* frame) {
  return av_buffersrc_add_frame_flags(src_, frame, AV_BUFFERSRC_FLAG_KEEP_REF);
}

int FilterChain::pull(AVFrame* out) { return av_buffersink_get_frame(sink_, out); }

AVRational FilterChain::time_base() const { return av_buffersink_get_time_base(sink_); }
int FilterChain::width() const { return av_buffersink_get_w(sink_); }
int FilterChain::height() const { return av_buffersink_get_h(sink_); }

SourceParams FilterChain::output() const {
  SourceParams p;
  p.type = AVMEDIA_TYPE_VIDEO;
  p.time_base = time_base();
  p.width = width();
  p.height = height();
  p.pix_fmt = av_buffersink_get_format(sink_);
  p.sar = av_buffersink_get_sample_aspect_ratio(sink_);
  p.frame_rate = av_buffersink_get_frame_rate(sink_);
  return p;
}

}  // namespace wfc::media
