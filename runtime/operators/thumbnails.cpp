// The thumbnails operator: frames at regular times (every `interval` seconds, or `count` frames
// spread over the duration; the plan has resolved which) scaled to tiles, pasted into sprite
// sheets of `columns` tiles per row, and a WebVTT track whose cues point at each tile with a
// `#xywh=x,y,w,h` media fragment, the form video players use for scrubbing previews. With
// `select`, a frame that fails the predicate is replaced by the next one that holds.
#include <cmath>
#include <fstream>

#include "compiler/plan/encoder_settings.h"
#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

using namespace media;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kMaxSheetHeight = 8192;  // taller sheets are split: decoders cap image sizes

std::string vtt_time(double s) {
  int64_t ms = std::llround(s * 1000);
  char buf[32];
  snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
           static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
           static_cast<long long>(ms % 1000));
  return buf;
}

class ThumbnailsBranch : public Branch {
 public:
  struct Layout {
    int tile_w = 0, tile_h = 0, columns = 1, rows_per_sheet = 1;
    std::vector<double> times;  // wanted time of each tile
    double duration = 0;
    std::string format, encoder;
    int quality = 0;
    plan::EncoderOptions encoder_options;
    fs::path dir;
    std::string stem;
  };

  ThumbnailsBranch(AVRational tb, std::unique_ptr<FilterChain> chain, Layout layout,
                   std::unique_ptr<FrameGate> gate)
      : Branch(AVMEDIA_TYPE_VIDEO, tb),
        chain_(std::move(chain)),
        layout_(std::move(layout)),
        gate_(std::move(gate)) {}

  /// The files written: the VTT first, then the sheets.
  std::vector<fs::path> files;

  void consume(AVFrame* frame) override {
    if (finished_ || error_) return;
    double t = seconds(frame);
    // The gate sees every frame so the scene score compares neighbours.
    bool admitted = !gate_ || gate_->admits(frame, t);
    if (next_ >= layout_.times.size() || t < layout_.times[next_] || !admitted) return;
    int err = chain_->push(frame);
    FramePtr tile(av_frame_alloc());
    if (err >= 0) err = chain_->pull(tile.get());
    if (err < 0) return fail("encode_failed", "scaling a thumbnail failed: " + av_error_text(err));
    while (next_ < layout_.times.size() && t >= layout_.times[next_]) {
      if (!paste(tile.get(), next_)) return;
      starts_.push_back(layout_.times[next_]);
      ++next_;
      if (next_ % per_sheet() == 0 && !write_sheet()) return;
    }
    if (next_ >= layout_.times.size()) finish();
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    done_ = true;
    if (error_) return;
    if (next_ == 0) return fail("input_unsupported", "the input has no frame for a thumbnail");
    if (next_ % per_sheet() != 0 && !write_sheet()) return;
    write_vtt();
  }

 private:
  size_t per_sheet() const { return static_cast<size_t>(layout_.columns) * layout_.rows_per_sheet; }

  std::string sheet_name(size_t sheet) const {
    return layout_.stem + "_" + std::to_string(sheet) + "." + layout_.format;
  }

  bool paste(const AVFrame* tile, size_t k) {
    size_t in_sheet = k % per_sheet();
    if (in_sheet == 0) {
      sheet_.reset(av_frame_alloc());
      sheet_->format = picture_format(layout_.encoder, false) == AV_PIX_FMT_RGB24
                           ? AV_PIX_FMT_RGB24
                           : AV_PIX_FMT_YUVJ444P;
      sheet_->width = layout_.tile_w * layout_.columns;
      sheet_->height = layout_.tile_h * layout_.rows_per_sheet;
      if (av_frame_get_buffer(sheet_.get(), 0) < 0) {
        fail("encode_failed", "out of memory for a sprite sheet");
        return false;
      }
      bool rgb = sheet_->format == AV_PIX_FMT_RGB24;
      for (int p = 0; p < (rgb ? 1 : 3); ++p)
        memset(sheet_->data[p], p == 0 || rgb ? 0 : 128,
               static_cast<size_t>(sheet_->linesize[p]) * sheet_->height);
    }
    int x = static_cast<int>(in_sheet % layout_.columns) * layout_.tile_w;
    int y = static_cast<int>(in_sheet / layout_.columns) * layout_.tile_h;
    bool rgb = sheet_->format == AV_PIX_FMT_RGB24;
    int bytes = rgb ? 3 : 1;
    for (int p = 0; p < (rgb ? 1 : 3); ++p) {
      for (int row = 0; row < layout_.tile_h; ++row) {
        memcpy(sheet_->data[p] + static_cast<size_t>(y + row) * sheet_->linesize[p] + x * bytes,
               tile->data[p] + static_cast<size_t>(row) * tile->linesize[p],
               static_cast<size_t>(layout_.tile_w) * bytes);
      }
    }
    return true;
  }

  bool write_sheet() {
    size_t sheet = (next_ - 1) / per_sheet();
    size_t tiles = next_ - sheet * per_sheet();
    int rows = static_cast<int>((tiles + layout_.columns - 1) / layout_.columns);
    sheet_->height = rows * layout_.tile_h;  // the last sheet keeps only the rows it uses
    std::string error;
    int frame_quality = 0;
    CodecPtr enc = open_picture_encoder(
        layout_.encoder, layout_.quality, layout_.encoder_options, sheet_->width, sheet_->height,
        static_cast<AVPixelFormat>(sheet_->format), {1, 1}, &frame_quality, &error);
    fs::path path = layout_.dir / sheet_name(sheet);
    auto out = enc ? Container::create(path, "image2", &error) : nullptr;
    if (!out) {
      fail("encode_failed", error);
      return false;
    }
    Encoder encoder(std::move(enc));
    encoder.add_target({out.get(), out->add_stream(encoder.ctx())});
    AVDictionary* mux = nullptr;
    av_dict_set(&mux, "update", "1", 0);
    bool ok = out->write_header(&mux, &error);
    av_dict_free(&mux);
    sheet_->pts = 0;
    sheet_->quality = frame_quality;
    if (ok && (encoder.encode(sheet_.get()) < 0 || encoder.encode(nullptr) < 0)) {
      ok = false;
      error = "encoding a sprite sheet failed";
    }
    if (ok) ok = out->finish(&error);
    if (!ok) {
      fail("encode_failed", error);
      return false;
    }
    files.push_back(path);
    return true;
  }

  void write_vtt() {
    fs::path path = layout_.dir / (layout_.stem + ".vtt");
    std::ofstream vtt(path);
    vtt << "WEBVTT\n";
    for (size_t k = 0; k < starts_.size(); ++k) {
      double end = k + 1 < starts_.size() ? starts_[k + 1] : std::max(layout_.duration, starts_[k]);
      if (k + 1 == starts_.size() && k + 1 < layout_.times.size()) end = layout_.times[k + 1];
      size_t in_sheet = k % per_sheet();
      vtt << "\n"
          << vtt_time(starts_[k]) << " --> " << vtt_time(end) << "\n"
          << sheet_name(k / per_sheet())
          << "#xywh=" << (in_sheet % layout_.columns) * layout_.tile_w << ","
          << (in_sheet / layout_.columns) * layout_.tile_h << "," << layout_.tile_w << ","
          << layout_.tile_h << "\n";
    }
    if (!vtt) return fail("encode_failed", "cannot write '" + path.filename().string() + "'");
    files.insert(files.begin(), path);
  }

  std::unique_ptr<FilterChain> chain_;
  Layout layout_;
  std::unique_ptr<FrameGate> gate_;
  FramePtr sheet_;
  size_t next_ = 0;
  std::vector<double> starts_;
  bool finished_ = false;
};

}  // namespace

void build_thumbnails(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Options& o = *w.options;
  auto fail = [&](std::string kind, std::string message) { w.fail(kind, message); };
  ThumbnailsBranch::Layout layout;
  layout.format = o.text("format");
  auto settings = plan::image_encoder_settings(layout.format, o.text("quality"));
  if (!settings) return fail("encode_failed", "no image encoder for '" + layout.format + "'");
  layout.encoder = settings->encoder;
  layout.quality = settings->value;
  layout.encoder_options = settings->options;
  layout.duration = in.duration;
  layout.dir = w.spec->out_dir;
  layout.stem = w.spec->id();
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, false, false, &error);
  if (!geo) return fail("options_invalid", error);
  layout.tile_w = geo->width;
  layout.tile_h = geo->height;
  // The plan gives exactly one of `count` and `interval`. Of an input of unknown duration, one
  // tile per interval (or per second for `count`).
  std::optional<int64_t> wanted = o.integer("count");
  double interval = o.number("interval").value_or(1);
  // The tiles are sized by the duration the file claims, so the claim is bounded before
  // anything is allocated for it (a 1e10 s claim once asked for 1e10 tiles).
  const Limits& limits = limits_of(w);
  if (in.duration > limits.max_claimed_duration)
    return fail("input_invalid",
                "the input claims a duration of " + said(in.duration) +
                    " s, more than the limit of " + said(limits.max_claimed_duration) +
                    " s for a duration that thumbnails are laid out by (media limit "
                    "max_claimed_duration); the file's header is wrong or the file is too long");
  double duration = in.duration > 0 ? in.duration : wanted ? double(*wanted) : interval;
  double tiles = wanted ? double(*wanted) : std::max(1.0, std::ceil(duration / interval - 1e-9));
  if (tiles > double(limits.max_tiles))
    return fail(
        "input_invalid",
        (wanted ? "`count` " + std::to_string(*wanted)
                : "a tile every " + said(interval) + " s of the input's " + said(duration) + " s") +
            " makes " + said(tiles) + " tiles, more than the limit of " +
            std::to_string(limits.max_tiles) +
            " per thumbnails task (media limit max_tiles); set a larger `interval` or a "
            "smaller `count`");
  size_t count = static_cast<size_t>(tiles);
  if (wanted) interval = duration / count;
  for (size_t k = 0; k < count; ++k) layout.times.push_back(k * interval);
  layout.columns =
      static_cast<int>(std::min<size_t>(static_cast<size_t>(*o.integer("columns")), count));
  size_t rows = (count + layout.columns - 1) / layout.columns;
  layout.rows_per_sheet =
      static_cast<int>(std::min<size_t>(rows, std::max(1, kMaxSheetHeight / layout.tile_h)));
  if (static_cast<int64_t>(layout.tile_w) * layout.columns > 16384)
    return fail("options_invalid", "a sprite sheet row of " + std::to_string(layout.columns) +
                                       " tiles of " + std::to_string(layout.tile_w) +
                                       " px is too wide");
  int64_t sheet_w = int64_t{layout.tile_w} * layout.columns;
  int64_t sheet_h = int64_t{layout.tile_h} * layout.rows_per_sheet;
  if (sheet_w * sheet_h > limits.max_sheet_pixels)
    return fail("input_invalid",
                "a sprite sheet of " + std::to_string(sheet_w) + "x" + std::to_string(sheet_h) +
                    " px (" + std::to_string(layout.columns) + " columns of " +
                    std::to_string(layout.tile_w) + "x" + std::to_string(layout.tile_h) +
                    " tiles) is more than the limit of " + std::to_string(limits.max_sheet_pixels) +
                    " pixels per sheet (media limit max_sheet_pixels); ask for fewer `columns` "
                    "or a smaller `width`");
  // A sheet is held whole (3 bytes a pixel), and its encoder takes about as much again.
  if (!admit_picture(w, set, in, layout.tile_w, layout.tile_h, sheet_w * sheet_h * 3 * 2, 0,
                     "tile"))
    return;
  std::string filters = rotation_filters(in.rotation);
  std::string scale = "scale=" + std::to_string(layout.tile_w) + ":" +
                      std::to_string(layout.tile_h) + ":flags=bicubic,setsar=1";
  filters = filters.empty() ? scale : filters + "," + scale;
  SinkParams sink;
  sink.pix_fmt = layout.format == "png" ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUVJ444P;
  auto chain = FilterChain::create(*in.video, filters, sink, &error);
  if (!chain) return fail("encode_failed", error);
  std::unique_ptr<FrameGate> gate = select_gate(w);
  w.gate = gate.get();
  // The files this output may write, so a failed or cancelled pass removes them.
  size_t per_sheet = static_cast<size_t>(layout.columns) * layout.rows_per_sheet;
  w.extra_files.push_back(layout.dir / (layout.stem + ".vtt"));
  for (size_t sheet = 0; sheet * per_sheet < count; ++sheet)
    w.extra_files.push_back(layout.dir /
                            (layout.stem + "_" + std::to_string(sheet) + "." + layout.format));
  auto branch = std::make_unique<ThumbnailsBranch>(in.video->time_base, std::move(chain),
                                                   std::move(layout), std::move(gate));
  branch->outputs.push_back(w.index);
  ThumbnailsBranch* raw = branch.get();
  set.branches.push_back(std::move(branch));
  w.collect = [raw](OutputWork&, std::string* error) {
    std::vector<json> out;
    std::error_code ec;
    for (size_t i = 0; i < raw->files.size(); ++i) {
      const fs::path& p = raw->files[i];
      if (i == 0) {
        out.push_back({{"object", "file"},
                       {"kind", "track"},
                       {"type", "text/vtt"},
                       {"format", "vtt"},
                       {"filename", p.filename().string()},
                       {"filesize", static_cast<int64_t>(fs::file_size(p, ec))}});
        continue;
      }
      auto f = probe(p);
      if (auto* e = std::get_if<MediaError>(&f)) {
        *error = e->message;
        return std::vector<json>{};
      }
      out.push_back(std::get<json>(f));
    }
    return out;
  };
}

}  // namespace wfc::operators
