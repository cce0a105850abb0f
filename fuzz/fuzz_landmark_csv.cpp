// The CSV readers behind `posecheck features --landmarks` (bring-your-own
// landmarks) and `train`/`eval` (feature tables). Rows that parse are judged
// as the CLI does (pose + classifier on the given points).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "feature_table.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto rows = posecheck::research::parse_landmark_csv(text, "fuzz.csv");
    int judged = 0;
    for (const auto& r : rows) {
      if (++judged > 4) break;
      try {
        (void)posecheck_fuzz::checker().judge_landmarks(r.points, r.width, r.height);
      } catch (const posecheck::Error&) {
      }
    }
  } catch (const posecheck::Error&) {
  }
  try {
    for (const auto& r : posecheck::research::parse_feature_csv(text, "fuzz.csv"))
      if (r.has_features)
        for (const auto& v : r.variants)
          for (double x : v)
            if (!std::isfinite(x)) std::abort();
  } catch (const posecheck::Error&) {
  }
  return 0;
}
