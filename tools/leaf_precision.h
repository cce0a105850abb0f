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

#include <dlib/image_processing/shape_predictor.h>

namespace posecheck::cli {

// The parts of a dlib shape_predictor .dat, as dlib serialises them.
struct ShapePredictorParts {
  dlib::matrix<float, 0, 1> initial_shape;
  std::vector<std::vector<dlib::impl::regression_tree>> forests;
  std::vector<std::vector<unsigned long>> anchor_idx;
  std::vector<std::vector<dlib::vector<float, 2>>> deltas;
};
// Requires: a dlib shape_predictor .dat (version 1). Throws Error kModelFormat.
ShapePredictorParts read_shape_predictor_parts(const std::vector<std::uint8_t>& dat);

struct RoundedLeaves {
  ShapePredictorParts parts;           // leaves rounded to multiples of the step
  double plain_entropy_bytes = 0;      // sum over cascades x coordinates of n * H(rounded values)
  double klt_entropy_bytes = 0;        // the same for KLT coefficients rounded to the step
};
// Requires: step > 0 (in dlib's normalised face-box units).
// Ensures: every leaf value v becomes round(v / step) * step (float); the two
//   zero-order entropy estimates of coding the leaves at this step.
RoundedLeaves round_leaves(const ShapePredictorParts& parts, double step);

}  // namespace posecheck::cli
