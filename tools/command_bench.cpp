// `posecheck bench`: per-stage timings of the pipeline, medians over repeats.
// Stages are timed inside Checker::check (StageTimings), one call per repeat,
// exactly as the WebAssembly module's profile() does, so the figures compare.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "cli_common.h"
#include "decode_image.h"
#include "metrics.h"

namespace posecheck::cli {
namespace {

using Clock = std::chrono::steady_clock;
using research::median;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

const char* kStages[] = {"decode", "detect", "landmarks", "pose", "features", "svm", "total"};

}  // namespace

int command_bench(const Args& args) {
  ParsedArgs parsed;
  CheckerOptions options;
  try {
    parsed = parse_args(args, {"model-dir", "landmark-model", "upsample", "repeat", "landmark-box"}, {"json"});
    if (parsed.positional.empty()) throw UsageError("bench needs at least one IMAGE");
    options = checker_options(parsed);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "posecheck bench: %s\nusage: posecheck bench [--repeat N] [--upsample 0|1] [--json] IMAGE...\n", e.what());
    return 2;
  }
  const int repeat = std::max(1, int(parsed.get_number("repeat", 10)));
  const auto t_load = Clock::now();
  Checker checker = load_checker(model_options(parsed));
  const double load_ms = ms_since(t_load);
  const bool json = parsed.has("json");

  std::map<std::string, std::vector<double>> all;  // per stage, per-image medians
  if (!json) {
    std::printf("posecheck bench: %d repeats per image, model load %.0f ms\n", repeat, load_ms);
    std::printf("%-28s %6s %9s %9s %9s %9s %9s %9s %9s\n", "image (faces)", "size", "decode", "detect", "landmarks", "pose", "features",
                "svm", "total");
  }
  for (const auto& path : parsed.positional) {
    const auto bytes = read_file_bytes(path);
    std::map<std::string, std::vector<double>> t;
    int nfaces = 0;
    DecodedImage image;
    for (int r = 0; r < repeat; ++r) {
      auto t0 = Clock::now();
      image = decode_image(bytes);
      t["decode"].push_back(ms_since(t0));
      StageTimings st;
      const ImageResult result = checker.check(image.view(), options, &st);
      nfaces = int(result.faces.size());
      t["detect"].push_back(st.detect_ms);
      t["landmarks"].push_back(st.landmarks_ms);
      t["pose"].push_back(st.pose_ms);
      t["features"].push_back(st.features_ms);
      t["svm"].push_back(st.svm_ms);
      double total = 0;
      for (const char* s : {"decode", "detect", "landmarks", "pose", "features", "svm"}) total += t[s].back();
      t["total"].push_back(total);
    }
    std::string name = path.substr(path.find_last_of('/') + 1) + " (" + std::to_string(nfaces) + ")";
    if (json) {
      std::printf("{\"image\":\"%s\",\"width\":%d,\"height\":%d,\"faces\":%d", path.c_str(), image.width, image.height, nfaces);
      for (const char* s : kStages) std::printf(",\"%s_ms\":%.4f", s, median(t[s]));
      std::printf("}\n");
    } else {
      std::printf("%-28s %6s", name.c_str(), (std::to_string(image.width) + "x" + std::to_string(image.height)).c_str());
      for (const char* s : kStages) std::printf(" %9.3f", median(t[s]));
      std::printf("\n");
    }
    for (const char* s : kStages) all[s].push_back(median(t[s]));
  }
  if (!json && parsed.positional.size() > 1) {
    std::printf("%-28s %6s", "median over images", "");
    for (const char* s : kStages) std::printf(" %9.3f", median(all[s]));
    std::printf("\n(milliseconds; landmarks/pose/features/svm summed over the faces of an image)\n");
  }
  return 0;
}

}  // namespace posecheck::cli
