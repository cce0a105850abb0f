#include "self_blend.h"

#include <algorithm>
#include <cmath>

#include "errors.h"
#include "raster.h"

namespace posecheck::research {
namespace {

// Area-average down to (sw, sh), then bilinear back up to the plane's size:
// what a generator working at a lower resolution leaves in the pasted face.
void resample_down_up(Plane& p, int sw, int sh) {
  Plane small{sw, sh, std::vector<float>(std::size_t(sw) * std::size_t(sh), 0.f)};
  std::vector<float> count(small.v.size(), 0.f);
  for (int y = 0; y < p.h; ++y) {
    const int sy = std::min(sh - 1, int(double(y) * sh / p.h));
    for (int x = 0; x < p.w; ++x) {
      const int sx = std::min(sw - 1, int(double(x) * sw / p.w));
      small.at(sx, sy) += p.at(x, y);
      count[std::size_t(sy) * std::size_t(sw) + std::size_t(sx)] += 1;
    }
  }
  for (std::size_t i = 0; i < small.v.size(); ++i) small.v[i] /= std::max(1.f, count[i]);
  for (int y = 0; y < p.h; ++y) {
    const double fy = std::clamp((y + 0.5) * sh / p.h - 0.5, 0.0, double(sh - 1));
    const int y0 = int(fy), y1 = std::min(sh - 1, y0 + 1);
    const double ty = fy - y0;
    for (int x = 0; x < p.w; ++x) {
      const double fx = std::clamp((x + 0.5) * sw / p.w - 0.5, 0.0, double(sw - 1));
      const int x0 = int(fx), x1 = std::min(sw - 1, x0 + 1);
      const double tx = fx - x0;
      const double top = small.at(x0, y0) * (1 - tx) + small.at(x1, y0) * tx;
      const double bottom = small.at(x0, y1) * (1 - tx) + small.at(x1, y1) * tx;
      p.at(x, y) = float(top * (1 - ty) + bottom * ty);
    }
  }
}

bool inside_polygon(const std::vector<Point2>& poly, double x, double y) {
  bool in = false;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const Point2& a = poly[i];
    const Point2& b = poly[j];
    if ((a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) in = !in;
  }
  return in;
}

}  // namespace

SelfBlendRecipe draw_self_blend_recipe(std::uint64_t seed) {
  std::uint64_t s = seed;
  SelfBlendRecipe r;
  r.generated_spread = uniform(s, 12, 45);
  r.blur_sigma = uniform(s, 0, 0.8);
  r.mask_scale = uniform(s, 0.85, 1.0);
  r.feather = uniform(s, 0.05, 0.2);
  for (auto& g : r.gain) g = uniform(s, 0.96, 1.04);
  return r;
}

RgbaImage self_blend(const ImageView& image, const Landmarks& landmarks, const SelfBlendRecipe& recipe) {
  validate(image);
  if (image.format != PixelFormat::kRgba32) throw Error(ErrorCode::kInvalidArgument, "self_blend needs RGBA pixels");
  for (const auto& p : landmarks)
    if (!std::isfinite(p.x()) || !std::isfinite(p.y())) throw Error(ErrorCode::kInvalidArgument, "self_blend: non-finite landmarks");
  const LandmarkFrame frame = landmark_frame(landmarks);
  if (!(frame.spread >= 2)) throw Error(ErrorCode::kInvalidArgument, "self_blend: landmarks spread under 2 px");

  RgbaImage out;
  out.width = image.width;
  out.height = image.height;
  out.rgba.resize(std::size_t(image.width) * std::size_t(image.height) * 4);
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(image.data + std::size_t(y) * image.stride_bytes, std::size_t(image.width) * 4,
                out.rgba.begin() + std::ptrdiff_t(std::size_t(y) * std::size_t(image.width) * 4));
  }

  // The mask polygon: the face contour scaled about the centroid.
  std::vector<Point2> poly;
  for (int i : face_outline_indices()) poly.push_back(frame.centroid + recipe.mask_scale * (landmarks[std::size_t(i)] - frame.centroid));
  const double feather_px = std::max(0.5, recipe.feather * frame.spread);
  double minx = poly[0].x(), maxx = minx, miny = poly[0].y(), maxy = miny;
  for (const auto& p : poly) {
    minx = std::min(minx, p.x()), maxx = std::max(maxx, p.x());
    miny = std::min(miny, p.y()), maxy = std::max(maxy, p.y());
  }
  // The region worked on: the polygon plus the mask blur's reach, so the
  // mask is exactly 0 on its border and pixels outside it stay untouched.
  const double margin = 3 * feather_px + 4;
  const int x0 = std::clamp(int(std::floor(minx - margin)), 0, image.width - 1);
  const int y0 = std::clamp(int(std::floor(miny - margin)), 0, image.height - 1);
  const int x1 = std::clamp(int(std::ceil(maxx + margin)), x0 + 1, image.width);
  const int y1 = std::clamp(int(std::ceil(maxy + margin)), y0 + 1, image.height);
  const int w = x1 - x0, h = y1 - y0;

  Plane mask{w, h, std::vector<float>(std::size_t(w) * std::size_t(h), 0.f)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) mask.at(x, y) = inside_polygon(poly, x0 + x + 0.5, y0 + y + 0.5) ? 1.f : 0.f;
  gaussian_blur(mask, feather_px / 2);

  const double scale = recipe.generated_spread / frame.spread;  // < 1: the face is larger than a generated one
  for (int c = 0; c < 3; ++c) {
    Plane face{w, h, std::vector<float>(std::size_t(w) * std::size_t(h))};
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) face.at(x, y) = out.rgba[(std::size_t(y0 + y) * std::size_t(image.width) + std::size_t(x0 + x)) * 4 + std::size_t(c)];
    const Plane original = face;
    if (scale < 1) resample_down_up(face, std::max(1, int(std::lround(w * scale))), std::max(1, int(std::lround(h * scale))));
    gaussian_blur(face, recipe.blur_sigma / std::min(scale, 1.0));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float m = mask.at(x, y);
        if (m <= 0) continue;
        const double v = original.at(x, y) + m * (recipe.gain[std::size_t(c)] * face.at(x, y) - original.at(x, y));
        out.rgba[(std::size_t(y0 + y) * std::size_t(image.width) + std::size_t(x0 + x)) * 4 + std::size_t(c)] =
            std::uint8_t(std::clamp(std::lround(v), 0l, 255l));
      }
  }
  return out;
}

}  // namespace posecheck::research
