#include "landmark_model.h"

#include <cmath>
#include <istream>
#include <optional>

#include <dlib/image_processing/shape_predictor.h>

#include "compact_landmark_model.h"
#include "byte_stream.h"
#include "dlib_image.h"
#include "errors.h"
#include "sha256.h"

namespace posecheck {

// One of the two, by format: dlib's own predictor for .dat files, the compact
// one (leaves kept quantised) for PCLM.
struct LandmarkModel::Impl {
  dlib::shape_predictor predictor;
  std::optional<CompactShapePredictor> compact;
  unsigned long num_parts() const { return compact ? compact->num_parts() : predictor.num_parts(); }
};

LandmarkModel::LandmarkModel() : impl_(std::make_unique<Impl>()) {}
LandmarkModel::~LandmarkModel() = default;
LandmarkModel::LandmarkModel(LandmarkModel&&) noexcept = default;
LandmarkModel& LandmarkModel::operator=(LandmarkModel&&) noexcept = default;

LandmarkModel LandmarkModel::from_bytes(const std::uint8_t* data, std::size_t size, const std::string& expected_sha256) {
  if (data == nullptr || size == 0) throw Error(ErrorCode::kModelFormat, "landmark model is empty (0 bytes)");
  LandmarkModel model;
  model.sha256_ = sha256_hex(data, size);
  if (!expected_sha256.empty() && model.sha256_ != expected_sha256) {
    throw Error(ErrorCode::kModelChecksum, "landmark model SHA-256 " + model.sha256_ + " does not match the expected " +
                                               expected_sha256 + ": the file is corrupt, truncated or a different model");
  }
  if (is_compact_landmark_model(data, size)) {
    // posecheck's compact format ("PCLM", core/compact_landmark_model.h):
    // every count and index is validated, so unpinned bytes are safe too.
    // A matched pin already covers the payload, so its own hash is skipped.
    const bool pinned = !expected_sha256.empty();
    model.impl_->compact = CompactShapePredictor::parse(data, size, /*verify_payload_digest=*/!pinned);
    model.format_ = kCompactLandmarkFormat;
  } else {
    // dlib's shape_predictor starts with its serialisation version, int 1,
    // which dlib writes as the two bytes 01 01.
    if (size < 2 || data[0] != 0x01 || data[1] != 0x01) {
      throw Error(ErrorCode::kModelFormat,
                  "not a dlib shape predictor (version 1) or PCLM compact landmark file: wrong header bytes");
    }
    if (!expected_sha256.empty()) {
      // Pinned, so these are known bytes: dlib's own (fastest) deserialiser.
      ByteStreamBuf buf(data, size);
      std::istream in(&buf);
      try {
        dlib::deserialize(model.impl_->predictor, in);
      } catch (const std::bad_alloc&) {
        throw Error(ErrorCode::kModelFormat, "landmark model is corrupt: it declares sizes larger than memory");
      } catch (const std::exception& e) {
        throw Error(ErrorCode::kModelFormat, std::string("landmark model could not be parsed (truncated or corrupt): ") + e.what());
      }
    } else {
      // Not pinned: dlib's deserialiser and predictor trust their input (a
      // corrupt count allocates without limit, a bad index reads out of
      // bounds). Read it with the bounds-checked reader and run it as a
      // float32 compact model, whose loader checks every index and range;
      // its points are dlib's, bit for bit (tests/test_compact_model.cpp).
      const ShapePredictorParts parts = read_shape_predictor_parts(data, size);
      const std::vector<std::uint8_t> pclm =
          encode_compact_landmark_model(parts.initial_shape, parts.forests, parts.anchor_idx, parts.deltas, "f32");
      model.impl_->compact = CompactShapePredictor::parse(pclm.data(), pclm.size(), /*verify_payload_digest=*/false);
    }
    model.format_ = kDlibLandmarkFormat;
  }
  if (model.impl_->num_parts() != kNumLandmarks) {
    throw Error(ErrorCode::kModelFormat, "landmark model predicts " + std::to_string(model.impl_->num_parts()) +
                                             " points; posecheck needs the 68-point iBUG scheme");
  }
  return model;
}

Landmarks LandmarkModel::predict(const ImageView& image, const Box& box) const {
  validate(image);
  if (!(box.width() > 0 && box.height() > 0)) throw Error(ErrorCode::kInvalidArgument, "face box must have positive size");
  // Back to dlib's inclusive integer rectangle (boxes come from the detector
  // as integers scaled by at most a resize factor).
  const dlib::rectangle rect(std::lround(box.left), std::lround(box.top), std::lround(box.right) - 1,
                             std::lround(box.bottom) - 1);
  std::vector<dlib::point> points;
  const bool rgba = image.format == PixelFormat::kRgba32;
  if (impl_->compact) {
    points = rgba ? impl_->compact->predict(dlib_view<rgbx_pixel>(image), rect)
                  : impl_->compact->predict(dlib_view<unsigned char>(image), rect);
  } else {
    const dlib::full_object_detection shape = rgba ? impl_->predictor(dlib_view<rgbx_pixel>(image), rect)
                                                   : impl_->predictor(dlib_view<unsigned char>(image), rect);
    for (unsigned long i = 0; i < shape.num_parts(); ++i) points.push_back(shape.part(i));
  }
  Landmarks out;
  for (int i = 0; i < kNumLandmarks; ++i) out[i] = Point2(points[i].x(), points[i].y());
  return out;
}

}  // namespace posecheck
