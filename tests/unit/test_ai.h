// Helpers for the intelligence kinds' tests: a clip with speech made at test time (espeak-ng's
// voice over three lavfi scenes, cut at 8 s and 16 s, each scene's sentences starting after a
// silence), the runtime's default engines (the local ones, as `wfc run` builds them with no
// configuration), and running a pass of intelligence outputs on them.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "runtime/ai/config.h"
#include "runtime/ai/engines/engines.h"
#include "tests/unit/test_media.h"

namespace wfc::test {

/// The spoken sentences of talk.mp4, one scene each, and where each starts (seconds).
inline const std::vector<std::pair<double, std::string>>& talk_script() {
  static const std::vector<std::pair<double, std::string>> s = {
      {0.5,
       "The river carries water from the mountains to the sea. Fishermen work on the river every "
       "morning."},
      {9.0, "Computers store information in memory. A program tells the computer what to do."},
      {17.0, "The garden has many flowers in the summer. Bees visit the flowers for food."},
  };
  return s;
}
inline constexpr double kTalkSeconds = 24;
inline constexpr double kTalkCuts[] = {8, 16};

/// 24 s of 320×240: a red scene, a testsrc2 scene and a blue scene (cuts at 8 s and 16 s), with
/// one spoken passage of talk_script() in each, silence around them.
inline fs::path talk_clip() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  media::set_ffmpeg_log_level(AV_LOG_ERROR);  // the libraries' chatter is not test output
  fs::path p = media_dir() / "talk.mp4";
  if (fs::exists(p)) return p;
  std::string inputs, delays, mix;
  int i = 0;
  for (const auto& [at, text] : talk_script()) {
    fs::path wav = media_dir() / ("talk" + std::to_string(i) + ".wav");
    std::string say = "espeak-ng -w '" + wav.string() + "' '" + text + "'";
    REQUIRE(std::system(say.c_str()) == 0);
    inputs += " -i '" + wav.string() + "'";
    std::string ms = std::to_string(static_cast<int>(at * 1000));
    delays +=
        "[" + std::to_string(3 + i) + "]adelay=" + ms + "|" + ms + "[a" + std::to_string(i) + "];";
    mix += "[a" + std::to_string(i) + "]";
    ++i;
  }
  std::string cmd =
      "ffmpeg -nostdin -v error -y -f lavfi -i color=c=red:s=320x240:r=25:d=8 -f lavfi -i "
      "testsrc2=s=320x240:r=25:d=8 -f lavfi -i color=c=blue:s=320x240:r=25:d=8" +
      inputs + " -filter_complex \"[0][1][2]concat=n=3:v=1[v];" + delays + mix +
      "amix=inputs=3:normalize=0,apad=whole_dur=24,aresample=44100[a]\" -map \"[v]\" -map \"[a]\" "
      "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -t 24 '" +
      p.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return p;
}

/// When talk.mp4 speaks: each passage's start and end (its recording's length, by ffprobe).
inline std::vector<std::pair<double, double>> talk_speech_spans() {
  talk_clip();
  std::vector<std::pair<double, double>> spans;
  for (size_t i = 0; i < talk_script().size(); ++i) {
    fs::path wav = media_dir() / ("talk" + std::to_string(i) + ".wav");
    std::string cmd =
        "ffprobe -v error -show_entries format=duration -of csv=p=0 '" + wav.string() + "'";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    double seconds = 0;
    REQUIRE(fscanf(p, "%lf", &seconds) == 1);
    pclose(p);
    double at = talk_script()[i].first;
    spans.push_back({at, at + seconds});
  }
  return spans;
}

/// The engines `wfc run` builds with no --ai-config and no WFC_AI_* variables: the local ones.
inline std::shared_ptr<const ai::Engines> local_engines() {
  static std::shared_ptr<const ai::Engines> engines = [] {
    std::map<std::string, std::string> env;
    std::string error;
    auto config = ai::load_config("", &env, &error);
    REQUIRE(config);
    return std::make_shared<const ai::Engines>(ai::make_engines(*config));
  }();
  return engines;
}

/// Runs one pass over `input` with `outputs` on `engines`; `shares` marks every output as sharing
/// the transcript, as the plan does for a fused group.
inline media::PassResult run_ai_pass(const fs::path& input, const std::vector<OutputDecl>& outputs,
                                     const ai::Engines& engines, bool shares = true) {
  media::PassSpec spec;
  spec.input = input;
  spec.ai = &engines;
  for (const OutputDecl& o : outputs) {
    spec.outputs.push_back(output(o.id, o.kind, o.options, out_dir(o.id)));
    // As the plan marks a group's members (compiler/plan/fuse.cpp).
    std::string lang = o.options.value("language", "");
    if (shares) spec.outputs.back().shares = "transcript" + (lang.empty() ? "" : ":" + lang);
  }
  return media::run_pass(spec);
}

/// The JSON an output wrote as its first file.
inline json output_json(const std::string& id, const media::OutputResult& r) {
  return json::parse(slurp_file(output_path(id, r)));
}

}  // namespace wfc::test
