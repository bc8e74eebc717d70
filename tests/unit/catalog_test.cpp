// The kind catalog: stdlib/kinds.json as the checker, `wfc schema` and docs/kinds.md see it,
// the catalog's own validation of broken catalogs, and the generated files built from it.
#include "compiler/catalog/catalog.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

using namespace wfc::catalog;
using nlohmann::json;

namespace {

const OptionSpec& option(std::string_view kind, std::string_view name) {
  const KindSpec* k = Catalog::builtin().kind(kind);
  REQUIRE(k != nullptr);
  const OptionSpec* o = k->option(name);
  INFO(std::string(kind) + "." + std::string(name));
  REQUIRE(o != nullptr);
  return *o;
}

std::vector<std::string> values(std::string_view kind, std::string_view name) {
  const OptionSpec& o = option(kind, name);
  REQUIRE(o.type.kind == TypeKind::Enum);
  return o.type.values;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the built-in catalog defines every kind of the seeds", "[catalog]") {
  const Catalog& c = Catalog::builtin();
  for (const char* name : {"ingest", "import", "probe", "video", "audio", "image", "animation",
                           "adaptive_video", "thumbnails", "subtitles", "chapters", "speech",
                           "nsfw", "summary", "outline", "export", "conditions"}) {
    INFO(name);
    const KindSpec* k = c.kind(name);
    REQUIRE(k != nullptr);
    CHECK(k->name == name);
    CHECK_FALSE(k->doc.empty());
    for (const auto& o : k->options) CHECK_FALSE(o.doc.empty());
  }
  CHECK(c.kind("vidoe") == nullptr);
  CHECK(c.kind("") == nullptr);
  CHECK(c.kind("Video") == nullptr);
  CHECK(c.kinds().size() == 17);
  CHECK(c.kind_names().front() == "ingest");  // file order, for docs and suggestions
}

TEST_CASE("video options follow the ittybit option set", "[catalog]") {
  CHECK(values("video", "format") == std::vector<std::string>{"mp4", "webm", "mov"});
  CHECK(*option("video", "format").default_value == "mp4");
  CHECK(values("video", "codec") == std::vector<std::string>{"h264", "h265", "vp9", "av1"});
  // The codec follows the container: WebM holds only vp9 and av1.
  const auto& codec_by = option("video", "codec").default_by;
  REQUIRE(codec_by);
  CHECK(codec_by->option == "format");
  CHECK(codec_by->values == std::vector<std::pair<std::string, json>>{
                                {"mp4", "h264"}, {"mov", "h264"}, {"webm", "vp9"}});
  CHECK(values("video", "quality") ==
        std::vector<std::string>{"very_low", "low", "medium", "high", "very_high"});
  CHECK(*option("video", "quality").default_value == "medium");
  CHECK(values("video", "fit") == std::vector<std::string>{"contain", "cover", "fill"});
  CHECK(values("video", "position").size() == 9);

  const TypeSpec& width = option("video", "width").type;
  CHECK(width.kind == TypeKind::Dimension);
  CHECK(*width.min == 1);
  CHECK(*width.max == 7680);
  CHECK(*option("video", "height").type.max == 4320);
  CHECK(width.describe() == "pixels 1–7680 or a percentage \"NN%\"");

  const TypeSpec& fps = option("video", "fps").type;
  CHECK(fps.kind == TypeKind::Number);
  CHECK(fps.describe() == "number 1–60");
  const TypeSpec& bitrate = option("video", "bitrate").type;
  CHECK(bitrate.kind == TypeKind::Integer);
  CHECK(bitrate.describe() == "integer 300000–60000000");
  CHECK(option("video", "background").type.kind == TypeKind::Color);
  CHECK(option("video", "start").type.kind == TypeKind::Seconds);
  CHECK(option("video", "end").type.describe() == "seconds ≥ 0");
  CHECK(option("video", "format").type.describe() == "one of mp4, webm or mov");

  const KindSpec* video = Catalog::builtin().kind("video");
  REQUIRE(video->constraints.size() == 2);
  CHECK(video->constraints[0].type == Constraint::Type::Less);
  CHECK(video->constraints[0].options == std::vector<std::string>{"start", "end"});
  CHECK(video->constraints[1].type == Constraint::Type::Allows);
  CHECK(video->constraints[1].options == std::vector<std::string>{"format", "codec"});
  CHECK(video->constraints[1].when_value == "webm");
  CHECK(video->constraints[1].values == std::vector<std::string>{"vp9", "av1"});
  CHECK(video->option("widht") == nullptr);
}

TEST_CASE("audio, image and animation options", "[catalog]") {
  CHECK(values("audio", "format") ==
        std::vector<std::string>{"mp3", "aac", "ogg", "opus", "wav", "flac"});
  CHECK(*option("audio", "bitrate").type.min == 32000);
  CHECK(*option("audio", "bitrate").type.max == 320000);
  CHECK(option("audio", "quality").type.kind == TypeKind::Enum);
  CHECK(Catalog::builtin().kind("audio")->option("width") == nullptr);

  CHECK(values("image", "format") == std::vector<std::string>{"jpeg", "png", "webp", "avif"});
  for (const char* o : {"width", "height", "fit", "position", "background", "quality", "start"})
    CHECK(Catalog::builtin().kind("image")->option(o) != nullptr);
  CHECK(option("image", "select").type.kind == TypeKind::Expression);

  CHECK(values("animation", "format") == std::vector<std::string>{"gif", "webp"});
  CHECK(*option("animation", "fps").type.max == 30);
  CHECK(option("animation", "select").type.kind == TypeKind::Expression);
}

TEST_CASE("adaptive_video renditions and subtitles are arrays of typed objects", "[catalog]") {
  CHECK(values("adaptive_video", "format") == std::vector<std::string>{"hls"});
  const TypeSpec& r = option("adaptive_video", "renditions").type;
  CHECK(r.kind == TypeKind::Array);
  CHECK(*r.min_items == 1);
  CHECK(*r.max_items == 8);
  REQUIRE(r.items);
  REQUIRE(r.items->kind == TypeKind::Object);
  std::set<std::string> fields;
  for (const auto& f : r.items->fields) fields.insert(f.name);
  CHECK(fields == std::set<std::string>{"width", "height", "bitrate", "codec"});
  CHECK(r.describe() == "array of 1–8 objects {height, width, bitrate, codec}");

  const TypeSpec& s = option("adaptive_video", "subtitles").type;
  REQUIRE(s.items);
  std::set<std::string> sub;
  for (const auto& f : s.items->fields) sub.insert(f.name);
  CHECK(sub == std::set<std::string>{"url", "label", "language", "default"});
}

TEST_CASE("track, intelligence and output kinds", "[catalog]") {
  CHECK(values("thumbnails", "format") == std::vector<std::string>{"jpeg", "png"});
  CHECK(*option("thumbnails", "format").default_value == "jpeg");
  CHECK(*option("thumbnails", "count").type.min == 1);
  CHECK(*option("thumbnails", "count").type.max == 1000);
  CHECK(option("thumbnails", "interval").type.kind == TypeKind::Seconds);
  CHECK(*option("thumbnails", "interval").type.min > 0);
  CHECK(option("thumbnails", "columns").type.kind == TypeKind::Integer);
  const KindSpec* thumbs = Catalog::builtin().kind("thumbnails");
  REQUIRE(thumbs->constraints.size() == 1);
  CHECK(thumbs->constraints[0].type == Constraint::Type::Exclusive);
  CHECK(thumbs->constraints[0].options == std::vector<std::string>{"interval", "count"});

  CHECK(values("subtitles", "format") == std::vector<std::string>{"vtt", "srt"});
  CHECK(option("subtitles", "language").type.kind == TypeKind::Language);
  CHECK(values("chapters", "format") == std::vector<std::string>{"vtt", "srt", "json"});
  CHECK(Catalog::builtin().kind("nsfw")->options.empty());
  CHECK(Catalog::builtin().kind("summary")->options.empty());

  const OptionSpec& export_url = option("export", "url");
  CHECK(export_url.required);
  CHECK(export_url.type.schemes == std::vector<std::string>{"s3", "file"});
  CHECK_FALSE(option("export", "connection_id").required);
  // ingest and import also read s3:// objects through a connection (issue 21).
  for (const char* kind : {"ingest", "import"}) {
    INFO(kind);
    CHECK(option(kind, "url").required);
    CHECK(option(kind, "url").type.schemes ==
          std::vector<std::string>{"http", "https", "file", "s3"});
    CHECK_FALSE(option(kind, "connection_id").required);
  }
}

TEST_CASE("what each kind accepts and produces", "[catalog]") {
  struct Flow {
    const char* kind;
    FileKinds accepts;
    FileKinds produces;  // 0 with passthrough
    bool passthrough;
  };
  const Flow flows[] = {
      {"video", kVideo, kVideo, false},
      {"audio", kVideo | kAudio, kAudio, false},
      {"image", kVideo | kImage, kImage, false},
      {"animation", kVideo | kImage, kImage, false},
      {"adaptive_video", kVideo, kPlaylist, false},
      {"thumbnails", kVideo, kTrack, false},
      {"subtitles", kVideo | kAudio, kTrack, false},
      {"chapters", kVideo | kAudio, kTrack, false},
      {"speech", kVideo | kAudio, kData, false},
      {"nsfw", kVideo | kImage, kData, false},
      {"summary", kMedia, kData, false},
      {"outline", kVideo | kAudio, kData, false},
      {"probe", kMedia, 0, true},
      {"export", kAnyFile, 0, true},
      {"conditions", kAnyFile, 0, true},
  };
  for (const auto& f : flows) {
    INFO(f.kind);
    const KindSpec* k = Catalog::builtin().kind(f.kind);
    REQUIRE(k != nullptr);
    CHECK(k->accepts == f.accepts);
    CHECK(k->passthrough == f.passthrough);
    if (!f.passthrough) CHECK(k->produces == f.produces);
    CHECK_FALSE(k->top_level_only);
  }
  for (const char* name : {"ingest", "import"}) {
    const KindSpec* k = Catalog::builtin().kind(name);
    CHECK(k->top_level_only);
    CHECK(k->accepts == 0);
    CHECK(k->produces == kMedia);
  }
  CHECK(Catalog::builtin().kind("conditions")->is_conditions);
  CHECK_FALSE(Catalog::builtin().kind("video")->is_conditions);
  CHECK(describe_file_kinds(kVideo | kAudio) == "video or audio");
  CHECK(describe_file_kinds(kMedia) == "video, audio or image");
  CHECK(describe_file_kinds(kData) == "data");
  CHECK(parse_file_kind("playlist") == kPlaylist);
  CHECK_FALSE(parse_file_kind("media").has_value());
}

TEST_CASE("condition properties resolve, including metadata.<key>", "[catalog]") {
  const Catalog& c = Catalog::builtin();
  for (const char* name :
       {"kind",     "type",         "format",    "width",       "height",       "duration",
        "fps",      "bitrate",      "filesize",  "orientation", "rotation",     "frames",
        "animated", "transparency", "has_video", "has_audio",   "codecs.video", "codecs.audio",
        "channels", "sample_rate",  "language"}) {
    INFO(name);
    REQUIRE(c.property(name) != nullptr);
    CHECK(c.property(name)->name == name);
  }
  CHECK(c.property("kind")->type.values == std::vector<std::string>{"video", "audio", "image"});
  CHECK(c.property("width")->type.kind == TypeKind::Integer);
  CHECK(*c.property("width")->type.min == 0);
  CHECK(c.property("duration")->type.kind == TypeKind::Number);
  CHECK(c.property("animated")->type.kind == TypeKind::Boolean);
  CHECK(c.property("orientation")->type.values ==
        std::vector<std::string>{"landscape", "portrait", "square"});
  CHECK(*c.property("rotation")->type.max == 359);
  CHECK(c.property("codecs.video")->type.kind == TypeKind::String);

  const PropertySpec* title = c.property("metadata.title");
  REQUIRE(title != nullptr);
  CHECK(title->name == "metadata");
  CHECK(title->type.kind == TypeKind::Map);
  CHECK(title->type.items->kind == TypeKind::String);
  CHECK(c.property("metadata.a.b") == title);
  CHECK(c.property("metadata.") == nullptr);
  CHECK(c.property("codecs.subtitle") == nullptr);  // codecs is not a map
  CHECK(c.property("widht") == nullptr);
  CHECK(c.property("width.x") == nullptr);

  auto names = c.property_names();
  CHECK(std::find(names.begin(), names.end(), "metadata.<key>") != names.end());
  CHECK(std::find(names.begin(), names.end(), "codecs.video") != names.end());
}

TEST_CASE("condition operators and what they apply to", "[catalog]") {
  const Catalog& c = Catalog::builtin();
  CHECK(c.operator_names() == std::vector<std::string>{"eq", "ne", "gt", "gte", "lt", "lte", "in",
                                                       "nin", "contains", "starts_with",
                                                       "ends_with", "matches", "exists"});
  CHECK(c.op("gt")->applies_to == std::vector<TypeKind>{TypeKind::Integer, TypeKind::Number});
  CHECK(c.op("eq")->applies_to.empty());
  CHECK(c.op("in")->operand == OperatorSpec::Operand::List);
  CHECK(c.op("matches")->operand == OperatorSpec::Operand::Regex);
  CHECK(c.op("matches")->applies_to == std::vector<TypeKind>{TypeKind::String});
  CHECK(c.op("exists")->operand == OperatorSpec::Operand::Boolean);
  CHECK(c.op("contains")->operand == OperatorSpec::Operand::String);
  CHECK(c.op("and") == nullptr);
  CHECK(c.op("gt_eq") == nullptr);
  CHECK(Catalog::is_combinator("and"));
  CHECK(Catalog::is_combinator("not"));
  CHECK_FALSE(Catalog::is_combinator("xor"));
}

TEST_CASE("type names round-trip", "[catalog]") {
  for (const char* name : {"string", "integer", "number", "boolean", "enum", "dimension", "seconds",
                           "color", "url", "language", "expression", "array", "object", "map"}) {
    auto k = parse_type_kind(name);
    REQUIRE(k.has_value());
    CHECK(type_kind_name(*k) == name);
  }
  CHECK_FALSE(parse_type_kind("int").has_value());
}

namespace {

// A small valid catalog; each broken-catalog case below changes one thing in it.
constexpr std::string_view kBase = R"({"version": 1,
 "file_kinds": {"video": "v", "audio": "a", "image": "i", "data": "d", "track": "t", "playlist": "p"},
 "properties": {"width": {"type": "integer", "min": 0, "doc": "w"},
                "metadata": {"type": "map", "items": {"type": "string"}, "doc": "m"}},
 "operators": {"eq": {"applies_to": [], "operand": "same", "doc": "e"}},
 "kinds": {"clip": {"category": "media", "doc": "c", "accepts": ["video"], "produces": "video",
   "execution": {"engine": "media", "decodes": "video", "fuses": true, "reads": "window",
                 "cost": "encode"},
   "options": {"fps": {"type": "integer", "min": 1, "max": 60, "default": 30, "doc": "f"},
               "format": {"type": "enum", "values": ["mp4", "webm"], "default": "mp4", "doc": "f"},
               "start": {"type": "seconds", "doc": "s"}, "end": {"type": "seconds", "doc": "e"}},
   "constraints": [{"less": ["start", "end"]}]}}})";

std::string with(std::string_view from, std::string_view to) {
  std::string s(kBase);
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);  // the case really changes the base
  return s.replace(at, from.size(), to);
}

std::string parse_error(const std::string& text) {
  std::string error;
  auto c = Catalog::parse(text, &error);
  CHECK(c == nullptr);
  return error;
}

}  // namespace

TEST_CASE("a small catalog parses and answers lookups", "[catalog]") {
  std::string error;
  auto c = Catalog::parse(kBase, &error);
  INFO(error);
  REQUIRE(c != nullptr);
  CHECK(error.empty());
  CHECK(c->kind("clip")->option("fps")->default_value == json(30));
  CHECK(c->property("metadata.x")->name == "metadata");
  CHECK(c->kind("video") == nullptr);
  CHECK(c->source()["kinds"]["clip"]["category"] == "media");
}

TEST_CASE("the catalog's own validation rejects broken catalogs", "[catalog]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {with(R"("version": 1,)", R"("version": 1,,)"), "1:15: invalid JSON"},
      {with(R"("version": 1)", R"("version": 2)"), "/version: must be 1"},
      {with(R"("metadata": {"type")",
            R"("width": {"type": "string", "doc": "x"}, "metadata": {"type")"),
       "/properties: duplicate key 'width'"},
      {with(R"("type": "integer", "min": 1)", R"("type": "int", "min": 1)"),
       "/kinds/clip/options/fps/type: unknown type 'int'"},
      {with(R"("default": "mp4")", R"("default": "mkv")"),
       R"(/kinds/clip/options/format/default: "mkv" is not a valid value (one of mp4 or webm))"},
      {with(R"("default": 30)", R"("default": 75)"),
       "/kinds/clip/options/fps/default: 75 is out of range (integer 1–60)"},
      {with(R"("default": 30)", R"("default": 2.5)"),
       "/kinds/clip/options/fps/default: 2.5 is not a valid value (integer 1–60)"},
      {with(R"("default": 30)", R"("defualt": 30)"),
       "/kinds/clip/options/fps/defualt: unknown key 'defualt'"},
      {with(R"("min": 1, "max": 60)", R"("min": 61, "max": 60)"),
       "/kinds/clip/options/fps/min: is greater than max"},
      {with(R"(["start", "end"])", R"(["start", "stop"])"),
       "/kinds/clip/constraints/0/less: 'clip' has no option 'stop'"},
      {with(R"(["start", "end"])", R"(["format", "end"])"),
       "/kinds/clip/constraints/0/less: 'format' is not a number, so it cannot be ordered"},
      {with(R"({"less": ["start", "end"]})", R"({"exclusive": ["start"]})"),
       "/kinds/clip/constraints/0/exclusive: needs at least two options"},
      {with(R"("accepts": ["video"])", R"("accepts": ["movie"])"),
       R"(/kinds/clip/accepts: unknown file kind "movie")"},
      {with(R"("accepts": ["video"])", R"("accepts": ["video"], "top_level_only": true)"),
       "/kinds/clip/accepts: is empty exactly when the kind is top_level_only"},
      {with(R"("produces": "video")", R"("produces": "videos")"),
       "/kinds/clip/produces: unknown 'videos'"},
      {with(R"(, "playlist": "p")", ""), "/file_kinds: file kind 'playlist' is missing"},
      {with(R"("type": "seconds", "doc": "s")",
            R"("type": "seconds", "required": true, "default": 1, "doc": "s")"),
       "/kinds/clip/options/start/default: a required option has no default"},
      {with(R"({"type": "seconds", "doc": "e"})", R"({"type": "seconds"})"),
       "/kinds/clip/options/end/doc: is missing"},
      {with(R"("values": ["mp4", "webm"])", R"("values": ["mp4", "mp4"])"),
       "/kinds/clip/options/format/values: lists 'mp4' twice"},
      {with(R"("values": ["mp4", "webm"])", R"("values": [])"),
       "/kinds/clip/options/format/values: an enum needs a non-empty array of values"},
      {with(R"("applies_to": [])", R"("applies_to": ["integr"])"),
       R"(/operators/eq/applies_to: unknown type name "integr")"},
      {with(R"("operand": "same")", R"("operand": "other")"),
       "/operators/eq/operand: unknown operand 'other'"},
      {with(R"("width": {"type": "integer")", R"("metadata.title": {"type": "string", "doc": "t"},
                 "width": {"type": "integer")"),
       "/properties/metadata.title: clashes with the map property 'metadata'"},
      {with(R"("width": {"type": "integer", "min": 0)",
            R"("width": {"type": "dimension", "min": 0)"),
       "/properties/width/type: a property is string, integer, number, boolean, enum or map"},
      {with(R"("category": "media")", R"("category": "movies")"),
       "/kinds/clip/category: must be one of input, media, track"},
      {with(R"("type": "seconds", "doc": "s")",
            R"("type": "seconds", "values": ["a"], "doc": "s")"),
       "/kinds/clip/options/start/values: does not apply to type 'seconds'"},
      {with(R"("engine": "media")", R"("engine": "gpu")"),
       "/kinds/clip/execution/engine: must be one of transfer, probe, media"},
      {with(R"("cost": "encode")", R"("cost": "magic")"),
       "/kinds/clip/execution/cost: must name a cost model"},
      {with(R"("decodes": "video", )", ""),
       "/kinds/clip/execution/fuses: only a media or intelligence kind that decodes can join a "
       "fused pass"},
      {with(R"("engine": "media")", R"("engine": "transfer")"),
       "/kinds/clip/execution/fuses: only a media or intelligence kind that decodes"},
      {with(R"("fuses": true)", R"("fuses": true, "shares": "frames")"),
       "/kinds/clip/execution/shares: must be transcript"},
      {with(R"("fuses": true)", R"("fuses": false, "shares": "transcript")"),
       "/kinds/clip/execution/shares: only a kind that joins a fused pass shares its results"},
      {with(R"("reads": "window")", R"("reads": "everything")"),
       "/kinds/clip/execution/reads: must be all, window or frame"},
      {with(R"(, "end": {"type": "seconds", "doc": "e"})", ""),
       "/kinds/clip/execution/reads: a kind that reads a window has `start` and `end`"},
      {with(R"("default": 30, "doc": "f")",
            R"("default": 30, "default_unless": ["rate"], "doc": "f")"),
       "/kinds/clip/options/fps/default_unless: names no other option 'rate'"},
      {with(
           R"("end": {"type": "seconds", "doc": "e"})",
           R"("end": {"type": "seconds", "default_from": {"option": "format", "add": 5}, "doc": "e"})"),
       "/kinds/clip/options/end/default_from: must name another number option"},
      {with(
           R"("end": {"type": "seconds", "doc": "e"})",
           R"("end": {"type": "seconds", "default_by": {"option": "format", "values": {"mkv": 1}}, "doc": "e"})"),
       "/kinds/clip/options/end/default_by/values: 'mkv' is not a value of 'format'"},
      {with(R"({"less": ["start", "end"]})",
            R"({"allows": {"when": ["format", "webm"], "option": "fps", "values": [30]}})"),
       "/kinds/clip/constraints/0/allows/option: must name an enum option of 'clip'"},
      {with(R"("constraints")", R"("constants": {"Max": {"value": 1, "doc": "m"}}, "constraints")"),
       "/kinds/clip/constants/Max: a constant's name is a lowercase identifier"},
      {with(R"("doc": "f"},
               "start")",
            R"("encoders": "video", "doc": "f"},
               "start")"),
       "/kinds/clip/options/format/encoders: must name a family of /encoders"},
      {with(R"("min": 1, "max": 60)", R"("min": 1, "max": 60, "measure": "speed")"),
       R"(/kinds/clip/options/fps/measure: unknown measure "speed" (duration, size, bitrate))"},
      {with(R"("type": "seconds", "doc": "s")",
            R"("type": "seconds", "measure": "duration", "doc": "s")"),
       "/kinds/clip/options/start/measure: does not apply to type 'seconds'"},
      {with(R"("values": ["mp4", "webm"])", R"("values": ["mp4", "webm"], "measure": "size")"),
       "/kinds/clip/options/format/measure: does not apply to type 'enum'"},
      {with(R"("width": {"type": "integer", "min": 0)",
            R"("width": {"type": "integer", "min": 0, "measure": 1)"),
       "/properties/width/measure: unknown measure 1"},
      {"[]", "/: the catalog must be a JSON object"},
      {"", "invalid JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    std::string error = parse_error(c.text);
    CAPTURE(error);
    CHECK(error.find(c.error) != std::string::npos);
  }
}

TEST_CASE(
    "the encoder table is checked: one value per level, AVOptions as strings, a row for every "
    "value an option picks",
    "[catalog]") {
  auto encoders = [](const std::string& families) {
    return with(R"("kinds": {)", R"("encoders": {"doc": "e", "quality_option": "quality",
        "levels": ["low", "high"], "families": )" +
                                     families + R"(}, "kinds": {)");
  };
  std::string ok = encoders(R"({"video": {"mp4": {"encoder": "x", "crf": [30, 20]},
                                          "webm": {"encoder": "y", "crf": [40, 30]}}})");
  std::string error;
  auto c = Catalog::parse(ok, &error);
  INFO(error);
  REQUIRE(c);
  CHECK(c->encoders().family("video")->row("webm")->at("crf", 1)->get<int>() == 30);
  CHECK(c->encoders().level("high") == 1u);
  CHECK(parse_error(encoders(R"({"video": {"mp4": {"encoder": "x", "crf": [30]}}})")) ==
        "/encoders/families/video/mp4/crf: must list one value per level (2)");
  CHECK(parse_error(encoders(R"({"video": {"mp4": {"encoder": "x", "crf": [30, 20],
                                                     "options": {"threads": 2}}}})")) ==
        "/encoders/families/video/mp4/options/threads: an AVOption's value is a string, as the "
        "encoder takes it");
  // A column only one row has is one the other row's encoder does not use.
  std::string optional_column = encoders(
      R"({"video": {"mp4": {"encoder": "x", "crf": [30, 20], "options": {"tune": "film"}},
                    "webm": {"encoder": "y", "crf": [40, 30], "speed": [4, 2]}}})");
  c = Catalog::parse(optional_column, &error);
  REQUIRE(c);
  const auto* video = c->encoders().family("video");
  CHECK(video->column_names() == std::vector<std::string>{"crf", "speed"});
  CHECK(video->row("mp4")->at("speed", 0) == nullptr);
  CHECK(video->row("mp4")->options ==
        std::vector<std::pair<std::string, std::string>>{{"tune", "film"}});
  std::string picks = encoders(R"({"video": {"mp4": {"encoder": "x", "crf": [30, 20]}}})");
  size_t at = picks.find(R"("values": ["mp4", "webm"],)");
  REQUIRE(at != std::string::npos);
  picks.insert(at, R"("encoders": "video", )");
  CHECK(parse_error(picks) ==
        "/kinds/clip/options/format/encoders: the 'video' encoders have no row for 'webm'");
}

TEST_CASE("docs/kinds.md is generated from the catalog and not stale", "[catalog][docs]") {
  std::string path = std::string(WFC_SOURCE_DIR) + "/docs/kinds.md";
  std::string committed = read_file(path);
  std::string generated = kinds_markdown(Catalog::builtin());
  if (committed != generated) {
    FAIL("docs/kinds.md is stale: run `make docs` and commit it");
  }
  CHECK(generated.find("do not edit") != std::string::npos);
  for (const auto& k : Catalog::builtin().kinds()) {
    INFO(k.name);
    CHECK(generated.find("### `" + k.name + "`") != std::string::npos);
  }
  CHECK(generated.find("| `fps` | number | — | 1–60 |") != std::string::npos);
  CHECK(generated.find("| `metadata.<key>` | map |") != std::string::npos);
}

namespace {

// Every "$ref" in the schema points into its own $defs.
void check_refs(const json& node, const json& defs) {
  if (node.is_object()) {
    if (node.contains("$ref")) {
      std::string ref = node["$ref"];
      INFO(ref);
      REQUIRE(ref.rfind("#/$defs/", 0) == 0);
      CHECK(defs.contains(ref.substr(8)));
    }
    for (const auto& [key, value] : node.items()) check_refs(value, defs);
  } else if (node.is_array()) {
    for (const auto& value : node) check_refs(value, defs);
  }
}

}  // namespace

TEST_CASE("the JSON schema types every kind and option from the catalog", "[catalog][schema]") {
  const Catalog& c = Catalog::builtin();
  json schema = json_schema(c);
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  REQUIRE(schema["$defs"].is_object());
  const json& defs = schema["$defs"];
  check_refs(schema, defs);

  std::vector<std::string> kinds = defs["task"]["properties"]["kind"]["enum"];
  CHECK(kinds == c.kind_names());
  CHECK(defs["task"]["additionalProperties"] == false);
  CHECK(defs["task"]["properties"]["next"]["$ref"] == "#/$defs/workflow");

  for (const auto& k : c.kinds()) {
    INFO(k.name);
    if (k.is_conditions) continue;
    const json& options = defs["options:" + k.name];
    REQUIRE(options.is_object());
    CHECK(options["additionalProperties"] == false);
    CHECK(options["properties"].size() == k.options.size());
    for (const auto& o : k.options) {
      INFO(o.name);
      const json& p = options["properties"][o.name];
      REQUIRE(p.is_object());
      CHECK(p["description"] == o.doc);
      if (o.default_value) CHECK(p["default"] == *o.default_value);
      if (o.type.kind == TypeKind::Enum) CHECK(p["enum"] == json(o.type.values));
      if (o.type.kind == TypeKind::Integer && o.type.max) CHECK(p["maximum"] == *o.type.max);
      bool required = options.contains("required") &&
                      std::find(options["required"].begin(), options["required"].end(), o.name) !=
                          options["required"].end();
      CHECK(required == o.required);
    }
  }
  // A dimension is pixels or a percentage string.
  const json& width = defs["options:video"]["properties"]["width"];
  CHECK(width["anyOf"][0] == json{{"type", "integer"}, {"minimum", 1.0}, {"maximum", 7680.0}});
  CHECK(width["anyOf"][1]["pattern"] == "^([1-9][0-9]?|100)%$");
  // thumbnails: interval and count exclude each other.
  CHECK(defs["options:thumbnails"]["allOf"][0] ==
        json::parse(R"({"not": {"anyOf": [{"required": ["interval", "count"]}]}})"));

  // Conditions: every property, metadata.<key> by pattern, operators by type.
  const json& cond = defs["condition"];
  for (const auto& p : c.properties()) {
    INFO(p.name);
    CHECK(defs.contains("property:" + p.name));
    if (p.type.kind != TypeKind::Map) CHECK(cond["properties"].contains(p.name));
  }
  CHECK(cond["patternProperties"].contains("^metadata\\..+$"));
  CHECK(cond["properties"].contains("and"));
  CHECK(defs["property:width"]["properties"].contains("gte"));
  CHECK_FALSE(defs["property:kind"]["properties"].contains("gte"));
  CHECK(defs["property:kind"]["properties"]["in"]["items"]["enum"] ==
        json({"video", "audio", "image"}));
  CHECK(defs["property:metadata"]["properties"].contains("matches"));
}

TEST_CASE("`wfc schema` prints the schema as JSON", "[catalog][schema][cli]") {
  FILE* pipe = popen((std::string("'") + WFC_BINARY + "' schema").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = pclose(pipe);
  CHECK(status == 0);
  json printed = json::parse(out, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(printed.is_discarded());
  CHECK(printed == json_schema(Catalog::builtin()));
}
