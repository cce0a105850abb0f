// parse_face_model (and the column-major 204-number reader) on arbitrary
// text; a model that parses must round-trip through format_face_model
// (which writes 4 decimals: equal to 5e-5 mm).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "errors.h"
#include "face_model_3d.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto m = posecheck::parse_face_model(text);
    const auto again = posecheck::parse_face_model(posecheck::format_face_model(m, "fuzz"));
    for (int i = 0; i < posecheck::kNumLandmarks; ++i)
      if (!((again.points[i] - m.points[i]).cwiseAbs().maxCoeff() <= 5.1e-5 + 1e-12 * m.points[i].norm())) std::abort();
  } catch (const posecheck::Error&) {
  }
  try {
    (void)posecheck::parse_column_major_204(text);
  } catch (const posecheck::Error&) {
  }
  return 0;
}
