#include "extra_features.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "errors.h"
#include "metrics.h"
#include "paper_solver.h"
#include "pose_extras.h"

namespace posecheck::research {
namespace {

void put(FeatureRow& row, const std::string& prefix, int i, double v) { row.extra[prefix + "_" + std::to_string(i)] = v; }

std::vector<std::string> split_plus(const std::string& spec) {
  std::vector<std::string> parts;
  std::stringstream ss(spec);
  std::string p;
  while (std::getline(ss, p, '+')) {
    if (p.empty()) throw Error(ErrorCode::kInvalidArgument, "empty part in feature set '" + spec + "'");
    parts.push_back(p);
  }
  if (parts.empty()) throw Error(ErrorCode::kInvalidArgument, "empty feature set");
  return parts;
}

bool is_paper_variant(const std::string& name) {
  for (auto v : all_variants()) if (name == variant_name(v)) return true;
  return false;
}

// Values of the columns `cols` of a row; false when an extra one is missing.
bool row_values(const FeatureRow& r, const std::vector<std::string>& parts, const std::vector<std::vector<std::string>>& cols,
                std::vector<double>& out) {
  out.clear();
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (is_paper_variant(parts[k])) {
      const auto& f = r.features(parse_variant(parts[k]));
      out.insert(out.end(), f.begin(), f.end());
    } else if (parts[k] == "rotdiff") {
      out.push_back(r.rotation_difference_deg);
    } else if (parts[k] == "cos") {
      out.push_back(r.cosine_distance);
    } else {
      for (const auto& c : cols[k]) {
        auto it = r.extra.find(c);
        if (it == r.extra.end()) return false;
        out.push_back(it->second);
      }
    }
  }
  return true;
}

std::vector<std::vector<std::string>> part_columns(const std::vector<FeatureRow>& rows, const std::vector<std::string>& parts) {
  std::map<std::string, int> present;
  for (const auto& r : rows) for (const auto& [k, v] : r.extra) present[k];
  std::vector<std::vector<std::string>> cols;
  for (const auto& p : parts) {
    std::vector<std::string> c;
    if (is_paper_variant(p)) {
      for (int i = 0; i < variant_length(parse_variant(p)); ++i) c.push_back(p + "_" + std::to_string(i));
    } else if (p == "rotdiff") {
      c.push_back("rotation_difference_deg");
    } else if (p == "cos") {
      c.push_back("cosine_distance");
    } else {
      for (int i = 0; present.count(p + "_" + std::to_string(i)); ++i) c.push_back(p + "_" + std::to_string(i));
      if (c.empty()) {
        throw Error(ErrorCode::kInvalidArgument, "feature set part '" + p +
                                                     "' names no column (a paper variant, rotdiff, cos, or the prefix of extra "
                                                     "columns from `posecheck features --extra`)");
      }
    }
    cols.push_back(c);
  }
  return cols;
}

}  // namespace

void add_extra_columns(FeatureRow& row, const FaceResult& f, const FaceModel3D& face, int width, int height,
                       const PoseSolverOptions& solver) {
  const CameraIntrinsics cam = camera_for_image(width, height);
  const Pose* start = f.pose_whole.ok ? &f.pose_whole.pose : nullptr;
  double lo = f.landmarks[0].x(), hi = lo;
  for (const auto& p : f.landmarks) { lo = std::min(lo, p.x()); hi = std::max(hi, p.x()); }
  const double w = std::max(hi - lo, 1e-9);
  const RegionResiduals res = region_residuals(f.landmarks, face, cam, solver, start);
  if (res.ok) {
    put(row, "resid", 0, res.rms_central_px / w);
    put(row, "resid", 1, res.rms_jaw_px / w);
    put(row, "resid", 2, std::log(std::max(res.rms_central_px, 1e-9) / std::max(res.rms_jaw_px, 1e-9)));
    put(row, "resid", 3, res.rms_all_px / w);
  }
  const JawCentralDifference jc = jaw_central_difference(f.landmarks, face, cam, solver, start);
  if (jc.ok) {
    for (int i = 0; i < 9; ++i) put(row, "jaw_rmat", i, jc.rmat[i]);
    put(row, "jaw_rotdiff", 0, jc.rotation_difference_deg);
  }
  if (have_paper_solver()) {
    std::vector<Point3> model;
    std::vector<Point2> image;
    auto solve = [&](const std::vector<int>& idx) {
      model.clear();
      image.clear();
      for (int i : idx) { model.push_back(face.points[i]); image.push_back(f.landmarks[i]); }
      return paper_solve(model, image, cam);
    };
    const PaperPose a = solve(whole_face_indices()), c = solve(central_face_indices());
    if (a.ok && c.ok) {
      const Eigen::Matrix3d d = a.pose.rotation - c.pose.rotation;
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) put(row, "cvpaper_rmat", 3 * i + j, d(i, j));
      for (int i = 0; i < 3; ++i) put(row, "cvpaper_rvec", i, a.rotation_vector[i] - c.rotation_vector[i]);
      put(row, "cvpaper_behind", 0, a.pose.translation.z() < 0 ? 1 : 0);
      put(row, "cvpaper_behind", 1, c.pose.translation.z() < 0 ? 1 : 0);
    }
  }
}

std::vector<std::string> spec_columns(const std::vector<FeatureRow>& rows, const std::string& spec) {
  const auto parts = split_plus(spec);
  std::vector<std::string> out;
  for (const auto& c : part_columns(rows, parts)) out.insert(out.end(), c.begin(), c.end());
  return out;
}

Dataset make_spec_dataset(const std::vector<FeatureRow>& rows, const std::string& spec_in, int* skipped) {
  const bool video = spec_in.rfind("video:", 0) == 0;
  const std::string spec = video ? spec_in.substr(6) : spec_in;
  const auto parts = split_plus(spec);
  const auto cols = part_columns(rows, parts);
  Dataset frames;
  int skip = 0;
  std::vector<double> x;
  for (const auto& r : rows) {
    if (r.status != "ok" || !r.has_features || r.label_value() < 0) continue;
    if (!row_values(r, parts, cols, x)) { ++skip; continue; }
    frames.x.push_back(x);
    frames.y.push_back(r.label_value());
    frames.group.push_back(r.group);
    frames.video.push_back(r.video);
  }
  if (skipped) *skipped = skip;
  if (!video) return frames;
  // Video level: mean and population standard deviation per video, in order of first appearance.
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> members;
  Dataset d;
  for (std::size_t i = 0; i < frames.x.size(); ++i) {
    auto [it, added] = index.emplace(frames.video[i], members.size());
    if (added) {
      members.emplace_back();
      d.y.push_back(frames.y[i]);
      d.group.push_back(frames.group[i]);
      d.video.push_back(frames.video[i]);
    } else if (d.y[it->second] != frames.y[i]) {
      throw Error(ErrorCode::kInvalidArgument, "video '" + frames.video[i] + "' has frames of both labels");
    }
    members[it->second].push_back(i);
  }
  for (const auto& m : members) {
    const std::size_t dim = frames.x[m[0]].size();
    std::vector<double> mean(dim, 0), sd(dim, 0);
    for (auto i : m) for (std::size_t j = 0; j < dim; ++j) mean[j] += frames.x[i][j];
    for (double& v : mean) v /= double(m.size());
    for (auto i : m) for (std::size_t j = 0; j < dim; ++j) sd[j] += (frames.x[i][j] - mean[j]) * (frames.x[i][j] - mean[j]);
    for (double& v : sd) v = std::sqrt(v / double(m.size()));
    mean.insert(mean.end(), sd.begin(), sd.end());
    d.x.push_back(mean);
  }
  return d;
}

SpecResult train_and_score_spec(const std::vector<FeatureRow>& train, const std::vector<FeatureRow>& val, const std::string& spec,
                                const TrainOptions& o) {
  SpecResult r;
  r.spec = spec;
  const Dataset data = make_spec_dataset(train, spec, &r.train_skipped);
  r.val = make_spec_dataset(val, spec, &r.val_skipped);
  r.train_rows = int(data.x.size());
  r.val_rows = int(r.val.x.size());
  if (data.x.empty() || r.val.x.empty()) throw Error(ErrorCode::kInvalidArgument, "feature set '" + spec + "' has no rows");
  const auto fold_of = grouped_folds(data.group, o.folds, o.seed);
  struct Fold {
    std::vector<std::vector<double>> xtr, xte;
    std::vector<int> ytr, yte;
  };
  std::vector<Fold> folds(o.folds);
  for (int f = 0; f < o.folds; ++f) {
    std::vector<std::vector<double>> raw;
    for (std::size_t i = 0; i < data.x.size(); ++i) if (fold_of[i] != f) raw.push_back(data.x[i]);
    const Standardiser s = Standardiser::fit(raw);
    for (std::size_t i = 0; i < data.x.size(); ++i) {
      if (fold_of[i] != f) { folds[f].xtr.push_back(s.apply(data.x[i])); folds[f].ytr.push_back(data.y[i]); }
      else { folds[f].xte.push_back(s.apply(data.x[i])); folds[f].yte.push_back(data.y[i]); }
    }
  }
  auto both = [](const std::vector<int>& y) {
    return std::count(y.begin(), y.end(), 1) > 0 && std::count(y.begin(), y.end(), 0) > 0;
  };
  bool first = true;
  for (double lc : o.log2c) {
    for (double lg : o.log2g) {
      double sum = 0;
      int used = 0;
      for (const auto& fd : folds) {
        if (!both(fd.yte) || !both(fd.ytr)) continue;
        const SvmModel m = SvmModel::train(fd.xtr, fd.ytr, std::pow(2.0, lc), std::pow(2.0, lg), false);
        std::vector<double> sc;
        for (const auto& x : fd.xte) sc.push_back(m.decision(x));
        sum += auroc(sc, fd.yte);
        ++used;
      }
      if (used == 0) throw Error(ErrorCode::kInvalidArgument, "no fold has both classes: cannot cross-validate");
      const double a = sum / used;
      if (first || a > r.cv_auroc) { r.cv_auroc = a; r.log2c = lc; r.log2g = lg; }  // ties keep the smaller C, gamma
      first = false;
    }
  }
  const Standardiser s = Standardiser::fit(data.x);
  std::vector<std::vector<double>> xs;
  for (const auto& x : data.x) xs.push_back(s.apply(x));
  const SvmModel final_model = SvmModel::train(xs, data.y, std::pow(2.0, r.log2c), std::pow(2.0, r.log2g), true, unsigned(o.seed));
  for (const auto& x : r.val.x) r.val_p_fake.push_back(final_model.probability_fake(s.apply(x)));
  return r;
}

}  // namespace posecheck::research
