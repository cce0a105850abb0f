// Classifier::parse and CueCombination::parse on arbitrary text; a model that
// parses is asked for P(fake) on a few inputs, which must lie in [0, 1].
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "classifier.h"
#include "cue_combination.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto c = posecheck::Classifier::parse(std::string(reinterpret_cast<const char*>(data), size));
    const std::size_t d = posecheck::variant_length(c.variant());
    for (double x : {0.0, 1.0, -3.5, 1e6}) {
      const double p = c.probability_fake(std::vector<double>(d, x));
      if (!(p >= 0 && p <= 1)) std::abort();
      (void)c.band(p);
    }
  } catch (const posecheck::Error&) {
  }
  try {
    const auto c = posecheck::CueCombination::parse(std::string(reinterpret_cast<const char*>(data), size));
    for (double pose : {0.0, 0.3, 1.0}) {
      for (double blend : {0.0, 0.7, 1.0}) {
        const double p = c.probability_fake(pose, blend);
        if (!(p >= 0 && p <= 1)) std::abort();
        (void)c.band(p);
      }
    }
  } catch (const posecheck::Error&) {
  }
  return 0;
}
