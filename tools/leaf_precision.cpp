#include "leaf_precision.h"

#include <cmath>
#include <istream>
#include <map>
#include <streambuf>

#include <Eigen/Dense>

#include "errors.h"

namespace posecheck::cli {
namespace {

struct ByteStreamBuf : std::streambuf {
  explicit ByteStreamBuf(const std::vector<std::uint8_t>& d) {
    char* p = const_cast<char*>(reinterpret_cast<const char*>(d.data()));
    setg(p, p, p + d.size());
  }
};

// n * H of the values' empirical distribution, in bytes.
double entropy_bytes(const std::map<long, long>& histogram) {
  long n = 0;
  for (const auto& [value, count] : histogram) n += count;
  double bits = 0;
  for (const auto& [value, count] : histogram) bits -= double(count) * std::log2(double(count) / double(n));
  return bits / 8;
}

}  // namespace

ShapePredictorParts read_shape_predictor_parts(const std::vector<std::uint8_t>& dat) {
  ShapePredictorParts p;
  ByteStreamBuf buf(dat);
  std::istream in(&buf);
  int version = 0;
  try {
    dlib::deserialize(version, in);
    dlib::deserialize(p.initial_shape, in);
    dlib::deserialize(p.forests, in);
    dlib::deserialize(p.anchor_idx, in);
    dlib::deserialize(p.deltas, in);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kModelFormat, std::string("dlib model could not be parsed: ") + e.what());
  }
  if (version != 1 || p.forests.empty() || p.forests[0].empty())
    throw Error(ErrorCode::kModelFormat, "not a dlib shape predictor (version 1) with trees");
  return p;
}

RoundedLeaves round_leaves(const ShapePredictorParts& parts, double step) {
  RoundedLeaves out{parts};
  const long nvals = parts.initial_shape.size();
  for (auto& forest : out.parts.forests) {
    // Plain: each coordinate's rounded values, one distribution per coordinate.
    std::vector<std::map<long, long>> plain(static_cast<std::size_t>(nvals)), klt(static_cast<std::size_t>(nvals));
    Eigen::MatrixXd second_moment = Eigen::MatrixXd::Zero(nvals, nvals);
    for (const auto& tree : forest)
      for (const auto& leaf : tree.leaf_values) {
        Eigen::VectorXd v(nvals);
        for (long j = 0; j < nvals; ++j) v(j) = leaf(j);
        second_moment += v * v.transpose();
      }
    // KLT: the leaves' principal axes (orthonormal, so rounding error is the same size).
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> axes(second_moment);
    for (auto& tree : forest)
      for (auto& leaf : tree.leaf_values) {
        Eigen::VectorXd v(nvals);
        for (long j = 0; j < nvals; ++j) v(j) = leaf(j);
        const Eigen::VectorXd coefficients = axes.eigenvectors().transpose() * v;
        for (long j = 0; j < nvals; ++j) {
          klt[std::size_t(j)][std::lround(coefficients(j) / step)]++;
          const long q = std::lround(double(leaf(j)) / step);
          plain[std::size_t(j)][q]++;
          leaf(j) = float(double(q) * step);
        }
      }
    for (const auto& h : plain) out.plain_entropy_bytes += entropy_bytes(h);
    for (const auto& h : klt) out.klt_entropy_bytes += entropy_bytes(h);
  }
  return out;
}

}  // namespace posecheck::cli
