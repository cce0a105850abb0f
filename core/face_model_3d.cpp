#include "face_model_3d.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <Eigen/SVD>

#include "errors.h"
#include "sha256.h"

namespace posecheck {
namespace {

void check_spread(const FaceModel3D& m) {
  Eigen::Matrix<double, kNumLandmarks, 3> centered;
  Point3 mean = Point3::Zero();
  for (const auto& p : m.points) mean += p;
  mean /= kNumLandmarks;
  for (int i = 0; i < kNumLandmarks; ++i) centered.row(i) = (m.points[i] - mean).transpose();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(centered);
  const auto s = svd.singularValues();
  if (!(s(2) > 1e-6 * s(0))) throw Error(ErrorCode::kModelFormat, "3D face model points are coplanar or collinear");
}

std::string digest(const std::string& text) {
  return sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

}  // namespace

void select_correspondences(const std::vector<int>& indices, const Landmarks& landmarks, const FaceModel3D& face,
                            std::vector<Point3>& model, std::vector<Point2>& image) {
  model.clear();
  image.clear();
  for (int i : indices) {
    model.push_back(face.points[i]);
    image.push_back(landmarks[i]);
  }
}

FaceModel3D parse_face_model(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  if (!std::getline(in, line) || line.rfind("posecheck-face3d", 0) != 0) {
    throw Error(ErrorCode::kModelFormat, std::string("3D face model: first line must be '") + kFaceModelFormat + "'");
  }
  ++line_no;
  if (line != kFaceModelFormat) {
    throw Error(ErrorCode::kModelFormat, "3D face model: unsupported version '" + line + "' (this build reads version 1)");
  }
  FaceModel3D m;
  int n = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (n == kNumLandmarks) throw Error(ErrorCode::kModelFormat, "3D face model: more than 68 points (line " + std::to_string(line_no) + ")");
    std::istringstream ls(line);
    double x, y, z;
    std::string extra;
    if (!(ls >> x >> y >> z) || (ls >> extra) || !std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z)) {
      throw Error(ErrorCode::kModelFormat, "3D face model: line " + std::to_string(line_no) + " is not three finite numbers");
    }
    m.points[n++] = Point3(x, y, z);
  }
  if (n != kNumLandmarks) throw Error(ErrorCode::kModelFormat, "3D face model has " + std::to_string(n) + " points, expected 68");
  check_spread(m);
  m.sha256 = digest(text);
  return m;
}

std::string format_face_model(const FaceModel3D& model, const std::string& comment) {
  std::ostringstream out;
  out << kFaceModelFormat << "\n";
  std::istringstream cs(comment);
  std::string line;
  while (std::getline(cs, line)) out << "# " << line << "\n";
  char buf[96];
  for (const auto& p : model.points) {
    std::snprintf(buf, sizeof buf, "%.4f %.4f %.4f\n", p.x(), p.y(), p.z());
    out << buf;
  }
  return out.str();
}

FaceModel3D parse_column_major_204(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> v;
  double x;
  while (in >> x) v.push_back(x);
  if (!in.eof() || v.size() != 3 * kNumLandmarks) throw Error(ErrorCode::kModelFormat, "expected 204 numbers (68 x, 68 y, 68 z)");
  FaceModel3D m;
  for (int i = 0; i < kNumLandmarks; ++i) m.points[i] = Point3(v[i], v[kNumLandmarks + i], v[2 * kNumLandmarks + i]);
  check_spread(m);
  m.sha256 = digest(text);
  return m;
}

}  // namespace posecheck
