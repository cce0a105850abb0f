#include "leaf_precision.h"

#include <cmath>
#include <map>

#include <Eigen/Dense>


namespace posecheck::cli {
namespace {

// n * H of the values' empirical distribution, in bytes.
double entropy_bytes(const std::map<long, long>& histogram) {
  long n = 0;
  for (const auto& [value, count] : histogram) n += count;
  double bits = 0;
  for (const auto& [value, count] : histogram) bits -= double(count) * std::log2(double(count) / double(n));
  return bits / 8;
}

}  // namespace

RoundedLeaves round_leaves(const ShapePredictorParts& parts, double step, Rounding rounding) {
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
        Eigen::VectorXd rounded_coefficients(nvals);
        for (long j = 0; j < nvals; ++j) {
          const long k = std::lround(coefficients(j) / step);
          klt[std::size_t(j)][k]++;
          rounded_coefficients(j) = double(k) * step;
          const long q = std::lround(double(leaf(j)) / step);
          plain[std::size_t(j)][q]++;
          if (rounding == Rounding::kPlain) leaf(j) = float(double(q) * step);
        }
        if (rounding == Rounding::kKlt) {
          const Eigen::VectorXd back = axes.eigenvectors() * rounded_coefficients;
          for (long j = 0; j < nvals; ++j) leaf(j) = float(back(j));
        }
      }
    for (const auto& h : plain) out.plain_entropy_bytes += entropy_bytes(h);
    for (const auto& h : klt) out.klt_entropy_bytes += entropy_bytes(h);
  }
  return out;
}

}  // namespace posecheck::cli
