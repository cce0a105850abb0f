// The compact (PCLM) loader and predictor. The header's payload SHA-256 is recomputed
// before decoding (as a fuzzer fixes up a CRC), so mutations reach the
// structural checks behind it instead of all failing the hash.
#include <cstdint>
#include <string>
#include <vector>

#include "compact_landmark_model.h"
#include "errors.h"
#include "sha256.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> b(data, data + size);
  if (b.size() >= 80 && b.size() % 2 == 0) {  // odd sizes keep the stored hash (tests the mismatch path)
    const std::string hex = posecheck::sha256_hex(b.data() + 80, b.size() - 80);
    for (int i = 0; i < 32; ++i) b[48 + i] = std::uint8_t(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  try {
    const auto compact = posecheck::CompactShapePredictor::parse(b.data(), b.size());
    // Run it: every index the loader accepted must be in range, and the
    // compact predictor must agree with dlib's on the dequantised model.
    dlib::array2d<unsigned char> img(48, 48);
    for (long r = 0; r < 48; ++r)
      for (long c = 0; c < 48; ++c) img[r][c] = (unsigned char)(r * 5 + c * 3);
    const dlib::rectangle box(4, 4, 43, 43);
    const std::vector<dlib::point> got = compact.predict(img, box);
    const dlib::full_object_detection want = compact.to_dlib()(img, box);
    for (unsigned long i = 0; i < got.size(); ++i)
      if (got[i] != want.part(i)) __builtin_trap();
  } catch (const posecheck::Error&) {
  }
  return 0;
}
