// Blend evidence (core/blend_evidence.h) on synthetic images with a known
// answer: one texture everywhere (the face matches its surroundings), the
// same with the face's inside blurred (a pasted low-resolution face), the
// same framed differently (padding must not change a number), and bad input
// (NaN, degenerate landmarks, a face outside the image): ok == false with a
// reason, never a crash. Real frames: tests/test_trust.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "blend_evidence.h"
#include "geometry.h"
#include "synthetic_face.h"

using namespace posecheck;
using posecheck_test::Gray;
using posecheck_test::face_at;
using posecheck_test::texture;

namespace {

// Gaussian blur (sigma px) of the pixels inside the ellipse around the face
// (inside = false: of the pixels outside it; whole = true: of every pixel).
void blur_inside(Gray& g, double cx, double cy, double sigma, bool inside = true, bool whole = false) {
  const int r = int(std::ceil(3 * sigma));
  std::vector<double> k(std::size_t(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (auto& x : k) x /= sum;
  std::vector<double> tmp(g.px.size()), out(g.px.size());
  auto at = [&](int x, int y) { return g.px[std::size_t(std::clamp(y, 0, g.h - 1)) * g.w + std::clamp(x, 0, g.w - 1)]; };
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i) s += k[std::size_t(i + r)] * at(x + i, y);
      tmp[std::size_t(y) * g.w + x] = s;
    }
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i) s += k[std::size_t(i + r)] * tmp[std::size_t(std::clamp(y + i, 0, g.h - 1)) * g.w + x];
      out[std::size_t(y) * g.w + x] = s;
    }
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      const double dx = (x - cx) / 58.0, dy = (y - cy) / 70.0;
      if (whole || (dx * dx + dy * dy < 1) == inside) g.px[std::size_t(y) * g.w + x] = std::uint8_t(std::lround(out[std::size_t(y) * g.w + x]));
    }
}

TEST(BlendEvidence, OneTextureEverywhereReadsAsNoDifference) {
  const Gray g = texture(400, 400);
  const BlendEvidence e = blend_evidence(g.view(), face_at(200, 200));
  ASSERT_TRUE(e.ok) << e.reason;
  EXPECT_LT(std::abs(e.detail_ratio[0]), 0.2);
  EXPECT_LT(std::abs(e.slope_difference), 0.2);
  EXPECT_NEAR(e.chroma_step, 0.0, 1e-9);  // gray: no chroma
}

TEST(BlendEvidence, ABlurredFaceInSharpSurroundingsIsFlagged) {
  Gray g = texture(400, 400);
  blur_inside(g, 200, 195, 2.0);
  const BlendEvidence e = blend_evidence(g.view(), face_at(200, 200));
  ASSERT_TRUE(e.ok) << e.reason;
  EXPECT_LT(e.slope_difference, -0.5);
  EXPECT_GT(e.ring_to_face_detail(), 2.0);
  const auto x = blend_features(e);
  EXPECT_EQ(x[3], e.slope_difference);
}

// The two ways a face can differ from its frame read with opposite signs: a
// blurred face in a sharp frame (a pasted low-resolution face) and a sharp
// face in a blurred frame (a portrait with a soft background).
TEST(BlendEvidence, ASharpFaceInABlurredFrameReadsOppositeToABlurredFaceInASharpFrame) {
  Gray blurred_face = texture(400, 400), sharp_face = texture(400, 400);
  blur_inside(blurred_face, 200, 195, 2.0, true);
  blur_inside(sharp_face, 200, 195, 2.0, false);
  const BlendEvidence a = blend_evidence(blurred_face.view(), face_at(200, 200));
  const BlendEvidence b = blend_evidence(sharp_face.view(), face_at(200, 200));
  ASSERT_TRUE(a.ok && b.ok) << a.reason << b.reason;
  EXPECT_LT(a.detail_ratio[0], -0.5);
  EXPECT_GT(b.detail_ratio[0], 0.5);
  EXPECT_LT(a.slope_difference, -0.5);
  EXPECT_GT(b.slope_difference, 0.5);
}

// Blurring the whole frame changes its sharpness, not how the face compares
// with its surroundings: the measures stay near those of the untouched frame.
TEST(BlendEvidence, BlurringTheWholeFrameKeepsTheMeasures) {
  Gray g = texture(400, 400);
  blur_inside(g, 200, 195, 1.5);  // a pasted face
  Gray soft = g;
  blur_inside(soft, 200, 195, 0.8, true, true);
  const BlendEvidence a = blend_evidence(g.view(), face_at(200, 200));
  const BlendEvidence b = blend_evidence(soft.view(), face_at(200, 200));
  ASSERT_TRUE(a.ok && b.ok);
  // Both still read "face blurrier than its surroundings"; the coarser bands
  // hardly move (measured: -1.87 / -1.55 and -0.77 / -0.73), the finest band
  // less so (-4.8 / -3.0: the blur removes the ring's finest detail too).
  EXPECT_LT(b.detail_ratio[0], -2.0);
  EXPECT_NEAR(a.detail_ratio[1], b.detail_ratio[1], 0.4);
  EXPECT_NEAR(a.detail_ratio[2], b.detail_ratio[2], 0.1);
}

TEST(BlendEvidence, PaddingTheImageChangesNothing) {
  Gray g = texture(400, 400);
  blur_inside(g, 200, 195, 1.5);
  const BlendEvidence a = blend_evidence(g.view(), face_at(200, 200));
  // The same pixels at (150, 70) on a black canvas of 800 x 600.
  Gray padded{800, 600, std::vector<std::uint8_t>(800 * 600, 0)};
  for (int y = 0; y < 400; ++y)
    for (int x = 0; x < 400; ++x) padded.px[std::size_t(y + 70) * 800 + x + 150] = g.px[std::size_t(y) * 400 + x];
  const BlendEvidence b = blend_evidence(padded.view(), face_at(350, 270));
  ASSERT_TRUE(a.ok && b.ok);
  const auto xa = blend_features(a), xb = blend_features(b);
  for (int k = 0; k < kBlendFeatureCount; ++k) EXPECT_NEAR(xa[std::size_t(k)], xb[std::size_t(k)], 1e-6) << "feature " << k;
}

TEST(BlendEvidence, BadInputGivesAReasonNotACrash) {
  const Gray g = texture(400, 400);
  Landmarks nan = face_at(200, 200);
  nan[30] = Point2(std::numeric_limits<double>::quiet_NaN(), 1);
  BlendEvidence e = blend_evidence(g.view(), nan);
  EXPECT_FALSE(e.ok);
  EXPECT_NE(e.reason.find("finite"), std::string::npos);

  Landmarks one_point;
  one_point.fill(Point2(100, 100));
  e = blend_evidence(g.view(), one_point);
  EXPECT_FALSE(e.ok);
  EXPECT_FALSE(e.reason.empty());

  e = blend_evidence(g.view(), face_at(5000, 5000));  // far outside the image
  EXPECT_FALSE(e.ok);
  EXPECT_NE(e.reason.find("inside the image"), std::string::npos);

  const Gray tiny = texture(1, 1);
  e = blend_evidence(tiny.view(), face_at(0, 0, 0.01));
  EXPECT_FALSE(e.ok);

  const Gray flat{400, 400, std::vector<std::uint8_t>(400 * 400, 128)};  // no detail anywhere: finite, no difference
  e = blend_evidence(flat.view(), face_at(200, 200));
  ASSERT_TRUE(e.ok) << e.reason;
  EXPECT_NEAR(e.detail_ratio[0], 0.0, 1e-9);
}

}  // namespace
