#include "paste_centre.h"

#include <Eigen/Geometry>
#include <cmath>

#include "errors.h"
#include "raster.h"

namespace posecheck::research {
namespace {

constexpr int kFirstInner = 17;  // 0-based: landmarks 18-68 are the inner face

using Points = Eigen::Matrix<double, 2, kNumLandmarks>;

Points to_matrix(const Landmarks& lm) {
  Points m;
  for (int i = 0; i < kNumLandmarks; ++i) m.col(i) = lm[std::size_t(i)];
  return m;
}

}  // namespace

PasteRecipe draw_paste_recipe(std::uint64_t seed) {
  std::uint64_t s = seed;
  PasteRecipe r;
  r.follow = uniform(s, 0, 0.7);
  return r;
}

std::vector<Landmarks> paste_centre(const std::vector<Landmarks>& track, const PasteRecipe& recipe) {
  if (track.size() < 2) throw Error(ErrorCode::kInvalidArgument, "paste_centre needs a track of at least 2 frames");
  if (!(recipe.follow >= 0 && recipe.follow < 1)) throw Error(ErrorCode::kInvalidArgument, "paste_centre: follow must be in [0, 1)");
  for (const auto& lm : track) {
    for (const auto& p : lm)
      if (!std::isfinite(p.x()) || !std::isfinite(p.y())) throw Error(ErrorCode::kInvalidArgument, "paste_centre: non-finite landmarks");
    if (!(landmark_frame(lm).spread > 1)) throw Error(ErrorCode::kInvalidArgument, "paste_centre: landmarks spread over 1 px or less");
  }
  // The canonical frame: the first frame's landmarks, centred and of unit RMS spread.
  Points canonical = to_matrix(track.front());
  canonical.colwise() -= canonical.rowwise().mean();
  canonical /= std::sqrt(canonical.squaredNorm() / kNumLandmarks);

  // Each frame in the canonical frame (similarity fitted on all 68 points, as a swap's alignment does).
  std::vector<Eigen::Matrix3d> to_frame;
  std::vector<Points> in_canonical;
  Points mean_inner = Points::Zero();
  for (const auto& lm : track) {
    const Points m = to_matrix(lm);
    const Eigen::Matrix3d t = Eigen::umeyama(canonical, m, true);  // canonical -> frame
    const Eigen::Matrix3d inv = t.inverse();
    Points c = (inv.topLeftCorner<2, 2>() * m).colwise() + inv.topRightCorner<2, 1>();
    to_frame.push_back(t);
    in_canonical.push_back(c);
    mean_inner += c;
  }
  mean_inner /= double(track.size());

  std::vector<Landmarks> out(track.size());
  for (std::size_t f = 0; f < track.size(); ++f) {
    out[f] = track[f];
    const Eigen::Matrix3d& t = to_frame[f];
    for (int i = kFirstInner; i < kNumLandmarks; ++i) {
      const Eigen::Vector2d g = (1 - recipe.follow) * mean_inner.col(i) + recipe.follow * in_canonical[f].col(i);
      out[f][std::size_t(i)] = t.topLeftCorner<2, 2>() * g + t.topRightCorner<2, 1>();
    }
  }
  return out;
}

}  // namespace posecheck::research
