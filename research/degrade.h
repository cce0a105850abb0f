// Whole-frame degradations: the same picture as it reaches a user after
// being shrunk, softened and re-compressed on its way (messengers, social
// sites, screenshots). Used to train the blend cue on frames of every
// quality (`posecheck features --degrade SEED`), so that a frame's overall
// quality is not what its P(fake) follows (issue 12: the same face, the same
// answer; issue 13: whole-frame changes must not move the cue).
//
// Research code (tools/), never used by the checker.
#pragma once

#include <cstdint>

#include "image_view.h"
#include "raster.h"

namespace posecheck::research {

// How one degraded copy is made; all drawn from a seed (draw_degrade_recipe).
struct DegradeRecipe {
  double blur_sigma = 0;  // Gaussian blur before resizing, in source pixels (0: none)
  double scale = 1;       // output size / input size, both axes (1: no resize)
  int jpeg_quality = 0;   // libjpeg quality of a final re-compression (0: none)
};

// Ensures: the same seed gives the same recipe on every platform. Each step
// is drawn independently: blur (probability 0.4) sigma 0.3-2.0 px; resize
// (0.6) scale 0.5-1.0; JPEG (0.6) quality 30-95; a recipe that drew no step
// gets the JPEG step, so every copy differs from its source.
DegradeRecipe draw_degrade_recipe(std::uint64_t seed);

// Requires: image validated, format kRgba32.
// Ensures: the image blurred, resized to round(scale * size) (at least 1 px)
//   and JPEG-encoded and decoded in memory (4:2:0, as cameras and sites do),
//   in that order; alpha 255. Throws Error kInvalidArgument for other pixel
//   formats or a recipe out of range (scale outside (0, 1], quality outside
//   0 or 1-100, negative blur).
RgbaImage degrade(const ImageView& image, const DegradeRecipe& recipe);

}  // namespace posecheck::research
