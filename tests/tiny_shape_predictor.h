// A random 68-point dlib shape predictor, small enough for unit tests
// (tests/test_compact_model.cpp) and fuzz seeds (fuzz/make_seeds.cpp).
// Header-only: the fuzz build includes it without the test libraries.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <dlib/image_processing/shape_predictor.h>

namespace posecheck_test {

struct TinyPredictorShape {
  int cascades = 3, trees = 12, depth = 3, pool = 24;
};

// Ensures: dlib's serialisation (.dat bytes) of a predictor with an oval
//   initial shape, random splits over `pool` pixels, and leaf values of at
//   most 0.004 face boxes; the same bytes for the same shape (fixed seed).
inline std::vector<std::uint8_t> tiny_shape_predictor_dat(const TinyPredictorShape& shape = {}) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u01(0.0f, 1.0f);
  dlib::matrix<float, 0, 1> initial(136);
  for (int i = 0; i < 68; ++i) {
    const double a = 2 * M_PI * i / 68;
    initial(2 * i) = float(0.5 + 0.4 * std::cos(a) * (1 + 0.1 * (i % 3)));
    initial(2 * i + 1) = float(0.5 + 0.4 * std::sin(a) * (1 + 0.1 * (i % 5)));
  }
  std::vector<std::vector<dlib::impl::regression_tree>> forests(shape.cascades);
  std::vector<std::vector<dlib::vector<float, 2>>> pixels(shape.cascades);
  for (int c = 0; c < shape.cascades; ++c) {
    for (int i = 0; i < shape.pool; ++i) pixels[c].push_back({u01(rng) * 1.2f - 0.1f, u01(rng) * 1.2f - 0.1f});
    forests[c].resize(shape.trees);
    for (auto& t : forests[c]) {
      for (int s = 0; s < (1 << shape.depth) - 1; ++s)
        t.splits.push_back({static_cast<unsigned long>(rng() % shape.pool), static_cast<unsigned long>(rng() % shape.pool),
                            u01(rng) * 128 - 64});
      for (int l = 0; l < (1 << shape.depth); ++l) {
        dlib::matrix<float, 0, 1> v(136);
        for (long j = 0; j < 136; ++j) v(j) = (u01(rng) - 0.5f) * 0.002f * (1 + j % 4);
        t.leaf_values.push_back(v);
      }
    }
  }
  dlib::shape_predictor sp(initial, forests, pixels);
  std::ostringstream out;
  dlib::serialize(sp, out);
  const std::string s = out.str();
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

}  // namespace posecheck_test
