#include "nested_cv.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <cmath>
#include <cstdlib>

#include "errors.h"
#include "extra_features.h"

namespace posecheck::research {
namespace {

Dataset subset(const Dataset& d, const std::vector<int>& fold, int f, bool in_fold) {
  Dataset s;
  s.camera = d.camera;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    if ((fold[i] == f) != in_fold) continue;
    s.x.push_back(d.x[i]);
    s.y.push_back(d.y[i]);
    s.group.push_back(d.group[i]);
    s.video.push_back(d.video[i]);
  }
  return s;
}

// `train` plus the extra rows whose groups are not in `held_out`; without the
// fakes of `train` (kFakesOnly) or any of its rows (kOnly). Returns how many
// extra rows were added.
int add_extra(Dataset& train, const Dataset& extra, const std::set<std::string>& held_out, ExtraUse use) {
  if (use != ExtraUse::kAdd) {
    Dataset kept;  // kFakesOnly: the training folds' reals; kOnly: nothing
    kept.camera = train.camera;
    for (std::size_t i = 0; use == ExtraUse::kFakesOnly && i < train.x.size(); ++i) {
      if (train.y[i] == 1) continue;
      kept.x.push_back(train.x[i]);
      kept.y.push_back(0);
      kept.group.push_back(train.group[i]);
      kept.video.push_back(train.video[i]);
    }
    train = std::move(kept);
  }
  int added = 0;
  for (std::size_t i = 0; i < extra.x.size(); ++i) {
    if (held_out.count(extra.group[i])) continue;
    train.x.push_back(extra.x[i]);
    train.y.push_back(extra.y[i]);
    train.group.push_back(extra.group[i]);
    train.video.push_back(extra.video[i]);
    ++added;
  }
  return added;
}

// A classifier-file variant (the paper's six, "track", "blend" or "blend_sectors"): make_dataset.
bool is_classifier_variant(const std::string& name) {
  for (auto v : all_variants())
    if (name == variant_name(v)) return true;
  return name == variant_name(FeatureVariant::kTrack) || name == variant_name(FeatureVariant::kBlend) ||
         name == variant_name(FeatureVariant::kBlendSectors);
}

}  // namespace

NestedResult nested_cross_validation(const std::vector<FeatureRow>& rows, const NestedOptions& o) {
  if (o.candidates.empty()) throw Error(ErrorCode::kInvalidArgument, "nested CV needs at least one candidate feature set");
  std::vector<Dataset> data;
  for (const auto& c : o.candidates) data.push_back(is_classifier_variant(c) ? make_dataset(rows, parse_variant(c)) : make_spec_dataset(rows, c, nullptr));
  const Dataset& first = data.front();
  if (first.x.empty()) throw Error(ErrorCode::kInvalidArgument, "no judged, labelled rows to evaluate");
  for (std::size_t k = 1; k < data.size(); ++k) {
    if (data[k].video != first.video || data[k].group != first.group) {
      throw Error(ErrorCode::kInvalidArgument, "candidates '" + o.candidates[0] + "' and '" + o.candidates[k] +
                                                   "' cover different rows (mixing frame and video level, or missing columns)");
    }
  }
  std::vector<Dataset> extra;
  if (!o.train_extra.empty() || o.extra_use != ExtraUse::kAdd) {
    if (!o.combine_with.empty()) throw Error(ErrorCode::kInvalidArgument, "extra training rows are not supported with a combination");
    for (const auto& c : o.candidates)
      extra.push_back(is_classifier_variant(c) ? make_dataset(o.train_extra, parse_variant(c)) : make_spec_dataset(o.train_extra, c, nullptr));
    if (extra.front().x.empty()) throw Error(ErrorCode::kInvalidArgument, "the extra training rows have no judged, labelled rows for '" + o.candidates[0] + "'");
    const auto& ey = extra.front().y;
    if (o.extra_use != ExtraUse::kAdd && std::none_of(ey.begin(), ey.end(), [](int y) { return y == 1; })) {
      throw Error(ErrorCode::kInvalidArgument, "training fakes from the extra rows alone, but they hold no fakes");
    }
    if (o.extra_use == ExtraUse::kOnly && std::none_of(ey.begin(), ey.end(), [](int y) { return y == 0; })) {
      throw Error(ErrorCode::kInvalidArgument, "training on the extra rows alone, but they hold no reals");
    }
  }
  std::optional<Dataset> pose_data;
  if (!o.combine_with.empty()) {
    pose_data = make_dataset(rows, parse_variant(o.combine_with));
    if (pose_data->video != first.video || pose_data->group != first.group) {
      throw Error(ErrorCode::kInvalidArgument, "the pose cue '" + o.combine_with + "' and '" + o.candidates[0] + "' cover different rows");
    }
  }
  const std::vector<int> fold = grouped_folds(first.group, o.outer_folds, o.outer_seed);

  NestedResult r;
  r.p_fake.assign(first.x.size(), 0);
  r.band.assign(first.x.size(), EvidenceBand::kUncertain);
  r.label = first.y;
  r.group = first.group;
  r.video = first.video;
  r.outer_fold = fold;
  if (pose_data) {
    r.pose_p_fake.assign(first.x.size(), 0);
    r.blend_p_fake.assign(first.x.size(), 0);
  }
  for (int f = 0; f < o.outer_folds; ++f) {
    NestedChoice best{};
    std::optional<TrainResult> best_model;
    std::size_t best_k = 0;
    std::set<std::string> held_out;
    for (std::size_t i = 0; i < fold.size(); ++i)
      if (fold[i] == f) held_out.insert(first.group[i]);
    for (std::size_t k = 0; k < o.candidates.size(); ++k) {
      Dataset train = subset(data[k], fold, f, false);
      const int extra_rows = extra.empty() ? 0 : add_extra(train, extra[k], held_out, o.extra_use);
      TrainOptions inner = o.inner;
      inner.classifier_file = false;
      if (is_classifier_variant(o.candidates[k])) inner.variant = parse_variant(o.candidates[k]);
      TrainResult t = train_classifier(train, inner);
      if (o.verbose) {
        std::fprintf(stderr, "  outer fold %d/%d, %s: inner CV AUROC %.4f (C 2^%g, gamma 2^%g)\n", f + 1, o.outer_folds,
                     o.candidates[k].c_str(), t.chosen.cv_auroc, t.chosen.log2c, t.chosen.log2g);
      }
      if (!best_model || t.chosen.cv_auroc > best.inner_cv_auroc) {
        best = NestedChoice{};
        best.candidate = o.candidates[k];
        best.log2c = t.chosen.log2c;
        best.log2g = t.chosen.log2g;
        best.inner_cv_auroc = t.chosen.cv_auroc;
        best.bands = t.bands;
        best.train_rows = t.rows;
        best.extra_train_rows = extra_rows;
        best_model = std::move(t);
        best_k = k;
      }
    }
    const TrainResult& m = *best_model;
    std::optional<TrainResult> pose;
    if (pose_data) {
      TrainOptions inner = o.inner;
      inner.classifier_file = false;
      inner.variant = parse_variant(o.combine_with);
      const Dataset pose_train = subset(*pose_data, fold, f, false);
      pose = train_classifier(pose_train, inner);
      // Both models' held-out P(fake) come from the same inner folds (same
      // rows, groups and seed), so they line up row by row.
      const HeldOutPair held = held_out_pair(pose->oof_probability, m.oof_probability, pose_train.y);
      best.stacking = fit_cue_stacking(held.pose, held.blend, held.label);
      std::vector<double> stacked;
      for (std::size_t i = 0; i < held.label.size(); ++i) stacked.push_back(stacked_probability(best.stacking, held.pose[i], held.blend[i]));
      best.bands = choose_bands(stacked, held.label);
      best.pose_log2c = pose->chosen.log2c;
      best.pose_log2g = pose->chosen.log2g;
      best.pose_inner_cv_auroc = pose->chosen.cv_auroc;
      if (o.verbose) {
        std::fprintf(stderr, "  outer fold %d/%d, pose cue %s: inner CV AUROC %.4f; combination %.3f x pose + %.3f x blend %+.3f\n", f + 1,
                     o.outer_folds, o.combine_with.c_str(), pose->chosen.cv_auroc, best.stacking.pose_weight, best.stacking.blend_weight,
                     best.stacking.bias);
      }
    }
    const Bands& bands = pose ? best.bands : m.bands;
    for (std::size_t i = 0; i < fold.size(); ++i) {
      if (fold[i] != f) continue;
      r.p_fake[i] = m.final_model->probability_fake(m.standardiser.apply(data[best_k].x[i]));
      if (pose) {
        r.blend_p_fake[i] = r.p_fake[i];
        r.pose_p_fake[i] = pose->final_model->probability_fake(pose->standardiser.apply(pose_data->x[i]));
        r.p_fake[i] = stacked_probability(best.stacking, r.pose_p_fake[i], r.blend_p_fake[i]);
      }
      // The band rule of Classifier::band with the thresholds chosen inside.
      r.band[i] = r.p_fake[i] < bands.low ? EvidenceBand::kLittleEvidence
                  : r.p_fake[i] >= bands.high ? EvidenceBand::kSubstantialEvidence : EvidenceBand::kUncertain;
      ++best.test_rows;
    }
    r.choices.push_back(best);
  }
  return r;
}

std::string nested_predictions_csv(const NestedResult& r) {
  std::string csv = std::string(kNestedPredictionsHeader) + "\n";
  for (std::size_t i = 0; i < r.p_fake.size(); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, ",%d,%.6f,", r.outer_fold[i] + 1, r.p_fake[i]);
    csv += csv_line({r.group[i], r.video[i], r.label[i] ? "fake" : "real"}) + buf + band_name(r.band[i]) + "\n";
  }
  return csv;
}

NestedResult parse_nested_predictions(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kNestedPredictionsHeader) {
    throw Error(ErrorCode::kInvalidArgument, path + ": not a `posecheck eval --nested --predictions` file");
  }
  NestedResult r;
  int ln = 1;
  while (std::getline(in, line)) {
    ++ln;
    if (line.empty()) continue;
    const auto f = split_csv_line(line);
    char* end = nullptr;
    const double p = f.size() == 6 ? std::strtod(f[4].c_str(), &end) : NAN;
    int band = -1;
    for (int k = 0; k < 3; ++k) if (f.size() == 6 && f[5] == band_name(EvidenceBand(k))) band = k;
    if (f.size() != 6 || (f[2] != "real" && f[2] != "fake") || !(p >= 0 && p <= 1) || band < 0) {
      throw Error(ErrorCode::kInvalidArgument, path + ", line " + std::to_string(ln) + ": bad prediction row");
    }
    r.group.push_back(f[0]);
    r.video.push_back(f[1]);
    r.label.push_back(f[2] == "fake");
    r.outer_fold.push_back(std::atoi(f[3].c_str()) - 1);
    r.p_fake.push_back(p);
    r.band.push_back(EvidenceBand(band));
  }
  return r;
}


std::vector<double> held_out_band_rates(const NestedResult& r) {
  double n[2][3] = {{0, 0, 0}, {0, 0, 0}};
  for (std::size_t i = 0; i < r.band.size(); ++i) n[r.label[i]][int(r.band[i])] += 1;
  std::vector<double> rates;
  for (int l = 0; l < 2; ++l) {
    const double total = n[l][0] + n[l][1] + n[l][2];
    if (total == 0) throw Error(ErrorCode::kInvalidArgument, std::string("the predictions have no ") + (l ? "fake" : "real") + " rows");
    for (int b = 0; b < 3; ++b) rates.push_back(n[l][b] / total);
  }
  return rates;
}

}  // namespace posecheck::research
