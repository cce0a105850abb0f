// Synthetic pictures with a known answer, for the blend cue's tests
// (test_blend_evidence.cpp, test_self_blend.cpp, test_degrade.cpp): a noise texture with detail
// at every scale and a face-shaped set of 68 landmarks.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "geometry.h"
#include "image_view.h"

namespace posecheck_test {

using posecheck::Landmarks;
using posecheck::Point2;

struct Gray {
  int w = 0, h = 0;
  std::vector<std::uint8_t> px;
  posecheck::ImageView view() const { return posecheck::packed_view(px.data(), w, h, posecheck::PixelFormat::kGray8); }
};

// Deterministic texture: noise with detail at every scale down to 1 px.
inline Gray texture(int w, int h) {
  Gray g{w, h, std::vector<std::uint8_t>(std::size_t(w) * h)};
  std::uint32_t s = 12345;
  for (auto& p : g.px) {
    s = s * 1664525u + 1013904223u;
    p = std::uint8_t(64 + (s >> 24) / 2);
  }
  return g;
}

// The texture as RGBA bytes (width * height * 4), the three channels
// differing so colour changes show; alpha 255.
inline std::vector<std::uint8_t> rgba_texture_bytes(int w, int h) {
  const Gray g = texture(w, h);
  std::vector<std::uint8_t> out;
  out.reserve(g.px.size() * 4);
  for (std::uint8_t v : g.px) {
    out.push_back(v);
    out.push_back(std::uint8_t(255 - v));
    out.push_back(std::uint8_t(v / 2 + 60));
    out.push_back(255);
  }
  return out;
}

// The RGBA texture in any image type with rgba, width and height members
// (e.g. posecheck::research::RgbaImage).
template <class Image>
Image rgba_texture_image(int w, int h) {
  Image im;
  im.width = w;
  im.height = h;
  im.rgba = rgba_texture_bytes(w, h);
  return im;
}

// A face-shaped contour centred at (cx, cy): jaw (points 1-17) on the lower
// half of an ellipse, brows (18-27) on an arc above, the rest inside.
inline Landmarks face_at(double cx, double cy, double scale = 1.0) {
  Landmarks lm;
  for (int k = 0; k < 17; ++k) {
    const double a = M_PI * k / 16.0;
    lm[std::size_t(k)] = Point2(cx - 60 * scale * std::cos(a), cy + 75 * scale * std::sin(a) - 10 * scale);
  }
  for (int k = 17; k < 27; ++k) {
    const double u = (k - 21.5) / 4.5;
    lm[std::size_t(k)] = Point2(cx + 55 * scale * u, cy - 45 * scale + 8 * scale * u * u);
  }
  for (int k = 27; k < posecheck::kNumLandmarks; ++k) {
    const double a = 2 * M_PI * (k - 27) / 41.0;
    lm[std::size_t(k)] = Point2(cx + 30 * scale * std::cos(a), cy + 5 * scale + 30 * scale * std::sin(a));
  }
  return lm;
}

}  // namespace posecheck_test
