// Shared by the libFuzzer targets (fuzz/README.md): models loaded once per
// process, located through environment variables the fuzz script sets.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker.h"
#include "errors.h"

namespace posecheck_fuzz {

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// One Checker per process: the landmark model from POSECHECK_FUZZ_LANDMARKS
// (the compact PCLM by default: 9 MB loads fast under ASan), the shipped 3D
// face, classifier and blend classifier.
inline posecheck::Checker& checker() {
  static std::unique_ptr<posecheck::Checker> c = [] {
    const std::string src = POSECHECK_SOURCE_DIR;
    const auto lm_bytes = read_bytes(env_or("POSECHECK_FUZZ_LANDMARKS", src + "/web/dist/models/landmarks68.pclm"));
    auto lm = posecheck::LandmarkModel::from_bytes(lm_bytes.data(), lm_bytes.size(), "");
    const auto face = read_bytes(src + "/models/face3d.txt");
    auto fm = posecheck::parse_face_model(std::string(face.begin(), face.end()));
    std::optional<posecheck::Classifier> cls;
    std::ifstream probe(src + "/models/classifier.txt");
    if (probe) {
      const auto text = read_bytes(src + "/models/classifier.txt");
      cls = posecheck::Classifier::parse(std::string(text.begin(), text.end()));
    }
    // The blend classifier too, so faces found in fuzzed pixels go through the blend measures.
    std::optional<posecheck::Classifier> blend;
    if (std::ifstream(src + "/models/blend_classifier.txt")) {
      const auto text = read_bytes(src + "/models/blend_classifier.txt");
      blend = posecheck::Classifier::parse(std::string(text.begin(), text.end()));
    }
    return std::make_unique<posecheck::Checker>(std::move(lm), std::move(fm), std::move(cls), std::nullopt, std::move(blend));
  }();
  return *c;
}

}  // namespace posecheck_fuzz
