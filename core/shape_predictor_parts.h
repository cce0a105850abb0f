// Internal to core/ (and the research tools): the parts of a dlib
// shape_predictor .dat, read by posecheck's own bounds-checked reader of
// dlib's serialisation format instead of dlib's deserialiser, which trusts
// its input (a corrupt size field makes it allocate without limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <dlib/image_processing/shape_predictor.h>

namespace posecheck {

// The fields of a dlib shape_predictor .dat, in dlib's serialisation order.
struct ShapePredictorParts {
  dlib::matrix<float, 0, 1> initial_shape;
  std::vector<std::vector<dlib::impl::regression_tree>> forests;
  std::vector<std::vector<unsigned long>> anchor_idx;
  std::vector<std::vector<dlib::vector<float, 2>>> deltas;
};

// Requires: bytes of a dlib shape_predictor .dat (serialisation version 1,
//   dlib's binary float format).
// Ensures: the parts, with the values dlib's deserialise gives (bit for bit);
//   every count is checked against the bytes left before anything is
//   allocated, and every float is finite, so truncated, corrupt or hostile
//   bytes throw Error kModelFormat (saying what and where), never allocate
//   more than a small multiple of the input's size, and never crash. Checks
//   only the layout: whether the parts make a usable predictor is the
//   compact converter's check (compact_landmark_model.h).
ShapePredictorParts read_shape_predictor_parts(const std::uint8_t* dat, std::size_t size);

}  // namespace posecheck
