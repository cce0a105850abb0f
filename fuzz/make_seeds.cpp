// Writes the binary seed inputs the fuzz script cannot make with other tools:
// a tiny 68-point dlib shape predictor (.dat) and its PCLM form.
// usage: make_seeds OUT_DIR
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <dlib/image_processing/shape_predictor.h>

#include "compact_landmark_model.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR\n");
    return 2;
  }
  const std::string out = argv[1];
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u01(0.0f, 1.0f);
  dlib::matrix<float, 0, 1> initial(136);
  for (int i = 0; i < 68; ++i) {
    const double a = 2 * M_PI * i / 68;
    initial(2 * i) = float(0.5 + 0.4 * std::cos(a) * (1 + 0.1 * (i % 3)));
    initial(2 * i + 1) = float(0.5 + 0.4 * std::sin(a) * (1 + 0.1 * (i % 5)));
  }
  const int cascades = 2, trees = 3, depth = 2, pool = 8;
  std::vector<std::vector<dlib::impl::regression_tree>> forests(cascades);
  std::vector<std::vector<dlib::vector<float, 2>>> pixels(cascades);
  for (int c = 0; c < cascades; ++c) {
    for (int i = 0; i < pool; ++i) pixels[c].push_back({u01(rng) * 1.2f - 0.1f, u01(rng) * 1.2f - 0.1f});
    forests[c].resize(trees);
    for (auto& t : forests[c]) {
      for (int s = 0; s < (1 << depth) - 1; ++s)
        t.splits.push_back({static_cast<unsigned long>(rng() % pool), static_cast<unsigned long>(rng() % pool),
                            u01(rng) * 128 - 64});
      for (int l = 0; l < (1 << depth); ++l) {
        dlib::matrix<float, 0, 1> v(136);
        for (long j = 0; j < 136; ++j) v(j) = (u01(rng) - 0.5f) * 0.002f;
        t.leaf_values.push_back(v);
      }
    }
  }
  dlib::shape_predictor sp(initial, forests, pixels);
  std::ostringstream dat;
  dlib::serialize(sp, dat);
  const std::string s = dat.str();
  std::ofstream(out + "/tiny.dat", std::ios::binary) << s;
  for (const char* level : {"q4", "f32"}) {
    try {
      const auto pclm = posecheck::encode_compact_landmark_model(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), level);
      std::ofstream(out + "/tiny-" + level + ".pclm", std::ios::binary)
          .write(reinterpret_cast<const char*>(pclm.data()), std::streamsize(pclm.size()));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "make_seeds: level %s: %s\n", level, e.what());
    }
  }
  return 0;
}
