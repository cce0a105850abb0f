#include "face_fit.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <Eigen/Dense>
#include <Eigen/SVD>

#include "errors.h"
#include "metrics.h"

namespace posecheck {
namespace {

constexpr int N = kNumLandmarks;
using Shape3 = Eigen::Matrix<double, 3, N>;
using Shape2 = Eigen::Matrix<double, 2, N>;
constexpr double kPi = 3.14159265358979323846;

// iBUG 68 mirror pairs, 1-based, image-left member (subject's right) first.
constexpr int kPairs[][2] = {
    {1, 17}, {2, 16}, {3, 15}, {4, 14}, {5, 13}, {6, 12}, {7, 11}, {8, 10},  // jaw
    {18, 27}, {19, 26}, {20, 25}, {21, 24}, {22, 23},                        // brows
    {32, 36}, {33, 35},                                                      // nostrils
    {37, 46}, {38, 45}, {39, 44}, {40, 43}, {41, 48}, {42, 47},              // eyes
    {49, 55}, {50, 54}, {51, 53}, {60, 56}, {59, 57},                        // outer lips
    {61, 65}, {62, 64}, {68, 66},                                            // inner lips
};

struct FacePose {
  Eigen::Matrix3d R = Eigen::Matrix3d::Identity();
  double s = 1;
  Eigen::Vector2d t = Eigen::Vector2d::Zero();
};

Eigen::Matrix3d skew(const Eigen::Vector3d& v) {
  Eigen::Matrix3d m;
  m << 0, -v.z(), v.y(), v.z(), 0, -v.x(), -v.y(), v.x(), 0;
  return m;
}

Eigen::Matrix3d exp_so3(const Eigen::Vector3d& w) {
  const double a = w.norm();
  if (a < 1e-15) return Eigen::Matrix3d::Identity() + skew(w);
  return Eigen::AngleAxisd(a, w / a).toRotationMatrix();
}

// Nearest rotation whose first two rows span the rows of a 2x3 matrix.
Eigen::Matrix3d rotation_from_rows(const Eigen::Matrix<double, 2, 3>& m) {
  Eigen::JacobiSVD<Eigen::Matrix<double, 2, 3>> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Matrix<double, 2, 3> r2 = svd.matrixU() * Eigen::Matrix<double, 2, 3>::Identity() * svd.matrixV().transpose();
  Eigen::Matrix3d R;
  R.row(0) = r2.row(0);
  R.row(1) = r2.row(1);
  R.row(2) = r2.row(0).cross(r2.row(1));
  return R;
}

Shape2 project(const Shape3& S, const FacePose& p) {
  Shape2 out = p.s * (p.R.topRows<2>() * S);
  out.colwise() += p.t;
  return out;
}

// Weighted Gauss-Newton on one face's scaled-orthographic pose.
void refine_pose(const Shape2& x, const Shape3& S, const Eigen::Matrix<double, 1, N>& w, FacePose& p, int iterations) {
  auto cost = [&](const FacePose& q) { return ((x - project(S, q)).colwise().squaredNorm().cwiseProduct(w)).sum(); };
  double c0 = cost(p);
  for (int it = 0; it < iterations; ++it) {
    Eigen::Matrix<double, 6, 6> H = Eigen::Matrix<double, 6, 6>::Zero();
    Eigen::Matrix<double, 6, 1> g = Eigen::Matrix<double, 6, 1>::Zero();
    const Shape3 Y = p.R * S;
    for (int j = 0; j < N; ++j) {
      if (w(j) <= 0) continue;
      const Eigen::Vector3d y = Y.col(j);
      const Eigen::Vector2d r = x.col(j) - (p.s * y.head<2>() + p.t);
      Eigen::Matrix<double, 2, 6> J;
      J.leftCols<3>() = -p.s * skew(y).topRows<2>();
      J.col(3) = y.head<2>();
      J.rightCols<2>().setIdentity();
      H.noalias() += w(j) * J.transpose() * J;
      g.noalias() += w(j) * J.transpose() * r;
    }
    H.diagonal() *= 1.0 + 1e-9;
    const Eigen::Matrix<double, 6, 1> d = H.ldlt().solve(g);
    if (!d.allFinite()) return;
    double step = 1.0;
    bool accepted = false;
    for (int k = 0; k < 8 && !accepted; ++k, step *= 0.5) {
      FacePose q = p;
      q.R = exp_so3(step * d.head<3>()) * p.R;
      q.s = p.s + step * d(3);
      q.t = p.t + step * d.tail<2>();
      const double c1 = cost(q);
      if (c1 <= c0 && q.s > 0) {
        const double gain = c0 - c1;
        p = q;
        c0 = c1;
        accepted = true;
        if (gain <= 1e-14 * (c0 + 1e-300)) return;
      }
    }
    if (!accepted) return;
  }
}

// (yaw, pitch, roll) in degrees of a model-to-camera rotation.
Eigen::Vector3d yaw_pitch_roll(const Eigen::Matrix3d& R) {
  const Eigen::Vector3d f = -R.col(2);  // direction the face looks, camera frame
  const double yaw = std::atan2(f.x(), -f.z());
  const double pitch = std::atan2(-f.y(), std::hypot(f.x(), f.z()));
  const double roll = std::atan2(R(1, 0), R(0, 0));
  return Eigen::Vector3d(yaw, pitch, roll) * 180.0 / kPi;
}

Eigen::Vector3d mean_of(const Shape3& S, int first1, int last1) {
  Eigen::Vector3d m = Eigen::Vector3d::Zero();
  for (int k = first1; k <= last1; ++k) m += S.col(landmark_index(k));
  return m / (last1 - first1 + 1);
}

double ipd_of(const Shape3& S) { return (mean_of(S, 43, 48) - mean_of(S, 37, 42)).norm(); }

double eye_corner_z(const Shape3& S) {
  return 0.25 * (S(2, landmark_index(37)) + S(2, landmark_index(40)) + S(2, landmark_index(43)) + S(2, landmark_index(46)));
}

}  // namespace

const std::array<int, kNumLandmarks>& mirror_partners() {
  static const std::array<int, kNumLandmarks> p = [] {
    std::array<int, kNumLandmarks> a;
    for (int i = 0; i < N; ++i) a[i] = i;
    for (const auto& pr : kPairs) {
      a[landmark_index(pr[0])] = landmark_index(pr[1]);
      a[landmark_index(pr[1])] = landmark_index(pr[0]);
    }
    return a;
  }();
  return p;
}

double interpupillary_distance(const std::array<Point3, kNumLandmarks>& points) {
  Shape3 S;
  for (int i = 0; i < N; ++i) S.col(i) = points[i];
  return ipd_of(S);
}

SimilarityAlignment align_similarity(const std::array<Point3, kNumLandmarks>& fixed,
                                     const std::array<Point3, kNumLandmarks>& moving, bool allow_scale) {
  Shape3 Y, X;
  for (int i = 0; i < N; ++i) {
    Y.col(i) = fixed[i];
    X.col(i) = moving[i];
  }
  const Eigen::Vector3d my = Y.rowwise().mean(), mx = X.rowwise().mean();
  const Shape3 Yc = Y.colwise() - my, Xc = X.colwise() - mx;
  const Eigen::Matrix3d C = Yc * Xc.transpose() / N;
  Eigen::JacobiSVD<Eigen::Matrix3d> svd(C, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Vector3d sgn(1, 1, 1);
  if (svd.matrixU().determinant() * svd.matrixV().determinant() < 0) sgn(2) = -1;
  SimilarityAlignment a;
  a.rotation = svd.matrixU() * sgn.asDiagonal() * svd.matrixV().transpose();
  const double var_x = Xc.squaredNorm() / N;
  a.scale = allow_scale ? svd.singularValues().dot(sgn) / var_x : 1.0;
  a.translation = my - a.scale * a.rotation * mx;
  const Shape3 moved = (a.scale * a.rotation * X).colwise() + a.translation;
  a.rms = std::sqrt((moved - Y).colwise().squaredNorm().mean());
  return a;
}

FaceFitResult fit_mean_face(const std::vector<std::array<Point2, kNumLandmarks>>& shapes, const FaceFitOptions& opt) {
  const int F = static_cast<int>(shapes.size());
  if (F < 8) throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: need at least 8 faces, got " + std::to_string(F));
  if (!(opt.interpupillary_mm > 0) || opt.max_iterations < 0) {
    throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: invalid options");
  }

  // 1. Normalised, centred shapes.
  std::vector<Shape2> x(F);
  for (int f = 0; f < F; ++f) {
    for (int j = 0; j < N; ++j) {
      if (!shapes[f][j].allFinite()) throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: face " + std::to_string(f) + " has a non-finite point");
      x[f].col(j) = shapes[f][j];
    }
    x[f].colwise() -= x[f].rowwise().mean();
    const double r = std::sqrt(x[f].colwise().squaredNorm().mean());
    if (!(r > 0)) throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: face " + std::to_string(f) + " has all points equal");
    x[f] /= r;
  }

  // 2. Rank-3 factorisation and metric upgrade.
  Eigen::MatrixXd W(2 * F, N);
  for (int f = 0; f < F; ++f) W.middleRows<2>(2 * f) = x[f];
  // Rank-3 SVD through the 68 x 68 Gram matrix: W^T W = V Sigma^2 V^T,
  // M = W V3 Sigma3^-1/2 (= U3 Sigma3^1/2), S = Sigma3^1/2 V3^T.
  const Eigen::Matrix<double, N, N> gram = W.transpose() * W;
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> gram_es(gram);
  Eigen::Matrix<double, N, 3> V3;
  Eigen::Vector3d sv;  // sqrt of the singular values
  for (int i = 0; i < 3; ++i) {
    V3.col(i) = gram_es.eigenvectors().col(N - 1 - i);
    sv(i) = std::pow(std::max(gram_es.eigenvalues()(N - 1 - i), 1e-300), 0.25);
  }
  Eigen::MatrixXd M = W * V3 * sv.cwiseInverse().asDiagonal();
  Shape3 S = sv.asDiagonal() * V3.transpose();

  auto g = [](const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
    Eigen::Matrix<double, 6, 1> r;
    r << a(0) * b(0), a(0) * b(1) + a(1) * b(0), a(0) * b(2) + a(2) * b(0), a(1) * b(1), a(1) * b(2) + a(2) * b(1), a(2) * b(2);
    return r;
  };
  Eigen::Matrix<double, 6, 6> AtA = Eigen::Matrix<double, 6, 6>::Zero();
  Eigen::Matrix<double, 6, 1> c = Eigen::Matrix<double, 6, 1>::Zero();
  for (int f = 0; f < F; ++f) {
    const Eigen::Vector3d a = M.row(2 * f).transpose(), b = M.row(2 * f + 1).transpose();
    const Eigen::Matrix<double, 6, 1> r1 = g(a, a) - g(b, b), r2 = g(a, b);
    AtA += r1 * r1.transpose() + r2 * r2.transpose();
    c += 0.5 * (g(a, a) + g(b, b)) / F;
  }
  const Eigen::Matrix<double, 6, 1> Ninv_c = AtA.completeOrthogonalDecomposition().solve(c);
  const Eigen::Matrix<double, 6, 1> l = Ninv_c / c.dot(Ninv_c);
  Eigen::Matrix3d L;
  L << l(0), l(1), l(2), l(1), l(3), l(4), l(2), l(4), l(5);
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(L);
  Eigen::Vector3d lam = es.eigenvalues();
  const double lmax = lam.maxCoeff();
  if (!(lmax > 0)) throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: metric upgrade failed (faces too similar in pose?)");
  for (int i = 0; i < 3; ++i) lam(i) = std::max(lam(i), 1e-6 * lmax);
  const Eigen::Matrix3d Q = es.eigenvectors() * lam.cwiseSqrt().asDiagonal();
  M = M * Q;
  S = Q.inverse() * S;

  // 3. Face frame from facts about faces; depth-mirror choice by the nose.
  Eigen::Vector3d xdir = Eigen::Vector3d::Zero();
  for (const auto& pr : kPairs) xdir += S.col(landmark_index(pr[1])) - S.col(landmark_index(pr[0]));
  xdir.normalize();
  Eigen::Vector3d ydir = S.col(landmark_index(9)) - mean_of(S, 18, 27);
  ydir = (ydir - ydir.dot(xdir) * xdir).normalized();
  Eigen::Matrix3d B;
  B.row(0) = xdir.transpose();
  B.row(1) = ydir.transpose();
  B.row(2) = xdir.cross(ydir).transpose();
  S = B * S;
  M = M * B.transpose();
  S.colwise() -= S.rowwise().mean();
  FaceFitResult result;
  FaceFitStats& st = result.stats;
  st.faces = F;
  if (S(2, landmark_index(31)) > eye_corner_z(S)) {
    S.row(2) *= -1;
    M.col(2) *= -1;
    st.depth_flipped = true;
  }

  std::vector<FacePose> pose(F);
  for (int f = 0; f < F; ++f) {
    const Eigen::Matrix<double, 2, 3> m = M.middleRows<2>(2 * f);
    pose[f].R = rotation_from_rows(m);
    pose[f].s = 0.5 * (m.row(0).norm() + m.row(1).norm());
    pose[f].t.setZero();
  }
  {
    std::vector<double> sq;
    double k0 = opt.interpupillary_mm / ipd_of(S);
    double total = 0;
    for (int f = 0; f < F; ++f) {
      const Shape2 r = x[f] - M.middleRows<2>(2 * f) * S;
      total += r.squaredNorm() / (pose[f].s * pose[f].s);
    }
    st.factorisation_rms_mm = std::sqrt(total / (double(F) * N)) * k0;
  }

  const auto& partner = mirror_partners();
  auto symmetrise = [&](Shape3& T) {
    for (int j = 0; j < N; ++j) {
      const int k = partner[j];
      if (k == j) {
        T(0, j) = 0;
      } else if (j < k) {
        Eigen::Vector3d a = 0.5 * (T.col(j) + Eigen::Vector3d(-T(0, k), T(1, k), T(2, k)));
        T.col(j) = a;
        T.col(k) = Eigen::Vector3d(-a.x(), a.y(), a.z());
      }
    }
  };
  // Gauge: centroid at the origin, RMS radius 1; poses follow.
  auto normalise_gauge = [&](Shape3& T) {
    const Eigen::Vector3d cen = T.rowwise().mean();
    T.colwise() -= cen;
    const double k = std::sqrt(T.colwise().squaredNorm().mean());
    T /= k;
    for (int f = 0; f < F; ++f) {
      pose[f].t += pose[f].s * (pose[f].R * cen).head<2>();
      pose[f].s *= k;
    }
  };
  if (opt.symmetric) symmetrise(S);
  normalise_gauge(S);

  // 4. Bundle refinement with robust weights.
  std::vector<Eigen::Matrix<double, 1, N>> w(F, Eigen::Matrix<double, 1, N>::Ones());
  std::vector<double> face_w(F, 1.0), face_rms(F, 0.0);
  std::vector<double> all_r(static_cast<size_t>(F) * N);
  int iter = 0;
  for (; iter < opt.max_iterations; ++iter) {
    for (int f = 0; f < F; ++f) refine_pose(x[f], S, w[f], pose[f], 6);
    // residuals and weights
    for (int f = 0; f < F; ++f) {
      const Eigen::Matrix<double, 1, N> r = (x[f] - project(S, pose[f])).colwise().norm();
      for (int j = 0; j < N; ++j) all_r[static_cast<size_t>(f) * N + j] = r(j);
      face_rms[f] = std::sqrt(r.squaredNorm() / N);
    }
    if (opt.robust) {
      const double sigma = 1.4826 * research::median(all_r);
      const double kp = 2.0 * sigma;
      const double kf = 2.0 * research::median(face_rms);
      for (int f = 0; f < F; ++f) {
        face_w[f] = face_rms[f] <= kf ? 1.0 : kf / face_rms[f];
        for (int j = 0; j < N; ++j) {
          const double r = all_r[static_cast<size_t>(f) * N + j];
          w[f](j) = (r <= kp ? 1.0 : kp / r) * face_w[f];
        }
      }
    }
    // shape step
    Shape3 Snew = S;
    for (int j = 0; j < N; ++j) {
      const int k = opt.symmetric ? partner[j] : j;
      if (k < j) continue;
      Eigen::Matrix3d H = Eigen::Matrix3d::Zero();
      Eigen::Vector3d b = Eigen::Vector3d::Zero();
      const Eigen::DiagonalMatrix<double, 3> D(-1, 1, 1);
      for (int f = 0; f < F; ++f) {
        const Eigen::Matrix<double, 2, 3> A = pose[f].s * pose[f].R.topRows<2>();
        H.noalias() += w[f](j) * A.transpose() * A;
        b.noalias() += w[f](j) * A.transpose() * (x[f].col(j) - pose[f].t);
        if (k != j) {
          const Eigen::Matrix<double, 2, 3> AD = A * D;
          H.noalias() += w[f](k) * AD.transpose() * AD;
          b.noalias() += w[f](k) * AD.transpose() * (x[f].col(k) - pose[f].t);
        }
      }
      if (opt.symmetric && k == j) {
        const Eigen::Vector2d yz = H.bottomRightCorner<2, 2>().ldlt().solve(b.tail<2>());
        Snew.col(j) = Eigen::Vector3d(0, yz(0), yz(1));
      } else {
        const Eigen::Vector3d X = H.ldlt().solve(b);
        Snew.col(j) = X;
        if (k != j) Snew.col(k) = Eigen::Vector3d(-X.x(), X.y(), X.z());
      }
    }
    normalise_gauge(Snew);
    const double change = (Snew - S).norm() / S.norm();
    S = Snew;
    if (change < opt.tolerance) {
      st.converged = true;
      ++iter;
      break;
    }
  }
  st.iterations = iter;
  for (int f = 0; f < F; ++f) refine_pose(x[f], S, w[f], pose[f], 10);

  // 5. Pitch gauge (eye-corner and mouth-corner midpoints at equal z), scale.
  {
    const Eigen::Vector3d e = 0.5 * (S.col(landmark_index(37)) + S.col(landmark_index(46)));
    const Eigen::Vector3d m = 0.5 * (S.col(landmark_index(49)) + S.col(landmark_index(55)));
    const Eigen::Vector3d d = m - e;
    const double theta = std::atan2(-d.z(), d.y());
    const Eigen::Matrix3d Rx = Eigen::AngleAxisd(theta, Eigen::Vector3d::UnitX()).toRotationMatrix();
    S = Rx * S;
    for (auto& p : pose) p.R = p.R * Rx.transpose();
    normalise_gauge(S);
  }
  const double k = opt.interpupillary_mm / ipd_of(S);
  S *= k;
  if (opt.symmetric) symmetrise(S);  // exact x = 0 on the midline after the gauge steps' rounding
  for (auto& p : pose) p.s /= k;
  if (!(S(2, landmark_index(31)) < eye_corner_z(S))) {
    throw Error(ErrorCode::kInvalidArgument, "fit_mean_face: refinement ended with the nose behind the eyes (bad data?)");
  }

  // Statistics (model millimetres: image residual / per-face scale).
  double sum = 0, wsum = 0, wtot = 0;
  int down_pts = 0;
  st.face_rms_mm.resize(F);
  st.face_weight = face_w;
  st.yaw_deg.resize(F);
  st.pitch_deg.resize(F);
  st.roll_deg.resize(F);
  std::vector<double> abs_yaw(F), abs_roll(F);
  for (int f = 0; f < F; ++f) {
    const Eigen::Matrix<double, 1, N> r2 = (x[f] - project(S, pose[f])).colwise().squaredNorm() / (pose[f].s * pose[f].s);
    sum += r2.sum();
    wsum += r2.cwiseProduct(w[f]).sum();
    wtot += w[f].sum();
    for (int j = 0; j < N; ++j) if (w[f](j) < 1.0) ++down_pts;
    st.face_rms_mm[f] = std::sqrt(r2.mean());
    const Eigen::Vector3d ypr = yaw_pitch_roll(pose[f].R);
    st.yaw_deg[f] = ypr(0);
    st.pitch_deg[f] = ypr(1);
    st.roll_deg[f] = ypr(2);
    abs_yaw[f] = std::abs(ypr(0));
    abs_roll[f] = std::abs(ypr(2));
    if (face_w[f] < 1.0) ++st.downweighted_faces;
  }
  st.rms_mm = std::sqrt(sum / (double(F) * N));
  st.weighted_rms_mm = std::sqrt(wsum / wtot);
  st.downweighted_point_fraction = double(down_pts) / (double(F) * N);
  st.median_face_rms_mm = research::median(st.face_rms_mm);
  st.p90_face_rms_mm = research::quantile(st.face_rms_mm, 0.9);
  st.median_abs_yaw_deg = research::median(abs_yaw);
  st.p90_abs_yaw_deg = research::quantile(abs_yaw, 0.9);
  st.max_abs_yaw_deg = *std::max_element(abs_yaw.begin(), abs_yaw.end());
  st.median_pitch_deg = research::median(st.pitch_deg);
  st.median_abs_roll_deg = research::median(abs_roll);

  for (int j = 0; j < N; ++j) result.model.points[j] = S.col(j);
  return result;
}

}  // namespace posecheck
