// Tests of the research tools (research/metrics, research/svm_training,
// research/feature_table): AUROC, grouped folds, the landmark CSV reader and a
// small end-to-end train/evaluate on synthetic features.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feature_table.h"
#include "metrics.h"
#include "svm_training.h"
#include "classifier.h"
#include "errors.h"

using namespace posecheck;
using namespace posecheck::research;

namespace {

// O(n^2) reference: P(pos > neg) + 0.5 P(tie).
double brute_auroc(const std::vector<double>& s, const std::vector<int>& y) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        den += 1;
        num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
      }
  return num / den;
}

std::string landmark_header() {
  std::string h = "group,label,frame,width,height";
  for (int k = 1; k <= 68; ++k) h += ",x" + std::to_string(k) + ",y" + std::to_string(k);
  return h + "\n";
}

std::string landmark_row(const std::string& label, const std::string& bad_value = "", int bad_index = -1) {
  std::string r = "g1," + label + ",3,640,480";
  for (int i = 0; i < 136; ++i) r += "," + (i == bad_index ? bad_value : std::to_string(100 + i));
  return r + "\n";
}

void expect_error_mentions(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected an Error mentioning '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// Synthetic features: 12 dims; fakes shifted by `shift` in every dimension,
// uniform noise in [-1, 1] (so shift > 2 is strictly separable).
Dataset synthetic(int groups, int per_group, double shift, std::uint64_t seed, bool shuffle_labels = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Dataset d;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < per_group; ++i) {
      const int y = i % 2;
      std::vector<double> x(12);
      for (double& v : x) v = u(rng) + (shuffle_labels ? 0 : shift * y);
      d.x.push_back(x);
      d.y.push_back(y);
      d.group.push_back("g" + std::to_string(g));
      d.video.push_back("g" + std::to_string(g) + "/v" + std::to_string(i % 4) + "/" + std::to_string(y));
    }
  }
  if (shuffle_labels) std::shuffle(d.y.begin(), d.y.end(), rng);
  return d;
}

TrainOptions small_grid() {
  TrainOptions o;
  o.variant = FeatureVariant::kRmatT;  // 12 features
  o.folds = 5;
  o.seed = 7;
  o.log2c = {-1, 1, 3};
  o.log2g = {-5, -3, -1};
  return o;
}

}  // namespace

TEST(Auroc, PerfectAndInverted) {
  const std::vector<double> s = {0.1, 0.2, 0.3, 0.7, 0.8, 0.9};
  EXPECT_DOUBLE_EQ(auroc(s, {0, 0, 0, 1, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(auroc(s, {1, 1, 1, 0, 0, 0}), 0.0);
}

TEST(Auroc, TiesCountHalf) {
  EXPECT_DOUBLE_EQ(auroc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);
  // pairs (pos, neg): (0.5,0.1)=1 (0.5,0.5)=0.5 (0.9,0.1)=1 (0.9,0.5)=1 -> 3.5/4
  EXPECT_DOUBLE_EQ(auroc({0.1, 0.5, 0.5, 0.9}, {0, 0, 1, 1}), 0.875);
}

TEST(Auroc, MatchesBruteForceWithManyTies) {
  std::mt19937_64 rng(3);
  std::vector<double> s;
  std::vector<int> y;
  for (int i = 0; i < 300; ++i) {
    s.push_back(double(rng() % 7));  // heavy ties
    y.push_back(int(rng() % 2));
  }
  EXPECT_NEAR(auroc(s, y), brute_auroc(s, y), 1e-12);
}

TEST(Auroc, OneClassIsAnError) {
  expect_error_mentions([] { auroc({0.1, 0.2}, {1, 1}); }, "no real");
  expect_error_mentions([] { auroc({0.1, 0.2}, {0, 0}); }, "no fake");
  expect_error_mentions([] { auroc({}, {}); }, "undefined");
}

TEST(Auroc, VideoLevelIsMeanOfFrames) {
  const auto v = video_level({"a", "a", "b", "b"}, {0.2, 0.4, 0.6, 1.0}, {0, 0, 1, 1});
  ASSERT_EQ(v.video.size(), 2u);
  EXPECT_DOUBLE_EQ(v.score[0], 0.3);
  EXPECT_DOUBLE_EQ(v.score[1], 0.8);
  EXPECT_THROW(video_level({"a", "a"}, {0.1, 0.2}, {0, 1}), Error);
}

TEST(Auroc, BootstrapIntervalContainsEstimate) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(0, 1);
  std::vector<double> s;
  std::vector<int> y;
  std::vector<std::string> v;
  for (int k = 0; k < 60; ++k)
    for (int f = 0; f < 5; ++f) {
      y.push_back(k % 2);
      s.push_back(n(rng) + 0.8 * (k % 2));
      v.push_back("v" + std::to_string(k));
    }
  const auto a = auroc_with_intervals(v, s, y, 500, 11);
  EXPECT_LE(a.frame.low, a.frame.estimate);
  EXPECT_GE(a.frame.high, a.frame.estimate);
  EXPECT_LE(a.video.low, a.video.estimate);
  EXPECT_GE(a.video.high, a.video.estimate);
  EXPECT_EQ(a.frame.resamples, 500);
  const auto b = auroc_with_intervals(v, s, y, 500, 11);
  EXPECT_EQ(a.frame.low, b.frame.low);  // fixed seed: reproducible
}

TEST(GroupedFolds, NoGroupInTwoFoldsAndEveryRowOnce) {
  std::mt19937_64 rng(1);
  std::vector<std::string> groups;
  for (int i = 0; i < 500; ++i) groups.push_back("s" + std::to_string(rng() % 23));
  const auto folds = grouped_folds(groups, 5, 42);
  ASSERT_EQ(folds.size(), groups.size());  // every row gets exactly one fold
  std::map<std::string, std::set<int>> folds_of_group;
  std::vector<int> rows_per_fold(5, 0);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    ASSERT_GE(folds[i], 0);
    ASSERT_LT(folds[i], 5);
    folds_of_group[groups[i]].insert(folds[i]);
    rows_per_fold[folds[i]]++;
  }
  for (const auto& [g, fs] : folds_of_group) EXPECT_EQ(fs.size(), 1u) << g;
  for (int n : rows_per_fold) EXPECT_GT(n, 0);
  EXPECT_EQ(std::accumulate(rows_per_fold.begin(), rows_per_fold.end(), 0), 500);
  // Deterministic, and independent of row order.
  EXPECT_EQ(grouped_folds(groups, 5, 42), folds);
  std::vector<std::string> reversed(groups.rbegin(), groups.rend());
  const auto rf = grouped_folds(reversed, 5, 42);
  for (std::size_t i = 0; i < groups.size(); ++i) EXPECT_EQ(rf[groups.size() - 1 - i], folds[i]);
}

TEST(GroupedFolds, TooFewGroupsIsAnError) {
  expect_error_mentions([] { grouped_folds({"a", "b", "a", "c"}, 5, 1); }, "at least 5 distinct groups");
}

TEST(LandmarkCsv, ParsesValidRows) {
  const auto rows = parse_landmark_csv(landmark_header() + landmark_row("fake") + landmark_row("0"), "lm.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].label, "fake");
  EXPECT_EQ(rows[1].label, "real");
  EXPECT_EQ(rows[0].width, 640);
  EXPECT_EQ(rows[0].frame, 3);
  EXPECT_DOUBLE_EQ(rows[0].points[0].x(), 100);
  EXPECT_DOUBLE_EQ(rows[0].points[0].y(), 101);
  EXPECT_DOUBLE_EQ(rows[0].points[67].y(), 235);
  EXPECT_EQ(rows[0].video, "g1");  // no video column: the group
}

TEST(LandmarkCsv, MalformedRowsNameTheLine) {
  const std::string h = landmark_header(), ok = landmark_row("real");
  expect_error_mentions([&] { parse_landmark_csv(h + ok + landmark_row("real", "nan", 5), "lm.csv"); }, "lm.csv, line 3");
  expect_error_mentions([&] { parse_landmark_csv(h + landmark_row("real", "inf", 0), "lm.csv"); }, "line 2: x1");
  expect_error_mentions([&] { parse_landmark_csv(h + ok + ok + landmark_row("real", "-INF", 135), "lm.csv"); }, "line 4: y68");
  expect_error_mentions([&] { parse_landmark_csv(h + landmark_row("real", "abc", 7), "lm.csv"); }, "line 2");
  expect_error_mentions([&] { parse_landmark_csv(h + ok + "g1,real,3,640,480,1,2\n", "lm.csv"); }, "line 3: expected 141 fields, got 7");
  expect_error_mentions([&] { parse_landmark_csv(h + landmark_row("maybe"), "lm.csv"); }, "line 2: label");
  expect_error_mentions([&] { parse_landmark_csv("group,label,frame,width,height,x1,y1\n", "lm.csv"); }, "line 1: missing column 'x2'");
  expect_error_mentions([&] { parse_landmark_csv("", "lm.csv"); }, "line 1");
}

TEST(FeatureCsv, RoundTripsRows) {
  FeatureRow ok;
  ok.group = "a+b";
  ok.label = "fake";
  ok.video = "fake/a/s1";
  ok.file = "dir,with comma/\"q\".jpg";
  ok.frame = 4;
  ok.status = "ok";
  ok.has_features = true;
  for (auto v : all_variants())
    for (int i = 0; i < variant_length(v); ++i) ok.variants[int(v)].push_back(0.125 * i - int(v));
  ok.cosine_distance = 0.01;
  ok.rotation_difference_deg = 2.5;
  FeatureRow none;
  none.group = "a+b";
  none.label = "real";
  none.status = "no_face";
  none.reason = "no face detected";
  const std::string text = "\n" + csv_line(feature_columns()) + "\n" + format_row(ok) + "\n" + format_row(none) + "\n";
  const auto rows = parse_feature_csv(text.substr(1), "f.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].file, ok.file);
  EXPECT_EQ(rows[0].features(FeatureVariant::kRmatT), ok.features(FeatureVariant::kRmatT));
  EXPECT_EQ(rows[0].rotation_difference_deg, 2.5);
  EXPECT_FALSE(rows[1].has_features);
  EXPECT_EQ(rows[1].status, "no_face");
  std::string broken = csv_line(feature_columns()) + "\n" + format_row(ok) + "\n";
  broken.replace(broken.find("0.125"), 5, "nan");
  expect_error_mentions([&] { parse_feature_csv(broken, "f.csv"); }, "f.csv, line 2");
}

// Fakes 0.3..0.7 and reals 0.2..0.6, 101 each, in steps of 0.004.
// High: reals >= t must be <= 10% (t >= 0.564: 9 reals) and fakes >= t at
// least 3x as common: at t = 0.564 there are 35 fakes, 35/9.5 = 3.7 >= 3 ->
// 0.564 (at 0.560 there are 11 reals: more than 10%). Low mirrors it: below
// 0.340 are 10 fakes (9.9%) and 35 reals, 35/10.5 = 3.3 -> 0.340.
TEST(Bands, TenPercentAndLikelihoodRatioRule) {
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i <= 100; ++i) { p.push_back(0.3 + 0.004 * i); y.push_back(1); }
  for (int i = 0; i <= 100; ++i) { p.push_back(0.2 + 0.004 * i); y.push_back(0); }
  const Bands b = choose_bands(p, y);
  EXPECT_NEAR(b.high, 0.564, 1e-9);
  EXPECT_NEAR(b.low, 0.340, 1e-9);
}

// Labels that the scores do not separate: no threshold gives evidence, so
// there is no little-evidence and no substantial-evidence band at all.
TEST(Bands, NoEvidenceNoBands) {
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i < 200; ++i) { p.push_back(0.001 + 0.004 * (i / 2)); y.push_back(i % 2); }
  const Bands b = choose_bands(p, y);
  EXPECT_EQ(b.low, 0.0);
  EXPECT_EQ(b.high, 1.0);
}

// A thin tail of clear fakes (5, under 10) makes no band; 25 of them do:
// from 0.476 up there are 8 reals (8%) and 8 + 25 fakes, ratio
// (33/125) / (8.5/100) = 3.1 >= 3.
TEST(Bands, ThinTailsAreNotBands) {
  std::vector<double> p;
  std::vector<int> y;
  for (int i = 0; i < 100; ++i) { p.push_back(0.2 + 0.003 * i); y.push_back(0); }  // reals 0.2..0.5
  for (int i = 0; i < 100; ++i) { p.push_back(0.2 + 0.003 * i); y.push_back(1); }  // fakes alike...
  for (int i = 0; i < 5; ++i) { p.push_back(0.9 + 0.01 * i); y.push_back(1); }     // ...plus 5 clear ones
  EXPECT_EQ(choose_bands(p, y).high, 1.0);
  for (int i = 0; i < 20; ++i) { p.push_back(0.95); y.push_back(1); }               // now 25 clear ones
  EXPECT_NEAR(choose_bands(p, y).high, 0.476, 1e-9);
}

// Synthetic, strictly separable features: held-out AUROC must be exactly 1.
TEST(EndToEnd, SeparableFeaturesReachAurocOne) {
  const Dataset train = synthetic(10, 20, 3.0, 1);
  const TrainResult r = train_classifier(train, small_grid());
  EXPECT_DOUBLE_EQ(r.chosen.cv_auroc, 1.0);
  EXPECT_EQ(r.grid.size(), 9u);
  const Classifier c = Classifier::parse(r.classifier_text);
  const Dataset test = synthetic(4, 50, 3.0, 99);
  std::vector<double> s;
  for (const auto& x : test.x) s.push_back(c.probability_fake(x));
  EXPECT_DOUBLE_EQ(auroc(s, test.y), 1.0);
  const auto a = auroc_with_intervals(test.video, s, test.y, 200, 1);
  EXPECT_DOUBLE_EQ(a.video.estimate, 1.0);
}

// Labels independent of the features: a fresh test set of 1000 + 1000 faces
// has AUROC 0.5 +- sqrt((n1 + n2 + 1) / (12 n1 n2)) = +-0.013 (one standard
// error under the null); the bound |AUROC - 0.5| < 0.06 is over 4.5 standard
// errors. The CV AUROC is the best of 9 cells on 200 rows, so biased upwards:
// bound 0.68 there.
TEST(EndToEnd, ShuffledLabelsStayNearChance) {
  const Dataset train = synthetic(10, 20, 0.0, 2, true);
  const TrainResult r = train_classifier(train, small_grid());
  EXPECT_LT(r.chosen.cv_auroc, 0.68);
  const Classifier c = Classifier::parse(r.classifier_text);
  const Dataset test = synthetic(20, 100, 0.0, 123, true);
  std::vector<double> s;
  for (const auto& x : test.x) s.push_back(c.probability_fake(x));
  EXPECT_NEAR(auroc(s, test.y), 0.5, 0.06);
}

TEST(BlendDataset, ReadsTheBlendColumnsAndSaysWhenThereAreNone) {
  FeatureRow r;
  r.status = "ok";
  r.label = "fake";
  r.group = "g";
  r.video = "v";
  // No blend columns (a --landmarks table): a clear error, not an empty dataset.
  EXPECT_THROW(make_dataset({r}, FeatureVariant::kBlend), posecheck::Error);
  for (int k = 0; k < 6; ++k) r.extra["blend_" + std::to_string(k)] = k;
  const Dataset d = make_dataset({r}, FeatureVariant::kBlend);
  ASSERT_EQ(d.x.size(), 1u);
  EXPECT_EQ(d.x[0], (std::vector<double>{0, 1, 2, 3, 4, 5}));
  // blend_sectors also needs blendsec_0..5; the error names the missing column.
  try {
    make_dataset({r}, FeatureVariant::kBlendSectors);
    FAIL() << "expected an error";
  } catch (const posecheck::Error& e) {
    EXPECT_NE(std::string(e.what()).find("blendsec_0"), std::string::npos) << e.what();
  }
  for (int k = 0; k < 6; ++k) r.extra["blendsec_" + std::to_string(k)] = 10 + k;
  const Dataset s = make_dataset({r}, FeatureVariant::kBlendSectors);
  ASSERT_EQ(s.x[0].size(), 12u);
  EXPECT_EQ(s.x[0][6], 10);
  EXPECT_EQ(s.x[0][11], 15);
}
