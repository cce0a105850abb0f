// Writes the binary seed inputs the fuzz script cannot make with other tools:
// a tiny 68-point dlib shape predictor (.dat) and its PCLM form.
// usage: make_seeds OUT_DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "compact_landmark_model.h"
#include "tiny_shape_predictor.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds OUT_DIR\n");
    return 2;
  }
  const std::string out = argv[1];
  posecheck_test::TinyPredictorShape shape;
  shape.cascades = 2, shape.trees = 3, shape.depth = 2, shape.pool = 8;
  const std::vector<std::uint8_t> dat = posecheck_test::tiny_shape_predictor_dat(shape);
  const std::string s(dat.begin(), dat.end());
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
