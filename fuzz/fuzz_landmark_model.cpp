// LandmarkModel::from_bytes with no pin (the path an unpinned model takes).
// dlib .dat bytes (01 01 ...) go to posecheck's bounds-checked reader of
// dlib's format (core/shape_predictor_parts.h), PCLM bytes to the compact
// loader. A model that loads is also run once on a small image, so indices
// the loader accepted are exercised.
#include <cstdint>
#include <vector>

#include "errors.h"
#include "landmark_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto model = posecheck::LandmarkModel::from_bytes(data, size, "");
    std::vector<std::uint8_t> px(64 * 64, 0);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = std::uint8_t(i * 37 + (i >> 6) * 11);
    const auto view = posecheck::packed_view(px.data(), 64, 64, posecheck::PixelFormat::kGray8);
    (void)model.predict(view, posecheck::Box{8, 8, 56, 56});
  } catch (const posecheck::Error&) {
  }
  return 0;
}
