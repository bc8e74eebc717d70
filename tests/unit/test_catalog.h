// A small catalog for checker tests, in the stdlib/kinds.json format: a few kinds shaped like
// the real ones (so the tests read naturally) plus a `requires` rule and a map option the real
// catalog does not use, so the checker tests do not change when the built-in catalog grows.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "compiler/catalog/catalog.h"

namespace wfc::test {

inline const catalog::Catalog& test_catalog() {
  static const std::unique_ptr<catalog::Catalog> c = [] {
    std::string error;
    auto parsed = catalog::Catalog::parse(R"({
  "version": 1,
  "file_kinds": {"video": "d", "audio": "d", "image": "d", "data": "d", "track": "d",
                 "playlist": "d"},
  "properties": {
    "kind": {"type": "enum", "values": ["video", "audio", "image"], "doc": "d"},
    "width": {"type": "integer", "min": 0, "doc": "d"},
    "duration": {"type": "number", "min": 0, "doc": "d"},
    "animated": {"type": "boolean", "doc": "d"},
    "format": {"type": "string", "doc": "d"},
    "codecs.video": {"type": "string", "doc": "d"},
    "codecs.audio": {"type": "string", "doc": "d"},
    "metadata": {"type": "map", "items": {"type": "string"}, "doc": "d"},
    "type": {"type": "string", "doc": "d"},
    "height": {"type": "integer", "min": 0, "doc": "d"}
  },
  "operators": {
    "eq": {"applies_to": [], "operand": "same", "doc": "d"},
    "ne": {"applies_to": [], "operand": "same", "doc": "d"},
    "gt": {"applies_to": ["integer", "number"], "operand": "same", "doc": "d"},
    "gte": {"applies_to": ["integer", "number"], "operand": "same", "doc": "d"},
    "lt": {"applies_to": ["integer", "number"], "operand": "same", "doc": "d"},
    "lte": {"applies_to": ["integer", "number"], "operand": "same", "doc": "d"},
    "in": {"applies_to": ["string", "enum", "integer", "number"], "operand": "list", "doc": "d"},
    "nin": {"applies_to": ["string", "enum", "integer", "number"], "operand": "list", "doc": "d"},
    "contains": {"applies_to": ["string"], "operand": "string", "doc": "d"},
    "starts_with": {"applies_to": ["string"], "operand": "string", "doc": "d"},
    "ends_with": {"applies_to": ["string"], "operand": "string", "doc": "d"},
    "matches": {"applies_to": ["string"], "operand": "regex", "doc": "d"},
    "exists": {"applies_to": [], "operand": "boolean", "doc": "d"}
  },
  "kinds": {
    "ingest": {"category": "input", "doc": "d", "execution": {"engine": "transfer", "cost": "transfer"}, "accepts": [], "top_level_only": true,
               "produces": "media",
               "options": {"url": {"type": "url", "schemes": ["http", "https"],
                                   "required": true, "doc": "d"}}},
    "probe": {"category": "input", "doc": "d", "execution": {"engine": "probe", "cost": "header"}, "accepts": ["video", "audio", "image"],
              "produces": "input"},
    "video": {"category": "media", "doc": "d", "execution": {"engine": "media", "decodes": "video+audio", "fuses": true, "cost": "encode"}, "accepts": ["video"], "produces": "video",
              "options": {
                "format": {"type": "enum", "values": ["mp4", "webm", "mov"], "default": "mp4",
                           "doc": "d"},
                "width": {"type": "dimension", "min": 1, "max": 7680, "doc": "d"},
                "fps": {"type": "number", "min": 1, "max": 60, "doc": "d"},
                "bitrate": {"type": "integer", "min": 300000, "max": 60000000, "doc": "d"},
                "fit": {"type": "enum", "values": ["contain", "cover", "fill"], "doc": "d"},
                "background": {"type": "color", "doc": "d"},
                "faststart": {"type": "boolean", "doc": "d"},
                "start": {"type": "seconds", "doc": "d"},
                "end": {"type": "seconds", "doc": "d"}},
              "constraints": [{"less": ["start", "end"], "doc": "`start` must be before `end`"},
                              {"requires": ["background", "fit"],
                               "doc": "`background` fills the bars that `fit` leaves"}]},
    "audio": {"category": "media", "doc": "d", "execution": {"engine": "media", "decodes": "audio", "fuses": true, "cost": "audio"}, "accepts": ["video", "audio"], "produces": "audio",
              "options": {"format": {"type": "enum", "values": ["mp3", "aac"], "doc": "d"}}},
    "image": {"category": "media", "doc": "d", "execution": {"engine": "media", "decodes": "video", "fuses": true, "cost": "still"}, "accepts": ["video", "image"], "produces": "image",
              "options": {"width": {"type": "dimension", "min": 1, "max": 7680, "doc": "d"}}},
    "speech": {"category": "intelligence", "doc": "d", "execution": {"engine": "intelligence", "decodes": "audio", "cost": "transcribe"}, "accepts": ["video", "audio"],
               "produces": "data",
               "options": {"language": {"type": "language", "doc": "d"}}},
    "summary": {"category": "intelligence", "doc": "d", "execution": {"engine": "intelligence", "cost": "transcribe"}, "accepts": ["video", "audio", "image"],
                "produces": "data"},
    "thumbnails": {"category": "track", "doc": "d", "execution": {"engine": "media", "decodes": "video", "fuses": true, "cost": "sprites"}, "accepts": ["video"], "produces": "track",
                   "options": {
                     "interval": {"type": "seconds", "min": 0.1, "doc": "d"},
                     "count": {"type": "integer", "min": 1, "max": 1000, "doc": "d"},
                     "select": {"type": "expression", "doc": "d"}},
                   "constraints": [{"exclusive": ["interval", "count"],
                                    "doc": "give `interval` or `count`, not both"}]},
    "adaptive_video": {"category": "media", "doc": "d", "execution": {"engine": "media", "decodes": "video+audio", "fuses": true, "cost": "ladder"}, "accepts": ["video"],
                       "produces": "playlist",
                       "options": {
                         "renditions": {"type": "array", "min_items": 1, "max_items": 8,
                                        "doc": "d",
                                        "items": {"type": "object", "fields": {
                                          "height": {"type": "integer", "min": 1, "max": 4320,
                                                     "required": true, "doc": "d"},
                                          "codec": {"type": "enum", "values": ["h264", "h265"],
                                                    "doc": "d"}}}},
                         "subtitles": {"type": "array", "doc": "d",
                                       "items": {"type": "object", "fields": {
                                         "url": {"type": "url", "schemes": ["http", "https"],
                                                 "required": true, "doc": "d"},
                                         "language": {"type": "language", "doc": "d"}}}}}},
    "export": {"category": "output", "doc": "d", "execution": {"engine": "transfer", "cost": "transfer"},
               "accepts": ["video", "audio", "image", "data", "track", "playlist"],
               "produces": "input",
               "options": {"url": {"type": "url", "schemes": ["s3", "file"], "required": true,
                                   "doc": "d"},
                           "tags": {"type": "map", "items": {"type": "string"}, "doc": "d"}}},
    "conditions": {"category": "control", "doc": "d", "execution": {"engine": "gate", "cost": "none"},
                   "accepts": ["video", "audio", "image", "data", "track", "playlist"],
                   "produces": "input", "conditions": true}
  }
})",
                                          &error);
    INFO(error);
    REQUIRE(parsed);
    return parsed;
  }();
  return *c;
}

}  // namespace wfc::test
