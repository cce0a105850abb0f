// Landmark pseudo-fakes (research/paste_centre.h): the recipe is a function
// of the seed within its range; the jaw line is kept bit for bit; following
// the real centre fully gives the track back; a rigid 2D paste of the mean
// centre on a turning 3D head has the flat centre the head-motion cue reads
// in face swaps (core/track_evidence.h), the real head does not; bad input
// is refused with a clear error.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "errors.h"
#include "paste_centre.h"
#include "synthetic_head.h"
#include "track_evidence.h"

using namespace posecheck;
using namespace posecheck::research;
using posecheck_test::rigid_track;

TEST(PasteCentre, TheRecipeIsAFunctionOfTheSeedWithinItsRange) {
  EXPECT_EQ(draw_paste_recipe(5).follow, draw_paste_recipe(5).follow);
  EXPECT_NE(draw_paste_recipe(5).follow, draw_paste_recipe(6).follow);
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const double f = draw_paste_recipe(seed).follow;
    EXPECT_GE(f, 0);
    EXPECT_LT(f, 0.7);
  }
}

TEST(PasteCentre, KeepsTheJawAndPastesAFlatCentre) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const auto real = rigid_track(12, 0.3, seed, false);
    PasteRecipe flat;
    flat.follow = 0;
    const auto pasted = paste_centre(real, flat);
    ASSERT_EQ(pasted.size(), real.size());
    double moved = 0;
    for (std::size_t f = 0; f < real.size(); ++f) {
      for (int i = 0; i < 17; ++i) EXPECT_EQ(pasted[f][std::size_t(i)], real[f][std::size_t(i)]) << "jaw point " << i;
      for (int i = 17; i < kNumLandmarks; ++i) moved = std::max(moved, (pasted[f][std::size_t(i)] - real[f][std::size_t(i)]).norm());
    }
    EXPECT_GT(moved, 1.0) << "the centre was replaced";
    const TrackEvidence r = track_evidence(real), p = track_evidence(pasted);
    ASSERT_TRUE(r.ok) << r.reason;
    ASSERT_TRUE(p.ok) << p.reason;
    EXPECT_LT(p.central_depth, 0.5 * r.central_depth) << "seed " << seed;

    PasteRecipe all;
    all.follow = 1 - 1e-9;
    const auto same = paste_centre(real, all);
    for (std::size_t f = 0; f < real.size(); ++f)
      for (int i = 0; i < kNumLandmarks; ++i) EXPECT_NEAR((same[f][std::size_t(i)] - real[f][std::size_t(i)]).norm(), 0, 1e-6);
  }
}

TEST(PasteCentre, BadInputIsRefusedWithAClearError) {
  const auto real = rigid_track(4, 0.3, 1, false);
  PasteRecipe r;
  EXPECT_THROW(paste_centre({real[0]}, r), Error);  // one frame
  auto nan = real;
  nan[2][40] = Point2(std::numeric_limits<double>::quiet_NaN(), 0);
  EXPECT_THROW(paste_centre(nan, r), Error);
  auto flat = real;
  flat[1].fill(Point2(5, 5));
  EXPECT_THROW(paste_centre(flat, r), Error);
  r.follow = 1;
  EXPECT_THROW(paste_centre(real, r), Error);
}
