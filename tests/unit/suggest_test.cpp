// "did you mean": which candidate a misspelt name is matched to, within which distance, and that
// a hostile word costs nothing.
#include "compiler/util/suggest.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using wfc::did_you_mean;
using wfc::edit_distance;
using wfc::suggest;
using Words = std::vector<std::string>;

TEST_CASE("suggest: edit distance counts a transposition once and ignores case", "[suggest]") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("vidoe", "video") == 1);
  CHECK(edit_distance("ab", "ba") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("Video", "vIDEO") == 0);
}

TEST_CASE("suggest: typos, transpositions and case find the name meant", "[suggest]") {
  const Words kinds = {"video", "audio", "image", "thumbnails", "subtitles"};
  CHECK(suggest("vidoe", kinds) == std::optional<std::string>("video"));
  CHECK(suggest("auido", kinds) == std::optional<std::string>("audio"));
  CHECK(suggest("imgae", kinds) == std::optional<std::string>("image"));
  CHECK(suggest("thumbnail", kinds) == std::optional<std::string>("thumbnails"));
  CHECK(suggest("subtitels", kinds) == std::optional<std::string>("subtitles"));
  CHECK(suggest("VIDEO", kinds) == std::optional<std::string>("video"));
  CHECK(suggest("mp5", Words{"mp4", "webm", "mov"}) == std::optional<std::string>("mp4"));
  CHECK(did_you_mean("fromat", Words{"width", "format"}) == "did you mean 'format'?");
  CHECK(did_you_mean("document", Words{"video", "audio", "image"}).empty());
}

TEST_CASE("suggest: the distance limit grows with the word, from 1 to 3", "[suggest]") {
  // Up to 5 letters: 1.
  CHECK(suggest("ab", Words{"xy"}) == std::nullopt);
  CHECK(suggest("vid", Words{"video"}) == std::nullopt);
  CHECK(suggest("abc", Words{"abcd"}) == std::optional<std::string>("abcd"));
  CHECK(suggest("abc", Words{"abcde"}) == std::nullopt);
  // 6 to 8 letters: 2.
  CHECK(suggest("abcdef", Words{"abcdxy"}) == std::optional<std::string>("abcdxy"));
  CHECK(suggest("abcdef", Words{"abcxyz"}) == std::nullopt);
  // 9 letters and more: 3, and never more.
  CHECK(suggest("abcdefghijkl", Words{"abcdefghixyz"}) ==
        std::optional<std::string>("abcdefghixyz"));
  CHECK(suggest("abcdefghijkl", Words{"abcdefgwxyzl"}) == std::nullopt);
  CHECK(suggest("abcdefghijkl", Words{"abcdefghijklmno"}) ==
        std::optional<std::string>("abcdefghijklmno"));
  CHECK(suggest("abcdefghijkl", Words{"abcdefghijklmnop"}) == std::nullopt);
  CHECK(suggest("abcdefghijkl", Words{"abcdefghi"}) == std::optional<std::string>("abcdefghi"));
  CHECK(suggest("abcdefghijkl", Words{"abcdefgh"}) == std::nullopt);
}

TEST_CASE("suggest: the closest candidate wins, and a tie goes to the first", "[suggest]") {
  CHECK(suggest("mp3", Words{"mp4", "mp2"}) == std::optional<std::string>("mp4"));
  CHECK(suggest("mp3", Words{"mp2", "mp4"}) == std::optional<std::string>("mp2"));
  CHECK(suggest("heigth", Words{"weight", "height"}) == std::optional<std::string>("height"));
  CHECK(suggest("anything", Words{}) == std::nullopt);
}

TEST_CASE("suggest: a 1 MB word is compared with no candidate", "[suggest]") {
  // Each candidate is more than 3 longer or shorter than the word, so none can be close. An edit
  // distance over the long ones would take about 10^12 steps: this test would not finish.
  const std::string word(1 << 20, 'x');
  const Words candidates = {"video", std::string((1 << 20) + 4, 'x'), std::string(2 << 20, 'x'),
                            std::string((1 << 20) - 4, 'x')};
  CHECK(suggest(word, candidates) == std::nullopt);
  CHECK(did_you_mean(word, candidates).empty());
  // Within the length limit a long word is still matched.
  CHECK(suggest("xxxxxxxxxxxy", Words{"video", std::string(12, 'x')}) ==
        std::optional<std::string>(std::string(12, 'x')));
}
