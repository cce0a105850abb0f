// The precision study behind `posecheck compact-model --evaluate`: how finely
// must dlib's leaf values be kept for the landmarks to stay the same? Rounds
// every leaf value to a grid and estimates what an ideal entropy coder would
// need for the rounded values, without and with a per-cascade KLT (the
// leaves' principal axes), so that sizes and deviations can be set side by
// side. Research tooling, not product code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compact_landmark_model.h"

namespace posecheck::cli {

struct RoundedLeaves {
  ShapePredictorParts parts;           // leaves rounded to multiples of the step
  double plain_entropy_bytes = 0;      // sum over cascades x coordinates of n * H(rounded values)
  double klt_entropy_bytes = 0;        // the same for KLT coefficients rounded to the step
};
enum class Rounding { kPlain, kKlt };
// Requires: step > 0 (in dlib's normalised face-box units).
// Ensures: kPlain: every leaf value v becomes round(v / step) * step (float);
//   kKlt: every leaf vector v becomes A round(A^T v / step) step, A the
//   cascade's principal axes. Both zero-order entropy estimates either way.
RoundedLeaves round_leaves(const ShapePredictorParts& parts, double step, Rounding rounding = Rounding::kPlain);

}  // namespace posecheck::cli
