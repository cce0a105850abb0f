#include "checker.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <Eigen/Geometry>

#include "errors.h"

namespace posecheck {

const char* status_name(FaceStatus s) { return s == FaceStatus::kOk ? "ok" : "cannot_judge"; }

Checker::Checker(LandmarkModel landmarks, FaceModel3D face, std::optional<Classifier> classifier)
    : landmarks_(std::move(landmarks)), face_(std::move(face)), classifier_(std::move(classifier)) {}

namespace {


// Adds the time since construction (or the last lap) to a stage's total.
class Lap {
 public:
  explicit Lap(StageTimings* t) : t_(t), start_(std::chrono::steady_clock::now()) {}
  void to(double StageTimings::*stage) {
    if (!t_) return;
    const auto now = std::chrono::steady_clock::now();
    t_->*stage += std::chrono::duration<double, std::milli>(now - start_).count();
    start_ = now;
  }

 private:
  StageTimings* t_;
  std::chrono::steady_clock::time_point start_;
};

Box bounding_box(const Landmarks& lm) {
  Box b{lm[0].x(), lm[0].y(), lm[0].x(), lm[0].y()};
  for (const auto& p : lm) {
    b.left = std::min(b.left, p.x());
    b.top = std::min(b.top, p.y());
    b.right = std::max(b.right, p.x());
    b.bottom = std::max(b.bottom, p.y());
  }
  return b;
}

}  // namespace

FaceResult Checker::judge(const Landmarks& lm, const Box& box, int width, int height, const CheckerOptions& options,
                          StageTimings* timings) const {
  Lap lap(timings);
  FaceResult r;
  r.box = box;
  r.landmarks = lm;
  const CameraIntrinsics cam = camera_for_image(width, height);
  std::vector<Point3> model;
  std::vector<Point2> image;
  select_correspondences(whole_face_indices(), lm, face_, model, image);
  r.pose_whole = solve_pose(model, image, cam, options.solver);
  select_correspondences(central_face_indices(), lm, face_, model, image);
  // Start the central solve from the whole-face pose: both describe one head,
  // and this keeps the pair on the same (front-facing) branch.
  r.pose_central = solve_pose(model, image, cam, options.solver, r.pose_whole.ok ? &r.pose_whole.pose : nullptr);

  auto cannot = [&r](const std::string& why) {
    if (r.reason.empty()) r.reason = why;
  };
  if (!r.pose_whole.ok) cannot("whole-face pose failed: " + r.pose_whole.failure);
  if (!r.pose_central.ok) cannot("central-face pose failed: " + r.pose_central.failure);
  lap.to(&StageTimings::pose_ms);
  if (r.pose_whole.ok && r.pose_central.ok) {
    r.features = pose_features(r.pose_whole, r.pose_central);
    const Eigen::AngleAxisd diff(r.pose_whole.pose.rotation * r.pose_central.pose.rotation.transpose());
    r.rotation_difference_deg = diff.angle() * 180.0 / M_PI;
    if (!r.pose_whole.converged || !r.pose_central.converged) cannot("pose solver did not converge");
    const double bound = options.max_rms_fraction * box.width();
    if (r.pose_whole.rms_px > bound || r.pose_central.rms_px > bound) {
      cannot("landmarks do not fit a rigid head (reprojection error over " +
             std::to_string(int(std::lround(options.max_rms_fraction * 100))) + "% of the face width)");
    }
  }
  if (box.width() < options.min_face_width_px) {
    cannot("face too small (" + std::to_string(int(box.width())) + " px wide, need " +
           std::to_string(int(options.min_face_width_px)) + ")");
  }
  r.status = r.reason.empty() ? FaceStatus::kOk : FaceStatus::kCannotJudge;
  lap.to(&StageTimings::features_ms);
  if (r.status == FaceStatus::kOk && classifier_) {
    r.p_fake = classifier_->probability_fake(r.features->of(classifier_->variant()));
    r.band = classifier_->band(*r.p_fake);
  }
  lap.to(&StageTimings::svm_ms);
  return r;
}

FaceResult Checker::judge_landmarks(const Landmarks& landmarks, int width, int height, const CheckerOptions& options) const {
  validate_size(width, height);
  for (const auto& p : landmarks)
    if (!p.allFinite()) throw Error(ErrorCode::kInvalidArgument, "landmarks must be finite numbers");
  return judge(landmarks, bounding_box(landmarks), width, height, options, nullptr);
}

ImageResult Checker::check(const ImageView& image, const CheckerOptions& options, StageTimings* timings) {
  validate(image);
  if (timings) *timings = StageTimings{};
  Lap lap(timings);
  if (options.max_faces < 0) throw Error(ErrorCode::kInvalidArgument, "max_faces must be >= 0");
  ImageResult result;
  result.width = image.width;
  result.height = image.height;
  const auto detected = detector_.detect(image, options.detection);
  lap.to(&StageTimings::detect_ms);
  result.faces_found = static_cast<int>(detected.size());
  for (std::size_t i = 0; i < detected.size() && int(i) < options.max_faces; ++i) {
    const Landmarks lm = landmarks_.predict(image, detected[i].box);
    lap.to(&StageTimings::landmarks_ms);
    FaceResult face = judge(lm, detected[i].box, image.width, image.height, options, timings);
    lap = Lap(timings);
    face.detection_confidence = detected[i].confidence;
    if (face.p_fake) result.score = std::max(result.score.value_or(0.0), *face.p_fake);
    result.faces.push_back(std::move(face));
  }
  return result;
}

std::string verdict(const std::optional<double>& score, int faces_found, const Checker& checker) {
  if (faces_found == 0) return "no_face";
  if (!checker.classifier()) return "not_scored";
  if (!score) return "cannot_judge";
  return band_name(checker.classifier()->band(*score));
}

std::optional<double> video_score(const std::vector<std::optional<double>>& frame_scores) {
  double sum = 0;
  int n = 0;
  for (const auto& s : frame_scores) {
    if (s) {
      sum += *s;
      ++n;
    }
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace posecheck
