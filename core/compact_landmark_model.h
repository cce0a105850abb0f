// The compact landmark model format, "PCLM" v1: dlib's 68-point shape
// predictor with its leaf values quantised, about a tenth of dlib's .dat.
// Internal to core/ (the loader and predictor behind LandmarkModel) and to
// the `posecheck compact-model` converter.
//
// Layout (all little-endian; floats IEEE-754 binary32):
//   header, 80 bytes:
//     0  "PCLM"                    8  u32 header_size = 80
//     4  u32 version = 1          12  u32 num_parts P (1..255)
//    16  u32 num_cascades C (1..64)
//    20  u32 trees_per_cascade T (1..10000)
//    24  u32 tree_depth D (1..10): S = 2^D - 1 splits, L = 2^D leaves per tree
//    28  u32 feature_pool_size F (1..65535)
//    32  u32 leaf_bits B (2..8 quantised, or 32 = float32 leaves)
//    36  u32 flags = 0
//    40  u64 payload_size (= file size - 80, and = the size the counts imply)
//    48  u8[32] SHA-256 of the payload
//   payload:
//     initial_shape  f32 x 2P
//     per cascade:
//       pixel_coords f32 x 2F   reference pixels in initial-shape space (dlib
//                               re-derives anchor index + delta from them)
//       coord_weight f32 x 2P   per-coordinate scale of the quantised leaves
//       split_idx1   u16 x T*S  feature pixel indices (< F), trees in order,
//       split_idx2   u16 x T*S    nodes in dlib's breadth-first order
//       split_thresh i8  x T*S  floor(dlib threshold); rebuilt as t + 0.5,
//                               exact because pixel differences are integers
//       leaf_scale   f32 x T*L  (B = 32: absent)
//       leaf_values  ceil(T*L*2P*B/8) bytes: B-bit codes u, LSB first, value
//                    = (u - 2^(B-1)) * leaf_scale * coord_weight[j]
//                    (B = 32: f32 x T*L*2P)
//   Value limits the loader enforces: coordinates within [-10, 10] face
//   boxes, coord_weight in [0, 1], 2^(B-1) * leaf_scale * max(coord_weight)
//   <= 1 (so every leaf value a code can express is within one box).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <dlib/image_processing/shape_predictor.h>

#include "shape_predictor_parts.h"

namespace posecheck {

// LandmarkModel::format() of a PCLM file (landmark_model.h).
constexpr const char* kCompactLandmarkFormat = "posecheck-compact-v1";

// Requires: data points to `size` readable bytes (or is null).
// Ensures: true when the bytes start with the compact format's magic "PCLM"
//   (nothing else is checked: parse() does that); never throws.
bool is_compact_landmark_model(const std::uint8_t* data, std::size_t size);

// Represents: a PCLM model in its compact form. The quantised leaf codes stay
// packed in memory (about the file's size, against 65 MB of float leaves in a
// dlib::shape_predictor); a prediction dequantises only the leaves it visits,
// one per tree. That makes loading a validation pass instead of a 16-million
// value expansion, which is what kept WebAssembly loads above a second.
// Thread safety: immutable after parse(); predict() is const.
class CompactShapePredictor {
 public:
  // Requires: bytes of a PCLM file (any version; only v1 is accepted).
  //   verify_payload_digest = false only when the caller has already matched
  //   the whole file against a pinned SHA-256 (the check would repeat it).
  // Ensures: every count, index, and value range is checked against the
  //   header and the file size before use, so truncated, corrupt or hostile
  //   bytes throw Error kModelFormat (saying what was wrong), never crash or
  //   allocate more than the file's size implies. Every leaf value the codes
  //   can express lies in [-1, 1] (in face-box units).
  static CompactShapePredictor parse(const std::uint8_t* data, std::size_t size, bool verify_payload_digest = true);

  // Ensures: the number of points predicted (P of the header, 1..255).
  unsigned long num_parts() const { return parts_; }

  // Requires: image is a dlib generic image (core/dlib_image.h views); rect
  //   has positive size.
  // Ensures: the points dlib's shape_predictor returns for the dequantised
  //   model (to_dlib()), bit for bit: the same feature pixels, split tests,
  //   float leaf values ((code - 2^(B-1)) * scale * weight) and float sums, in
  //   the same order. Integer image pixels, as dlib's full_object_detection.
  template <typename Image>
  std::vector<dlib::point> predict(const Image& image, const dlib::rectangle& rect) const;

  // Ensures: the equivalent dlib::shape_predictor with dequantised float
  //   leaves (about 65 MB for the 68-point model): the reference that tests
  //   compare predict() with.
  dlib::shape_predictor to_dlib() const;

 private:
  struct Cascade {
    std::vector<dlib::vector<float, 2>> pixels;  // reference pixels, initial-shape space
    std::vector<unsigned long> anchor_idx;       // derived from pixels as dlib does
    std::vector<dlib::vector<float, 2>> deltas;
    std::vector<float> weight;                   // 2P per-coordinate leaf scales
    std::vector<std::uint16_t> idx1, idx2;       // T*S split pixel indices
    std::vector<float> thresh;                   // T*S split thresholds
    std::vector<float> scale;                    // T*L per-leaf scales (quantised levels)
    std::vector<std::uint8_t> codes;             // packed B-bit leaf codes (quantised levels)
    std::vector<float> values;                   // T*L*2P float leaves (B = 32)
  };
  // Adds leaf `leaf` of cascade c, dequantised, to the 2 * parts floats at shape.
  void add_leaf(const Cascade& c, std::size_t leaf, float* shape) const;
  void add_leaf_any_bits(const Cascade& c, std::size_t leaf, float* shape) const;

  unsigned long parts_ = 0;
  std::uint32_t trees_ = 0, depth_ = 0, leaf_bits_ = 0;
  dlib::matrix<float, 0, 1> initial_shape_;
  std::vector<Cascade> cascades_;
};

// Requires/Ensures: as CompactShapePredictor::parse(...).to_dlib().
dlib::shape_predictor decode_compact_landmark_model(const std::uint8_t* data, std::size_t size);

// A named quantisation level of the converter.
struct CompactLevel {
  std::string name;
  int leaf_bits;         // 2..8, or 32 for float32 leaves
  bool coord_weights;    // per-coordinate leaf scales (else all 1)
  std::string note;
};
// Ensures: the converter's levels, each name once (the same list on every
// call; never throws).
const std::vector<CompactLevel>& compact_levels();
// Ensures: the name of the level `posecheck compact-model` uses by default
// and the build ships, one of compact_levels().
const char* default_compact_level();

// Requires: bytes of a dlib shape_predictor .dat (version 1, trees of one
//   depth; read with read_shape_predictor_parts, so any bytes are safe, and
//   the structure is checked); level one of compact_levels().
// Ensures: the PCLM v1 bytes, deterministic for given input and level.
//   Throws Error kInvalidArgument for an unknown level, kModelFormat when the
//   bytes are not such a predictor or it does not fit PCLM v1's limits (the
//   header's ranges above), saying which.
std::vector<std::uint8_t> encode_compact_landmark_model(const std::uint8_t* dat, std::size_t size,
                                                        const std::string& level);

// As above, from the parts of a predictor (tests build tiny ones). anchor_idx
// and deltas as in dlib's serialisation, one list per cascade.
// Requires/Ensures: as above (the same errors, without the parsing of bytes).
std::vector<std::uint8_t> encode_compact_landmark_model(
    const dlib::matrix<float, 0, 1>& initial_shape,
    const std::vector<std::vector<dlib::impl::regression_tree>>& forests,
    const std::vector<std::vector<unsigned long>>& anchor_idx,
    const std::vector<std::vector<dlib::vector<float, 2>>>& deltas, const std::string& level);

}  // namespace posecheck
