// Self-blends: pseudo-fakes made from real faces, for training the blend cue
// (issue 13: "self-blended real faces as extra fakes").
//
// A face swap renders a face at a low resolution and pastes it into the
// frame with a feathered mask; a self-blend does the same with the person's
// own face: the face region is resampled down to the size of a generated
// face and back up, its colour nudged, and blended back inside a feathered
// copy of the landmark contour. Real and pseudo-fake then come from the same
// person and frame, so nothing about identity, lighting or the video's
// global quality separates them; only the pasted face does.
//
// Research code (tools/): used by `posecheck features --self-blend SEED`,
// never by the checker.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "geometry.h"
#include "image_view.h"
#include "raster.h"

namespace posecheck::research {

// How one self-blend is made; all drawn from a seed (draw_self_blend_recipe).
struct SelfBlendRecipe {
  // RMS landmark spread, in pixels, of the face at the "generator's"
  // resolution (a 64-128 px generated face has a spread of roughly 15-40 px).
  // Faces already smaller than this are blurred instead (blur_sigma).
  double generated_spread = 20;
  double blur_sigma = 0;                  // extra Gaussian blur of the pasted face, in generated pixels
  double mask_scale = 0.9;                // the landmark contour scaled about its centroid
  double feather = 0.1;                   // mask edge softness, as a share of the face's spread
  std::array<double, 3> gain{1, 1, 1};    // colour gain of the pasted face (R, G, B)
};

// Ensures: the same seed gives the same recipe on every platform (the
// generator is a fixed 64-bit mix, not std:: distributions). Ranges:
// generated_spread 12-45, blur_sigma 0-0.8, mask_scale 0.85-1.0,
// feather 0.05-0.2, gain 0.96-1.04.
SelfBlendRecipe draw_self_blend_recipe(std::uint64_t seed);

// Requires: image validated, format kRgba32; landmarks in image pixels.
// Ensures: an image of the same size; pixels outside the feathered mask are
//   unchanged (bit for bit); the face inside is replaced by its resampled
//   copy. Throws Error kInvalidArgument for other pixel formats or
//   non-finite or degenerate landmarks (spread under 2 px).
RgbaImage self_blend(const ImageView& image, const Landmarks& landmarks, const SelfBlendRecipe& recipe);

}  // namespace posecheck::research
