// FaceModel3D text format: round trip, and format errors that name the line.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "errors.h"
#include "face_model_3d.h"
#include "sha256.h"
#include "test_support.h"

namespace {

using posecheck::Error;
using posecheck::ErrorCode;
using posecheck::FaceModel3D;
using posecheck::Point3;

// A non-coplanar face-like set with values that need the 4 decimals the
// format writes.
FaceModel3D sample_model() {
  FaceModel3D m;
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) {
    const double a = 0.37 * i;
    m.points[i] = Point3(std::round(60 * std::cos(a) * 1e4) / 1e4, std::round(70 * std::sin(a) * 1e4) / 1e4,
                         std::round((20 * std::sin(2.3 * a) - 0.1234 * i) * 1e4) / 1e4);
  }
  return m;
}

std::string body_lines(int n, double z_scale = 1.0) {
  std::ostringstream out;
  for (int i = 0; i < n; ++i) out << (i % 9) * 10.5 << ' ' << (i / 9) * 11.25 << ' ' << z_scale * ((i * 7) % 5) << '\n';
  return out.str();
}

// Expects parse_face_model(text) to throw kModelFormat whose message contains `needle`.
void expect_format_error(const std::string& text, const std::string& needle) {
  try {
    posecheck::parse_face_model(text);
    ADD_FAILURE() << "no error for text starting " << text.substr(0, 40);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kModelFormat) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message '" << e.what() << "' lacks '" << needle << "'";
  }
}

TEST(FaceModel, RoundTrip) {
  const FaceModel3D m = sample_model();
  const std::string text = posecheck::format_face_model(m, "test model\nsecond comment line");
  EXPECT_EQ(text.rfind("posecheck-face3d 1\n# test model\n# second comment line\n", 0), 0u) << text.substr(0, 80);
  const FaceModel3D back = posecheck::parse_face_model(text);
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) {
    EXPECT_NEAR((back.points[i] - m.points[i]).norm(), 0.0, 1e-9) << "point " << i + 1;
  }
  // Formatting again gives the same bytes, and the digest is that of the text.
  EXPECT_EQ(posecheck::format_face_model(back, "test model\nsecond comment line"), text);
  EXPECT_EQ(back.sha256, posecheck::sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  EXPECT_EQ(back.sha256.size(), 64u);
}

TEST(FaceModel, BlankAndCommentLinesAreSkipped) {
  const std::string text = "posecheck-face3d 1\n# a\n\n" + body_lines(34) + "# mid\n\n" + body_lines(68);  // 102 points
  std::string ok = "posecheck-face3d 1\n# a\n\n";
  std::istringstream lines(body_lines(68));
  std::string l;
  int k = 0;
  while (std::getline(lines, l)) {
    ok += l + "\n";
    if (++k == 30) ok += "\n# mid comment\n";
  }
  const FaceModel3D m = posecheck::parse_face_model(ok);
  EXPECT_DOUBLE_EQ(m.points[9].x(), 0.0);
  EXPECT_DOUBLE_EQ(m.points[9].y(), 11.25);
  EXPECT_DOUBLE_EQ(m.points[67].x(), (67 % 9) * 10.5);
  expect_format_error(text, "more than 68");
}

TEST(FaceModel, WrongHeader) {
  expect_format_error("", "first line");
  expect_format_error("face3d 1\n" + body_lines(68), "first line");
  expect_format_error("\nposecheck-face3d 1\n" + body_lines(68), "first line");
}

TEST(FaceModel, WrongVersion) {
  expect_format_error("posecheck-face3d 2\n" + body_lines(68), "version");
  expect_format_error("posecheck-face3d 1 extra\n" + body_lines(68), "version");
}

TEST(FaceModel, PointCounts) {
  expect_format_error("posecheck-face3d 1\n" + body_lines(67), "67 points");
  expect_format_error("posecheck-face3d 1\n" + body_lines(0), "0 points");
  // The 69th point is on line 70 (line 1 is the header).
  expect_format_error("posecheck-face3d 1\n" + body_lines(69), "line 70");
  expect_format_error("posecheck-face3d 1\n# c\n" + body_lines(69), "line 71");
}

TEST(FaceModel, BadNumbersNameTheLine) {
  for (const std::string bad : {"nan 1 2", "1 inf 2", "1 2 -inf", "1 2", "1 2 3 4", "1 2 x", "a b c", "1,2,3"}) {
    std::string text = "posecheck-face3d 1\n# comment\n";
    std::istringstream lines(body_lines(68));
    std::string l;
    int k = 0;
    while (std::getline(lines, l)) {
      ++k;
      text += (k == 5 ? bad : l) + "\n";
    }
    // Point 5 is on line 2 + 5 = 7.
    SCOPED_TRACE(bad);
    expect_format_error(text, "line 7 ");
  }
}

TEST(FaceModel, CoplanarAndCollinearRejected) {
  expect_format_error("posecheck-face3d 1\n" + body_lines(68, 0.0), "coplanar");
  std::ostringstream col;
  for (int i = 0; i < 68; ++i) col << i << ' ' << 2 * i << ' ' << -i << '\n';
  expect_format_error("posecheck-face3d 1\n" + col.str(), "coplanar");
  // A tilted plane is still a plane.
  std::ostringstream tilted;
  for (int i = 0; i < 68; ++i) {
    const double x = (i % 9) * 10.0, y = (i / 9) * 10.0;
    tilted << x << ' ' << y << ' ' << 0.3 * x - 0.7 * y + 5 << '\n';
  }
  expect_format_error("posecheck-face3d 1\n" + tilted.str(), "coplanar");
}

TEST(FaceModel, ColumnMajor204) {
  const FaceModel3D m = sample_model();
  std::ostringstream out;
  out.precision(17);
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 68; ++i) out << m.points[i](c) << '\n';
  const FaceModel3D back = posecheck::parse_column_major_204(out.str());
  for (int i = 0; i < 68; ++i) EXPECT_EQ(back.points[i], m.points[i]) << "point " << i + 1;
  EXPECT_THROW(posecheck::parse_column_major_204(out.str() + "1\n"), Error);
  EXPECT_THROW(posecheck::parse_column_major_204("1 2 3\n"), Error);
  EXPECT_THROW(posecheck::parse_column_major_204(out.str() + "x\n"), Error);
}

TEST(FaceModel, ReferenceModelIsFaceLike) {
  POSECHECK_REQUIRE_SHARED(path, "data/reference/model_landmark.txt", "the authors' 3D model");
  const FaceModel3D m = posecheck::parse_column_major_204(posecheck_test::read_file(path));
  EXPECT_EQ(m.sha256, "6b5a5adf5799850ba7449b093f4ac7148b6fff24708939a1b97e36922faeed9e");
  // Frame of geometry.h: x right (point 1 left of point 17), y down (chin below brows),
  // nose tip (point 31) the point nearest the camera in the file's frame.
  const auto P = [&](int k) { return m.points[posecheck::landmark_index(k)]; };
  EXPECT_LT(P(1).x(), P(17).x());
  EXPECT_GT(P(9).y(), P(20).y());
  for (int k = 1; k <= 68; ++k) EXPECT_GE(P(k).z(), P(31).z()) << "point " << k;
}

}  // namespace
