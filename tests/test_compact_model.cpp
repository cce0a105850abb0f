// The compact landmark format (PCLM v1, core/compact_landmark_model.h): a tiny
// synthetic shape_predictor round-trips exactly at float32 and closely at
// 8 bits; truncated, corrupted and hostile files are kModelFormat with a
// clear message. With Debian's dlib model present, the shipped level is
// checked for size and for deviation on the dlib example faces.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <dlib/image_processing/shape_predictor.h>

#include "compact_landmark_model.h"
#include "decode_image.h"
#include "dlib_image.h"
#include "errors.h"
#include "face_detector.h"
#include "image_view.h"
#include "landmark_model.h"
#include "sha256.h"
#include "test_support.h"
#include "tiny_shape_predictor.h"

namespace {

using posecheck::ErrorCode;
using posecheck::LandmarkModel;
using Bytes = std::vector<std::uint8_t>;

// A random 68-point predictor: 3 cascades of 12 depth-3 trees over 24 pixels.
Bytes tiny_dat() { return posecheck_test::tiny_shape_predictor_dat(); }

// A gray test image with structure at several scales.
std::vector<std::uint8_t> test_image(int w, int h) {
  std::vector<std::uint8_t> px(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      px[std::size_t(y) * w + x] = std::uint8_t(127 + 60 * std::sin(x * 0.11) * std::cos(y * 0.07) + 60 * std::sin((x + y) * 0.031));
  return px;
}

double mean_deviation(const posecheck::Landmarks& a, const posecheck::Landmarks& b) {
  double s = 0;
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) s += (a[i] - b[i]).norm();
  return s / posecheck::kNumLandmarks;
}

LandmarkModel load(const Bytes& b) { return LandmarkModel::from_bytes(b.data(), b.size(), ""); }

std::string expect_format_error(const Bytes& b, const std::string& what) {
  try {
    load(b);
    ADD_FAILURE() << what << ": loaded without error";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelFormat) << what << ": " << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": non-posecheck exception " << e.what();
  }
  return {};
}

// Rewrites the header's payload SHA-256 (to reach checks behind it).
void reseal(Bytes& b) {
  const std::string hex = posecheck::sha256_hex(b.data() + 80, b.size() - 80);
  for (int i = 0; i < 32; ++i) b[48 + i] = std::uint8_t(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
}

void put_u32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = std::uint8_t(v >> (8 * i));
}

TEST(CompactModel, TinyRoundTrip) {
  const Bytes dat = tiny_dat();
  const LandmarkModel ref = load(dat);
  const auto px = test_image(240, 200);
  const auto view = posecheck::packed_view(px.data(), 240, 200, posecheck::PixelFormat::kGray8);
  const std::vector<posecheck::Box> boxes = {{20, 20, 180, 170}, {60, 40, 200, 190}, {0, 0, 240, 200}, {100, 80, 160, 140}};
  for (const char* level : {"f32", "q8", "q4"}) {
    const Bytes pclm = posecheck::encode_compact_landmark_model(dat.data(), dat.size(), level);
    EXPECT_EQ(pclm, posecheck::encode_compact_landmark_model(dat.data(), dat.size(), level)) << "deterministic";
    const LandmarkModel m = load(pclm);
    EXPECT_EQ(m.format(), "posecheck-compact-v1");
    EXPECT_EQ(m.sha256(), posecheck::sha256_hex(pclm.data(), pclm.size()));
    for (const auto& box : boxes) {
      const double dev = mean_deviation(ref.predict(view, box), m.predict(view, box));
      if (std::string(level) == "f32") {
        EXPECT_EQ(dev, 0.0) << "float32 leaves and floor(threshold) + 0.5 must reproduce dlib exactly";
      } else {
        EXPECT_LT(dev, std::string(level) == "q8" ? 0.5 : 2.0) << level;
      }
    }
  }
  EXPECT_EQ(ref.format(), "dlib-shape-predictor-v1");
}

// The compact predictor (leaves kept quantised, dequantised per visit) gives
// exactly what dlib's own predictor gives on the dequantised model.
TEST(CompactModel, PredictorMatchesDlibBitForBit) {
  const Bytes dat = tiny_dat();
  const auto px = test_image(240, 200);
  const auto view = posecheck::dlib_view<unsigned char>(posecheck::packed_view(px.data(), 240, 200, posecheck::PixelFormat::kGray8));
  for (const auto& level : posecheck::compact_levels()) {
    const Bytes pclm = posecheck::encode_compact_landmark_model(dat.data(), dat.size(), level.name);
    const auto compact = posecheck::CompactShapePredictor::parse(pclm.data(), pclm.size());
    const dlib::shape_predictor reference = compact.to_dlib();
    int points = 0;
    for (const dlib::rectangle& r : {dlib::rectangle(20, 20, 179, 169), dlib::rectangle(60, 40, 199, 189),
                                     dlib::rectangle(-30, -10, 150, 260), dlib::rectangle(100, 80, 109, 89)}) {
      const std::vector<dlib::point> got = compact.predict(view, r);
      const dlib::full_object_detection want = reference(view, r);
      ASSERT_EQ(got.size(), want.num_parts());
      for (unsigned long i = 0; i < got.size(); ++i, ++points) EXPECT_EQ(got[i], want.part(i)) << level.name << " point " << i;
    }
    EXPECT_EQ(points, 4 * 68);
  }
}

// With the pin matched, the payload hash is not recomputed; a different file
// is still refused by the pin itself.
TEST(CompactModel, PinnedLoadStillRefusesOtherBytes) {
  const Bytes dat = tiny_dat();
  const Bytes good = posecheck::encode_compact_landmark_model(dat.data(), dat.size(), "q4");
  const std::string pin = posecheck::sha256_hex(good.data(), good.size());
  EXPECT_EQ(LandmarkModel::from_bytes(good.data(), good.size(), pin).sha256(), pin);
  Bytes flipped = good;
  flipped[good.size() / 2] ^= 1;
  try {
    LandmarkModel::from_bytes(flipped.data(), flipped.size(), pin);
    ADD_FAILURE() << "a changed file loaded under the original pin";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelChecksum);
  }
}

TEST(CompactModel, TruncatedAndCorruptRefused) {
  const Bytes dat = tiny_dat();
  const Bytes good = posecheck::encode_compact_landmark_model(dat.data(), dat.size(), "q8");
  load(good);
  for (std::size_t n : {std::size_t(4), std::size_t(40), std::size_t(79), std::size_t(80), std::size_t(81),
                        good.size() / 2, good.size() - 1}) {
    const std::string msg = expect_format_error(Bytes(good.begin(), good.begin() + long(n)), "truncated to " + std::to_string(n));
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  }
  Bytes padded = good;
  padded.push_back(0);
  expect_format_error(padded, "one byte appended");
  for (std::size_t at : {std::size_t(80), std::size_t(500), good.size() / 2, good.size() - 1}) {
    Bytes b = good;
    b[at] ^= 0x40;
    const std::string msg = expect_format_error(b, "byte flipped at " + std::to_string(at));
    EXPECT_NE(msg.find("SHA-256"), std::string::npos) << msg;
  }
  Bytes v2 = good;
  put_u32(v2, 4, 2);
  EXPECT_NE(expect_format_error(v2, "version 2").find("version 2"), std::string::npos);
  // Counts that imply a huge payload are refused before any allocation.
  for (std::size_t field : {12u, 16u, 20u, 24u, 28u, 32u}) {
    for (std::uint32_t v : {0u, 5u, 10000u, 0xffffffffu}) {
      Bytes b = good;
      put_u32(b, field, v);
      expect_format_error(b, "header field at " + std::to_string(field) + " = " + std::to_string(v));
    }
  }
  // A sealed (checksum-correct) file with an out-of-range split index.
  Bytes hostile = good;
  const std::size_t idx1_at = 80 + 136 * 4 + 24 * 8 + 136 * 4;
  hostile[idx1_at] = 0xff;
  hostile[idx1_at + 1] = 0xff;
  reseal(hostile);
  EXPECT_NE(expect_format_error(hostile, "split index 65535").find("split pixel index"), std::string::npos);
  // A sealed file whose first leaf scale would allow leaf values of 1e6 boxes.
  Bytes huge_scale = good;
  const std::size_t first_scale_at = idx1_at + 12 * 7 * 5;  // q8: idx1, idx2 (u16), thresh (i8) for 12 trees x 7 splits
  put_u32(huge_scale, first_scale_at, 0x49742400u);         // 1e6f
  reseal(huge_scale);
  EXPECT_NE(expect_format_error(huge_scale, "leaf scale 1e6").find("leaf scale too large"), std::string::npos);
  Bytes nan = good;
  put_u32(nan, 80, 0x7fc00000u);  // initial_shape[0] = NaN
  reseal(nan);
  EXPECT_NE(expect_format_error(nan, "NaN").find("non-finite"), std::string::npos);
  // Random bytes behind the magic.
  std::mt19937 rng(3);
  for (std::size_t n : {std::size_t(4), std::size_t(100), std::size_t(5000)}) {
    Bytes b(n);
    for (auto& x : b) x = std::uint8_t(rng());
    std::copy_n("PCLM", 4, b.begin());
    expect_format_error(b, "PCLM + random " + std::to_string(n));
  }
}

// posecheck's own reader of dlib's format gives dlib's values, bit for bit.
void expect_reader_matches_dlib(const Bytes& dat) {
  const posecheck::ShapePredictorParts own = posecheck::read_shape_predictor_parts(dat.data(), dat.size());
  std::istringstream in(std::string(dat.begin(), dat.end()));
  int version = 0;
  posecheck::ShapePredictorParts theirs;
  dlib::deserialize(version, in);
  dlib::deserialize(theirs.initial_shape, in);
  dlib::deserialize(theirs.forests, in);
  dlib::deserialize(theirs.anchor_idx, in);
  dlib::deserialize(theirs.deltas, in);
  auto f32 = [](const posecheck::ShapePredictorParts& p) {
    return posecheck::encode_compact_landmark_model(p.initial_shape, p.forests, p.anchor_idx, p.deltas, "f32");
  };
  EXPECT_EQ(f32(own), f32(theirs));
  ASSERT_EQ(own.forests.size(), theirs.forests.size());
  for (std::size_t c = 0; c < own.forests.size(); ++c)
    for (std::size_t t = 0; t < own.forests[c].size(); ++t)
      for (std::size_t s = 0; s < own.forests[c][t].splits.size(); ++s)
        ASSERT_EQ(own.forests[c][t].splits[s].thresh, theirs.forests[c][t].splits[s].thresh);  // f32 keeps only floor + 0.5
}

// An unpinned dlib file is read by the bounds-checked reader and run as a
// float32 compact model: same points as dlib's own path, and corrupt bytes
// are refused instead of reaching dlib's trusting deserialiser.
TEST(CompactModel, UnpinnedDatIsReadSafelyWithDlibsPoints) {
  const Bytes dat = tiny_dat();
  expect_reader_matches_dlib(dat);
  const LandmarkModel pinned = LandmarkModel::from_bytes(dat.data(), dat.size(), posecheck::sha256_hex(dat.data(), dat.size()));
  const LandmarkModel unpinned = load(dat);
  EXPECT_EQ(unpinned.format(), "dlib-shape-predictor-v1");
  const auto px = test_image(240, 200);
  const auto view = posecheck::packed_view(px.data(), 240, 200, posecheck::PixelFormat::kGray8);
  for (const posecheck::Box& box : {posecheck::Box{20, 20, 180, 170}, posecheck::Box{0, 0, 240, 200}})
    EXPECT_EQ(pinned.predict(view, box), unpinned.predict(view, box));
  // The fuzzer's input that made dlib allocate 2^64 - 1 bytes (rows and
  // columns of opposite signs).
  const std::string crash = posecheck_test::read_file(std::string(POSECHECK_SOURCE_DIR) +
                                                      "/fuzz/regressions/fuzz_landmark_model/dat-huge-allocation");
  ASSERT_FALSE(crash.empty());
  EXPECT_NE(expect_format_error(Bytes(crash.begin(), crash.end()), "negative size").find("negative size"), std::string::npos);
  for (std::size_t n : {std::size_t(2), std::size_t(3), dat.size() / 3, dat.size() - 1}) {
    const std::string msg = expect_format_error(Bytes(dat.begin(), dat.begin() + long(n)), "dat truncated to " + std::to_string(n));
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  }
  // Version 1, a 1 x 1 initial shape (rows and columns negated, as dlib
  // writes them) holding 0.0, then a cascade count of 2^63 - 1.
  const Bytes huge_count = {0x01, 0x01, 0x81, 0x01, 0x81, 0x01, 0x01, 0x00, 0x01, 0x00,
                            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  EXPECT_NE(expect_format_error(huge_count, "huge cascade count").find("the cascades declares 9223372036854775807 items"),
            std::string::npos);
}

TEST(CompactModel, ReaderMatchesDlibOnTheRealModel) {
  const std::string path = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  if (!posecheck_test::path_exists(path)) GTEST_SKIP() << "needs " << path << " (libdlib-data, installed by setup)";
  const std::string s = posecheck_test::read_file(path);
  expect_reader_matches_dlib(Bytes(s.begin(), s.end()));
}

TEST(CompactModel, UnknownLevelIsInvalidArgument) {
  const Bytes dat = tiny_dat();
  try {
    posecheck::encode_compact_landmark_model(dat.data(), dat.size(), "q99");
    ADD_FAILURE() << "unknown level accepted";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

// Debian's dlib model (installed by setup) converted at the shipped level.
TEST(CompactModel, RealModelDefaultLevel) {
  const std::string path = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  const std::string faces = posecheck_test::shared_data_path("data/dlib_faces");
  if (!posecheck_test::path_exists(path) || faces.empty()) GTEST_SKIP() << "needs " << path << " and shared/data/dlib_faces";
  const std::string s = posecheck_test::read_file(path);
  const Bytes dat(s.begin(), s.end());
  const Bytes pclm = posecheck::encode_compact_landmark_model(dat.data(), dat.size(), posecheck::default_compact_level());
  EXPECT_LE(pclm.size(), 10u * 1000 * 1000);
  const LandmarkModel ref = load(dat);
  const LandmarkModel m = load(pclm);
  const dlib::shape_predictor dequantised = posecheck::decode_compact_landmark_model(pclm.data(), pclm.size());
  posecheck::FaceDetector detector;
  double sum = 0, worst = 0;
  int n = 0;
  for (const char* name : {"2008_001009.jpg", "2008_002470.jpg", "2009_004587.jpg"}) {
    const auto img = posecheck::cli::decode_image(posecheck::cli::read_file_bytes(faces + "/" + name));
    for (const auto& face : detector.detect(img.view())) {
      const auto a = ref.predict(img.view(), face.box), b = m.predict(img.view(), face.box);
      // The compact predictor is dlib's on the dequantised leaves, exactly.
      const dlib::rectangle r(std::lround(face.box.left), std::lround(face.box.top), std::lround(face.box.right) - 1,
                              std::lround(face.box.bottom) - 1);
      const auto d = dequantised(posecheck::dlib_view<posecheck::rgbx_pixel>(img.view()), r);
      for (int i = 0; i < 68; ++i) EXPECT_EQ(b[i], posecheck::Point2(d.part(i).x(), d.part(i).y())) << name << " point " << i;
      const double iod = (a[36] - a[45]).norm();
      sum += mean_deviation(a, b) / iod;
      worst = std::max(worst, mean_deviation(a, b) / iod);
      ++n;
    }
  }
  ASSERT_GT(n, 0);
  // Landmarks are integer pixels: on these small faces one rounding flip is
  // already ~1-2% of the inter-ocular distance.
  EXPECT_LT(sum / n, 0.02) << "mean deviation / inter-ocular distance";
  EXPECT_LT(worst, 0.05);
}

}  // namespace
