// Checker tests: kinds, options, refs and chains (WF2xx, WF3xx), each diagnostic with its exact
// span, message, hint and pointer, and no cascades. Conditions (WF4xx) are in
// conditions_test.cpp. Documents go through the real document builder and a small test catalog.
#include "compiler/check/checker.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "compiler/syntax/document_builder.h"
#include "tests/unit/test_catalog.h"
#include "tests/unit/test_diags.h"
#include "tests/unit/test_json.h"

using Lines = std::vector<std::string>;
using wfc::test::at;
using wfc::test::at_in;

namespace {

Lines check(std::string_view json,
            const wfc::catalog::Catalog& catalog = wfc::test::test_catalog()) {
  wfc::diag::Diagnostics diags("test.json");
  auto root = wfc::test::json(json);
  auto doc = wfc::syntax::build_document(root, diags);
  REQUIRE(doc);
  wfc::check::check_document(*doc, catalog, diags);
  diags.sort();
  return wfc::test::describe(diags);
}

}  // namespace

// --- kinds --------------------------------------------------------------------------------------

TEST_CASE("WF201: an unknown kind suggests the closest", "[checker][WF201]") {
  std::string_view doc = R"([{"kind": "vidoe"}])";
  CHECK(check(doc) == Lines{at(doc, R"("vidoe")") +
                            " WF201 unknown kind 'vidoe' | did you mean 'video'? @/0/kind"});
}

TEST_CASE("WF201: with nothing close, the hint lists the kinds", "[checker][WF201]") {
  std::string_view doc = R"([{"kind": "transcode"}])";
  CHECK(check(doc) ==
        Lines{at(doc, R"("transcode")") +
              " WF201 unknown kind 'transcode' | kinds: ingest, probe, video, audio, image, "
              "speech, summary, thumbnails, adaptive_video, export, conditions @/0/kind"});
}

TEST_CASE("WF201: an unknown kind's options are not checked, its next still is",
          "[checker][WF201]") {
  std::string_view doc =
      R"([{"kind": "vidoe", "options": {"widht": "x"}, "next": [{"kind": "video", "options": {"fps": 0}}]}])";
  CHECK(check(doc) == Lines{at(doc, R"("vidoe")") +
                                " WF201 unknown kind 'vidoe' | did you mean 'video'? @/0/kind",
                            at_in(doc, R"("fps": )", "0") +
                                " WF204 option 'fps' of 'video' must be between 1 and 60, got 0 "
                                "@/0/next/0/options/fps"});
}

TEST_CASE("a task whose kind the builder rejected is not checked again", "[checker]") {
  std::string_view doc = R"([{"kind": 7, "next": [{"kind": "video"}]}, {"options": {}}])";
  CHECK(check(doc) ==
        Lines{at(doc, "7") + " WF112 'kind' must be a string, got an integer @/0/kind",
              "1:44-1:45 WF113 task is missing 'kind' | every task needs a 'kind', "
              "e.g. \"kind\": \"video\" @/1"});
}

// --- options ------------------------------------------------------------------------------------

TEST_CASE("WF202: unknown options", "[checker][WF202]") {
  std::string_view widht = R"([{"kind": "video", "options": {"widht": 720}}])";
  CHECK(check(widht) == Lines{at(widht, R"("widht")") +
                              " WF202 unknown option 'widht' for 'video' | did you mean 'width'? "
                              "@/0/options/widht"});
  std::string_view speech = R"([{"kind": "speech", "options": {"model": "large"}}])";
  CHECK(check(speech) ==
        Lines{at(speech, R"("model")") + " WF202 unknown option 'model' for 'speech' | options of "
                                         "'speech': language @/0/options/model"});
  std::string_view summary = R"([{"kind": "summary", "options": {"length": 3}}])";
  CHECK(check(summary) == Lines{at(summary, R"("length")") +
                                " WF202 unknown option 'length' for 'summary' | 'summary' takes "
                                "no options @/0/options/length"});
  std::string_view field = R"([{"kind": "summary", "options": {"ref": "s"}}])";
  CHECK(check(field) == Lines{at(field, R"("ref")") +
                              " WF202 unknown option 'ref' for 'summary' | 'ref' is a task "
                              "field, not an option; move it out of 'options' @/0/options/ref"});
}

TEST_CASE("WF203: values of the wrong type say what was expected and what was given",
          "[checker][WF203]") {
  struct Case {
    std::string option, value, message, hint;
  };
  const std::vector<Case> cases = {
      {"fps", R"("fast")", R"(must be a number 1–60, got "fast")", ""},
      {"bitrate", "1.5", "must be an integer 300000–60000000, got 1.5", "use a whole number"},
      {"bitrate", R"("300000")", R"(must be an integer 300000–60000000, got "300000")",
       "remove the quotes: 300000"},
      {"width", "true", R"(must be pixels 1–7680 or a percentage "NN%", got true)", ""},
      {"width", R"("wide")", R"(must be pixels 1–7680 or a percentage "NN%", got "wide")", ""},
      {"width", R"("720px")", R"(must be pixels 1–7680 or a percentage "NN%", got "720px")",
       "write pixels as a number: 720"},
      {"width", "12.5", R"(must be pixels 1–7680 or a percentage "NN%", got 12.5)",
       "pixels are whole numbers"},
      {"background", R"("red")", R"(must be a color "#RRGGBB" or "#RGB", got "red")",
       "write colors in hex, e.g. \"#000000\" for black"},
      {"background", R"("#12345")", R"(must be a color "#RRGGBB" or "#RGB", got "#12345")",
       "write colors in hex, e.g. \"#000000\" for black"},
      {"faststart", R"("true")", R"(must be a boolean, got "true")", "remove the quotes: true"},
      {"format", "5", "must be one of mp4, webm or mov, got 5", ""},
      {"start", "[1]", "must be seconds ≥ 0, got an array", ""},
      {"fit", "{}", "must be one of contain, cover or fill, got an object", ""},
  };
  for (const auto& c : cases) {
    std::string doc = R"([{"kind": "video", "options": {")" + c.option + R"(": )" + c.value +
                      R"(, "fit": "cover"}}])";
    if (c.option == "fit") doc = R"([{"kind": "video", "options": {"fit": )" + c.value + "}}]";
    INFO(doc);
    std::string expected = at(doc, c.value) + " WF203 option '" + c.option + "' of 'video' " +
                           c.message + (c.hint.empty() ? "" : " | " + c.hint) + " @/0/options/" +
                           c.option;
    CHECK(check(doc) == Lines{expected});
  }
}

TEST_CASE("WF203: expressions, URLs and languages", "[checker][WF203]") {
  std::string_view select = R"([{"kind": "thumbnails", "options": {"select": ""}}])";
  CHECK(check(select) == Lines{at(select, R"("")") +
                               " WF203 option 'select' of 'thumbnails' must be a frame "
                               "expression, got \"\" | write an expression, or leave the option "
                               "out @/0/options/select"});
  std::string_view url = R"([{"kind": "ingest", "options": {"url": "example.com/a.mp4"}}])";
  CHECK(check(url) == Lines{at(url, R"("example.com/a.mp4")") +
                            " WF203 option 'url' of 'ingest' must be a URL (http or https), got "
                            "\"example.com/a.mp4\" | write an absolute URL, e.g. "
                            "\"http://example.com/video.mp4\" @/0/options/url"});
  std::string_view host = R"([{"kind": "ingest", "options": {"url": "https://"}}])";
  CHECK(check(host).size() == 1);
  CHECK(check(host)[0].find("WF203") != std::string::npos);
  std::string_view lang = R"([{"kind": "speech", "options": {"language": "EN"}}])";
  CHECK(check(lang) == Lines{at(lang, R"("EN")") +
                             " WF203 option 'language' of 'speech' must be a language tag such "
                             "as \"en\" or \"pt-BR\", got \"EN\" | did you mean 'en'? "
                             "@/0/options/language"});
  for (const char* ok : {"en", "pt-BR", "zh-Hant-TW", "yue"}) {
    std::string doc =
        std::string(R"([{"kind": "speech", "options": {"language": ")") + ok + "\"}}]";
    INFO(doc);
    CHECK(check(doc).empty());
  }
  for (const char* bad : {"e", "english", "en-", "en_US", "en-x"}) {
    std::string doc =
        std::string(R"([{"kind": "speech", "options": {"language": ")") + bad + "\"}}]";
    INFO(doc);
    REQUIRE(check(doc).size() == 1);
    CHECK(check(doc)[0].find("WF203") != std::string::npos);
  }
}

TEST_CASE("WF204: values out of range", "[checker][WF204]") {
  struct Case {
    std::string kind, option, value, message;
  };
  const std::vector<Case> cases = {
      {"video", "fps", "75", "must be between 1 and 60, got 75"},
      {"video", "fps", "0.5", "must be between 1 and 60, got 0.5"},
      {"video", "bitrate", "1e9", "must be between 300000 and 60000000, got 1000000000"},
      {"video", "width", "0", "must be between 1 and 7680, got 0"},
      {"video", "width", R"("150%")", R"(must be between 1% and 100%, got "150%")"},
      {"video", "width", R"("0.5%")", R"(must be between 1% and 100%, got "0.5%")"},
      {"video", "start", "-1", "must be at least 0, got -1"},
      {"thumbnails", "interval", "0.05", "must be at least 0.1, got 0.05"},
      {"thumbnails", "count", "1001", "must be between 1 and 1000, got 1001"},
  };
  for (const auto& c : cases) {
    std::string doc =
        R"([{"kind": ")" + c.kind + R"(", "options": {")" + c.option + R"(": )" + c.value + "}}]";
    INFO(doc);
    CHECK(check(doc) == Lines{at(doc, c.value) + " WF204 option '" + c.option + "' of '" + c.kind +
                              "' " + c.message + " @/0/options/" + c.option});
  }
  for (const char* ok : {R"("50%")", R"("12.5%")", R"("100%")", "1", "7680", "1280.0"}) {
    std::string doc = std::string(R"([{"kind": "video", "options": {"width": )") + ok + "}}]";
    INFO(doc);
    CHECK(check(doc).empty());
  }
}

TEST_CASE("WF205: a value of another kind's option names that kind", "[checker][WF205]") {
  // 'mp3' is one edit from 'mp4', but the user meant audio: say so instead of "did you mean".
  std::string_view mp3 = R"([{"kind": "video", "options": {"format": "mp3"}}])";
  CHECK(check(mp3) == Lines{at(mp3, R"("mp3")") +
                            " WF205 invalid value 'mp3' for option 'format' of 'video' | 'mp3' is "
                            "an 'audio' format; use an 'audio' task, or a 'video' format: mp4, "
                            "webm, mov @/0/options/format"});
  // Spelt as the other kind spells it.
  std::string_view upper = R"([{"kind": "video", "options": {"format": "AAC"}}])";
  CHECK(check(upper) == Lines{at(upper, R"("AAC")") +
                              " WF205 invalid value 'AAC' for option 'format' of 'video' | 'aac' "
                              "is an 'audio' format; use an 'audio' task, or a 'video' format: "
                              "mp4, webm, mov @/0/options/format"});
  // A case away from one of its own values: that is the value meant.
  std::string_view own = R"([{"kind": "audio", "options": {"format": "MP3"}}])";
  CHECK(check(own) == Lines{at(own, R"("MP3")") +
                            " WF205 invalid value 'MP3' for option 'format' of 'audio' | did you "
                            "mean 'mp3'? @/0/options/format"});
  // Several kinds take it (the built-in catalog: image and animation both make WebP).
  const auto& builtin = wfc::catalog::Catalog::builtin();
  std::string_view webp =
      R"([{"kind": "video", "next": [{"kind": "thumbnails", "options": {"format": "webp"}}]}])";
  CHECK(check(webp, builtin) ==
        Lines{at(webp, R"("webp")") +
              " WF205 invalid value 'webp' for option 'format' of 'thumbnails' | 'webp' is an "
              "'image' or 'animation' format; use one of those tasks, or a 'thumbnails' format: "
              "jpeg, png @/0/next/0/options/format"});
  // An option no other kind has keeps "did you mean".
  std::string_view x264 = R"([{"kind": "video", "options": {"codec": "x264"}}])";
  CHECK(check(x264, builtin) ==
        Lines{at(x264, R"("x264")") + " WF205 invalid value 'x264' for option 'codec' of 'video' "
                                      "| did you mean 'h264'? @/0/options/codec"});
}

TEST_CASE("WF205: enumerations and URL schemes", "[checker][WF205]") {
  std::string_view mp5 = R"([{"kind": "video", "options": {"format": "mp5"}}])";
  CHECK(check(mp5) == Lines{at(mp5, R"("mp5")") +
                            " WF205 invalid value 'mp5' for option 'format' of 'video' | did you "
                            "mean 'mp4'? @/0/options/format"});
  std::string_view avi = R"([{"kind": "video", "options": {"format": "avi"}}])";
  CHECK(check(avi) ==
        Lines{at(avi, R"("avi")") + " WF205 invalid value 'avi' for option 'format' of 'video' | "
                                    "expected one of: mp4, webm, mov @/0/options/format"});
  std::string_view https = R"([{"kind": "export", "options": {"url": "https://a.b/c"}}])";
  CHECK(check(https) == Lines{at(https, R"("https://a.b/c")") +
                              " WF205 option 'url' of 'export' does not allow URL scheme 'https' "
                              "| allowed schemes: s3, file @/0/options/url"});
  std::string_view s4 = R"([{"kind": "export", "options": {"url": "s4://bucket/key"}}])";
  CHECK(check(s4) == Lines{at(s4, R"("s4://bucket/key")") +
                           " WF205 option 'url' of 'export' does not allow URL scheme 's4' | did "
                           "you mean 's3'? @/0/options/url"});
  CHECK(check(R"([{"kind": "export", "options": {"url": "S3://bucket/key"}}])").empty());
  CHECK(check(R"([{"kind": "export", "options": {"url": "file:///tmp/out.mp4"}}])").empty());
}

TEST_CASE("WF206: missing required options point at the kind", "[checker][WF206]") {
  std::string_view doc = R"([{"kind": "ingest"}, {"kind": "export", "options": {}}])";
  CHECK(check(doc) == Lines{at(doc, R"("ingest")") +
                                " WF206 missing required option 'url' for 'ingest' | add \"url\" "
                                "to \"options\": a URL (http or https) @/0",
                            at(doc, R"("export")") +
                                " WF206 missing required option 'url' for 'export' | add \"url\" "
                                "to \"options\": a URL (s3 or file) @/1/options"});
}

TEST_CASE("WF202: a misspelt required option is not also reported missing", "[checker][WF206]") {
  std::string_view doc = R"([{"kind": "export", "options": {"ulr": "s3://b/k"}}])";
  CHECK(check(doc) == Lines{at(doc, R"("ulr")") +
                            " WF202 unknown option 'ulr' for 'export' | did you mean 'url'? "
                            "@/0/options/ulr"});
}

TEST_CASE("nested options are typed field by field", "[checker][WF202][WF203][WF206]") {
  std::string_view doc = R"([{"kind": "adaptive_video", "options": {"renditions": [
  {"height": 1080, "codec": "h264"},
  {"height": "720"},
  {"heigth": 480},
  {"height": 360, "codec": "h266"}
]}}])";
  CHECK(check(doc) ==
        Lines{at(doc, R"("720")") +
                  " WF203 option 'renditions[1].height' of 'adaptive_video' must be an integer "
                  "1–4320, got \"720\" | remove the quotes: 720 @/0/options/renditions/1/height",
              "4:3-4:4 WF206 option 'renditions[2]' of 'adaptive_video' is missing required "
              "field 'height' @/0/options/renditions/2",
              at(doc, R"("heigth")") +
                  " WF202 unknown field 'heigth' in option 'renditions[2]' of 'adaptive_video' | "
                  "did you mean 'height'? @/0/options/renditions/2/heigth",
              at(doc, R"("h266")") +
                  " WF205 invalid value 'h266' for option 'renditions[3].codec' of "
                  "'adaptive_video' | did you mean 'h264'? @/0/options/renditions/3/codec"});

  std::string_view numbers =
      R"([{"kind": "adaptive_video", "options": {"renditions": [1080, 720, 480]}}])";
  CHECK(check(numbers) ==
        Lines{at(numbers, "1080") +
              " WF203 option 'renditions[0]' of 'adaptive_video' must be an object {height, "
              "codec}, got 1080 | write {\"height\": 1080}; 2 more items are like it "
              "@/0/options/renditions/0"});
  std::string_view empty = R"([{"kind": "adaptive_video", "options": {"renditions": []}}])";
  CHECK(check(empty) ==
        Lines{at(empty, "[]") + " WF204 option 'renditions' of 'adaptive_video' must have between "
                                "1 and 8 items, got 0 @/0/options/renditions"});
  std::string_view subs =
      R"([{"kind": "adaptive_video", "options": {"subtitles": [{"url": "ftp://a.b/c.vtt"}]}}])";
  CHECK(check(subs) == Lines{at(subs, R"("ftp://a.b/c.vtt")") +
                             " WF205 option 'subtitles[0].url' of 'adaptive_video' does not "
                             "allow URL scheme 'ftp' | allowed schemes: http, https "
                             "@/0/options/subtitles/0/url"});
  std::string_view map =
      R"([{"kind": "export", "options": {"url": "s3://b/k", "tags": {"a": 1}}}])";
  CHECK(check(map) ==
        Lines{at_in(map, R"("a": )", "1") + " WF203 option 'tags.a' of 'export' must be a string, "
                                            "got 1 @/0/options/tags/a"});
}

TEST_CASE("WF208: constraints between options", "[checker][WF208]") {
  std::string_view both = R"([{"kind": "thumbnails", "options": {"interval": 5, "count": 10}}])";
  CHECK(check(both) == Lines{at(both, R"("count")") +
                             " WF208 options 'interval' and 'count' of 'thumbnails' cannot be "
                             "used together | give 'interval' or 'count', not both "
                             "@/0/options/count"});
  // Reported at whichever comes second in the file.
  std::string_view swapped = R"([{"kind": "thumbnails", "options": {"count": 10, "interval": 5}}])";
  CHECK(check(swapped) == Lines{at(swapped, R"("interval")") +
                                " WF208 options 'count' and 'interval' of 'thumbnails' cannot be "
                                "used together | give 'interval' or 'count', not both "
                                "@/0/options/interval"});
  std::string_view less = R"([{"kind": "video", "options": {"start": 30, "end": 10}}])";
  CHECK(check(less) ==
        Lines{at(less, "30") + " WF208 option 'start' of 'video' must be less than 'end' (10), got "
                               "30 | 'start' must be before 'end' @/0/options/start"});
  CHECK(check(R"([{"kind": "video", "options": {"start": 3, "end": 10}}])").empty());
  std::string_view requires_fit = R"([{"kind": "video", "options": {"background": "#000"}}])";
  CHECK(check(requires_fit) ==
        Lines{at(requires_fit, R"("background")") +
              " WF208 option 'background' of 'video' requires option 'fit' | "
              "'background' fills the bars that 'fit' leaves "
              "@/0/options/background"});
}

TEST_CASE("WF208: a value another option's value rules out (WebM holds only vp9 and av1)",
          "[checker][WF208]") {
  const auto& builtin = wfc::catalog::Catalog::builtin();
  std::string_view h264 = R"([{"kind": "video", "options": {"format": "webm", "codec": "h264"}}])";
  CHECK(check(h264, builtin) ==
        Lines{at(h264, R"("h264")") +
              " WF208 option 'codec' of 'video' cannot be 'h264' when 'format' is 'webm' | WebM "
              "holds only vp9 and av1 @/0/options/codec"});
  // The codec's default follows the container, so a WebM without a codec is right; so are the
  // codecs WebM holds, and h264 in the other containers.
  CHECK(check(R"([{"kind": "video", "options": {"format": "webm"}}])", builtin).empty());
  CHECK(check(R"([{"kind": "video", "options": {"format": "webm", "codec": "av1"}}])", builtin)
            .empty());
  CHECK(check(R"([{"kind": "video", "options": {"codec": "h264"}}])", builtin).empty());
}

TEST_CASE("one mistake, one diagnostic: a badly typed option is not also compared",
          "[checker][WF208]") {
  std::string_view doc = R"([{"kind": "video", "options": {"start": "30", "end": 10}}])";
  CHECK(check(doc) == Lines{at(doc, R"("30")") +
                            " WF203 option 'start' of 'video' must be seconds ≥ 0, got \"30\" | "
                            "remove the quotes: 30 @/0/options/start"});
}

// --- refs ---------------------------------------------------------------------------------------

TEST_CASE("WF207: a duplicate ref points at the second and names the first", "[checker][WF207]") {
  std::string_view doc = R"([
  {"kind": "video", "ref": "small", "next": [{"kind": "image", "ref": "thumb"}]},
  {"kind": "image", "ref": "thumb"}
])";
  CHECK(check(doc) == Lines{at(doc, R"("thumb")", 1) +
                            " WF207 duplicate ref 'thumb' | first defined at 2:71 @/1/ref"});
}

// --- chains -------------------------------------------------------------------------------------

TEST_CASE("WF301: chains that cannot work", "[checker][WF301]") {
  std::string_view summary = R"([{"kind": "summary", "next": [{"kind": "video"}]}])";
  CHECK(check(summary) ==
        Lines{at(summary, R"("video")") +
              " WF301 kind 'video' needs a file with a video stream, but 'summary' produces data "
              "| to work on the same file as 'summary', make 'video' its sibling instead of its "
              "'next' @/0/next/0/kind"});
  std::string_view audio = R"([{"kind": "audio", "next": [{"kind": "image"}]}])";
  CHECK(check(audio) ==
        Lines{at(audio, R"("image")") +
              " WF301 kind 'image' needs video or an image, but 'audio' produces audio | to work "
              "on the same file as 'audio', make 'image' its sibling instead of its 'next' "
              "@/0/next/0/kind"});
  std::string_view image = R"([{"kind": "image", "next": [{"kind": "speech"}]}])";
  CHECK(check(image) ==
        Lines{at(image, R"("speech")") +
              " WF301 kind 'speech' needs video or audio, but 'image' produces an image | to work "
              "on the same file as 'image', make 'speech' its sibling instead of its 'next' "
              "@/0/next/0/kind"});
  std::string_view track = R"([{"kind": "thumbnails", "next": [{"kind": "summary"}]}])";
  CHECK(check(track) == Lines{at(track, R"("summary")") +
                              " WF301 kind 'summary' needs video, audio or an image, but "
                              "'thumbnails' produces a track | to work on the same file as "
                              "'thumbnails', make 'summary' its sibling instead of its 'next' "
                              "@/0/next/0/kind"});
}

TEST_CASE("chains that work", "[checker][WF301]") {
  for (
      const char* doc : {
          R"([{"kind": "video", "next": [{"kind": "image"}]}])",
          R"([{"kind": "video", "next": [{"kind": "speech"}]}])",
          R"([{"kind": "video", "next": [{"kind": "audio", "next": [{"kind": "speech"}]}]}])",
          R"([{"kind": "probe", "next": [{"kind": "video"}]}])",
          R"([{"kind": "conditions", "options": {"kind": {"eq": "video"}}, "next": [{"kind": "video"}]}])",
          R"([{"kind": "conditions", "options": {"kind": "audio"}, "next": [{"kind": "speech"}]}])",
          R"([{"kind": "ingest", "options": {"url": "https://a.b/c"}, "next": [{"kind": "video"}]}])",
          R"({"tasks": [{"kind": "ingest", "options": {"url": "https://a.b/c"}}, {"kind": "video"}, {"kind": "summary"}]})",
          R"([{"kind": "video", "next": [{"kind": "export", "options": {"url": "s3://b/k"}, "next": [{"kind": "image"}]}]}])",
          R"([{"kind": "speech", "next": [{"kind": "export", "options": {"url": "s3://b/k"}}]}])",
          R"([{"kind": "conditions", "options": {"not": {"kind": "video"}}, "next": [{"kind": "video"}]}])",
      }) {
    INFO(doc);
    CHECK(check(doc).empty());
  }
}

TEST_CASE("WF301: conditions narrow what their next receives by 'kind'", "[checker][WF301]") {
  std::string_view eq =
      R"([{"kind": "conditions", "options": {"kind": {"eq": "audio"}}, "next": [{"kind": "video"}]}])";
  CHECK(check(eq) ==
        Lines{at(eq, R"("video")") + " WF301 kind 'video' needs a file with a video stream, but "
                                     "'conditions' passes on audio @/0/next/0/kind"});
  std::string_view in =
      R"([{"kind": "conditions", "options": {"kind": {"in": ["audio", "image"]}}, "next": [{"kind": "speech"}, {"kind": "video"}]}])";
  CHECK(check(in) ==
        Lines{at(in, R"("video")") + " WF301 kind 'video' needs a file with a video stream, but "
                                     "'conditions' passes on audio or an image @/0/next/1/kind"});
  std::string_view ne =
      R"([{"kind": "conditions", "options": {"kind": {"ne": "video"}}, "next": [{"kind": "video"}]}])";
  CHECK(check(ne).size() == 1);
  std::string_view nin =
      R"([{"kind": "conditions", "options": {"kind": {"nin": ["video", "audio"]}}, "next": [{"kind": "speech"}]}])";
  CHECK(check(nin) == Lines{at(nin, R"("speech")") +
                            " WF301 kind 'speech' needs video or audio, but 'conditions' passes "
                            "on an image @/0/next/0/kind"});
  std::string_view either =
      R"([{"kind": "conditions", "options": {"or": [{"kind": "audio"}, {"kind": "image"}]}, "next": [{"kind": "image"}, {"kind": "video"}]}])";
  CHECK(check(either) == Lines{at(either, R"("video")") +
                               " WF301 kind 'video' needs a file with a video stream, but "
                               "'conditions' passes on audio or an image @/0/next/1/kind"});
  std::string_view both =
      R"([{"kind": "conditions", "options": {"and": [{"kind": {"ne": "image"}}, {"kind": {"ne": "video"}}]}, "next": [{"kind": "image"}]}])";
  CHECK(check(both) == Lines{at(both, R"("image")", 1) +
                             " WF301 kind 'image' needs video or an image, but 'conditions' "
                             "passes on audio @/0/next/0/kind"});
  // After audio, a condition on video can never hold: the dead branch is warned about
  // (WF501); what it gates is typed by what it asserts, so the gated task is not blamed.
  std::string_view dead =
      R"([{"kind": "audio", "next": [{"kind": "conditions", "options": {"kind": "video"}, "next": [{"kind": "video"}]}]}])";
  CHECK(check(dead) ==
        Lines{at(dead, R"("kind": "video")") +
              " WF501 branch never runs: 'kind == \"video\"' is false for the audio that "
              "'audio' produces | the tasks in its 'next' never run; remove the branch, or move "
              "it where the files it tests for arrive @/0/next/0/options/kind"});
}

TEST_CASE("WF301: a task that passes a file on names where it came from", "[checker][WF301]") {
  std::string_view doc =
      R"([{"kind": "summary", "next": [{"kind": "conditions", "options": {"width": {"gt": 0}}, "next": [{"kind": "video"}]}]}])";
  CHECK(check(doc) ==
        Lines{at(doc, R"("video")") + " WF301 kind 'video' needs a file with a video stream, but "
                                      "'conditions' passes on data from 'summary' "
                                      "@/0/next/0/next/0/kind"});
}

TEST_CASE("chains after a reported mistake are not blamed again", "[checker][WF301]") {
  std::string_view unknown = R"([{"kind": "sumary", "next": [{"kind": "video"}]}])";
  CHECK(check(unknown) == Lines{at(unknown, R"("sumary")") +
                                " WF201 unknown kind 'sumary' | did you mean 'summary'? @/0/kind"});
  std::string_view passthrough =
      R"([{"kind": "summary", "next": [{"kind": "probe", "next": [{"kind": "video"}]}]}])";
  CHECK(check(passthrough) == Lines{at(passthrough, R"("probe")") +
                                    " WF301 kind 'probe' needs video, audio or an image, but "
                                    "'summary' produces data | to work on the same file as "
                                    "'summary', make 'probe' its sibling instead of its 'next' "
                                    "@/0/next/0/kind"});
}

TEST_CASE("WF301: a single task sent with a probed file is typed by its kind", "[checker][WF301]") {
  std::string_view doc = R"({"kind": "speech", "input": {"object": "file", "kind": "image"}})";
  CHECK(check(doc) == Lines{at(doc, R"("speech")") +
                            " WF301 kind 'speech' needs video or audio, but the run's input is an "
                            "image @/kind"});
  CHECK(check(R"({"kind": "speech", "input": {"kind": "audio"}})").empty());
}

TEST_CASE("WF302: ingest only starts a workflow", "[checker][WF302]") {
  std::string_view doc =
      R"([{"kind": "video", "next": [{"kind": "ingest", "options": {"url": "https://a.b/c"}, "next": [{"kind": "video"}]}]}])";
  CHECK(check(doc) == Lines{at(doc, R"("ingest")") +
                            " WF302 kind 'ingest' may only start a workflow | tasks in 'next' "
                            "work on their parent's output; move 'ingest' to the top level "
                            "@/0/next/0/kind"});
}

TEST_CASE("WF303: an empty workflow is a warning, unless its entries were reported",
          "[checker][WF303]") {
  CHECK(check("[]") == Lines{"1:1-1:3 WF303 workflow has no tasks | a run of an empty workflow "
                             "does nothing; add a task such as {\"kind\": \"video\"}"});
  std::string_view automation = R"({"name": "a", "workflow": []})";
  CHECK(check(automation) ==
        Lines{at(automation, "[]") + " WF303 workflow has no tasks | a run of an empty workflow "
                                     "does nothing; add a task such as {\"kind\": \"video\"} "
                                     "@/workflow"});
  CHECK(check(R"(["video"])") == Lines{"1:2-1:9 WF112 task must be an object, got a string | "
                                       "write {\"kind\": \"video\"} @/0"});
  wfc::diag::Diagnostics diags;
  auto root = wfc::test::json(R"({"tasks": []})");
  auto doc = wfc::syntax::build_document(root, diags);
  wfc::check::check_document(*doc, wfc::test::test_catalog(), diags);
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].severity == wfc::diag::Severity::Warning);
  CHECK_FALSE(diags.has_errors());
}

TEST_CASE("WF304: conditions with nothing to gate", "[checker][WF304]") {
  std::string_view doc = R"([{"kind": "conditions", "options": {"kind": "video"}}])";
  CHECK(check(doc) == Lines{at(doc, R"("conditions")") +
                            " WF304 conditions task has no 'next' to gate | add the tasks to run "
                            "when the conditions hold: \"next\": [...] @/0"});
  CHECK(check(R"([{"kind": "conditions", "options": {"kind": "video"}, "next": []}])").size() == 1);
  // A `next` that is broken was reported as such; it is not also "missing".
  std::string_view broken =
      R"([{"kind": "conditions", "options": {"kind": "video"}, "next": "video"}])";
  CHECK(check(broken) == Lines{at(broken, R"("video")", 1) +
                               " WF112 'next' must be an array of tasks, got a string @/0/next"});
  std::string_view strings =
      R"([{"kind": "conditions", "options": {"kind": "video"}, "next": ["video"]}])";
  CHECK(check(strings) == Lines{at(strings, R"("video")", 1) +
                                " WF112 task must be an object, got a string | write {\"kind\": "
                                "\"video\"} @/0/next/0"});
}

TEST_CASE("every problem in a file is reported, each once", "[checker]") {
  std::string_view doc = R"({
  "name": "uploads",
  "workflow": [
    {"kind": "vidoe", "options": {"fps": 75}},
    {"kind": "video", "options": {"fps": 75, "format": "mp5"}, "ref": "v"},
    {"kind": "summary", "ref": "v", "next": [{"kind": "video"}]}
  ]
})";
  CHECK(check(doc) ==
        Lines{at(doc, R"("vidoe")") +
                  " WF201 unknown kind 'vidoe' | did you mean 'video'? @/workflow/0/kind",
              at(doc, "75", 1) + " WF204 option 'fps' of 'video' must be between 1 and 60, got 75 "
                                 "@/workflow/1/options/fps",
              at(doc, R"("mp5")") +
                  " WF205 invalid value 'mp5' for option 'format' of 'video' | did you mean "
                  "'mp4'? @/workflow/1/options/format",
              at(doc, R"("v")", 1) +
                  " WF207 duplicate ref 'v' | first defined at 5:71 @/workflow/2/ref",
              at(doc, R"("video")", 1) +
                  " WF301 kind 'video' needs a file with a video stream, but 'summary' produces "
                  "data | to work on the same file as 'summary', make 'video' its sibling instead "
                  "of its 'next' @/workflow/2/next/0/kind"});
}

TEST_CASE("the seeds' examples check clean against the built-in catalog", "[checker]") {
  const auto& builtin = wfc::catalog::Catalog::builtin();
  for (
      const char* doc : {
          R"({"tasks": [{"kind": "ingest", "options": {"url": "https://example.com/video.mp4"}},
               {"kind": "video", "options": {"width": 1280, "height": 720, "format": "mp4"}},
               {"kind": "speech"}, {"kind": "summary"}]})",
          R"({"tasks": [{"kind": "ingest", "options": {"url": "https://example.com/video.mp4"},
               "next": [{"kind": "video", "options": {"width": 1280, "format": "mp4"},
                         "next": [{"kind": "image", "options": {"width": 640, "format": "jpeg"}}]},
                        {"kind": "speech"}]}]})",
          R"({"tasks": [{"kind": "ingest", "options": {"url": "https://example.com/video.mp4"},
               "next": [{"kind": "summary"},
                        {"kind": "conditions", "options": {"kind": {"eq": "video"}},
                         "next": [{"kind": "subtitles"}, {"kind": "chapters"}]}]}]})",
          R"({"name": "Process uploads", "description": "Generate summary, thumbnail, and subtitles",
               "workflow": [{"kind": "summary"}, {"kind": "image", "options": {"width": 320, "format": "png"}},
                            {"kind": "subtitles"}], "status": "active"})",
          R"({"url": "https://example.com/video.mp4", "kind": "video",
               "options": {"width": 1280, "height": 720, "format": "mp4", "quality": "high"}})",
          R"({"kind": "probe", "input": {"url": "https://example.com/video.mp4"}})",
      }) {
    INFO(doc);
    CHECK(check(doc, builtin).empty());
  }
}

TEST_CASE("hostile values are cut short in messages and hints", "[checker]") {
  std::string kind(100000, 'v');
  auto lines = check("[{\"kind\": \"" + kind + "\"}]");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind(
            "1:11-1:100013 WF201 unknown kind '" + std::string(64, 'v') + "…' | kinds: ingest, ",
            0) == 0);
  std::string digits(100000, '7');
  auto fps = check("[{\"kind\": \"video\", \"options\": {\"fps\": \"" + digits + "\"}}]");
  REQUIRE(fps.size() == 1);
  CHECK(fps[0].find("WF203 option 'fps' of 'video' must be a number 1–60, got \"" +
                    std::string(40, '7') + "…\" @/0/options/fps") != std::string::npos);
}
