// The kind catalog: every task kind, its options (type, default, range, enum, doc), what it
// accepts and what it produces, plus the file properties and operators conditions may use.
// Its one source is stdlib/kinds.json, embedded at build time; the checker, `wfc schema` and
// docs/kinds.md all read it through this interface, so nothing restates it by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/catalog/units.h"

namespace wfc::catalog {

/// The types an option (or a condition property) can have.
enum class TypeKind {
  String,
  Integer,
  Number,
  Boolean,
  Enum,        // one of `values`
  Dimension,   // pixels (integer) or a percentage string "NN%"
  Seconds,     // a non-negative number of seconds
  Color,       // "#RGB" or "#RRGGBB"
  Url,         // an absolute URL; `schemes` lists the allowed ones
  Language,    // a BCP 47 tag such as "en" or "pt-BR"
  Expression,  // a frame predicate source text (checked by the conditions layer)
  Array,       // of `items`
  Object,      // with `fields`
  Map,         // string-keyed map of `items` (condition property `metadata.<key>`)
};

std::string_view type_kind_name(TypeKind k);  // as written in kinds.json
std::optional<TypeKind> parse_type_kind(std::string_view name);

struct OptionSpec;

struct TypeSpec {
  TypeKind kind = TypeKind::String;
  std::vector<std::string> values;             // Enum
  std::optional<double> min, max;              // Integer, Number, Seconds, Dimension (pixels)
  std::optional<size_t> min_items, max_items;  // Array
  std::vector<std::string> schemes;            // Url: allowed schemes ("http", "https", "s3", ...)
  std::shared_ptr<TypeSpec> items;             // Array, Map
  std::vector<OptionSpec> fields;              // Object
  std::string pattern_doc;                     // human description for String patterns, optional
  /// Integer, Number: what the number measures, when a unit literal may stand for it (`5Mbps`
  /// for a bitrate in bits per second); Seconds always measure a duration (units.h).
  std::optional<Measure> measure;

  /// One-line human description: "integer 1–60", "one of mp4, webm, mov", "pixels or \"NN%\"".
  std::string describe() const;
};

/// `default_from`: the default is another option's value (0 when it has none) plus `add`
/// (an animation's `end` is a few seconds after its `start`).
struct DefaultFrom {
  std::string option;
  double add = 0;
};

/// `default_by`: the default depends on another option's value (an image's `background` on its
/// `format`); a value the map does not name has no default.
struct DefaultBy {
  std::string option;
  std::vector<std::pair<std::string, nlohmann::json>> values;
};

struct OptionSpec {
  std::string name;
  TypeSpec type;
  /// The encoder family (EncoderTable) whose rows this enum option's values pick: a video's
  /// `codec`, an audio's `format`; "" for options that pick no encoder.
  std::string encoders;
  std::optional<nlohmann::json> default_value;
  /// `default_unless`: the default applies only when none of these options is given
  /// (thumbnails' `interval` gives way to `count`).
  std::vector<std::string> default_unless;
  std::optional<DefaultFrom> default_from;
  std::optional<DefaultBy> default_by;
  bool required = false;
  std::string doc;

  /// Whether the option has a default of any form.
  bool has_default() const { return default_value || default_from || default_by; }
};

/// One row of the encoder table: the FFmpeg encoder an option value picks and, per quality
/// level, the settings it runs with (kinds.json `encoders`).
struct EncoderRow {
  std::string value;    // the option value: "h264", "mp3", "jpeg"
  std::string encoder;  // the FFmpeg encoder: "libx264"
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> columns;  // one per level
  /// The encoder's own AVOptions, set at every level (libvpx-vp9's `deadline`).
  std::vector<std::pair<std::string, std::string>> options;

  /// A column's value at a quality level; nullptr when the row has no such column.
  const nlohmann::json* at(std::string_view column, size_t level) const;
};

struct EncoderFamily {
  std::string name;  // "video", "audio", "image", "animation"
  std::vector<EncoderRow> rows;
  const EncoderRow* row(std::string_view value) const;
  /// The names of the rows' columns, first row's order first (a row may lack a column its
  /// encoder does not use).
  std::vector<std::string> column_names() const;
};

/// What each `quality` level means to each encoder: the one table the plan's cost model and the
/// runtime's encoders read (compiler/plan/encoder_settings.h gives it typed).
struct EncoderTable {
  std::string doc;
  std::string quality_option;       // the option whose values are the levels: "quality"
  std::vector<std::string> levels;  // very_low … very_high
  std::vector<EncoderFamily> families;

  const EncoderFamily* family(std::string_view name) const;
  /// The index of a quality level; nullopt for another word.
  std::optional<size_t> level(std::string_view quality) const;
};

/// What flows along a chain. A set of these is what a task may receive.
enum FileKind : uint8_t {
  kVideo = 1 << 0,     // a media file with a video stream (it may also carry audio)
  kAudio = 1 << 1,     // a media file with audio and no video
  kImage = 1 << 2,     // a still or animated image
  kData = 1 << 3,      // structured JSON results (speech, nsfw, summary, outline, probe data)
  kTrack = 1 << 4,     // a text track or sprite set (subtitles, chapters, thumbnails)
  kPlaylist = 1 << 5,  // an adaptive streaming package (HLS)
};
using FileKinds = uint8_t;
constexpr FileKinds kMedia = kVideo | kAudio | kImage;
constexpr FileKinds kAnyFile = kMedia | kData | kTrack | kPlaylist;

std::string describe_file_kinds(FileKinds k);  // "video or audio"
std::string_view file_kind_name(FileKind k);   // "video", as written in kinds.json
std::optional<FileKind> parse_file_kind(std::string_view name);

/// A rule between options of one kind, checked after each option is typed (WF208).
struct Constraint {
  enum class Type {
    Exclusive,  // at most one of `options` may be given
    Less,       // options[0] < options[1] when both are given
    Requires,   // options[0] given → options[1] must be given
    Allows,     // options[0] == when_value → options[1] is one of `values` (defaults count)
  };
  Type type;
  std::vector<std::string> options;
  std::string when_value;           // Allows
  std::vector<std::string> values;  // Allows
  std::string doc;
};

/// How the plan and the runtime treat a kind: kinds.json's `execution`, the kind registry. The
/// plan passes (cost, fuse, tier) and the runtime's executor derive what they do for a kind from
/// this, never from its name (docs/plan.md, "The kind registry").
struct Execution {
  /// What runs it: fetching or copying bytes, reading a header, the decode-once media pass, the
  /// intelligence engines, or the scheduler itself (a gate).
  enum class Engine : uint8_t { Transfer, Probe, Media, Intelligence, Gate };
  /// The stretch of its input it reads: all of it, its `start`…`end` window, or one frame at
  /// `start` (or the first that satisfies `select`).
  enum class Reads : uint8_t { All, Window, Frame };
  /// The cost model's estimate for it (compiler/plan/cost.cpp has one formula per model).
  enum class Cost : uint8_t {
    None,        // decided by the scheduler (conditions)
    Transfer,    // a fixed estimate of network or disk I/O
    Header,      // reads the container header
    Encode,      // encodes a video: pixels × frames × the encoder's cost
    Ladder,      // encodes one video per rendition
    Still,       // encodes one picture
    Animation,   // encodes an animated picture
    Sprites,     // encodes tiles of frames at regular times
    Audio,       // encodes audio
    Transcribe,  // transcribes the speech (per second of input)
    Classify,    // classifies sampled frames (per second of input)
  };

  Engine engine = Engine::Transfer;
  std::string decodes;  // what it reads of a decode: "video", "audio", "video+audio"; "" none
  bool fuses = false;   // a fused pass can serve it with other readers of its file
  Reads reads = Reads::All;
  Cost cost = Cost::None;
  bool taps = false;        // can take its frames from its parent's filtered video stream
  bool tap_source = false;  // its filtered video stream can feed a child that `taps`
  /// A result its members of a fused pass compute once between them: "transcript" (one
  /// transcription of the file serves every member that shares it); "" none.
  std::string shares;
};

std::string_view engine_name(Execution::Engine e);  // "transfer", "probe", "media", ...
std::string_view cost_name(Execution::Cost c);      // "none", "transfer", "header", ...
std::optional<Execution::Engine> parse_engine(std::string_view name);
std::optional<Execution::Cost> parse_cost(std::string_view name);

/// A value a kind's operator uses that is not an option (an HLS segment's length): the one place
/// it is written, so the runtime, the cost model and the docs read the same number.
struct ConstantSpec {
  std::string name;
  nlohmann::json value;
  std::string doc;
};

struct KindSpec {
  std::string name;
  std::string category;  // "input", "media", "track", "intelligence", "output", "control"
  std::string doc;
  std::vector<OptionSpec> options;
  std::vector<Constraint> constraints;
  FileKinds accepts = 0;  // what it can work on; 0 = only at the top (ingest, import)
  bool top_level_only = false;
  bool passthrough = false;    // produces what it received (probe, conditions, export)
  FileKinds produces = 0;      // when not passthrough
  bool is_conditions = false;  // options are conditions over file properties, not options
  Execution execution;
  std::vector<ConstantSpec> constants;

  const OptionSpec* option(std::string_view name) const;
  /// The constant's value; nullptr when the kind has none of that name.
  const nlohmann::json* constant(std::string_view name) const;
};

/// A file property that conditions may test (`width`, `kind`, `metadata.<key>`...).
struct PropertySpec {
  std::string name;  // for a map property, the prefix without ".*": "metadata"
  TypeSpec type;     // Map for metadata
  std::string doc;
};

/// A condition operator and the property types it applies to.
struct OperatorSpec {
  enum class Operand {
    Same,     // a value of the property's type
    List,     // a non-empty array of values of the property's type
    Boolean,  // true / false (exists)
    Regex,    // an RE2 pattern string
    String,   // a string (contains, starts_with, ends_with)
  };
  std::string name;
  std::vector<TypeKind> applies_to;  // empty = every type
  Operand operand = Operand::Same;
  std::string doc;
};

class Catalog {
 public:
  /// The catalog built into this binary (stdlib/kinds.json). Parsed once; thread-safe.
  static const Catalog& builtin();

  /// Parses a catalog; on failure returns nullptr and sets *error to a located message.
  static std::unique_ptr<Catalog> parse(std::string_view json, std::string* error);

  const KindSpec* kind(std::string_view name) const;
  const std::vector<KindSpec>& kinds() const { return kinds_; }

  /// The property named; "metadata.foo" resolves to the `metadata` map property.
  const PropertySpec* property(std::string_view name) const;
  const std::vector<PropertySpec>& properties() const { return properties_; }

  /// A frame property (`t`, `scene`, `luma`, `black`): what a frame predicate tests.
  const PropertySpec* frame_property(std::string_view name) const;
  const std::vector<PropertySpec>& frame_properties() const { return frame_properties_; }

  const OperatorSpec* op(std::string_view name) const;
  const std::vector<OperatorSpec>& operators() const { return operators_; }
  /// "and", "or", "not".
  static bool is_combinator(std::string_view name);

  std::vector<std::string> kind_names() const;
  std::vector<std::string> property_names() const;  // map properties as "metadata.<key>"
  std::vector<std::string> operator_names() const;

  /// The catalog as loaded (for schema and docs generators).
  const nlohmann::json& source() const { return source_; }

  /// What `quality` means to each encoder.
  const EncoderTable& encoders() const { return encoders_; }

 private:
  std::vector<KindSpec> kinds_;
  std::vector<PropertySpec> properties_;
  std::vector<OperatorSpec> operators_;
  std::vector<PropertySpec> frame_properties_;
  EncoderTable encoders_;
  nlohmann::json source_;
  // Positions into kinds_, properties_ and operators_ sorted by name, for binary search
  // without allocation (the validator looks names up for every task of every file).
  std::vector<uint16_t> kind_index_, property_index_, operator_index_;
  std::vector<uint16_t> frame_property_index_;
};

/// The embedded text of stdlib/kinds.json (generated by stdlib/embed.cmake).
std::string_view builtin_catalog_json();

/// JSON Schema (2020-12) of the JSON/YAML document syntax, generated from the catalog.
nlohmann::json json_schema(const Catalog& catalog);

/// docs/kinds.md, generated from the catalog.
std::string kinds_markdown(const Catalog& catalog);

}  // namespace wfc::catalog
