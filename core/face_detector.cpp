#include "face_detector.h"

#include <algorithm>
#include <cmath>
#include <istream>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms/interpolation.h>

#include "byte_stream.h"
#include "dlib_image.h"
#include "errors.h"
#include "hog_wasm_simd.h"  // WebAssembly only; must precede the detector's use

namespace posecheck {

namespace detail {
// dlib's get_frontal_face_detector() in dlib's plain serialisation, generated
// at build time (core/generate_detector_data.cpp).
extern const std::size_t kFrontalFaceDetectorSize;
extern const unsigned char kFrontalFaceDetector[];
}  // namespace detail

namespace {

// The same detector as dlib::get_frontal_face_detector(), about 200x faster
// to construct (no entropy decoding).
dlib::frontal_face_detector load_frontal_face_detector() {
  ByteStreamBuf buf(detail::kFrontalFaceDetector, detail::kFrontalFaceDetectorSize);
  std::istream in(&buf);
  dlib::frontal_face_detector detector;
  dlib::deserialize(detector, in);
  return detector;
}

}  // namespace

struct FaceDetector::Impl {
  dlib::frontal_face_detector detector = load_frontal_face_detector();
};

FaceDetector::FaceDetector() : impl_(std::make_unique<Impl>()) {}
FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

namespace {

template <typename Image>
std::vector<DetectedFace> scan(dlib::frontal_face_detector& detector, const Image& img, int upsample,
                               double threshold_adjust, double to_full_res) {
  using Pixel = typename dlib::image_traits<Image>::pixel_type;
  std::vector<dlib::rect_detection> found;
  double scale = 1.0;
  if (upsample == 0) {
    detector(img, found, threshold_adjust);
  } else {
    dlib::array2d<Pixel> up;
    const dlib::pyramid_down<2> halving;  // pyramid_up doubles with its inverse
    dlib::pyramid_up(img, up, halving);
    for (int i = 1; i < upsample; ++i) dlib::pyramid_up(up, halving);
    scale = std::pow(2.0, upsample);
    detector(up, found, threshold_adjust);
  }
  std::vector<DetectedFace> faces;
  for (const auto& d : found) {
    const double k = to_full_res / scale;
    DetectedFace f;
    // dlib rectangles are inclusive; Box is right/bottom exclusive.
    f.box = Box{d.rect.left() * k, d.rect.top() * k, (d.rect.right() + 1) * k, (d.rect.bottom() + 1) * k};
    f.confidence = d.detection_confidence;
    faces.push_back(f);
  }
  std::stable_sort(faces.begin(), faces.end(),
                   [](const DetectedFace& a, const DetectedFace& b) { return a.confidence > b.confidence; });
  return faces;
}

template <typename Pixel>
std::vector<DetectedFace> detect_in(dlib::frontal_face_detector& detector, const ImageView& image,
                                    const DetectionOptions& options) {
  const auto view = dlib_view<Pixel>(image);
  const int longer = std::max(image.width, image.height);
  if (options.max_detection_side > 0 && longer > options.max_detection_side) {
    const double shrink = double(options.max_detection_side) / longer;
    dlib::array2d<Pixel> small(std::max(1L, std::lround(image.height * shrink)),
                               std::max(1L, std::lround(image.width * shrink)));
    dlib::resize_image(view, small, dlib::interpolate_bilinear());
    const double to_full_res = double(image.width) / small.nc();
    return scan(detector, small, options.upsample, options.threshold_adjust, to_full_res);
  }
  return scan(detector, view, options.upsample, options.threshold_adjust, 1.0);
}

}  // namespace

std::vector<DetectedFace> FaceDetector::detect(const ImageView& image, const DetectionOptions& options) {
  validate(image);
  if (options.upsample < 0 || options.upsample > 2) {
    throw Error(ErrorCode::kInvalidArgument, "upsample must be 0, 1 or 2");
  }
  if (options.max_detection_side < 0) throw Error(ErrorCode::kInvalidArgument, "max_detection_side must be >= 0");
  // The upsampled image must stay within the pixel limit too.
  const std::int64_t scanned = std::int64_t(image.width) * image.height << (2 * options.upsample);
  if (options.upsample > 0 && scanned > kMaxImagePixels &&
      (options.max_detection_side == 0 || std::max(image.width, image.height) <= options.max_detection_side)) {
    throw Error(ErrorCode::kImageTooLarge, "image too large to upsample for detection: use upsample 0");
  }
  switch (image.format) {
    case PixelFormat::kRgba32: return detect_in<rgbx_pixel>(impl_->detector, image, options);
    case PixelFormat::kGray8: return detect_in<unsigned char>(impl_->detector, image, options);
  }
  throw Error(ErrorCode::kInvalidArgument, "unsupported pixel format");
}

}  // namespace posecheck
