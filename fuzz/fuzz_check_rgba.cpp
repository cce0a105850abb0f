// Checker::check, the RGBA entry point every front end calls, on small
// fuzzed images: bytes 0-1 width, 2-3 height (1..200 each), 4 options, the
// rest pixels (repeated to fill; a seed made from a face photo reaches the
// landmark, pose and classifier stages). Also judge_landmarks on 136 numbers
// taken from the bytes (bring-your-own landmarks, as the WebAssembly API
// accepts them from JavaScript).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  auto& checker = posecheck_fuzz::checker();
  const int w = 1 + ((data[0] | data[1] << 8) % 200);
  const int h = 1 + ((data[2] | data[3] << 8) % 200);
  const std::uint8_t opt = data[4];
  const std::uint8_t* px = data + 5;
  const std::size_t npx = size - 5;
  std::vector<std::uint8_t> rgba(std::size_t(w) * h * 4, 128);
  if (npx > 0)
    for (std::size_t i = 0; i < rgba.size(); ++i) rgba[i] = px[i % npx];
  posecheck::CheckerOptions o;
  o.detection.upsample = (opt & 0x81) == 0x81;  // rarely: 4x the cost under ASan
  o.detection.max_detection_side = (opt & 2) ? 64 : 1600;
  o.max_faces = (opt >> 2) & 3;
  const bool gray = opt & 16;
  try {
    if (gray) {
      std::vector<std::uint8_t> g(std::size_t(w) * h);
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = rgba[4 * i];
      (void)checker.check(posecheck::packed_view(g.data(), w, h, posecheck::PixelFormat::kGray8), o);
    } else {
      (void)checker.check(posecheck::packed_view(rgba.data(), w, h, posecheck::PixelFormat::kRgba32), o);
    }
  } catch (const posecheck::Error&) {
  }
  // Landmarks: doubles straight from the bytes (any bit pattern), or small
  // integers around a face-sized grid when the option bit says so.
  if (npx >= 136 * 2) {
    posecheck::Landmarks lm;
    for (int i = 0; i < posecheck::kNumLandmarks; ++i) {
      double xy[2];
      for (int k = 0; k < 2; ++k) {
        const std::size_t at = (2 * i + k) * 8;
        if ((opt & 32) && at + 8 <= npx) {
          std::memcpy(&xy[k], px + at, 8);
        } else {
          xy[k] = double(px[(2 * i + k) % npx]) * (1 + (opt >> 6));
        }
      }
      lm[i] = posecheck::Point2(xy[0], xy[1]);
    }
    try {
      const auto f = checker.judge_landmarks(lm, w, h);
      if (f.p_fake && !(*f.p_fake >= 0 && *f.p_fake <= 1)) std::abort();
    } catch (const posecheck::Error&) {
    }
  }
  return 0;
}
