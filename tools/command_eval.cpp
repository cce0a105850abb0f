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

#include "classifier.h"
#include "cli_common.h"
#include "errors.h"
#include "extra_features.h"
#include "feature_table.h"
#include "metrics.h"
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
               "                      [--variant SPEC]...  (named feature sets, tools/extra_features.h; default: the six paper variants)\n"
               "       posecheck eval --cosine-hist FILE.svg --features CSV...\n",
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
  for (const auto& r : rows) {
    if (r.status != "ok" || r.label_value() < 0) continue;
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

}  // namespace

int command_eval(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"model", "features", "roc", "plot", "cosine-hist", "bootstrap", "seed", "train", "val", "folds", "variant"}, {"ablation"});
    if (!parsed.positional.empty()) throw UsageError("unexpected argument '" + parsed.positional[0] + "'");
    const double b = parsed.get_number("bootstrap", 2000);
    if (b < 0 || b != std::floor(b)) throw UsageError("--bootstrap must be a whole number >= 0");
    if (parsed.has("ablation")) {
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
  if (parsed.has("variant") && !parsed.has("ablation")) return usage("--variant needs --ablation");
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
  std::printf("bands [%.3f, %.3f]: real faces %d likely_real / %d inconclusive / %d likely_fake; fake faces %d / %d / %d\n", c.band_low(),
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
