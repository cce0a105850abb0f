// `posecheck eval`: frame- and video-level AUROC of a trained classifier on
// feature tables, with bootstrap 95% intervals (whole videos resampled, fixed
// seed), ROC points and plots; `--ablation` trains and evaluates all six
// feature variants (the layout of the paper's Table 1).
//
// Scores: P(fake) of each judged face. Faces that cannot be judged and
// images without a face have no score: they are counted (per class) and left
// out of the AUROC. Video score: the mean P(fake) of its judged faces.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>

#include "classifier.h"
#include "cli_common.h"
#include "errors.h"
#include "extra_features.h"
#include "feature_table.h"
#include "metrics.h"
#include "nested_cv.h"
#include "svm_training.h"

namespace posecheck::cli {
namespace {

using namespace research;

int usage(const std::string& why) {
  std::fprintf(stderr,
               "posecheck eval: %s\n"
               "usage: posecheck eval --model DIR|FILE --features CSV... [--roc FILE.csv] [--plot FILE.svg]\n"
               "                      [--cosine-hist FILE.svg] [--bootstrap N] [--seed N]\n"
               "       posecheck eval --ablation --train CSV... --val CSV... [--folds 5] [--seed N] [--bootstrap N]\n"
               "                      [--variant SPEC]...  (named feature sets, research/extra_features.h; default: the six paper variants)\n"
               "       posecheck eval --cosine-hist FILE.svg --features CSV...\n"
               "       posecheck eval --nested --features CSV... [--variant V]... [--outer-folds 5] [--folds 5]\n"
               "                      [--seed N] [--bootstrap N] [--predictions OUT.csv] [--subset NAME=GROUP_REGEX]...\n"
               "                      [--combine-with POSE_VARIANT]  (the --variant candidates are the blend cue; core/cue_combination.h)\n"
               "                      [--train-extra CSV... [--extra-fakes-only | --extra-only]]  (training-only rows, e.g. features --self-blend / --degrade)\n"
               "       posecheck eval --held-out PREDICTIONS.csv [--subset NAME=GROUP_REGEX]... [--bootstrap N]\n"
               "                      (leak-free: every choice made inside each outer fold; research/nested_cv.h)\n",
               why.c_str());
  return 2;
}

std::vector<FeatureRow> load(const std::vector<std::string>& paths) {
  std::vector<FeatureRow> all;
  for (const auto& p : paths) {
    auto rows = read_feature_csv(p);
    all.insert(all.end(), rows.begin(), rows.end());
  }
  return all;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

struct Scored {
  std::vector<double> score;
  std::vector<int> label;
  std::vector<std::string> video;
};

Scored score_rows(const std::vector<FeatureRow>& rows, const std::function<double(const std::vector<double>&)>& p_fake,
                  FeatureVariant variant) {
  Scored s;
  if (variant == FeatureVariant::kTrack) {  // one score per track, from its track columns
    const Dataset d = make_dataset(rows, variant);
    for (std::size_t i = 0; i < d.x.size(); ++i) {
      s.score.push_back(p_fake(d.x[i]));
      s.label.push_back(d.y[i]);
      s.video.push_back(d.video[i]);
    }
    return s;
  }
  for (const auto& r : rows) {
    if (r.status != "ok" || r.label_value() < 0) continue;
    if (is_blend_variant(variant)) {  // faces whose surroundings were in the image
      if (!r.extra.count("blend_0")) continue;
      s.score.push_back(p_fake(r.blend_features(variant)));
      s.label.push_back(r.label_value());
      s.video.push_back(r.video);
      continue;
    }
    s.score.push_back(p_fake(r.features(variant)));
    s.label.push_back(r.label_value());
    s.video.push_back(r.video);
  }
  return s;
}

void report_unscored(const std::vector<FeatureRow>& rows) {
  int n[2][3] = {{0, 0, 0}, {0, 0, 0}}, unlabelled = 0;
  for (const auto& r : rows) {
    const int l = r.label_value();
    if (l < 0) { ++unlabelled; continue; }
    n[l][r.status == "ok" ? 0 : r.status == "cannot_judge" ? 1 : 2]++;
  }
  std::printf("rows: real %d judged, %d cannot_judge, %d no_face; fake %d judged, %d cannot_judge, %d no_face; %d unlabelled (not scored)\n",
              n[0][0], n[0][1], n[0][2], n[1][0], n[1][1], n[1][2], unlabelled);
}

std::string interval_text(const Interval& i) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", i.estimate, i.low, i.high);
  return buf;
}

void cosine_hist(const std::vector<FeatureRow>& rows, const std::string& path) {
  std::vector<double> real, fake, all;
  for (const auto& r : rows) {
    if (r.status != "ok" || r.label_value() < 0) continue;
    (r.label_value() == 1 ? fake : real).push_back(r.cosine_distance);
    all.push_back(r.cosine_distance);
  }
  if (real.empty() || fake.empty()) throw Error(ErrorCode::kInvalidArgument, "cosine histogram needs judged faces of both classes");
  std::sort(all.begin(), all.end());
  const double hi = std::max(all[std::size_t(0.99 * double(all.size() - 1))], 1e-9);
  write_text(path, histogram_svg(real, fake, 0, hi, 40, "Cosine distance of whole vs central head orientation (cf. paper Fig. 3)",
                                 "1 - va.vc (values above the 99th percentile in the last bin)"));
  std::printf("wrote %s (real n=%zu, fake n=%zu)\n", path.c_str(), real.size(), fake.size());
}

int run_ablation(const ParsedArgs& parsed) {
  const auto train_rows = load(parsed.options.at("train"));
  const auto val_rows = load(parsed.options.at("val"));
  TrainOptions o;
  o.folds = int(parsed.get_number("folds", 5));
  o.seed = std::uint64_t(parsed.get_number("seed", 1));
  const int boot = int(parsed.get_number("bootstrap", 2000));
  std::printf("train: ");
  report_unscored(train_rows);
  std::printf("val:   ");
  report_unscored(val_rows);
  if (parsed.has("variant")) {
    // Named feature sets (beyond the paper): same grid, folds and final model rules.
    std::printf("\n| features | rows train / val (skipped) | grouped CV AUROC (train) | chosen C, gamma | frame AUROC (val) [95%% CI] | video AUROC (val) [95%% CI] |\n");
    std::printf("|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const auto& spec : parsed.options.at("variant")) {
      const SpecResult r = train_and_score_spec(train_rows, val_rows, spec, o);
      const auto a = auroc_with_intervals(r.val.video, r.val_p_fake, r.val.y, boot);
      const bool video = spec.rfind("video:", 0) == 0;
      std::printf("| %s | %d / %d (%d / %d) | %.3f | 2^%g, 2^%g | %s | %s |\n", spec.c_str(), r.train_rows, r.val_rows, r.train_skipped,
                  r.val_skipped, r.cv_auroc, r.log2c, r.log2g, video ? "(video level)" : interval_text(a.frame).c_str(),
                  interval_text(a.video).c_str());
      std::fflush(stdout);
    }
    return 0;
  }
  std::printf("\n| features | grouped CV AUROC (train) | chosen C, gamma | frame AUROC (val) [95%% CI] | video AUROC (val) [95%% CI] |\n");
  std::printf("|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (auto v : all_variants()) {
    o.variant = v;
    const Dataset d = make_dataset(train_rows, v);
    const TrainResult r = train_classifier(d, o);
    const Classifier c = Classifier::parse(r.classifier_text);
    const Scored s = score_rows(val_rows, [&](const std::vector<double>& x) { return c.probability_fake(x); }, v);
    const auto a = auroc_with_intervals(s.video, s.score, s.label, boot);
    std::printf("| %s | %.3f | 2^%g, 2^%g | %s | %s |\n", variant_name(v), r.chosen.cv_auroc, r.chosen.log2c, r.chosen.log2g,
                interval_text(a.frame).c_str(), interval_text(a.video).c_str());
    std::fflush(stdout);
  }
  return 0;
}

// The held-out figures of nested CV predictions: AUROC with intervals,
// subsets (--subset), the spread over groups, and the bands' shares.
void report_held_out(const ParsedArgs& parsed, const NestedResult& r, int boot) {
  const auto a = auroc_with_intervals(r.video, r.p_fake, r.label, boot);
  const VideoScores vs = video_level(r.video, r.p_fake, r.label);
  std::printf("\nheld-out row AUROC %s  (%zu rows: faces, or videos for video-level sets)\n", interval_text(a.frame).c_str(), r.p_fake.size());
  std::printf("held-out video AUROC %s  (%zu videos; bootstrap over videos)\n", interval_text(a.video).c_str(), vs.video.size());

  // Subsets of the held-out rows by group name (e.g. one data set of a pooled table), each with its intervals.
  if (parsed.has("subset")) {
    for (const auto& spec : parsed.options.at("subset")) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos) throw Error(ErrorCode::kInvalidArgument, "--subset needs NAME=GROUP_REGEX");
      std::regex pattern;
      try {
        pattern = std::regex(spec.substr(eq + 1));
      } catch (const std::regex_error&) {
        throw Error(ErrorCode::kInvalidArgument, "--subset " + spec + ": not a regular expression");
      }
      std::vector<double> p;
      std::vector<int> y;
      std::vector<std::string> v;
      for (std::size_t i = 0; i < r.p_fake.size(); ++i) {
        if (!std::regex_search(r.group[i], pattern)) continue;
        p.push_back(r.p_fake[i]);
        y.push_back(r.label[i]);
        v.push_back(r.video[i]);
      }
      if (std::count(y.begin(), y.end(), 1) == 0 || std::count(y.begin(), y.end(), 0) == 0) {
        std::printf("subset %s: %zu rows, not both classes\n", spec.substr(0, eq).c_str(), p.size());
        continue;
      }
      const auto sa = auroc_with_intervals(v, p, y, boot);
      std::printf("subset %s: held-out row AUROC %s, video AUROC %s  (%zu rows, %zu videos)\n", spec.substr(0, eq).c_str(),
                  interval_text(sa.frame).c_str(), interval_text(sa.video).c_str(), p.size(), video_level(v, p, y).video.size());
    }
  }
  // Spread over groups (face-swap pairs / video ids): AUROC within each group that has both classes.
  std::map<std::string, std::pair<std::vector<double>, std::vector<int>>> by_group;
  for (std::size_t i = 0; i < r.p_fake.size(); ++i) {
    by_group[r.group[i]].first.push_back(r.p_fake[i]);
    by_group[r.group[i]].second.push_back(r.label[i]);
  }
  std::vector<double> per_group;
  std::string listing;
  for (const auto& [g, sl] : by_group) {
    const auto& [s, l] = sl;
    const long fakes = std::count(l.begin(), l.end(), 1);
    if (fakes == 0 || fakes == long(l.size())) continue;
    per_group.push_back(auroc(s, l));
    char buf[96];
    std::snprintf(buf, sizeof buf, " %s %.2f", g.c_str(), per_group.back());
    listing += buf;
  }
  if (!per_group.empty()) {
    std::printf("per-group frame AUROC (%zu groups with both classes): min %.3f, median %.3f, max %.3f;%s\n", per_group.size(),
                *std::min_element(per_group.begin(), per_group.end()), median(per_group),
                *std::max_element(per_group.begin(), per_group.end()), listing.c_str());
  }
  int n[2][3] = {{0, 0, 0}, {0, 0, 0}};
  for (std::size_t i = 0; i < r.p_fake.size(); ++i) n[r.label[i]][int(r.band[i])]++;
  const double nr = n[0][0] + n[0][1] + n[0][2], nf = n[1][0] + n[1][1] + n[1][2];
  std::printf("held-out bands (faces): real %.1f%% little_evidence / %.1f%% uncertain / %.1f%% substantial_evidence; "
              "fake %.1f%% / %.1f%% / %.1f%%\n",
              100 * n[0][0] / nr, 100 * n[0][1] / nr, 100 * n[0][2] / nr, 100 * n[1][0] / nf, 100 * n[1][1] / nf, 100 * n[1][2] / nf);
}

int run_nested(const ParsedArgs& parsed) {
  const auto rows = load(parsed.options.at("features"));
  NestedOptions o;
  if (parsed.has("variant")) o.candidates = parsed.options.at("variant");
  o.outer_folds = int(parsed.get_number("outer-folds", 5));
  o.inner.folds = int(parsed.get_number("folds", 5));
  o.inner.seed = std::uint64_t(parsed.get_number("seed", 1));
  o.verbose = true;
  o.combine_with = parsed.get("combine-with", "");
  if (parsed.has("train-extra")) o.train_extra = load(parsed.options.at("train-extra"));
  if (parsed.has("extra-fakes-only")) o.extra_use = ExtraUse::kFakesOnly;
  if (parsed.has("extra-only")) o.extra_use = ExtraUse::kOnly;
  const int boot = int(parsed.get_number("bootstrap", 2000));
  report_unscored(rows);
  std::printf("nested grouped CV: %d outer folds by group, inner %d-fold grid search; candidates:", o.outer_folds, o.inner.folds);
  for (const auto& c : o.candidates) std::printf(" %s", c.c_str());
  if (!o.combine_with.empty()) std::printf("; combined with the pose cue %s (cue_stacking.h)", o.combine_with.c_str());
  if (!o.train_extra.empty()) {
    std::printf("; %zu extra training-only rows%s", o.train_extra.size(),
                o.extra_use == ExtraUse::kFakesOnly ? ", the only training fakes (real fakes are scored, never trained on)"
                : o.extra_use == ExtraUse::kOnly    ? ", the only training rows (the --features rows are scored, never trained on)"
                                                    : "");
  }
  std::printf("\n");
  std::fflush(stdout);
  const NestedResult r = nested_cross_validation(rows, o);

  std::printf("\n| outer fold | train (extra) / test rows | chosen features | C, gamma | inner CV AUROC | bands chosen inside |\n|---|---|---|---|---|---|\n");
  for (std::size_t f = 0; f < r.choices.size(); ++f) {
    const auto& c = r.choices[f];
    std::printf("| %zu | %d (%d) / %d | %s | 2^%g, 2^%g | %.3f | [%.3f, %.3f] |\n", f + 1, c.train_rows, c.extra_train_rows, c.test_rows,
                c.candidate.c_str(), c.log2c, c.log2g, c.inner_cv_auroc, c.bands.low, c.bands.high);
  }
  if (!o.combine_with.empty()) {
    std::printf("\n| outer fold | pose cue C, gamma | pose inner CV AUROC | combination: pose weight, blend weight, bias |\n|---|---|---|---|\n");
    for (std::size_t f = 0; f < r.choices.size(); ++f) {
      const auto& c = r.choices[f];
      std::printf("| %zu | 2^%g, 2^%g | %.3f | %.3f, %.3f, %+.3f |\n", f + 1, c.pose_log2c, c.pose_log2g, c.pose_inner_cv_auroc,
                  c.stacking.pose_weight, c.stacking.blend_weight, c.stacking.bias);
    }
    // Each cue alone, held out in the same run (same outer folds and models).
    for (const auto& [name, p] : {std::pair<const char*, const std::vector<double>*>{"pose cue alone", &r.pose_p_fake},
                                  {"blend cue alone", &r.blend_p_fake}}) {
      const auto a = auroc_with_intervals(r.video, *p, r.label, boot);
      std::printf("%s: held-out row AUROC %s, video AUROC %s\n", name, interval_text(a.frame).c_str(), interval_text(a.video).c_str());
    }
    std::printf("combination (below):");
  }
  report_held_out(parsed, r, boot);
  if (parsed.has("predictions")) write_text(parsed.get("predictions", ""), nested_predictions_csv(r));
  return 0;
}

}  // namespace

int command_eval(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"model", "features", "roc", "plot", "cosine-hist", "bootstrap", "seed", "train", "val", "folds", "variant", "outer-folds", "predictions", "subset", "held-out", "combine-with", "train-extra"}, {"ablation", "nested", "extra-fakes-only", "extra-only"});
    if (!parsed.positional.empty()) throw UsageError("unexpected argument '" + parsed.positional[0] + "'");
    const double b = parsed.get_number("bootstrap", 2000);
    if (b < 0 || b != std::floor(b)) throw UsageError("--bootstrap must be a whole number >= 0");
    if (parsed.has("held-out")) {
      // reported from the saved predictions alone
    } else if (parsed.has("nested")) {
      if (!parsed.has("features")) throw UsageError("--nested needs --features CSV...");
      const double f = parsed.get_number("folds", 5), of = parsed.get_number("outer-folds", 5);
      if (f < 2 || f != std::floor(f) || of < 2 || of != std::floor(of)) throw UsageError("--folds and --outer-folds must be whole numbers >= 2");
      if (parsed.has("extra-fakes-only") && !parsed.has("train-extra")) throw UsageError("--extra-fakes-only needs --train-extra CSV...");
      if (parsed.has("extra-only") && !parsed.has("train-extra")) throw UsageError("--extra-only needs --train-extra CSV...");
      if (parsed.has("extra-only") && parsed.has("extra-fakes-only")) throw UsageError("give one of --extra-only and --extra-fakes-only");
      if (parsed.has("train-extra") && parsed.has("combine-with")) throw UsageError("--train-extra is not supported with --combine-with");
    } else if (parsed.has("ablation")) {
      if (!parsed.has("train") || !parsed.has("val")) throw UsageError("--ablation needs --train CSV... and --val CSV...");
      const double f = parsed.get_number("folds", 5);
      if (f < 2 || f != std::floor(f)) throw UsageError("--folds must be a whole number >= 2");
    } else if (!parsed.has("features")) {
      throw UsageError("--features CSV is required");
    } else if (!parsed.has("model") && !parsed.has("cosine-hist")) {
      throw UsageError("--model DIR is required");
    }
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  if (parsed.has("held-out")) {
    try {
      const std::string path = parsed.get("held-out", "");
      report_held_out(parsed, parse_nested_predictions(read_text_file(path), path), int(parsed.get_number("bootstrap", 2000)));
      return 0;
    } catch (const Error& e) {
      return usage(e.what());
    }
  }
  if (parsed.has("nested")) {
    try {
      return run_nested(parsed);
    } catch (const Error& e) {
      return usage(e.what());
    }
  }
  if (parsed.has("variant") && !parsed.has("ablation")) return usage("--variant needs --ablation or --nested");
  if (parsed.has("ablation")) {
    try {
      return run_ablation(parsed);
    } catch (const Error& e) {
      return usage(e.what());
    }
  }

  const auto rows = load(parsed.options.at("features"));
  if (parsed.has("cosine-hist")) cosine_hist(rows, parsed.get("cosine-hist", ""));
  if (!parsed.has("model")) return 0;

  std::string model = parsed.get("model", "");
  if (model.size() < 4 || model.compare(model.size() - 4, 4, ".txt") != 0) model += "/classifier.txt";
  const Classifier c = Classifier::parse(read_text_file(model));
  const FeatureVariant v = c.variant();
  report_unscored(rows);
  const Scored s = score_rows(rows, [&](const std::vector<double>& x) { return c.probability_fake(x); }, v);
  const int boot = int(parsed.get_number("bootstrap", 2000));
  const std::uint64_t seed = std::uint64_t(parsed.get_number("seed", 20190512));
  const auto a = auroc_with_intervals(s.video, s.score, s.label, boot, seed);
  const VideoScores vs = video_level(s.video, s.score, s.label);
  std::printf("model %s (variant %s, sha256 %s)\n", model.c_str(), variant_name(v), c.sha256().c_str());
  std::printf("frame AUROC %s  (%zu faces)\n", interval_text(a.frame).c_str(), s.score.size());
  std::printf("video AUROC %s  (%zu videos; bootstrap %d resamples of videos)\n", interval_text(a.video).c_str(), vs.video.size(),
              a.frame.resamples);
  int band_n[2][3] = {{0, 0, 0}, {0, 0, 0}};
  for (std::size_t i = 0; i < s.score.size(); ++i) band_n[s.label[i]][int(c.band(s.score[i]))]++;
  std::printf("bands [%.3f, %.3f]: real faces %d little_evidence / %d uncertain / %d substantial_evidence; fake faces %d / %d / %d\n", c.band_low(),
              c.band_high(), band_n[0][0], band_n[0][1], band_n[0][2], band_n[1][0], band_n[1][1], band_n[1][2]);

  const auto frame_roc = roc_curve(s.score, s.label);
  const auto video_roc = roc_curve(vs.score, vs.label);
  if (parsed.has("roc")) {
    std::string csv = "level,threshold,fpr,tpr\n";
    char buf[128];
    for (const auto& p : frame_roc) { std::snprintf(buf, sizeof buf, "frame,%.10g,%.6f,%.6f\n", p.threshold, p.fpr, p.tpr); csv += buf; }
    for (const auto& p : video_roc) { std::snprintf(buf, sizeof buf, "video,%.10g,%.6f,%.6f\n", p.threshold, p.fpr, p.tpr); csv += buf; }
    write_text(parsed.get("roc", ""), csv);
  }
  if (parsed.has("plot")) {
    write_text(parsed.get("plot", ""), roc_svg({{"frame", frame_roc, a.frame.estimate}, {"video", video_roc, a.video.estimate}},
                                               std::string("ROC, variant ") + variant_name(v)));
  }
  return 0;
}

}  // namespace posecheck::cli
