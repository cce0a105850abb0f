// posecheck fit-face: fits the project's 3D mean face from 68-point .pts
// annotations (method: face_fit.h) and optionally compares it with a
// reference model (RMS after similarity alignment; head-pose differences on
// real landmark sets).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "cli_common.h"
#include "commands.h"
#include "errors.h"
#include "face_fit.h"
#include "face_model_3d.h"
#include "feature_table.h"
#include "geometry.h"
#include "head_pose.h"
#include "metrics.h"

namespace posecheck::cli {
namespace {

namespace fs = std::filesystem;
using research::median;
using research::quantile;
using research::split_csv_line;
constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;

const char* kFitUsage =
    "usage: posecheck fit-face --pts DIR [--pts DIR...] --out FILE\n"
    "                          [--compare REFERENCE_204_FILE --landmarks-dir DIR [--landmarks-dir DIR...]\n"
    "                           [--manifest CSV]]\n"
    "  --pts            .pts files (68 'x y' lines) or folders searched recursively, sorted\n"
    "  --out            the fitted model (posecheck-face3d 1)\n"
    "  --compare        a 204-number reference model (all x, all y, all z) to compare with\n"
    "  --landmarks-dir  .pts sets to compare head poses on (needs image sizes)\n"
    "  --manifest       CSV with path (or pts), image_width (or width), image_height (or height);\n"
    "                   default: the first pts_manifest.csv in a landmarks dir or its parents\n";

// 68 lines "x y"; the original 300-W header/footer lines are skipped.
Landmarks read_pts(const fs::path& p) {
  std::istringstream in(read_text_file(p.string()));
  std::string line;
  Landmarks lm;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.rfind("version", 0) == 0 || line.rfind("n_points", 0) == 0 || line[0] == '{' || line[0] == '}') continue;
    std::istringstream ls(line);
    double x, y;
    if (!(ls >> x >> y) || !std::isfinite(x) || !std::isfinite(y)) throw Error(ErrorCode::kInvalidArgument, p.string() + ": bad line '" + line + "'");
    if (n == kNumLandmarks) throw Error(ErrorCode::kInvalidArgument, p.string() + ": more than 68 points");
    lm[n++] = Point2(x, y);
  }
  if (n != kNumLandmarks) throw Error(ErrorCode::kInvalidArgument, p.string() + ": " + std::to_string(n) + " points, expected 68");
  return lm;
}

std::vector<fs::path> collect_pts(const std::string& arg) {
  std::vector<fs::path> out;
  const fs::path root(arg);
  if (fs::is_regular_file(root)) return {root};
  if (!fs::is_directory(root)) throw Error(ErrorCode::kIo, "no such file or folder: " + arg);
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".pts") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return a.generic_string() < b.generic_string(); });
  return out;
}

double angle_deg(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
  const double c = std::clamp(((a.transpose() * b).trace() - 1.0) / 2.0, -1.0, 1.0);
  return std::acos(c) * kRadToDeg;
}

// canonical .pts path -> (width, height)
std::map<std::string, std::pair<int, int>> read_manifest(const fs::path& csv) {
  std::istringstream in(read_text_file(csv.string()));
  std::string line;
  // Without the line ends of a file saved on Windows, which getline keeps.
  const auto fields = [&] {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return split_csv_line(line);
  };
  if (!std::getline(in, line)) throw Error(ErrorCode::kInvalidArgument, csv.string() + ": empty");
  const auto head = fields();
  auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) {
      const auto it = std::find(head.begin(), head.end(), n);
      if (it != head.end()) return static_cast<int>(it - head.begin());
    }
    return -1;
  };
  const int cp = col({"path", "pts"}), cw = col({"image_width", "width"}), ch = col({"image_height", "height"});
  if (cp < 0 || cw < 0 || ch < 0) throw Error(ErrorCode::kInvalidArgument, csv.string() + ": needs path/pts, width and height columns");
  std::map<std::string, std::pair<int, int>> m;
  const fs::path base = csv.parent_path();
  while (std::getline(in, line)) {
    const auto f = fields();
    if (static_cast<int>(f.size()) <= std::max({cp, cw, ch})) continue;
    m[fs::weakly_canonical(base / f[cp]).string()] = {std::stoi(f[cw]), std::stoi(f[ch])};
  }
  return m;
}

std::vector<Point3> subset(const FaceModel3D& m, const std::vector<int>& idx) {
  std::vector<Point3> v;
  for (int i : idx) v.push_back(m.points[i]);
  return v;
}
std::vector<Point2> subset(const Landmarks& l, const std::vector<int>& idx) {
  std::vector<Point2> v;
  for (int i : idx) v.push_back(l[i]);
  return v;
}

struct PosePair {
  bool ok = false;
  Eigen::Matrix3d whole, central;
  double whole_rms_px = 0;
};

// The checker's procedure: whole-face solve, then central-face solve started
// from the whole-face pose.
PosePair solve_both(const FaceModel3D& m, const Landmarks& lm, const CameraIntrinsics& cam) {
  PosePair r;
  const PoseEstimate a = solve_pose(subset(m, whole_face_indices()), subset(lm, whole_face_indices()), cam);
  if (!a.ok) return r;
  const PoseEstimate c = solve_pose(subset(m, central_face_indices()), subset(lm, central_face_indices()), cam, {}, &a.pose);
  if (!c.ok) return r;
  r.ok = true;
  r.whole = a.pose.rotation;
  r.central = c.pose.rotation;
  r.whole_rms_px = a.rms_px;
  return r;
}

void compare(const FaceModel3D& fit, const std::string& reference_file, const std::vector<std::string>& landmark_dirs,
             const std::string& manifest_arg) {
  const FaceModel3D ref = parse_column_major_204(read_text_file(reference_file));
  const SimilarityAlignment sim = align_similarity(ref.points, fit.points, true);
  const SimilarityAlignment rig = align_similarity(ref.points, fit.points, false);
  std::printf("\ncomparison with %s\n", reference_file.c_str());
  std::printf("  RMS after similarity alignment (Umeyama): %.2f mm (reference units; fitted scaled x%.4f, frame rotated %.2f deg)\n",
              sim.rms, sim.scale, angle_deg(Eigen::Matrix3d::Identity(), sim.rotation));
  std::printf("  RMS after rigid alignment (no scale):     %.2f mm\n", rig.rms);
  std::printf("  interpupillary distance: fitted %.2f mm, reference %.2f mm\n", interpupillary_distance(fit.points),
              interpupillary_distance(ref.points));
  // Per region, after the similarity alignment.
  struct Region { const char* name; int a, b; };
  const Region regions[] = {{"jaw 1-17", 1, 17}, {"brows 18-27", 18, 27}, {"nose 28-36", 28, 36}, {"eyes 37-48", 37, 48}, {"mouth 49-68", 49, 68}};
  std::printf("  per region RMS (mm):");
  for (const auto& rg : regions) {
    double s = 0;
    for (int k = rg.a; k <= rg.b; ++k) {
      const int i = landmark_index(k);
      s += (sim.scale * sim.rotation * fit.points[i] + sim.translation - ref.points[i]).squaredNorm();
    }
    std::printf(" %s %.2f", rg.name, std::sqrt(s / (rg.b - rg.a + 1)));
  }
  std::printf("\n");
  if (landmark_dirs.empty()) return;

  std::map<std::string, std::pair<int, int>> sizes;
  if (!manifest_arg.empty()) {
    sizes = read_manifest(manifest_arg);
  } else {
    fs::path dir = fs::weakly_canonical(landmark_dirs.front());
    for (int up = 0; up < 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "pts_manifest.csv")) {
        sizes = read_manifest(dir / "pts_manifest.csv");
        std::printf("  image sizes from %s\n", (dir / "pts_manifest.csv").string().c_str());
        break;
      }
      if (dir == dir.parent_path()) break;
    }
  }
  std::vector<double> d_whole, d_central, d_diff, mag_fit, mag_ref, d_whole_frame, rel_rms_fit, rel_rms_ref;
  int missing = 0, failed = 0;
  for (const auto& d : landmark_dirs) {
    for (const auto& p : collect_pts(d)) {
      const auto it = sizes.find(fs::weakly_canonical(p).string());
      if (it == sizes.end()) {
        ++missing;
        continue;
      }
      Landmarks lm = read_pts(p);
      for (auto& q : lm) q -= Point2(1, 1);  // .pts are 1-based pixel coordinates
      const CameraIntrinsics cam = camera_for_image(it->second.first, it->second.second);
      const PosePair a = solve_both(fit, lm, cam), b = solve_both(ref, lm, cam);
      if (!a.ok || !b.ok) {
        ++failed;
        continue;
      }
      d_whole.push_back(angle_deg(a.whole, b.whole));
      d_central.push_back(angle_deg(a.central, b.central));
      // Same comparison with the fitted model's frame turned into the reference's
      // (R_fit * sim.rotation^T): removes the constant frame-convention offset.
      d_whole_frame.push_back(angle_deg(a.whole * sim.rotation.transpose(), b.whole));
      const Eigen::Matrix3d da = a.whole * a.central.transpose(), db = b.whole * b.central.transpose();
      d_diff.push_back(angle_deg(da, db));
      mag_fit.push_back(angle_deg(Eigen::Matrix3d::Identity(), da));
      mag_ref.push_back(angle_deg(Eigen::Matrix3d::Identity(), db));
      // Reprojection RMS relative to the face size (eye-centre distance in pixels).
      Point2 e1 = Point2::Zero(), e2 = Point2::Zero();
      for (int k = 37; k <= 42; ++k) e1 += lm[landmark_index(k)] / 6.0;
      for (int k = 43; k <= 48; ++k) e2 += lm[landmark_index(k)] / 6.0;
      const double ipd_px = (e2 - e1).norm();
      rel_rms_fit.push_back(100.0 * a.whole_rms_px / ipd_px);
      rel_rms_ref.push_back(100.0 * b.whole_rms_px / ipd_px);
    }
  }
  std::printf("  head poses on %zu faces (%d without an image size, %d solver failures); camera_for_image(w, h), .pts minus 1 px\n",
              d_whole.size(), missing, failed);
  std::printf("  angle between poses (fitted vs reference): whole face median %.2f deg, p90 %.2f deg; central face median %.2f deg, p90 %.2f deg\n",
              median(d_whole), quantile(d_whole, 0.9), median(d_central), quantile(d_central, 0.9));
  std::printf("  whole face, frame offset removed: median %.2f deg, p90 %.2f deg\n", median(d_whole_frame), quantile(d_whole_frame, 0.9));
  std::printf("  whole-vs-central rotation (R_whole R_central^T): median size fitted %.2f deg, reference %.2f deg; "
              "median angle between the two %.2f deg (p90 %.2f)\n",
              median(mag_fit), median(mag_ref), median(d_diff), quantile(d_diff, 0.9));
  std::printf("  whole-face PnP reprojection RMS, %% of the eye-centre distance: median fitted %.2f, reference %.2f\n",
              median(rel_rms_fit), median(rel_rms_ref));
}

}  // namespace

int command_fit_face(const Args& args) {
  std::vector<std::string> pts_dirs, landmark_dirs;
  std::string out, reference, manifest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    const std::string* v = nullptr;
    if (a == "--help" || a == "-h") {
      std::fputs(kFitUsage, stdout);
      return 0;
    } else if (a == "--pts" && (v = value())) {
      pts_dirs.push_back(*v);
    } else if (a == "--out" && (v = value())) {
      out = *v;
    } else if (a == "--compare" && (v = value())) {
      reference = *v;
    } else if (a == "--landmarks-dir" && (v = value())) {
      landmark_dirs.push_back(*v);
    } else if (a == "--manifest" && (v = value())) {
      manifest = *v;
    } else {
      std::fprintf(stderr, "posecheck fit-face: bad argument '%s'\n%s", a.c_str(), kFitUsage);
      return 2;
    }
  }
  if (pts_dirs.empty() || out.empty() || (!landmark_dirs.empty() && reference.empty())) {
    std::fputs(kFitUsage, stderr);
    return 2;
  }

  std::vector<Landmarks> shapes;
  std::string data_line;
  for (const auto& d : pts_dirs) {
    const auto files = collect_pts(d);
    for (const auto& f : files) shapes.push_back(read_pts(f));
    data_line += (data_line.empty() ? "" : ", ") + d + " (" + std::to_string(files.size()) + " .pts)";
  }
  const FaceFitOptions options;
  const FaceFitResult r = fit_mean_face(shapes, options);
  const FaceFitStats& s = r.stats;

  std::string command = "posecheck fit-face";
  for (const auto& d : pts_dirs) command += " --pts " + d;
  command += " --out " + out;
  auto fmt = [](const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return std::string(b);
  };
  const std::string comment =
      "posecheck 3D mean face: 68 iBUG points, millimetres, frame of core/geometry.h\n"
      "method: rigid factorisation (Tomasi-Kanade, scaled orthography) + left-right symmetric robust bundle refinement (research/face_fit.h)\n"
      "data: " + data_line + "; iBUG 300-W annotations, research-only / non-commercial; these numbers are a derived mean shape\n"
      "scale: eye-centre distance (mean of points 37-42 to mean of 43-48) = " + fmt("%.1f", options.interpupillary_mm) +
      " mm, adult mean interpupillary distance (Dodgson 2004)\n"
      "fit: " + std::to_string(s.faces) + " faces, " + std::to_string(s.iterations) + " iterations, RMS reprojection residual " +
      fmt("%.2f", s.rms_mm) + " mm (median face " + fmt("%.2f", s.median_face_rms_mm) + " mm)\n"
      "command: " + command;
  const std::string text = format_face_model(r.model, comment);
  parse_face_model(text);  // round-trip check
  {
    std::ofstream o(out, std::ios::binary);
    if (!o || !(o << text) || !o.flush()) throw Error(ErrorCode::kIo, "cannot write " + out);
  }

  std::printf("fitted %d faces from %s\n", s.faces, data_line.c_str());
  std::printf("  factorisation: RMS residual %.2f mm; depth mirror flipped: %s\n", s.factorisation_rms_mm, s.depth_flipped ? "yes" : "no");
  std::printf("  refinement: %d iterations, %s\n", s.iterations, s.converged ? "converged" : "stopped at the iteration limit");
  std::printf("  RMS residual %.2f mm (robust-weighted %.2f mm); per face median %.2f mm, p90 %.2f mm\n", s.rms_mm,
              s.weighted_rms_mm, s.median_face_rms_mm, s.p90_face_rms_mm);
  std::printf("  down-weighted: %d faces, %.1f%% of points\n", s.downweighted_faces, 100.0 * s.downweighted_point_fraction);
  std::printf("  poses: |yaw| median %.1f deg, p90 %.1f deg, max %.1f deg; pitch median %.1f deg; |roll| median %.1f deg\n",
              s.median_abs_yaw_deg, s.p90_abs_yaw_deg, s.max_abs_yaw_deg, s.median_pitch_deg, s.median_abs_roll_deg);
  const auto& P = r.model.points;
  std::printf("  model: eye-centre distance %.1f mm, outer eye corners %.1f mm, jaw 1-17 %.1f mm, nose tip depth %.1f mm in front of the eye corners\n",
              interpupillary_distance(P), (P[landmark_index(46)] - P[landmark_index(37)]).norm(),
              (P[landmark_index(17)] - P[landmark_index(1)]).norm(),
              0.25 * (P[landmark_index(37)].z() + P[landmark_index(40)].z() + P[landmark_index(43)].z() + P[landmark_index(46)].z()) -
                  P[landmark_index(31)].z());
  std::printf("wrote %s\n", out.c_str());

  if (!reference.empty()) compare(parse_face_model(text), reference, landmark_dirs, manifest);
  return 0;
}

}  // namespace posecheck::cli
