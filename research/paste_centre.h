// Landmark pseudo-fakes without identity bias (issue 18, item 2): a real
// person's track with its inner face replaced the way a face-swap pipeline
// pastes a generated face.
//
// A swap generates the inner face (brows, eyes, nose, mouth: landmarks
// 18-68) in a canonical 2D frame and pastes it with the 2D similarity that
// aligns the frame's landmarks to that frame; the jaw line (1-17) stays the
// target's. So the pasted centre turns with the head only as far as the
// generator followed it: between a flat picture moved by a 2D similarity
// and the real face. Here the inner points of frame t become
//   S_t( (1 - follow) * G + follow * C_t ),
// with S_t the similarity (least squares, all 68 points) from the canonical
// frame to frame t, C_t frame t's inner points in the canonical frame, G
// their mean over the track, and `follow` in [0, 1) drawn per track.
// Real and pseudo-fake then come from the same person, frames and jaw.
//
// Research code, never used by the checker.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry.h"

namespace posecheck::research {

struct PasteRecipe {
  double follow = 0.3;  // how far the pasted centre follows the real one (0: a rigid 2D paste of the mean)
};

// Ensures: the same seed gives the same recipe on every platform; follow in [0, 0.7).
PasteRecipe draw_paste_recipe(std::uint64_t seed);

// Requires: at least 2 frames, every point finite, each frame's landmarks
//   spread over more than 1 px.
// Ensures: one frame out per frame in; landmarks 1-17 unchanged bit for
//   bit, 18-68 replaced as above. With follow = 1 - epsilon the output is
//   the input to within epsilon times the face's size.
// Throws Error kInvalidArgument otherwise.
std::vector<Landmarks> paste_centre(const std::vector<Landmarks>& track, const PasteRecipe& recipe);

}  // namespace posecheck::research
