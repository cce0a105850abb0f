// Self-blends (research/self_blend.h): the recipe is a function of the seed
// alone and stays in its stated ranges; a self-blend changes only the pixels
// under its feathered mask, takes fine detail out of the face and not out of
// its surroundings, so the blend cue reads it as a pasted face; bad input is
// refused with a clear error.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "self_blend.h"
#include "blend_evidence.h"
#include "errors.h"
#include "synthetic_face.h"

using namespace posecheck;
using namespace posecheck::research;

namespace {

RgbaImage rgba_texture(int w, int h) { return posecheck_test::rgba_texture_image<RgbaImage>(w, h); }

// Mean squared 4-neighbour Laplacian of channel 0 inside a circle.
double detail(const RgbaImage& im, double cx, double cy, double radius) {
  double sum = 0;
  int n = 0;
  auto at = [&](int x, int y) { return double(im.rgba[(std::size_t(y) * std::size_t(im.width) + std::size_t(x)) * 4]); };
  for (int y = 1; y + 1 < im.height; ++y)
    for (int x = 1; x + 1 < im.width; ++x) {
      if (std::hypot(x - cx, y - cy) > radius) continue;
      const double l = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
      sum += l * l;
      ++n;
    }
  return sum / n;
}

}  // namespace

TEST(SelfBlend, TheRecipeIsAFunctionOfTheSeedWithinItsRanges) {
  const SelfBlendRecipe a = draw_self_blend_recipe(42), b = draw_self_blend_recipe(42), c = draw_self_blend_recipe(43);
  EXPECT_EQ(a.generated_spread, b.generated_spread);
  EXPECT_EQ(a.feather, b.feather);
  EXPECT_EQ(a.gain, b.gain);
  EXPECT_NE(a.generated_spread, c.generated_spread);
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const SelfBlendRecipe r = draw_self_blend_recipe(seed);
    EXPECT_GE(r.generated_spread, 12);
    EXPECT_LE(r.generated_spread, 45);
    EXPECT_GE(r.blur_sigma, 0);
    EXPECT_LE(r.blur_sigma, 0.8);
    EXPECT_GE(r.mask_scale, 0.85);
    EXPECT_LE(r.mask_scale, 1.0);
    EXPECT_GE(r.feather, 0.05);
    EXPECT_LE(r.feather, 0.2);
    for (double g : r.gain) {
      EXPECT_GE(g, 0.96);
      EXPECT_LE(g, 1.04);
    }
  }
}

TEST(SelfBlend, OnlyTheFaceChangesAndItLosesFineDetail) {
  const RgbaImage im = rgba_texture(400, 400);
  const Landmarks lm = posecheck_test::face_at(200, 200);
  SelfBlendRecipe r;
  r.generated_spread = 15;  // the face's spread is about 45 px: resampled to a third
  r.mask_scale = 0.9;
  r.feather = 0.1;
  const RgbaImage out = self_blend(im.view(), lm, r);
  ASSERT_EQ(out.width, im.width);
  ASSERT_EQ(out.height, im.height);
  ASSERT_EQ(out.rgba.size(), im.rgba.size());
  // Far from the face (beyond the contour plus the feather's reach): bit for bit.
  int changed_far = 0, changed_near = 0;
  for (int y = 0; y < 400; ++y)
    for (int x = 0; x < 400; ++x) {
      const std::size_t i = (std::size_t(y) * 400 + std::size_t(x)) * 4;
      const bool same = std::equal(im.rgba.begin() + std::ptrdiff_t(i), im.rgba.begin() + std::ptrdiff_t(i + 4), out.rgba.begin() + std::ptrdiff_t(i));
      if (std::abs(x - 200) > 90 || y < 120 || y > 290) changed_far += !same;
      else if (std::hypot(x - 200, y - 210) < 30) changed_near += !same;
    }
  EXPECT_EQ(changed_far, 0);
  EXPECT_GT(changed_near, 2000);
  EXPECT_LT(detail(out, 200, 210, 30), 0.3 * detail(im, 200, 210, 30));
  EXPECT_NEAR(detail(out, 40, 40, 30), detail(im, 40, 40, 30), 1e-9);
  // The blend cue reads the self-blend as a face with less detail than its ring.
  const BlendEvidence before = blend_evidence(im.view(), lm), after = blend_evidence(out.view(), lm);
  ASSERT_TRUE(before.ok) << before.reason;
  ASSERT_TRUE(after.ok) << after.reason;
  EXPECT_LT(after.detail_ratio[0], before.detail_ratio[0] - 1.0);
}

TEST(SelfBlend, BadInputIsRefusedWithAClearError) {
  const RgbaImage im = rgba_texture(100, 100);
  const SelfBlendRecipe r = draw_self_blend_recipe(1);
  Landmarks nan_lm = posecheck_test::face_at(50, 50, 0.3);
  nan_lm[5] = Point2(std::numeric_limits<double>::quiet_NaN(), 1);
  EXPECT_THROW(self_blend(im.view(), nan_lm, r), Error);
  Landmarks same;
  same.fill(Point2(50, 50));
  EXPECT_THROW(self_blend(im.view(), same, r), Error);
  const auto gray = posecheck_test::texture(100, 100);
  EXPECT_THROW(self_blend(gray.view(), posecheck_test::face_at(50, 50, 0.3), r), Error);
  // A face hanging off the image's corner: the image stays whole, no crash.
  const RgbaImage out = self_blend(im.view(), posecheck_test::face_at(5, 5, 0.5), r);
  EXPECT_EQ(out.rgba.size(), im.rgba.size());
}
