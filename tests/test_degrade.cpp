// Whole-frame degradations (research/degrade.h): the recipe is a function of
// the seed alone, stays in its ranges and always changes the picture; each
// step does what it says (size, blur, JPEG) and nothing else; bad input is
// refused with a clear error.
#include <gtest/gtest.h>

#include <cmath>

#include "degrade.h"
#include "errors.h"
#include "synthetic_face.h"

using namespace posecheck;
using namespace posecheck::research;

namespace {

RgbaImage rgba_texture(int w, int h) { return posecheck_test::rgba_texture_image<RgbaImage>(w, h); }

double mean_channel(const RgbaImage& im, int c) {
  double sum = 0;
  for (std::size_t i = std::size_t(c); i < im.rgba.size(); i += 4) sum += im.rgba[i];
  return sum / double(im.rgba.size() / 4);
}

// Mean squared horizontal difference of channel 0: fine detail.
double detail(const RgbaImage& im) {
  double sum = 0;
  int n = 0;
  for (int y = 0; y < im.height; ++y)
    for (int x = 1; x < im.width; ++x) {
      const std::size_t i = (std::size_t(y) * std::size_t(im.width) + std::size_t(x)) * 4;
      const double d = double(im.rgba[i]) - im.rgba[i - 4];
      sum += d * d;
      ++n;
    }
  return sum / n;
}

}  // namespace

TEST(Degrade, TheRecipeIsAFunctionOfTheSeedWithinItsRanges) {
  const DegradeRecipe a = draw_degrade_recipe(7), b = draw_degrade_recipe(7);
  EXPECT_EQ(a.blur_sigma, b.blur_sigma);
  EXPECT_EQ(a.scale, b.scale);
  EXPECT_EQ(a.jpeg_quality, b.jpeg_quality);
  int blurred = 0, resized = 0, compressed = 0;
  const int n = 2000;
  for (std::uint64_t seed = 0; seed < std::uint64_t(n); ++seed) {
    const DegradeRecipe r = draw_degrade_recipe(seed);
    EXPECT_TRUE(r.blur_sigma > 0 || r.scale < 1 || r.jpeg_quality > 0) << "seed " << seed << " changes nothing";
    if (r.blur_sigma > 0) {
      ++blurred;
      EXPECT_GE(r.blur_sigma, 0.3);
      EXPECT_LE(r.blur_sigma, 2.0);
    }
    if (r.scale < 1) {
      ++resized;
      EXPECT_GE(r.scale, 0.5);
    }
    EXPECT_LE(r.scale, 1.0);
    if (r.jpeg_quality > 0) {
      ++compressed;
      EXPECT_GE(r.jpeg_quality, 30);
      EXPECT_LE(r.jpeg_quality, 95);
    }
  }
  // The stated probabilities (0.4, 0.6, 0.6 plus the no-step fallback 0.16 * 0.4).
  EXPECT_NEAR(blurred / double(n), 0.4, 0.05);
  EXPECT_NEAR(resized / double(n), 0.6, 0.05);
  EXPECT_NEAR(compressed / double(n), 0.6 + 0.6 * 0.4 * 0.4, 0.05);
}

TEST(Degrade, EachStepDoesWhatItSays) {
  const RgbaImage im = rgba_texture(201, 150);
  // No step: the same pixels.
  EXPECT_EQ(degrade(im.view(), DegradeRecipe{}).rgba, im.rgba);
  // Resize: rounded size, same mean colour, alpha stays opaque.
  DegradeRecipe half;
  half.scale = 0.5;
  const RgbaImage small = degrade(im.view(), half);
  EXPECT_EQ(small.width, 101);
  EXPECT_EQ(small.height, 75);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(mean_channel(small, c), mean_channel(im, c), 1.0) << "channel " << c;
  EXPECT_EQ(mean_channel(small, 3), 255);
  // Blur: same size and mean, far less fine detail.
  DegradeRecipe soft;
  soft.blur_sigma = 1.5;
  const RgbaImage blurred = degrade(im.view(), soft);
  EXPECT_EQ(blurred.width, im.width);
  EXPECT_NEAR(mean_channel(blurred, 0), mean_channel(im, 0), 1.0);
  EXPECT_LT(detail(blurred), 0.1 * detail(im));
  // JPEG, on a picture with photo-like (smooth) detail: pixels change, a
  // little at quality 95 and more at 30; the mean stays.
  DegradeRecipe q95, q30;
  q95.jpeg_quality = 95;
  q30.jpeg_quality = 30;
  const RgbaImage j95 = degrade(blurred.view(), q95), j30 = degrade(blurred.view(), q30);
  auto mean_abs_diff = [&](const RgbaImage& o) {
    double s = 0;
    for (std::size_t i = 0; i < o.rgba.size(); ++i) s += std::abs(double(o.rgba[i]) - blurred.rgba[i]);
    return s / double(o.rgba.size());
  };
  EXPECT_GT(mean_abs_diff(j95), 0.05);
  EXPECT_GT(mean_abs_diff(j30), 2 * mean_abs_diff(j95));
  EXPECT_NEAR(mean_channel(j30, 0), mean_channel(blurred, 0), 2.0);
}

TEST(Degrade, BadInputIsRefusedWithAClearError) {
  const RgbaImage im = rgba_texture(40, 30);
  const auto gray = posecheck_test::texture(40, 30);
  EXPECT_THROW(degrade(gray.view(), DegradeRecipe{}), Error);
  DegradeRecipe r;
  r.scale = 1.5;
  EXPECT_THROW(degrade(im.view(), r), Error);
  r = DegradeRecipe{};
  r.jpeg_quality = 101;
  EXPECT_THROW(degrade(im.view(), r), Error);
  r = DegradeRecipe{};
  r.blur_sigma = -1;
  EXPECT_THROW(degrade(im.view(), r), Error);
  // Down to a single pixel: a 1 x 1 image, no crash.
  r = DegradeRecipe{};
  r.scale = 0.01;
  r.jpeg_quality = 50;
  const RgbaImage tiny = degrade(im.view(), r);
  EXPECT_EQ(tiny.width, 1);
  EXPECT_EQ(tiny.height, 1);
}
