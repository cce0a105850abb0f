// FaceDetector loads dlib's frontal face detector from bytes generated at
// build time (core/generate_detector_data.cpp) instead of unpacking dlib's
// compressed copy on every start: the two must be the same detector.
#include <cstddef>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include "face_detector.h"
#include "image_view.h"

namespace posecheck::detail {
extern const std::size_t kFrontalFaceDetectorSize;
extern const unsigned char kFrontalFaceDetector[];
}  // namespace posecheck::detail

namespace {

std::string serialised(const dlib::frontal_face_detector& d) {
  std::ostringstream out;
  dlib::serialize(d, out);
  return out.str();
}

TEST(FaceDetectorData, SameDetectorAsDlibUnpacks) {
  const std::string generated(reinterpret_cast<const char*>(posecheck::detail::kFrontalFaceDetector),
                              posecheck::detail::kFrontalFaceDetectorSize);
  EXPECT_GT(generated.size(), 100000u);
  EXPECT_EQ(generated, serialised(dlib::get_frontal_face_detector()));
  // And the bytes deserialise to that detector again (nothing dropped on the way).
  std::istringstream in(generated);
  dlib::frontal_face_detector loaded;
  dlib::deserialize(loaded, in);
  EXPECT_EQ(serialised(loaded), generated);
}

TEST(FaceDetectorData, DetectorRunsOnABlankImage) {
  std::string gray(200 * 160, char(128));
  const auto view = posecheck::packed_view(reinterpret_cast<const std::uint8_t*>(gray.data()), 200, 160,
                                           posecheck::PixelFormat::kGray8);
  posecheck::FaceDetector detector;
  EXPECT_TRUE(detector.detect(view).empty());
}

}  // namespace
