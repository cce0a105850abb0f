// FaceDetector: dlib's HOG frontal face detector (the paper's detector).
#pragma once

#include <memory>
#include <vector>

#include "geometry.h"
#include "image_view.h"

namespace posecheck {

struct DetectionOptions {
  // Times the image is doubled before scanning: 0 as the paper's code (finds
  // faces of about 80 px and larger), 1 finds faces down to about 40 px at
  // four times the cost. Allowed: 0, 1, 2.
  int upsample = 0;
  // Images whose longer side exceeds this are downscaled (bilinear) for
  // detection only; boxes are mapped back to full resolution. 0 = never.
  int max_detection_side = 1600;
  // Added to dlib's detection threshold (0 = dlib's default; negative finds more).
  double threshold_adjust = 0.0;
};

struct DetectedFace {
  Box box;            // full-resolution image pixels
  double confidence;  // dlib's detection score (higher = more face-like)
};

// Represents: one dlib frontal_face_detector (its model is built into dlib).
// Thread safety: detect() mutates scratch state; use one detector per thread.
class FaceDetector {
 public:
  // Ensures: a ready detector, built from dlib's frontal face model compiled
  //   into the library (no file is read; throws only std::bad_alloc).
  FaceDetector();
  ~FaceDetector();
  FaceDetector(FaceDetector&&) noexcept;
  FaceDetector& operator=(FaceDetector&&) noexcept;

  // Requires: validate(image) passes (else throws posecheck::Error);
  //   options.upsample in 0..2 and options.max_detection_side >= 0 (else
  //   Error kInvalidArgument); with upsample > 0, the upsampled image within
  //   kMaxImagePixels unless it is first downscaled by max_detection_side
  //   (else Error kImageTooLarge).
  // Ensures: returns the faces found, most confident first; an empty vector
  //   when there is none (not an error). Boxes are in full-resolution image
  //   pixels (geometry.h: right and bottom exclusive), whatever the
  //   downscaling or upsampling used for the scan.
  std::vector<DetectedFace> detect(const ImageView& image, const DetectionOptions& options = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace posecheck
