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

struct OptionSpec {
  std::string name;
  TypeSpec type;
  std::optional<nlohmann::json> default_value;
  bool required = false;
  std::string doc;
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
  };
  Type type;
  std::vector<std::string> options;
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

  const OptionSpec* option(std::string_view name) const;
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

 private:
  std::vector<KindSpec> kinds_;
  std::vector<PropertySpec> properties_;
  std::vector<OperatorSpec> operators_;
  std::vector<PropertySpec> frame_properties_;
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
