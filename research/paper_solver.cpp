#include "paper_solver.h"

#ifdef POSECHECK_HAVE_OPENCV
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#endif

namespace posecheck::research {

#ifdef POSECHECK_HAVE_OPENCV
bool have_paper_solver() { return true; }

PaperPose paper_solve(const std::vector<Point3>& model, const std::vector<Point2>& image, const CameraIntrinsics& camera) {
  PaperPose out;
  std::vector<cv::Point3d> obj;
  std::vector<cv::Point2d> img;
  for (const auto& p : model) obj.emplace_back(p.x(), p.y(), -p.z());
  for (const auto& p : image) img.emplace_back(p.x(), p.y());
  const cv::Matx33d k(camera.fx, 0, camera.cx, 0, camera.fy, camera.cy, 0, 0, 1);
  cv::Mat rvec, tvec;
  try {
    if (!cv::solvePnP(obj, img, k, cv::Mat(), rvec, tvec, false, cv::SOLVEPNP_ITERATIVE)) return out;
  } catch (const cv::Exception&) {
    return out;
  }
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) out.pose.rotation(i, j) = r.at<double>(i, j);
    out.pose.translation[i] = tvec.at<double>(i);
    out.rotation_vector[i] = rvec.at<double>(i);
  }
  out.ok = out.pose.rotation.allFinite() && out.pose.translation.allFinite();
  return out;
}
#else
bool have_paper_solver() { return false; }
PaperPose paper_solve(const std::vector<Point3>&, const std::vector<Point2>&, const CameraIntrinsics&) { return {}; }
#endif

}  // namespace posecheck::research
