#include "blend_evidence.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace posecheck {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kAngleBins = 720;
// Canonical crop: +-(kCropSpreads spreads + kCropMargin px) about the centroid.
constexpr double kCropSpreads = 2.6;
constexpr int kCropMargin = 12;
// Energy floor (gray levels squared): a flat region reads as "no detail",
// not as log(0).
constexpr double kEnergyFloor = 1e-3;

struct Plane {
  int n = 0;
  std::vector<float> v;
  float& at(int x, int y) { return v[std::size_t(y) * std::size_t(n) + std::size_t(x)]; }
  float at(int x, int y) const { return v[std::size_t(y) * std::size_t(n) + std::size_t(x)]; }
};

// One canonical pixel's source along one axis: the image pixels its taps
// read and their weights (bilinear weights summed over the taps, divided by
// the tap count). Bilinear sampling on an axis-aligned grid is separable, so
// the 2D average of taps x taps bilinear samples is the product of the two
// axes' weights: each image pixel is read once per (row, column) pair
// instead of four times per tap.
struct AxisTaps {
  std::vector<int> start;      // per output index: first entry in index/weight
  std::vector<int> index;      // image column or row
  std::vector<double> weight;
};

// Output o samples at centroid + (o + 0.5 - half) / scale - 0.5, its taps
// spread evenly over one output pixel; coordinates clamped to [0, size - 1].
AxisTaps axis_taps(int n, int half, double centroid, double scale, int taps, int size) {
  AxisTaps a;
  a.start.reserve(std::size_t(n) + 1);
  for (int o = 0; o < n; ++o) {
    a.start.push_back(int(a.index.size()));
    const double s = centroid + (o + 0.5 - half) / scale - 0.5;
    for (int t = 0; t < taps; ++t) {
      const double c = std::clamp(s + ((t + 0.5) / taps - 0.5) / scale, 0.0, double(size - 1));
      const int i0 = int(c), i1 = std::min(i0 + 1, size - 1);
      const double f = c - i0;
      const int at = a.start.back();
      auto add = [&](int i, double w) {
        for (std::size_t k = std::size_t(at); k < a.index.size(); ++k) {
          if (a.index[k] == i) {
            a.weight[k] += w;
            return;
          }
        }
        a.index.push_back(i);
        a.weight.push_back(w);
      };
      add(i0, (1 - f) / taps);
      add(i1, f / taps);
    }
  }
  a.start.push_back(int(a.index.size()));
  return a;
}

// Half the canonical crop's side (px): +-(kCropSpreads spreads + kCropMargin).
int crop_half() { return int(std::ceil(kCropSpreads * kBlendCanonicalSpread)) + kCropMargin; }

// The canonical crop's geometry, the same for every face (built once): each
// pixel's angle bin about the centre and its distance from the centre (px).
struct CropGeometry {
  std::vector<int> bin;
  std::vector<double> distance;
};

const CropGeometry& crop_geometry() {
  static const CropGeometry geometry = [] {
    const int half = crop_half(), n = 2 * half;
    CropGeometry g;
    g.bin.resize(std::size_t(n) * std::size_t(n));
    g.distance.resize(g.bin.size());
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        const std::size_t i = std::size_t(y) * std::size_t(n) + std::size_t(x);
        const double dx = x + 0.5 - half, dy = y + 0.5 - half;
        double angle = std::atan2(dy, dx);
        if (angle < 0) angle += 2 * kPi;
        g.bin[i] = std::min(kAngleBins - 1, int(angle / (2 * kPi) * kAngleBins));
        g.distance[i] = std::sqrt(dx * dx + dy * dy);
      }
    }
    return g;
  }();
  return geometry;
}

// Separable Gaussian, edges clamped (replicated). Each pass adds one tap at
// a time to a row of accumulators (in the same order as a per-pixel sum, so
// the result is the same), which lets the compiler vectorise the rows.
void blur(const Plane& in, double sigma, Plane& out) {
  const int r = int(std::ceil(3 * sigma));
  std::vector<double> k(std::size_t(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (auto& w : k) w /= sum;
  const int n = in.n;
  Plane tmp{n, std::vector<float>(in.v.size())};
  out = Plane{n, std::vector<float>(in.v.size())};
  std::vector<double> acc(static_cast<std::size_t>(n));
  const int lo = std::min(r, n), hi = std::max(lo, n - r);  // [lo, hi): x + i stays inside for every tap
  for (int y = 0; y < n; ++y) {
    const float* row = &in.v[std::size_t(y) * std::size_t(n)];
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int i = -r; i <= r; ++i) {
      const double w = k[std::size_t(i + r)];
      for (int x = 0; x < lo; ++x) acc[std::size_t(x)] += w * row[std::clamp(x + i, 0, n - 1)];
      for (int x = lo; x < hi; ++x) acc[std::size_t(x)] += w * row[x + i];
      for (int x = hi; x < n; ++x) acc[std::size_t(x)] += w * row[std::clamp(x + i, 0, n - 1)];
    }
    float* dst = &tmp.v[std::size_t(y) * std::size_t(n)];
    for (int x = 0; x < n; ++x) dst[x] = float(acc[std::size_t(x)]);
  }
  for (int y = 0; y < n; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int i = -r; i <= r; ++i) {
      const double w = k[std::size_t(i + r)];
      const float* src = &tmp.v[std::size_t(std::clamp(y + i, 0, n - 1)) * std::size_t(n)];
      for (int x = 0; x < n; ++x) acc[std::size_t(x)] += w * src[x];
    }
    float* dst = &out.v[std::size_t(y) * std::size_t(n)];
    for (int x = 0; x < n; ++x) dst[x] = float(acc[std::size_t(x)]);
  }
}

// Distance from `c` to the closed polygon along each of kAngleBins rays
// (the nearest crossing; the face contour is close to star-shaped about the
// landmarks' centroid).
std::vector<double> contour_radius(const std::vector<Point2>& poly, const Point2& c) {
  std::vector<double> radius(kAngleBins, 0.0);
  for (int b = 0; b < kAngleBins; ++b) {
    const double a = 2 * kPi * (b + 0.5) / kAngleBins;
    const Point2 d(std::cos(a), std::sin(a));
    double best = 0;
    for (std::size_t i = 0; i < poly.size(); ++i) {
      const Point2 p = poly[i] - c, q = poly[(i + 1) % poly.size()] - c;
      const Point2 e = q - p;
      const double den = d.x() * e.y() - d.y() * e.x();
      if (std::abs(den) < 1e-12) continue;
      const double t = (p.x() * e.y() - p.y() * e.x()) / den;  // along the ray
      const double u = (p.x() * d.y() - p.y() * d.x()) / den;  // along the edge
      if (t > 0 && u >= 0 && u <= 1 && (best == 0 || t < best)) best = t;
    }
    radius[std::size_t(b)] = best;
  }
  return radius;
}

struct RegionEnergy {
  std::array<double, 3> band{};
  int count = 0;
  void add(const std::array<double, 3>& d) {
    for (int k = 0; k < 3; ++k) band[std::size_t(k)] += d[std::size_t(k)] * d[std::size_t(k)];
    ++count;
  }
  double mean(int k) const { return band[std::size_t(k)] / std::max(count, 1) + kEnergyFloor; }
};

struct ChromaStats {
  double sum_cb = 0, sum_cr = 0, sum_sq = 0;
  int count = 0;
  void add(double cb, double cr) {
    sum_cb += cb;
    sum_cr += cr;
    sum_sq += cb * cb + cr * cr;
    ++count;
  }
  double mean_cb() const { return sum_cb / count; }
  double mean_cr() const { return sum_cr / count; }
  double variance() const {
    return std::max(0.0, sum_sq / count - mean_cb() * mean_cb() - mean_cr() * mean_cr());
  }
};

}  // namespace

double BlendEvidence::ring_to_face_detail() const { return std::exp(-detail_ratio[0]); }

BlendEvidence blend_evidence(const ImageView& image, const Landmarks& landmarks) {
  BlendEvidence out;
  for (const auto& p : landmarks) {
    if (!std::isfinite(p.x()) || !std::isfinite(p.y())) {
      out.reason = "landmarks are not finite";
      return out;
    }
  }
  const LandmarkFrame frame = landmark_frame(landmarks);
  if (!(frame.spread > 1.0)) {
    out.reason = "face too small to compare with its surroundings";
    return out;
  }
  const double scale = kBlendCanonicalSpread / frame.spread;  // canonical px per image px
  const int half = crop_half();
  const int n = 2 * half;

  // The contour in canonical coordinates (centroid at the crop's centre).
  std::vector<Point2> contour;
  for (int i : face_outline_indices()) contour.push_back(landmarks[std::size_t(i)]);
  const Point2 centre(half, half);
  for (auto& p : contour) p = centre + (p - frame.centroid) * scale;
  const std::vector<double> radius = contour_radius(contour, centre);

  // Resample: a few bilinear taps per canonical pixel when shrinking (an
  // area average), one when enlarging; separable (AxisTaps).
  const int taps = std::clamp(int(std::lround(1.0 / scale)), 1, 6);
  const AxisTaps columns = axis_taps(n, half, frame.centroid.x(), scale, taps, image.width);
  const AxisTaps rows = axis_taps(n, half, frame.centroid.y(), scale, taps, image.height);
  Plane gray{n, std::vector<float>(std::size_t(n) * std::size_t(n))};
  std::vector<float> cb(gray.v.size()), cr(gray.v.size());
  std::vector<char> inside_image(gray.v.size());
  std::vector<double> acc(3 * std::size_t(n));
  const bool rgba = image.format != PixelFormat::kGray8;
  for (int y = 0; y < n; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int k = rows.start[std::size_t(y)]; k < rows.start[std::size_t(y) + 1]; ++k) {
      const std::uint8_t* row = image.data + std::size_t(rows.index[std::size_t(k)]) * image.stride_bytes;
      const double wy = rows.weight[std::size_t(k)];
      for (int x = 0; x < n; ++x) {
        double r = 0, g = 0, b = 0;
        for (int j = columns.start[std::size_t(x)]; j < columns.start[std::size_t(x) + 1]; ++j) {
          const double w = columns.weight[std::size_t(j)];
          const std::size_t c = std::size_t(columns.index[std::size_t(j)]);
          if (rgba) {
            const std::uint8_t* p = row + 4 * c;
            r += w * p[0];
            g += w * p[1];
            b += w * p[2];
          } else {
            r += w * row[c];
          }
        }
        if (!rgba) g = b = r;
        acc[3 * std::size_t(x)] += wy * r;
        acc[3 * std::size_t(x) + 1] += wy * g;
        acc[3 * std::size_t(x) + 2] += wy * b;
      }
    }
    const double sy = frame.centroid.y() + (y + 0.5 - half) / scale - 0.5;
    for (int x = 0; x < n; ++x) {
      const double sx = frame.centroid.x() + (x + 0.5 - half) / scale - 0.5;
      const std::size_t i = std::size_t(y) * std::size_t(n) + std::size_t(x);
      inside_image[i] = sx >= 0 && sy >= 0 && sx <= image.width - 1 && sy <= image.height - 1;
      const double r = acc[3 * std::size_t(x)], g = acc[3 * std::size_t(x) + 1], b = acc[3 * std::size_t(x) + 2];
      gray.v[i] = float(0.299 * r + 0.587 * g + 0.114 * b);
      cb[i] = float(-0.168736 * r - 0.331264 * g + 0.5 * b);
      cr[i] = float(0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  Plane g1, g2, g4;
  blur(gray, 1.0, g1);
  blur(gray, 2.0, g2);
  blur(gray, 4.0, g4);

  const CropGeometry& geometry = crop_geometry();
  RegionEnergy inside, seam, ring, inside_upper, inside_lower, ring_upper, ring_lower;
  ChromaStats chroma_inside, chroma_ring;
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const std::size_t i = std::size_t(y) * std::size_t(n) + std::size_t(x);
      if (!inside_image[i]) continue;
      const double dy = y + 0.5 - half;
      const double r = radius[std::size_t(geometry.bin[i])];
      if (!(r > 0)) continue;
      const double t = geometry.distance[i] / r;  // 1 on the contour
      const std::array<double, 3> d{double(gray.v[i] - g1.v[i]), double(g1.v[i] - g2.v[i]), double(g2.v[i] - g4.v[i])};
      // Upper: above the landmarks' centroid (eyes, brows; forehead, hair, temples);
      // lower: below it (cheeks, mouth; jaw surroundings, neck).
      if (t <= 0.85) {
        inside.add(d);
        (dy < 0 ? inside_upper : inside_lower).add(d);
      } else if (t >= 0.9 && t <= 1.1) {
        seam.add(d);
      } else if (t >= 1.2 && t <= 1.6) {
        ring.add(d);
        (dy < 0 ? ring_upper : ring_lower).add(d);
      }
      // Chroma next to the lower contour (cheeks against neck and background).
      if (dy > 0) {
        if (t >= 0.6 && t <= 0.85) chroma_inside.add(cb[i], cr[i]);
        else if (t >= 1.1 && t <= 1.35) chroma_ring.add(cb[i], cr[i]);
      }
    }
  }
  // Each region must be mostly inside the image to be compared.
  const int min_pixels = int(0.25 * kBlendCanonicalSpread * kBlendCanonicalSpread);
  if (inside.count < min_pixels || ring.count < min_pixels || seam.count < min_pixels / 4) {
    out.reason = "too little of the face or its surroundings is inside the image";
    return out;
  }
  for (int k = 0; k < 3; ++k) out.detail_ratio[std::size_t(k)] = std::log(inside.mean(k) / ring.mean(k));
  out.slope_difference = std::log(inside.mean(0) / inside.mean(2)) - std::log(ring.mean(0) / ring.mean(2));
  out.seam_ratio = std::log(seam.mean(0) / std::sqrt(inside.mean(0) * ring.mean(0)));
  // Sectors (each needs pixels of its own; else it falls back to the whole region).
  auto pick = [&](const RegionEnergy& part, const RegionEnergy& whole) -> const RegionEnergy& {
    return part.count >= min_pixels / 4 ? part : whole;
  };
  const RegionEnergy& il = pick(inside_lower, inside);
  const RegionEnergy& iu = pick(inside_upper, inside);
  const RegionEnergy& ru = pick(ring_upper, ring);
  const RegionEnergy& rl = pick(ring_lower, ring);
  auto slope = [](const RegionEnergy& a, const RegionEnergy& b) {
    return std::log(a.mean(0) / a.mean(2)) - std::log(b.mean(0) / b.mean(2));
  };
  out.sectors = {std::log(il.mean(0) / ru.mean(0)), slope(il, ru), std::log(il.mean(0) / rl.mean(0)), slope(il, rl),
                 std::log(iu.mean(0) / ru.mean(0)), slope(iu, ru)};
  if (chroma_inside.count > 0 && chroma_ring.count > 0) {
    const double dcb = chroma_inside.mean_cb() - chroma_ring.mean_cb();
    const double dcr = chroma_inside.mean_cr() - chroma_ring.mean_cr();
    const double spread = std::sqrt(chroma_inside.variance() + chroma_ring.variance()) + 1.0;
    out.chroma_step = std::sqrt(dcb * dcb + dcr * dcr) / spread;
  }
  out.ok = std::isfinite(out.detail_ratio[0]) && std::isfinite(out.detail_ratio[1]) && std::isfinite(out.detail_ratio[2]) &&
           std::isfinite(out.slope_difference) && std::isfinite(out.seam_ratio) && std::isfinite(out.chroma_step);
  for (double x : out.sectors) out.ok = out.ok && std::isfinite(x);
  if (!out.ok) out.reason = "blend measures are not finite";
  return out;
}

std::array<double, kBlendFeatureCount> blend_features(const BlendEvidence& e) {
  return {e.detail_ratio[0], e.detail_ratio[1], e.detail_ratio[2], e.slope_difference, e.seam_ratio, e.chroma_step};
}

std::array<double, kBlendSectorFeatureCount> blend_sector_features(const BlendEvidence& e) {
  std::array<double, kBlendSectorFeatureCount> x{};
  const auto base = blend_features(e);
  std::copy(base.begin(), base.end(), x.begin());
  std::copy(e.sectors.begin(), e.sectors.end(), x.begin() + kBlendFeatureCount);
  return x;
}

}  // namespace posecheck
