// `posecheck combine`: fits the cue combination (core/cue_combination.h) for
// a pose classifier and a blend classifier. Each classifier's recipe (its
// variant, the grid search and folds of svm_training.h) is run again on the
// feature tables to get held-out P(fake) per face, the same grouped folds for
// both; a logistic regression on the two held-out log-odds gives the weights
// (research/cue_stacking.h); the bands are chosen on the combined held-out
// P(fake) (svm_training.h's rule). Writes the combination file; prints a JSON
// report (inputs, per-cue CV AUROC, weights, bands) on stdout.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "classifier.h"
#include "cli_common.h"
#include "commands.h"
#include "cue_combination.h"
#include "cue_stacking.h"
#include "errors.h"
#include "feature_table.h"
#include "json_output.h"
#include "metrics.h"
#include "nested_cv.h"
#include "sha256.h"
#include "svm_training.h"

namespace posecheck::cli {
namespace {

using namespace research;

int usage(const std::string& why) {
  std::fprintf(stderr,
               "posecheck combine: %s\n"
               "usage: posecheck combine --features CSV... --model-dir DIR --out FILE [--folds 5] [--seed N]\n"
               "                         [--band-rates-from NESTED_PREDICTIONS.csv] [--decides]\n"
               "  DIR holds classifier.txt (the pose cue) and blend_classifier.txt (the blend cue); the combination\n"
               "  is fitted for exactly those files (their SHA-256 is written into it); --decides: it gives faces their\n"
               "  P(fake) (default: reported beside the blend cue, core/cue_combination.h)\n",
               why.c_str());
  return 2;
}

std::string sha_of(const std::string& text) { return sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

}  // namespace

int command_combine(const Args& args) {
  ParsedArgs parsed;
  TrainOptions o;
  try {
    parsed = parse_args(args, {"features", "model-dir", "out", "folds", "seed", "band-rates-from"}, {"decides"});
    if (!parsed.has("features")) throw UsageError("--features CSV is required");
    if (!parsed.has("model-dir")) throw UsageError("--model-dir DIR is required");
    if (!parsed.has("out")) throw UsageError("--out FILE is required");
    if (!parsed.positional.empty()) throw UsageError("unexpected argument '" + parsed.positional[0] + "'");
    o.folds = int(whole_number_option(parsed, "folds", 5, 2, 100));
    o.seed = std::uint64_t(whole_number_option(parsed, "seed", 1, 0, 1L << 52));
    o.classifier_file = false;
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  const std::string dir = parsed.get("model-dir", "");
  const std::string pose_text = read_text_file(dir + "/classifier.txt");
  const std::string blend_text = read_text_file(dir + "/blend_classifier.txt");
  const Classifier pose = Classifier::parse(pose_text);
  const Classifier blend = Classifier::parse(blend_text);
  if (is_blend_variant(pose.variant()) || pose.variant() == FeatureVariant::kTrack) return usage(dir + "/classifier.txt is not a pose classifier");
  if (!is_blend_variant(blend.variant())) return usage(dir + "/blend_classifier.txt is not a blend classifier");
  std::vector<double> band_rates;
  if (parsed.has("band-rates-from")) {
    const std::string path = parsed.get("band-rates-from", "");
    band_rates = held_out_band_rates(parse_nested_predictions(read_text_file(path), path));
  }

  std::vector<FeatureRow> rows;
  struct Input {
    std::string path, sha256;
    int rows;
  };
  std::vector<Input> inputs;
  for (const auto& path : parsed.options.at("features")) {
    const std::string text = read_text_file(path);
    auto part = parse_feature_csv(text, path);
    inputs.push_back({path, sha_of(text), int(part.size())});
    rows.insert(rows.end(), part.begin(), part.end());
  }
  const Dataset pose_data = make_dataset(rows, pose.variant());
  const Dataset blend_data = make_dataset(rows, blend.variant());
  if (pose_data.video != blend_data.video || pose_data.group != blend_data.group) {
    throw Error(ErrorCode::kInvalidArgument, "the pose and blend features cover different faces: use tables with both");
  }
  if (pose_data.camera != pose.camera()) {
    throw Error(ErrorCode::kInvalidArgument, std::string("the tables' poses were solved with the ") + camera_model_name(pose_data.camera) +
                                                 " camera, the pose classifier's with the " + camera_model_name(pose.camera()));
  }
  std::fprintf(stderr, "posecheck combine: %zu judged labelled faces; pose cue %s, blend cue %s; %d grouped folds\n", pose_data.x.size(),
               variant_name(pose.variant()), variant_name(blend.variant()), o.folds);
  o.variant = pose.variant();
  const TrainResult pose_cv = train_classifier(pose_data, o);
  o.variant = blend.variant();
  const TrainResult blend_cv = train_classifier(blend_data, o);
  const HeldOutPair held = held_out_pair(pose_cv.oof_probability, blend_cv.oof_probability, pose_data.y);
  const StackingFit fit = fit_cue_stacking(held.pose, held.blend, held.label);
  std::vector<double> stacked;
  for (std::size_t i = 0; i < held.label.size(); ++i) stacked.push_back(stacked_probability(fit, held.pose[i], held.blend[i]));
  const Bands bands = choose_bands(stacked, held.label);
  const std::string text =
      CueCombination::format(pose.sha256(), blend.sha256(), fit.pose_weight, fit.blend_weight, fit.bias, bands.low, bands.high, band_rates,
                             parsed.has("decides"));
  CueCombination::parse(text);  // the file must load
  const std::string out_path = parsed.get("out", "");
  {
    std::ofstream out(out_path, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw Error(ErrorCode::kIo, "cannot write " + out_path);
  }

  JsonWriter w;
  w.begin_object().key("tool").value("posecheck combine").key("inputs").begin_array();
  for (const auto& in : inputs) w.begin_object().key("path").value(in.path).key("sha256").value(in.sha256).key("rows").value(in.rows).end_object();
  w.end_array();
  w.key("pose_classifier").begin_object().key("sha256").value(pose.sha256()).key("variant").value(variant_name(pose.variant()));
  w.key("held_out_auroc").value(auroc(held.pose, held.label)).end_object();
  w.key("blend_classifier").begin_object().key("sha256").value(blend.sha256()).key("variant").value(variant_name(blend.variant()));
  w.key("held_out_auroc").value(auroc(held.blend, held.label)).end_object();
  w.key("folds").value(o.folds).key("seed").value(double(o.seed)).key("faces").value(int(held.label.size()));
  w.key("fit").value("logistic regression of the label on both cues' held-out log-odds (research/cue_stacking.h), ridge " +
                     std::to_string(kStackingRidge) + " on the weights");
  w.key("pose_weight").value(fit.pose_weight).key("blend_weight").value(fit.blend_weight).key("bias").value(fit.bias);
  w.key("combined_held_out_auroc").value(auroc(stacked, held.label)).key("note").value(
      "the combined AUROC here is on the rows the weights were fitted on (3 parameters): eval --nested --combine-with gives the leak-free figure");
  w.key("bands").begin_object().key("low").value(bands.low).key("high").value(bands.high).key("chosen_on").value(
      "combined held-out P(fake) of the rows above").end_object();
  w.key("decides").value(parsed.has("decides"));
  w.key("combination_sha256").value(sha_of(text)).end_object();
  std::printf("%s\n", w.str().c_str());
  return 0;
}

}  // namespace posecheck::cli
