// The local text analysis (runtime/ai/text/, runtime/ai/local/text_analyser.h): summaries,
// sentences, chapter boundaries and titles, from transcripts written here in both shapes the
// engines give (a provider's punctuated segments, the recognizer's lower-case timed words).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/ai/local/text_analyser.h"
#include "runtime/ai/text/chapters.h"
#include "runtime/ai/text/phrases.h"
#include "runtime/ai/text/sentences.h"
#include "runtime/ai/text/summary.h"
#include "runtime/ai/text/tokens.h"

namespace {

using wfc::ai::Section;
using wfc::ai::Segment;
using wfc::ai::Transcript;
using wfc::ai::Word;

const std::vector<std::string> kBread = {
    "Good bread starts with flour, water, salt and a little yeast.",
    "Mix the flour and water until the dough feels rough and sticky.",
    "Knead the dough for ten minutes so the gluten becomes strong.",
    "Let the dough rise in a warm kitchen until it doubles in size.",
    "The yeast eats sugar in the flour and makes the dough rise.",
    "Shape the risen dough into a round loaf on a floured board.",
    "Bake the loaf in a hot oven until the crust turns deep brown.",
    "A hot oven with steam gives the bread a crisp crust.",
    "Tap the bottom of the loaf, because baked bread sounds hollow.",
    "Let the bread cool before slicing so the crumb sets.",
    "Sourdough bread uses a starter instead of packet yeast.",
    "Feed the sourdough starter with flour and water every day.",
};

const std::vector<std::string> kTelescopes = {
    "A telescope gathers light from faint stars and distant galaxies.",
    "The mirror of a telescope collects more light than the human eye.",
    "A bigger mirror shows fainter stars and sharper planets.",
    "Dark skies far from city lights reveal many more stars.",
    "Point the telescope at the moon first to learn the controls.",
    "The planets Jupiter and Saturn look bright through a small telescope.",
    "Saturn's rings and Jupiter's moons appear in the eyepiece.",
    "Let the telescope mirror cool outside before observing the stars.",
    "A star chart helps you find galaxies and faint nebulae in the sky.",
    "The eyepiece sets the magnification of the telescope.",
    "Astronomers photograph galaxies with a camera behind the telescope.",
    "Clear nights with steady air give the sharpest views of the planets.",
};

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

/// A provider's transcript: one punctuated segment per sentence, no word times; each word takes
/// 0.3 s and sentences are 0.4 s apart.
Transcript provider_transcript(const std::vector<std::string>& sentences) {
  Transcript t;
  t.language = "en";
  t.engine = "openai";
  double at = 0;
  for (const std::string& s : sentences) {
    Segment seg;
    seg.start = at;
    seg.end = at + 0.3 * static_cast<double>(split_words(s).size());
    seg.text = s;
    t.segments.push_back(seg);
    at = seg.end + 0.4;
  }
  return t;
}

/// The recognizer's shape: lower-case words without punctuation, timed (0.3 s a word, 0.05 s
/// between words), a pause of `pause` seconds between sentences, `per_segment` sentences a segment.
Transcript recognizer_transcript(const std::vector<std::string>& sentences, double pause = 0.8,
                                 size_t per_segment = 1) {
  Transcript t;
  t.language = "en";
  t.engine = "pocketsphinx";
  double at = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    if (i % per_segment == 0) t.segments.emplace_back();
    Segment& seg = t.segments.back();
    for (const std::string& raw : split_words(sentences[i])) {
      std::string w;
      for (char c : raw) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
          w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      if (seg.words.empty()) seg.start = at;
      seg.words.push_back({at, at + 0.3, w, 0.9});
      seg.text += (seg.text.empty() ? "" : " ") + w;
      seg.end = at + 0.3;
      at += 0.35;
    }
    at += pause - 0.05;
  }
  return t;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool has_keyword(const wfc::ai::Summary& s, const std::string& k) {
  return std::find(s.keywords.begin(), s.keywords.end(), k) != s.keywords.end();
}

}  // namespace

TEST_CASE("tokens: folded, stopwords marked, stems shared by inflections", "[ai][text]") {
  auto tokens = wfc::ai::text::tokenize("The Telescopes, don't observe; observing—observed!");
  REQUIRE(tokens.size() == 6);
  CHECK(tokens[0].folded == "the");
  CHECK_FALSE(tokens[0].content);
  CHECK(tokens[1].surface == "Telescopes");
  CHECK(tokens[1].content);
  CHECK(tokens[1].stem == wfc::ai::text::stem("telescope"));
  CHECK(tokens[2].folded == "don't");
  CHECK_FALSE(tokens[2].content);
  CHECK(tokens[3].stem == tokens[4].stem);
  CHECK(tokens[4].stem == tokens[5].stem);
}

TEST_CASE("sentences: punctuation when present, pauses otherwise, shown with capitals and stops",
          "[ai][text]") {
  auto punct = wfc::ai::text::split_sentences(provider_transcript({kBread[0], kBread[1]}));
  REQUIRE(punct.size() == 2);
  CHECK(punct[0].text == kBread[0]);
  CHECK(punct[1].text == kBread[1]);
  CHECK(punct[0].start == Approx(0.0));
  CHECK(punct[1].start > punct[0].end);

  // Recognizer words, two sentences per segment: the 0.8 s pause inside a segment splits them.
  Transcript heard = recognizer_transcript({kTelescopes[0], kTelescopes[5], kBread[2]}, 0.8, 2);
  auto plain = wfc::ai::text::split_sentences(heard);
  REQUIRE(plain.size() == 3);
  CHECK(plain[0].text == "A telescope gathers light from faint stars and distant galaxies.");
  CHECK(plain[1].text == "The planets jupiter and saturn look bright through a small telescope.");
  CHECK(plain[2].text == "Knead the dough for ten minutes so the gluten becomes strong.");
  CHECK(plain[1].start == Approx(heard.segments[0].words[10].start));

  // A long run without pauses is capped.
  auto capped = wfc::ai::text::split_sentences(recognizer_transcript(
      {kBread[0] + " " + kBread[1] + " " + kBread[2] + " " + kBread[3] + " " + kBread[4]}));
  CHECK(capped.size() >= 2);
  for (const auto& s : capped) CHECK(s.word_count <= wfc::ai::text::kMaxSentenceWords);
}

TEST_CASE("summary: the central sentences of each topic, the topic words, the same every time",
          "[ai][text]") {
  // Two topics, each with one sentence that holds the words the others share (the hubs), and
  // an aside that shares no word with anything.
  const std::string bread_hub =
      "To bake bread, mix flour, water and yeast into a dough, let the dough rise, and bake the "
      "loaf in a hot oven.";
  const std::string telescope_hub =
      "A telescope uses a mirror to gather the light of faint stars, planets and galaxies.";
  std::vector<std::string> sentences = {
      kBread[0],      kBread[1],      bread_hub,      kBread[3],
      kBread[6],      kBread[7],      kBread[9],      "My cousin moved to Denver last spring.",
      kTelescopes[0], kTelescopes[2], kTelescopes[3], telescope_hub,
      kTelescopes[7], kTelescopes[8], kTelescopes[11]};
  Transcript t = provider_transcript(sentences);
  wfc::ai::Summary s = wfc::ai::text::summarize_transcript(t);
  INFO(s.summary);
  CHECK(s.language == "en");
  CHECK(contains(s.summary, bread_hub));
  CHECK(contains(s.summary, telescope_hub));
  CHECK_FALSE(contains(s.summary, "Denver"));
  // Whole sentences of the transcript, in its order, within the limits.
  size_t last = 0, count = 0;
  for (const std::string& sentence : sentences) {
    size_t at = s.summary.find(sentence);
    if (at == std::string::npos) continue;
    CHECK(at >= last);
    last = at;
    ++count;
  }
  CHECK(count >= 2);
  CHECK(count <= wfc::ai::text::kSummarySentences);
  CHECK(split_words(s.summary).size() <= wfc::ai::text::kSummaryWords);

  INFO("keywords: " << [&] {
    std::string k;
    for (auto& w : s.keywords) k += w + ",";
    return k;
  }());
  CHECK(s.keywords.size() <= wfc::ai::text::kKeywords);
  CHECK(has_keyword(s, "telescope"));
  CHECK(has_keyword(s, "dough"));
  CHECK(has_keyword(s, "stars"));
  CHECK_FALSE(has_keyword(s, "denver"));
  CHECK_FALSE(s.title.empty());
  CHECK(std::isupper(static_cast<unsigned char>(s.title[0])));
  CHECK(split_words(s.title).size() <= wfc::ai::text::kMaxPhraseWords);

  wfc::ai::Summary again = wfc::ai::text::summarize_transcript(t);
  CHECK(again.summary == s.summary);
  CHECK(again.keywords == s.keywords);
  CHECK(again.title == s.title);
}

TEST_CASE("summary of recognizer words: sentences with capitals and full stops", "[ai][text]") {
  Transcript t = recognizer_transcript(
      concat({kBread[0], kBread[1], kBread[3], kBread[4]}, {kTelescopes[0], kTelescopes[1]}));
  wfc::ai::Summary s = wfc::ai::text::summarize_transcript(t);
  INFO(s.summary);
  REQUIRE_FALSE(s.summary.empty());
  CHECK(std::isupper(static_cast<unsigned char>(s.summary[0])));
  CHECK(s.summary.back() == '.');
  // Each sentence of the summary starts with a capital after the previous one's full stop.
  for (size_t at = s.summary.find(". "); at != std::string::npos;
       at = s.summary.find(". ", at + 1)) {
    CHECK(std::isupper(static_cast<unsigned char>(s.summary[at + 2])));
  }
  CHECK(has_keyword(s, "flour"));
  CHECK(s.language == "en");
}

TEST_CASE("summary of nothing is empty, not a failure", "[ai][text]") {
  Transcript t;
  t.language = "en";
  wfc::ai::LocalTextAnalyser analyser;
  auto out = analyser.summarize(t, {});
  REQUIRE_FALSE(wfc::ai::failed(out));
  auto s = std::get<wfc::ai::Summary>(out);
  CHECK(s.summary.empty());
  CHECK(s.keywords.empty());
  CHECK(s.language == "en");
}

TEST_CASE("chapters: boundaries at scene cuts, at least min_length, covering the input",
          "[ai][text]") {
  wfc::ai::text::ChapterCues cues;
  cues.scene_cuts = {31.2, 35.0, 95.5, 170.4, 178.0};
  cues.pauses = {{60.0, 63.0}, {140.0, 140.4}};
  cues.duration = 200;
  cues.min_length = 20;
  auto chapters = wfc::ai::text::find_chapters(cues);
  INFO(chapters.size());
  REQUIRE(!chapters.empty());
  CHECK(chapters.front().start == 0);
  CHECK(chapters.back().end == 200);
  for (size_t i = 0; i < chapters.size(); ++i) {
    CHECK(chapters[i].end - chapters[i].start >= 20);
    CHECK(chapters[i].title.empty());
    if (i > 0) CHECK(chapters[i].start == chapters[i - 1].end);
  }
  auto near = [&](double t) {
    return std::any_of(chapters.begin() + 1, chapters.end(),
                       [&](const Section& c) { return std::abs(c.start - t) <= 1.0; });
  };
  // 31.2, 95.5 and 170.4 fit; 35.0 and 178.0 are too close to a stronger neighbour; the long
  // pause fits between 31.2 and 95.5, the short one is no candidate.
  CHECK(near(31.2));
  CHECK(near(95.5));
  CHECK(near(170.4));
  CHECK(std::any_of(chapters.begin(), chapters.end(),
                    [](const Section& c) { return c.start > 60 && c.start < 63; }));
  CHECK_FALSE(near(140.2));
  CHECK(chapters.size() == 5);

  // Cuts alone, no transcript, a min_length that keeps only some.
  cues.pauses.clear();
  cues.min_length = 60;
  chapters = wfc::ai::text::find_chapters(cues);
  for (const Section& c : chapters) CHECK(c.end - c.start >= 60);
  CHECK(chapters.size() == 2);  // one cut with 60 s either side: 95.5
  CHECK(chapters[0].end == Approx(95.5));
}

TEST_CASE("chapters: a short input is one chapter; nothing known is no chapter", "[ai][text]") {
  wfc::ai::text::ChapterCues cues;
  cues.scene_cuts = {5, 10};
  cues.duration = 30;
  cues.min_length = 20;
  auto one = wfc::ai::text::find_chapters(cues);
  REQUIRE(one.size() == 1);
  CHECK(one[0].start == 0);
  CHECK(one[0].end == 30);
  CHECK(wfc::ai::text::find_chapters({}).empty());
  Transcript empty;
  cues.transcript = &empty;
  CHECK(wfc::ai::text::find_chapters(cues).size() == 1);
}

TEST_CASE("chapters: a topic shift without cuts or pauses gives a boundary near it", "[ai][text]") {
  for (bool punctuated : {false, true}) {
    Transcript t = punctuated ? provider_transcript(concat(kBread, kTelescopes))
                              : recognizer_transcript(concat(kBread, kTelescopes), 0.6, 3);
    double shift = punctuated ? t.segments[kBread.size()].start
                              : t.segments[kBread.size() / 3].words.front().start;
    double duration = t.segments.back().end + 1;
    wfc::ai::text::ChapterCues cues;
    cues.transcript = &t;
    cues.duration = duration;
    cues.min_length = 15;
    auto chapters = wfc::ai::text::find_chapters(cues);
    INFO("punctuated " << punctuated << ", shift at " << shift << ", " << chapters.size()
                       << " chapters, second at "
                       << (chapters.size() > 1 ? chapters[1].start : -1));
    REQUIRE(chapters.size() >= 2);
    bool found = std::any_of(chapters.begin() + 1, chapters.end(),
                             [&](const Section& c) { return std::abs(c.start - shift) <= 3.0; });
    CHECK(found);
    CHECK(chapters.size() <= 3);
    CHECK(chapters.front().start == 0);
    CHECK(chapters.back().end == duration);
    for (size_t i = 1; i < chapters.size(); ++i) CHECK(chapters[i].start == chapters[i - 1].end);

    // Titles: each chapter's own topic.
    wfc::ai::LocalTextAnalyser analyser;
    auto titles = analyser.titles(t, chapters, {});
    REQUIRE_FALSE(wfc::ai::failed(titles));
    auto& names = std::get<std::vector<std::string>>(titles);
    REQUIRE(names.size() == chapters.size());
    INFO(names.front() << " | " << names.back());
    auto lower = [](std::string s) {
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    auto bready = [&](const std::string& n) {
      for (auto w : {"bread", "dough", "flour", "loaf", "yeast", "sourdough", "water", "oven"}) {
        if (contains(lower(n), w)) return true;
      }
      return false;
    };
    auto starry = [&](const std::string& n) {
      for (auto w : {"telescope", "mirror", "star", "planet", "galax", "eyepiece", "light"}) {
        if (contains(lower(n), w)) return true;
      }
      return false;
    };
    CHECK(bready(names.front()));
    CHECK_FALSE(starry(names.front()));
    CHECK(starry(names.back()));
    CHECK_FALSE(bready(names.back()));
  }
}

TEST_CASE("chapter titles: a span without words is numbered; cancel stops the analyser",
          "[ai][text]") {
  Transcript t = provider_transcript({kBread[0], kBread[1]});
  std::vector<Section> spans = {{0, 100, ""}, {100, 200, ""}};
  wfc::ai::LocalTextAnalyser analyser;
  auto titles = analyser.titles(t, spans, {});
  REQUIRE_FALSE(wfc::ai::failed(titles));
  auto& names = std::get<std::vector<std::string>>(titles);
  REQUIRE(names.size() == 2);
  CHECK(names[1] == "Chapter 2");
  CHECK(names[0] != "Chapter 1");
  CHECK(wfc::ai::text::key_phrase(t, 100, 200).empty());

  std::atomic<bool> stop{true};
  wfc::ai::Call call;
  call.cancel = &stop;
  auto cancelled = analyser.titles(t, spans, call);
  REQUIRE(wfc::ai::failed(cancelled));
  CHECK(std::get<wfc::ai::Failure>(cancelled).kind == "cancelled");
  CHECK(std::get<wfc::ai::Failure>(analyser.summarize(t, call)).kind == "cancelled");
}

TEST_CASE("chapters of an hour of recognizer words: one boundary per topic shift", "[ai][text]") {
  // Six ten-minute stretches, each drawing its words from its own vocabulary (with stopwords
  // between), from a fixed pseudo-random sequence.
  const char* vocab[] = {"river", "flood",  "bread", "dough",  "star",  "mirror", "camera",
                         "light", "water",  "city",  "train",  "music", "guitar", "garden",
                         "soil",  "market", "price", "engine", "road",  "school"};
  Transcript t;
  t.language = "en";
  double at = 0;
  unsigned seed = 7;
  while (at < 3600) {
    Segment g;
    g.start = at;
    int n = 6 + static_cast<int>(seed % 12);
    int topic = static_cast<int>(at / 600) % 4;
    for (int i = 0; i < n; ++i) {
      seed = seed * 1103515245u + 12345u;
      std::string w = (seed >> 16) % 3 == 0 ? "the" : vocab[(topic * 5 + (seed >> 8) % 7) % 20];
      g.words.push_back({at, at + 0.3, w, 1});
      g.text += (i ? " " : "") + w;
      at += 0.35;
    }
    g.end = at;
    at += 0.8;
    t.segments.push_back(g);
  }
  wfc::ai::text::ChapterCues cues;
  cues.transcript = &t;
  cues.duration = at;
  cues.min_length = 60;
  auto chapters = wfc::ai::text::find_chapters(cues);
  REQUIRE(chapters.size() == 6);
  for (size_t i = 1; i < chapters.size(); ++i) {
    INFO("chapter " << i << " at " << chapters[i].start);
    CHECK(std::abs(chapters[i].start - 600.0 * static_cast<double>(i)) <= 5.0);
  }
}
