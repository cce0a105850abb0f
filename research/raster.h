// Small raster operations for the research tools (self-blends, whole-frame
// degradations): float planes, a separable Gaussian, resampling, RGBA
// images, and a portable seeded random stream. Research code (tools/),
// never used by the checker; core/ keeps its own, tested image code.
#pragma once

#include <cstdint>
#include <vector>

#include "image_view.h"

namespace posecheck::research {

// splitmix64: a fixed, portable 64-bit mix. std:: distributions differ
// between standard libraries, so recipes drawn with them would too.
std::uint64_t next_random(std::uint64_t& state);
// Uniform in [lo, hi), from next_random.
double uniform(std::uint64_t& state, double lo, double hi);

// A w x h plane of floats, row-major.
struct Plane {
  int w = 0, h = 0;
  std::vector<float> v;
  float& at(int x, int y) { return v[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
  float at(int x, int y) const { return v[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
};

// Separable Gaussian, edges replicated; sigma in pixels (<= 0: unchanged).
void gaussian_blur(Plane& p, double sigma);

// Requires: nw, nh >= 1. Ensures: the plane resampled to nw x nh with
// pixel centres aligned (bilinear; when shrinking, a Gaussian of sigma
// 0.5 / scale first, so detail finer than the new grid is removed rather
// than aliased, as a library resizer would).
Plane resized(const Plane& p, int nw, int nh);

struct RgbaImage {
  std::vector<std::uint8_t> rgba;  // width * height * 4 bytes
  int width = 0, height = 0;
  ImageView view() const { return packed_view(rgba.data(), width, height, PixelFormat::kRgba32); }
};

// Channel c (0-3) of an RGBA view as a plane, and back (rounded, clamped).
Plane channel(const ImageView& rgba, int c);
void set_channel(RgbaImage& image, int c, const Plane& p);

}  // namespace posecheck::research
