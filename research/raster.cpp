#include "raster.h"

#include <algorithm>
#include <cmath>

namespace posecheck::research {

std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double uniform(std::uint64_t& state, double lo, double hi) {
  return lo + (hi - lo) * double(next_random(state) >> 11) * 0x1.0p-53;
}

void gaussian_blur(Plane& p, double sigma) {
  if (!(sigma > 0)) return;
  const int r = std::max(1, int(std::ceil(3 * sigma)));
  std::vector<double> k(std::size_t(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (auto& x : k) x /= sum;
  Plane tmp = p;
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i) acc += k[std::size_t(i + r)] * p.at(std::clamp(x + i, 0, p.w - 1), y);
      tmp.at(x, y) = float(acc);
    }
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x) {
      double acc = 0;
      for (int i = -r; i <= r; ++i) acc += k[std::size_t(i + r)] * tmp.at(x, std::clamp(y + i, 0, p.h - 1));
      p.at(x, y) = float(acc);
    }
}

Plane resized(const Plane& p, int nw, int nh) {
  Plane src = p;
  const double shrink = std::min(double(nw) / p.w, double(nh) / p.h);
  if (shrink < 1) gaussian_blur(src, 0.5 / shrink);
  Plane out{nw, nh, std::vector<float>(std::size_t(nw) * std::size_t(nh))};
  for (int y = 0; y < nh; ++y) {
    const double fy = std::clamp((y + 0.5) * p.h / nh - 0.5, 0.0, double(p.h - 1));
    const int y0 = int(fy), y1 = std::min(p.h - 1, y0 + 1);
    const double ty = fy - y0;
    for (int x = 0; x < nw; ++x) {
      const double fx = std::clamp((x + 0.5) * p.w / nw - 0.5, 0.0, double(p.w - 1));
      const int x0 = int(fx), x1 = std::min(p.w - 1, x0 + 1);
      const double tx = fx - x0;
      const double top = src.at(x0, y0) * (1 - tx) + src.at(x1, y0) * tx;
      const double bottom = src.at(x0, y1) * (1 - tx) + src.at(x1, y1) * tx;
      out.at(x, y) = float(top * (1 - ty) + bottom * ty);
    }
  }
  return out;
}

Plane channel(const ImageView& rgba, int c) {
  Plane p{rgba.width, rgba.height, std::vector<float>(std::size_t(rgba.width) * std::size_t(rgba.height))};
  for (int y = 0; y < rgba.height; ++y) {
    const std::uint8_t* row = rgba.data + std::size_t(y) * rgba.stride_bytes;
    for (int x = 0; x < rgba.width; ++x) p.at(x, y) = row[std::size_t(x) * 4 + std::size_t(c)];
  }
  return p;
}

void set_channel(RgbaImage& image, int c, const Plane& p) {
  for (int y = 0; y < p.h; ++y)
    for (int x = 0; x < p.w; ++x)
      image.rgba[(std::size_t(y) * std::size_t(image.width) + std::size_t(x)) * 4 + std::size_t(c)] =
          std::uint8_t(std::clamp(std::lround(p.at(x, y)), 0l, 255l));
}

}  // namespace posecheck::research
