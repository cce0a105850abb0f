// `posecheck train`: an SVM classifier from feature tables (`posecheck
// features`), selected by grouped cross-validation. Writes DIR/classifier.txt
// (the checker's model format) and DIR/training.json (inputs with SHA-256,
// the grid with CV AUROC per cell, the choice, counts, bands). The rules
// (folds, selection, bands) are documented in svm_training.h.
#include <cerrno>
#include <cmath>
#include <optional>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "classifier.h"
#include "cli_common.h"
#include "errors.h"
#include "feature_table.h"
#include "json_output.h"
#include "nested_cv.h"
#include "sha256.h"
#include "svm_training.h"

namespace posecheck::cli {
namespace {

using namespace research;

int usage(const std::string& why) {
  std::fprintf(stderr,
               "posecheck train: %s\n"
               "usage: posecheck train --features CSV... --out DIR [--variant vec|vec_t|rvec|rvec_t|rmat|rmat_t|track|blend|blend_sectors] [--folds 5]\n"
               "                       [--seed N] [--val CSV...] [--band-rates-from NESTED_PREDICTIONS.csv] [--verbose]\n"
               "  several --variant: the one with the highest grouped CV AUROC is kept\n"
               "  --val: choose the evidence bands on this validation data (default: held-out CV predictions)\n",
               why.c_str());
  return 2;
}

void make_dirs(const std::string& dir) {
  std::string cur;
  for (std::size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!cur.empty() && mkdir(cur.c_str(), 0777) != 0 && errno != EEXIST) throw Error(ErrorCode::kIo, "cannot create directory " + cur);
    }
    if (i < dir.size()) cur += dir[i];
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

std::string sha_of(const std::string& text) { return sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()); }

struct Loaded {
  std::vector<FeatureRow> rows;
  std::vector<std::string> paths, hashes;
  std::vector<int> row_counts;
};

Loaded load_tables(const std::vector<std::string>& paths) {
  Loaded l;
  for (const auto& p : paths) {
    const std::string text = read_whole_file(p);
    auto rows = parse_feature_csv(text, p);
    l.paths.push_back(p);
    l.hashes.push_back(sha_of(text));
    l.row_counts.push_back(int(rows.size()));
    l.rows.insert(l.rows.end(), rows.begin(), rows.end());
  }
  return l;
}

void write_inputs(JsonWriter& w, const Loaded& l) {
  w.begin_array();
  for (std::size_t i = 0; i < l.paths.size(); ++i) {
    w.begin_object().key("path").value(l.paths[i]).key("sha256").value(l.hashes[i]).key("rows").value(l.row_counts[i]).end_object();
  }
  w.end_array();
}

}  // namespace

int command_train(const Args& args) {
  ParsedArgs parsed;
  TrainOptions o;
  try {
    parsed = parse_args(args, {"features", "variant", "out", "folds", "seed", "val", "band-rates-from"}, {"verbose"});
    if (!parsed.has("features")) throw UsageError("--features CSV is required");
    if (!parsed.has("out")) throw UsageError("--out DIR is required");
    if (!parsed.positional.empty()) throw UsageError("unexpected argument '" + parsed.positional[0] + "'");
    o.folds = int(whole_number_option(parsed, "folds", 5, 2, 100));
    o.seed = std::uint64_t(whole_number_option(parsed, "seed", 1, 0, 1L << 52));
    o.variant = parse_variant(parsed.get("variant", variant_name(kDefaultVariant)));
    if (parsed.has("variant")) for (const auto& v : parsed.options.at("variant")) parse_variant(v);
    o.verbose = parsed.has("verbose");
  } catch (const UsageError& e) {
    return usage(e.what());
  } catch (const Error& e) {
    return usage(e.what());
  }
  if (parsed.has("band-rates-from")) {
    try {
      const std::string path = parsed.get("band-rates-from", "");
      o.band_rates = held_out_band_rates(parse_nested_predictions(read_text_file(path), path));
    } catch (const Error& e) {
      return usage(e.what());
    }
  }
  const std::string dir = parsed.get("out", "");
  const Loaded train = load_tables(parsed.options.at("features"));
  Loaded val;
  if (parsed.has("val")) val = load_tables(parsed.options.at("val"));
  // Several --variant: each is trained as below and the one with the highest
  // grouped CV AUROC is kept (ties: the first given), the same rule as the
  // inner loop of `eval --nested`, which measures this recipe leak-free.
  std::vector<FeatureVariant> candidates;
  if (parsed.has("variant")) for (const auto& v : parsed.options.at("variant")) candidates.push_back(parse_variant(v));
  else candidates.push_back(o.variant);
  std::optional<TrainResult> best;
  std::vector<std::pair<FeatureVariant, double>> tried;
  for (auto v : candidates) {
    o.variant = v;
    const Dataset data = make_dataset(train.rows, v);
    const Dataset val_data = parsed.has("val") ? make_dataset(val.rows, v) : Dataset{};
    std::fprintf(stderr, "posecheck train: %s, %zu judged labelled faces of %zu rows; grid %zu x %zu, %d grouped folds\n",
                 variant_name(v), data.x.size(), train.rows.size(), o.log2c.size(), o.log2g.size(), o.folds);
    TrainResult t = train_classifier(data, o, parsed.has("val") ? &val_data : nullptr);
    tried.emplace_back(v, t.chosen.cv_auroc);
    if (!best || t.chosen.cv_auroc > best->chosen.cv_auroc) best = std::move(t);
  }
  const TrainResult& r = *best;
  o.variant = r.variant;

  make_dirs(dir);
  write_text(dir + "/classifier.txt", r.classifier_text);

  int not_ok = 0, unlabelled = 0;
  for (const auto& row : train.rows) {
    if (row.status != "ok") ++not_ok;
    else if (row.label_value() < 0) ++unlabelled;
  }
  std::vector<int> fold_rows(o.folds, 0);
  for (int f : r.fold_of_row) fold_rows[f]++;

  JsonWriter w;
  w.begin_object();
  w.key("tool").value("posecheck train");
  w.key("inputs");
  write_inputs(w, train);
  if (parsed.has("val")) { w.key("band_inputs"); write_inputs(w, val); }
  w.key("variant").value(variant_name(o.variant));
  w.key("variant_candidates").begin_array();
  for (const auto& [v, a] : tried) w.begin_object().key("variant").value(variant_name(v)).key("cv_auroc").value(a).end_object();
  w.end_array();
  w.key("features").value(variant_length(o.variant));
  w.key("svm").value("libsvm 3.24 C-SVC, RBF kernel, probability (Platt, -b 1), eps 0.001, shrinking; features standardised with the training mean/std");
  w.key("cross_validation").begin_object();
  w.key("folds").value(o.folds).key("seed").value(int(o.seed));
  w.key("grouped_by").value("group column: no group is in two folds");
  w.key("selection").value("mean over folds of held-out frame AUROC of the SVM decision value; ties -> smaller C, then smaller gamma");
  w.key("rows_per_fold").begin_array();
  for (int n : fold_rows) w.value(n);
  w.end_array();
  w.end_object();
  w.key("grid").begin_array();
  for (const auto& c : r.grid) {
    w.begin_object().key("log2_c").value(c.log2c).key("log2_gamma").value(c.log2g).key("cv_auroc").value(c.cv_auroc);
    w.key("fold_auroc").begin_array();
    for (double a : c.fold_auroc) w.value(a);
    w.end_array().end_object();
  }
  w.end_array();
  w.key("chosen").begin_object();
  w.key("log2_c").value(r.chosen.log2c).key("log2_gamma").value(r.chosen.log2g);
  w.key("c").value(std::pow(2.0, r.chosen.log2c)).key("gamma").value(std::pow(2.0, r.chosen.log2g));
  w.key("cv_auroc").value(r.chosen.cv_auroc);
  w.end_object();
  w.key("counts").begin_object();
  w.key("rows_read").value(int(train.rows.size())).key("rows_not_ok").value(not_ok).key("rows_unlabelled").value(unlabelled);
  w.key("training_faces").value(r.rows).key("real").value(r.real).key("fake").value(r.fake);
  w.key("groups").value(r.groups).key("videos").value(r.videos);
  w.end_object();
  w.key("bands").begin_object();
  w.key("low").value(r.bands.low).key("high").value(r.bands.high).key("chosen_on").value(r.bands.source);
  w.key("rule").value(
      "high = the lowest P(fake) from which at most 10% of reals, at least 10 fakes, and a >= 3x larger share of fakes "
      "than of reals (reals +0.5) lie at or above it (substantial_evidence), else 1 (no such band); low = the mirror "
      "image (little_evidence: P below it; at most 10% of fakes, reals >= 3x as often), else 0");
  w.end_object();
  if (!o.band_rates.empty()) {
    w.key("band_rates").begin_object();
    w.key("source").value(parsed.get("band-rates-from", ""));
    w.key("meaning").value("held-out shares (nested grouped CV of this recipe): real faces in little_evidence / uncertain / substantial_evidence, then fake faces");
    w.key("values").begin_array();
    for (double x : o.band_rates) w.value(x);
    w.end_array().end_object();
  }
  w.key("classifier_sha256").value(sha_of(r.classifier_text));
  w.end_object();
  write_text(dir + "/training.json", w.str() + "\n");

  std::printf("variant %s: chosen C=2^%g gamma=2^%g, grouped %d-fold CV AUROC %.4f; bands [%.3f, %.3f]; %d faces (%d real, %d fake) in %d groups\n",
              variant_name(o.variant), r.chosen.log2c, r.chosen.log2g, o.folds, r.chosen.cv_auroc, r.bands.low, r.bands.high, r.rows,
              r.real, r.fake, r.groups);
  std::printf("wrote %s/classifier.txt (sha256 %s) and %s/training.json\n", dir.c_str(), sha_of(r.classifier_text).c_str(), dir.c_str());
  return 0;
}

}  // namespace posecheck::cli
