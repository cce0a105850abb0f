// LandmarkModel: dlib's 68-point shape predictor, loaded from bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "geometry.h"
#include "image_view.h"

namespace posecheck {

// SHA-256 of dlib's shape_predictor_68_face_landmarks.dat (Debian libdlib-data
// 19.24, 99,693,937 bytes), the project's default landmark model.
constexpr const char* kDlib68ModelSha256 = "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f";

// LandmarkModel::format() of a dlib .dat file (that of a PCLM file is
// kCompactLandmarkFormat, compact_landmark_model.h).
constexpr const char* kDlibLandmarkFormat = "dlib-shape-predictor-v1";

// Represents: an immutable 68-point landmark predictor.
// Thread safety: predict() is const and may run on several threads at once.
class LandmarkModel {
 public:
  // Loads a model from bytes (no file system involved).
  // Requires: if expected_sha256 is non-empty, the bytes hash to it (else
  //   throws Error kModelChecksum, before parsing anything). The bytes must be
  //   a dlib shape_predictor, serialisation version 1, or a posecheck compact
  //   model (PCLM v1, core/compact_landmark_model.h; dispatched on the first
  //   bytes), with 68 parts (else kModelFormat with what was wrong). Any bytes
  //   are safe: a pinned dlib file goes to dlib's own (trusting, fastest)
  //   parser; an unpinned one is read by posecheck's bounds-checked reader
  //   and validated like a compact model (slower to load, same points).
  //   Empty bytes (data null or size 0) throw kModelFormat.
  // Ensures: the model is ready; sha256() is the bytes' digest; format()
  //   says which of the two formats it was.
  static LandmarkModel from_bytes(const std::uint8_t* data, std::size_t size, const std::string& expected_sha256);

  // Requires: validate(image) passes; box has positive size (else throws
  //   Error kInvalidArgument); box in image pixels (it is rounded to whole
  //   pixels, as dlib's rectangles are).
  // Ensures: returns 68 points in full-resolution image pixels (whole
  //   pixels, iBUG 300-W order: index i is the paper's point i + 1).
  Landmarks predict(const ImageView& image, const Box& box) const;

  // The SHA-256 (64 lowercase hex) of the bytes it was loaded from.
  const std::string& sha256() const { return sha256_; }
  // kDlibLandmarkFormat for dlib .dat files, kCompactLandmarkFormat for PCLM.
  const std::string& format() const { return format_; }

  LandmarkModel(LandmarkModel&&) noexcept;
  LandmarkModel& operator=(LandmarkModel&&) noexcept;
  ~LandmarkModel();

 private:
  LandmarkModel();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string sha256_;
  std::string format_;
};

}  // namespace posecheck
