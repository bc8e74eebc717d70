// Output containers and encoders (see container.h).
#include "runtime/media/container.h"

namespace wfc::media {

std::unique_ptr<Container> Container::create(const std::filesystem::path& path, const char* muxer,
                                             std::string* error) {
  auto c = std::unique_ptr<Container>(new Container());
  c->path_ = path;
  int err = avformat_alloc_output_context2(&c->fmt_, nullptr, muxer, path.string().c_str());
  if (err < 0 || !c->fmt_) {
    *error = std::string("cannot create a '") + muxer + "' file: " + av_error_text(err);
    return nullptr;
  }
  c->fmt_->protocol_whitelist = av_strdup("file");
  if (!(c->fmt_->oformat->flags & AVFMT_NOFILE)) {
    AVDictionary* io = nullptr;
    av_dict_set(&io, "protocol_whitelist", "file", 0);
    err =
        avio_open2(&c->fmt_->pb, ("file:" + path.string()).c_str(), AVIO_FLAG_WRITE, nullptr, &io);
    av_dict_free(&io);
    if (err < 0) {
      *error = "cannot write '" + path.string() + "': " + av_error_text(err);
      return nullptr;
    }
  }
  return c;
}

Container::~Container() {
  if (!fmt_) return;
  if (!(fmt_->oformat->flags & AVFMT_NOFILE)) avio_closep(&fmt_->pb);
  avformat_free_context(fmt_);
}

bool Container::needs_global_header() const { return fmt_->oformat->flags & AVFMT_GLOBALHEADER; }

int Container::add_stream(const AVCodecContext* enc) {
  AVStream* st = avformat_new_stream(fmt_, nullptr);
  if (!st) return -1;
  describe_stream(st, enc);
  return st->index;
}

void Container::refresh_stream(int stream, const AVCodecContext* enc) {
  describe_stream(fmt_->streams[stream], enc);
}

void Container::describe_stream(AVStream* st, const AVCodecContext* enc) {
  avcodec_parameters_from_context(st->codecpar, enc);
  st->time_base = enc->time_base;
  if (enc->codec_type == AVMEDIA_TYPE_VIDEO) st->avg_frame_rate = enc->framerate;
  // Apple players want HEVC tagged hvc1 in MP4/MOV.
  if (enc->codec_id == AV_CODEC_ID_HEVC && std::string(fmt_->oformat->name) != "hls")
    st->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
}

bool Container::write_header(AVDictionary** options, std::string* error) {
  int err = avformat_write_header(fmt_, options);
  if (err < 0) {
    *error = "cannot start '" + path_.filename().string() + "': " + av_error_text(err);
    failed_ = true;
    failure_ = *error;
    return false;
  }
  header_written_ = true;
  return true;
}

bool Container::write(AVPacket* pkt, AVRational enc_tb, int stream) {
  std::lock_guard lock(mu_);
  if (failed_ || !header_written_ || finished_) {
    av_packet_unref(pkt);
    return false;
  }
  pkt->stream_index = stream;
  av_packet_rescale_ts(pkt, enc_tb, fmt_->streams[stream]->time_base);
  int err = av_interleaved_write_frame(fmt_, pkt);
  if (err < 0) {
    failed_ = true;
    failure_ = "cannot write '" + path_.filename().string() + "': " + av_error_text(err);
    return false;
  }
  return true;
}

bool Container::finish(std::string* error) {
  std::lock_guard lock(mu_);
  if (finished_) return !failed_;
  finished_ = true;
  if (failed_ || !header_written_) {
    *error = failure_;
    return false;
  }
  int err = av_write_trailer(fmt_);
  if (err < 0) {
    *error = "cannot finish '" + path_.filename().string() + "': " + av_error_text(err);
    failed_ = true;
    return false;
  }
  return true;
}

int Encoder::encode(AVFrame* frame) {
  int err = avcodec_send_frame(ctx_.get(), frame);
  if (err < 0 && err != AVERROR_EOF) return err;
  PacketPtr pkt(av_packet_alloc());
  while (true) {
    err = avcodec_receive_packet(ctx_.get(), pkt.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return 0;
    if (err < 0) return err;
    for (size_t i = 0; i < targets_.size(); ++i) {
      const PacketTarget& t = targets_[i];
      if (t.container->failed()) continue;
      if (i + 1 == targets_.size()) {
        t.container->write(pkt.get(), ctx_->time_base, t.stream);
      } else {
        PacketPtr copy(av_packet_clone(pkt.get()));
        if (copy) t.container->write(copy.get(), ctx_->time_base, t.stream);
      }
    }
    av_packet_unref(pkt.get());
  }
}

bool Encoder::set_threads(int threads, std::string* error) {
  if (!reopen_) return true;
  CodecPtr reopened = reopen_(threads, error);
  if (!reopened) return false;
  ctx_ = std::move(reopened);
  for (const PacketTarget& t : targets_) t.container->refresh_stream(t.stream, ctx_.get());
  return true;
}

CodecPtr alloc_encoder(const std::string& name, std::string* error) {
  const AVCodec* codec = avcodec_find_encoder_by_name(name.c_str());
  if (!codec) {
    *error = "the encoder '" + name + "' is not available in this FFmpeg build";
    return nullptr;
  }
  return CodecPtr(avcodec_alloc_context3(codec));
}

bool open_encoder(AVCodecContext* ctx, AVDictionary** options, std::string* error) {
  int err = avcodec_open2(ctx, ctx->codec, options);
  if (err < 0) {
    *error =
        std::string("cannot open the encoder '") + ctx->codec->name + "': " + av_error_text(err);
    return false;
  }
  return true;
}

}  // namespace wfc::media
