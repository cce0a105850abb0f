#include "svm_training.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <random>
#include <unistd.h>

#include <svm.h>

#include "classifier.h"
#include "errors.h"
#include "feature_table.h"
#include "metrics.h"

namespace posecheck::research {
namespace {

void quiet(const char*) {}

}  // namespace

Dataset make_dataset(const std::vector<FeatureRow>& rows, FeatureVariant variant) {
  Dataset d;
  if (variant == FeatureVariant::kTrack) {
    // One row per track (video and face index) that has the track columns.
    std::set<std::string> seen;
    for (const auto& r : rows) {
      if (r.status != "ok" || r.label_value() < 0 || !r.extra.count("track_0")) continue;
      if (!seen.insert(r.video + "#" + std::to_string(r.face)).second) continue;
      std::vector<double> x;
      for (int i = 0; i < 4; ++i) x.push_back(r.extra.at("track_" + std::to_string(i)));
      if (d.x.empty()) d.camera = parse_camera_model(r.camera);
      d.x.push_back(x);
      d.y.push_back(r.label_value());
      d.group.push_back(r.group);
      d.video.push_back(r.video);
    }
    return d;
  }
  if (is_blend_variant(variant)) {
    // One row per face that has the blend columns (its surroundings were in the image).
    for (const auto& r : rows) {
      if (r.status != "ok" || r.label_value() < 0 || !r.extra.count("blend_0")) continue;
      d.x.push_back(r.blend_features(variant));
      d.y.push_back(r.label_value());
      d.group.push_back(r.group);
      d.video.push_back(r.video);
    }
    const bool judged = std::any_of(rows.begin(), rows.end(), [](const FeatureRow& r) { return r.status == "ok" && r.label_value() >= 0; });
    if (d.x.empty() && judged) {
      throw Error(ErrorCode::kInvalidArgument, std::string("no judged row has the blend columns for variant ") + variant_name(variant) +
                                                   ": they are measured on images (features from --landmarks have none)");
    }
    return d;  // camera: the blend cue does not depend on one (d.camera stays the default)
  }
  std::string camera;
  for (const auto& r : rows) {
    if (r.status != "ok" || !r.has_features || r.label_value() < 0) continue;
    if (camera.empty()) camera = r.camera;
    if (r.camera != camera) {
      throw Error(ErrorCode::kInvalidArgument, "feature rows mix cameras ('" + camera + "' and '" + r.camera +
                                                   "'): compute all of them with one --camera");
    }
    d.x.push_back(r.features(variant));
    d.y.push_back(r.label_value());
    d.group.push_back(r.group);
    d.video.push_back(r.video);
  }
  if (!camera.empty()) d.camera = parse_camera_model(camera);
  return d;
}

std::vector<int> grouped_folds(const std::vector<std::string>& groups, int k, std::uint64_t seed) {
  if (k < 2) throw Error(ErrorCode::kInvalidArgument, "need at least 2 folds");
  std::map<std::string, int> size;
  for (const auto& g : groups) size[g]++;
  if (int(size.size()) < k) {
    throw Error(ErrorCode::kInvalidArgument, "grouped cross-validation needs at least " + std::to_string(k) + " distinct groups, got " +
                                                 std::to_string(size.size()) + " (lower --folds or supply more groups)");
  }
  std::vector<std::string> names;
  for (const auto& [g, n] : size) names.push_back(g);  // sorted: independent of row order
  std::mt19937_64 rng(seed);
  for (std::size_t i = names.size(); i > 1; --i) {  // Fisher-Yates, portable
    const std::size_t j = std::size_t(rng() % i);
    std::swap(names[i - 1], names[j]);
  }
  std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) { return size[a] > size[b]; });
  std::vector<int> fold_rows(k, 0);
  std::map<std::string, int> fold_of;
  for (const auto& g : names) {
    const int f = int(std::min_element(fold_rows.begin(), fold_rows.end()) - fold_rows.begin());
    fold_of[g] = f;
    fold_rows[f] += size[g];
  }
  std::vector<int> out;
  out.reserve(groups.size());
  for (const auto& g : groups) out.push_back(fold_of[g]);
  return out;
}

Standardiser Standardiser::fit(const std::vector<std::vector<double>>& x) {
  if (x.empty()) throw Error(ErrorCode::kInvalidArgument, "cannot standardise zero rows");
  const std::size_t d = x[0].size();
  Standardiser s;
  s.mean.assign(d, 0);
  s.std.assign(d, 0);
  for (const auto& r : x) for (std::size_t j = 0; j < d; ++j) s.mean[j] += r[j];
  for (double& m : s.mean) m /= double(x.size());
  for (const auto& r : x) for (std::size_t j = 0; j < d; ++j) s.std[j] += (r[j] - s.mean[j]) * (r[j] - s.mean[j]);
  for (double& v : s.std) v = std::max(std::sqrt(v / double(x.size())), 1e-12);
  return s;
}

std::vector<double> Standardiser::apply(const std::vector<double>& v) const {
  std::vector<double> out(v.size());
  for (std::size_t j = 0; j < v.size(); ++j) out[j] = (v[j] - mean[j]) / std[j];
  return out;
}

struct SvmModel::Impl {
  std::vector<std::vector<svm_node>> nodes;
  std::vector<svm_node*> ptrs;
  std::vector<double> y;
  svm_parameter param{};
  svm_model* model = nullptr;
  int fake_index = 0;
  ~Impl() {
    if (model) svm_free_and_destroy_model(&model);
  }
};

SvmModel::SvmModel() : impl_(std::make_unique<Impl>()) {}
SvmModel::~SvmModel() = default;
SvmModel::SvmModel(SvmModel&&) noexcept = default;
SvmModel& SvmModel::operator=(SvmModel&&) noexcept = default;

namespace {

std::vector<svm_node> to_nodes(const std::vector<double>& x) {
  std::vector<svm_node> n;
  n.reserve(x.size() + 1);
  for (std::size_t j = 0; j < x.size(); ++j) n.push_back(svm_node{int(j + 1), x[j]});
  n.push_back(svm_node{-1, 0});
  return n;
}

}  // namespace

SvmModel SvmModel::train(const std::vector<std::vector<double>>& x, const std::vector<int>& y, double c, double gamma,
                         bool probability, unsigned seed) {
  if (x.empty() || x.size() != y.size()) throw Error(ErrorCode::kInvalidArgument, "svm: no rows or mismatched labels");
  if (std::count(y.begin(), y.end(), 1) == 0 || std::count(y.begin(), y.end(), 0) == 0) {
    throw Error(ErrorCode::kInvalidArgument, "svm: training rows need both classes (real and fake)");
  }
  svm_set_print_string_function(quiet);
  SvmModel m;
  Impl& d = *m.impl_;
  d.nodes.reserve(x.size());
  for (const auto& r : x) d.nodes.push_back(to_nodes(r));
  for (auto& n : d.nodes) d.ptrs.push_back(n.data());
  d.y.assign(y.begin(), y.end());
  svm_problem prob{};
  prob.l = int(x.size());
  prob.y = d.y.data();
  prob.x = d.ptrs.data();
  svm_parameter& p = d.param;
  p.svm_type = C_SVC;
  p.kernel_type = RBF;
  p.gamma = gamma;
  p.C = c;
  p.cache_size = 200;
  p.eps = 1e-3;
  p.shrinking = 1;
  p.probability = probability ? 1 : 0;
  p.nr_weight = 0;
  if (const char* err = svm_check_parameter(&prob, &p)) throw Error(ErrorCode::kInvalidArgument, std::string("libsvm: ") + err);
  std::srand(seed);  // libsvm's Platt cross-validation shuffles with rand()
  d.model = svm_train(&prob, &p);
  int labels[2];
  svm_get_labels(d.model, labels);
  d.fake_index = labels[0] == 1 ? 0 : 1;
  return m;
}

double SvmModel::decision(const std::vector<double>& x) const {
  const auto n = to_nodes(x);
  double dec = 0;
  svm_predict_values(impl_->model, n.data(), &dec);
  return impl_->fake_index == 0 ? dec : -dec;  // libsvm: positive -> first label
}

double SvmModel::probability_fake(const std::vector<double>& x) const {
  const auto n = to_nodes(x);
  double p[2] = {0, 0};
  svm_predict_probability(impl_->model, n.data(), p);
  return p[impl_->fake_index];
}

std::string SvmModel::text() const {
  char path[] = "/tmp/posecheck-svm-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw Error(ErrorCode::kIo, "cannot create a temporary file for the libsvm model");
  close(fd);
  const int rc = svm_save_model(path, impl_->model);
  std::string text;
  try {
    text = read_whole_file(path);
  } catch (...) {
    std::remove(path);
    throw;
  }
  std::remove(path);
  if (rc != 0) throw Error(ErrorCode::kIo, "libsvm could not save its model");
  return text;
}

Bands choose_bands(const std::vector<double>& p, const std::vector<int>& labels) {
  Bands b;
  b.low = 0;
  b.high = 1;  // no band at all: everything uncertain (Platt P(fake) stays inside (0, 1))
  std::vector<double> real, fake;
  for (std::size_t i = 0; i < p.size(); ++i) (labels[i] == 1 ? fake : real).push_back(p[i]);
  if (real.empty() || fake.empty()) return b;
  std::sort(real.begin(), real.end());
  std::sort(fake.begin(), fake.end());
  std::vector<double> candidates = p;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const double nr = double(real.size()), nf = double(fake.size());
  auto below = [](const std::vector<double>& v, double t) { return double(std::lower_bound(v.begin(), v.end(), t) - v.begin()); };
  // High: the lowest threshold that keeps the rule (scan upwards).
  for (double t : candidates) {
    const double real_above = nr - below(real, t), fake_above = nf - below(fake, t);
    if (real_above / nr <= kBandMaxWrongShare && fake_above >= kBandMinSupport &&
        (fake_above / nf) / ((real_above + 0.5) / nr) >= kBandMinLikelihoodRatio) {
      b.high = t;
      break;
    }
  }
  // Low: the highest threshold that keeps the rule (scan downwards).
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    const double t = *it, real_below = below(real, t), fake_below = below(fake, t);
    if (fake_below / nf <= kBandMaxWrongShare && real_below >= kBandMinSupport &&
        (real_below / nr) / ((fake_below + 0.5) / nf) >= kBandMinLikelihoodRatio) {
      b.low = t;
      break;
    }
  }
  if (b.low > b.high) b.low = b.high = 0.5 * (b.low + b.high);
  return b;
}

TrainResult train_classifier(const Dataset& data, const TrainOptions& o, const Dataset* band_data) {
  TrainResult r;
  r.variant = o.variant;
  r.rows = int(data.x.size());
  r.fake = int(std::count(data.y.begin(), data.y.end(), 1));
  r.real = r.rows - r.fake;
  if (r.fake == 0 || r.real == 0) {
    throw Error(ErrorCode::kInvalidArgument, "training needs judged faces of both classes (got " + std::to_string(r.real) + " real, " +
                                                 std::to_string(r.fake) + " fake)");
  }
  {
    std::map<std::string, int> g, v;
    for (const auto& s : data.group) g[s];
    for (const auto& s : data.video) v[s];
    r.groups = int(g.size());
    r.videos = int(v.size());
  }
  r.fold_of_row = grouped_folds(data.group, o.folds, o.seed);

  // Per-fold standardised train / test sets, computed once.
  struct Fold {
    std::vector<std::vector<double>> xtr, xte;
    std::vector<int> ytr, yte;
    std::vector<std::size_t> test_rows;
  };
  std::vector<Fold> folds(o.folds);
  for (int f = 0; f < o.folds; ++f) {
    std::vector<std::vector<double>> raw;
    for (std::size_t i = 0; i < data.x.size(); ++i) if (r.fold_of_row[i] != f) raw.push_back(data.x[i]);
    const Standardiser s = Standardiser::fit(raw);
    for (std::size_t i = 0; i < data.x.size(); ++i) {
      if (r.fold_of_row[i] != f) { folds[f].xtr.push_back(s.apply(data.x[i])); folds[f].ytr.push_back(data.y[i]); }
      else { folds[f].xte.push_back(s.apply(data.x[i])); folds[f].yte.push_back(data.y[i]); folds[f].test_rows.push_back(i); }
    }
  }

  bool first = true;
  for (double lc : o.log2c) {
    for (double lg : o.log2g) {
      GridCell cell;
      cell.log2c = lc;
      cell.log2g = lg;
      double sum = 0;
      int used = 0;
      for (int f = 0; f < o.folds; ++f) {
        const Fold& fd = folds[f];
        const bool both = std::count(fd.yte.begin(), fd.yte.end(), 1) > 0 && std::count(fd.yte.begin(), fd.yte.end(), 0) > 0;
        const bool train_both = std::count(fd.ytr.begin(), fd.ytr.end(), 1) > 0 && std::count(fd.ytr.begin(), fd.ytr.end(), 0) > 0;
        if (!both || !train_both) { cell.fold_auroc.push_back(std::nan("")); continue; }
        const SvmModel m = SvmModel::train(fd.xtr, fd.ytr, std::pow(2.0, lc), std::pow(2.0, lg), false);
        std::vector<double> sc;
        for (const auto& x : fd.xte) sc.push_back(m.decision(x));
        const double a = auroc(sc, fd.yte);
        cell.fold_auroc.push_back(a);
        sum += a;
        ++used;
      }
      if (used == 0) throw Error(ErrorCode::kInvalidArgument, "no fold has both classes: cannot cross-validate");
      cell.cv_auroc = sum / used;
      if (o.verbose) std::fprintf(stderr, "  %s C=2^%g gamma=2^%g: CV AUROC %.4f\n", variant_name(o.variant), lc, lg, cell.cv_auroc);
      // Strictly better wins; the grid is scanned in increasing C then gamma, so ties keep the smaller.
      if (first || cell.cv_auroc > r.chosen.cv_auroc) r.chosen = cell;
      first = false;
      r.grid.push_back(cell);
    }
  }
  const double c = std::pow(2.0, r.chosen.log2c), g = std::pow(2.0, r.chosen.log2g);

  // Held-out probabilities of the chosen cell (for the bands when no band data is given).
  r.oof_probability.assign(data.x.size(), std::nan(""));
  if (!band_data) {
    for (int f = 0; f < o.folds; ++f) {
      const Fold& fd = folds[f];
      if (std::count(fd.ytr.begin(), fd.ytr.end(), 1) == 0 || std::count(fd.ytr.begin(), fd.ytr.end(), 0) == 0) continue;
      const SvmModel m = SvmModel::train(fd.xtr, fd.ytr, c, g, true, unsigned(o.seed));
      for (std::size_t k = 0; k < fd.xte.size(); ++k) r.oof_probability[fd.test_rows[k]] = m.probability_fake(fd.xte[k]);
    }
  }

  // Final model on all rows.
  r.standardiser = Standardiser::fit(data.x);
  std::vector<std::vector<double>> xs;
  for (const auto& x : data.x) xs.push_back(r.standardiser.apply(x));
  r.final_model = std::make_shared<const SvmModel>(SvmModel::train(xs, data.y, c, g, true, unsigned(o.seed)));
  const SvmModel& final_model = *r.final_model;
  r.libsvm_text = final_model.text();

  if (band_data) {
    std::vector<double> p;
    for (const auto& x : band_data->x) p.push_back(final_model.probability_fake(r.standardiser.apply(x)));
    r.bands = choose_bands(p, band_data->y);
    r.bands.source = "final model's P(fake) on the band (validation) data";
  } else {
    std::vector<double> p;
    std::vector<int> y;
    for (std::size_t i = 0; i < data.x.size(); ++i) {
      if (std::isfinite(r.oof_probability[i])) { p.push_back(r.oof_probability[i]); y.push_back(data.y[i]); }
    }
    r.bands = choose_bands(p, y);
    r.bands.source = "held-out (grouped cross-validation) P(fake) of the chosen cell";
  }
  if (!o.classifier_file) return r;  // a named feature set (research/extra_features.h): no classifier file
  // The std written to the file must be > 0; the floor keeps constant features at 0.
  r.classifier_text = Classifier::format(o.variant, data.camera, r.standardiser.mean, r.standardiser.std, r.bands.low, r.bands.high, o.band_rates, r.libsvm_text);
  Classifier::parse(r.classifier_text);  // round-trip check: what we write, the checker can load
  return r;
}

}  // namespace posecheck::research
