// bench_media_pass SPEC.json: runs one media pass ({"input", "out", "outputs": [{id, kind,
// options}]}) with runtime/media and prints each output's files or error and the wall time in
// seconds. The benchmark script times it against the ffmpeg CLI doing the same work.
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/media/av_util.h"
#include "runtime/media/pass.h"
#include "runtime/operators/standalone.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_media_pass SPEC.json\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  nlohmann::json spec_json = nlohmann::json::parse(in, nullptr, false);
  if (spec_json.is_discarded()) {
    std::cerr << "bench_media_pass: " << argv[1] << " is not JSON\n";
    return 2;
  }
  wfc::media::set_ffmpeg_log_level(AV_LOG_ERROR);
  wfc::media::PassSpec spec;
  spec.input = spec_json.value("input", "");
  for (const auto& o : spec_json["outputs"]) {
    std::string error;
    auto output = wfc::operators::standalone_output(o["id"], o["kind"],
                                                    o.value("options", nlohmann::json::object()),
                                                    spec_json.value("out", "."), &error);
    if (!output) {
      std::cerr << "bench_media_pass: " << o["id"].get<std::string>() << ": " << error << "\n";
      return 2;
    }
    spec.outputs.push_back(std::move(*output));
  }
  auto begun = std::chrono::steady_clock::now();
  wfc::media::PassResult r = wfc::media::run_pass(spec);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
  int failed = 0;
  for (const auto& o : r.outputs) {
    if (o.error) {
      ++failed;
      std::cout << o.id << ": " << o.error->kind << ": " << o.error->message << "\n";
    } else {
      for (const auto& f : o.files) std::cout << o.id << ": " << f.dump() << "\n";
    }
  }
  std::cout << "wall " << wall << "\n";
  return failed ? 1 : 0;
}
