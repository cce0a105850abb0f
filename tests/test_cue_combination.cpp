// The cue combination (core/cue_combination.h) and its fit (research/cue_stacking.h).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "cue_combination.h"
#include "cue_stacking.h"
#include "errors.h"

using namespace posecheck;

namespace {

const std::string kShaA(64, 'a'), kShaB(64, 'b');

std::string valid() { return CueCombination::format(kShaA, kShaB, 0.25, 1.5, -0.1, 0.2, 0.7, {}, false); }

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

}  // namespace

TEST(CueCombination, FormatParsesBackAndScoresByTheStatedFormula) {
  const CueCombination c = CueCombination::parse(valid());
  EXPECT_EQ(c.pose_classifier_sha256(), kShaA);
  EXPECT_EQ(c.blend_classifier_sha256(), kShaB);
  EXPECT_DOUBLE_EQ(c.pose_weight(), 0.25);
  EXPECT_DOUBLE_EQ(c.blend_weight(), 1.5);
  EXPECT_DOUBLE_EQ(c.bias(), -0.1);
  EXPECT_TRUE(c.band_rates().empty());
  EXPECT_FALSE(c.decides());
  for (double pose : {0.0, 0.1, 0.5, 0.93, 1.0}) {
    for (double blend : {0.0, 0.02, 0.5, 0.8, 1.0}) {
      const double expect = sigmoid(-0.1 + 0.25 * log_odds(pose) + 1.5 * log_odds(blend));
      EXPECT_NEAR(c.probability_fake(pose, blend), expect, 1e-12) << pose << " " << blend;
    }
  }
  // The clamp: P 0 and 1 are finite log-odds.
  EXPECT_NEAR(log_odds(0.0), std::log(1e-6 / (1 - 1e-6)), 1e-9);
  EXPECT_NEAR(log_odds(1.0), -log_odds(0.0), 1e-9);
  // A blend-only combination gives back the blend cue's P(fake).
  const CueCombination blend_only = CueCombination::parse(CueCombination::format(kShaA, kShaB, 0, 1, 0, 0.2, 0.7, {}, true));
  EXPECT_NEAR(blend_only.probability_fake(0.9, 0.3), 0.3, 1e-12);
  EXPECT_TRUE(blend_only.decides());
  // Absent: it does not decide.
  std::string no_line = valid();
  no_line.erase(no_line.find("decides 0\n"));
  EXPECT_FALSE(CueCombination::parse(no_line).decides());
  // Bands as a classifier's.
  EXPECT_EQ(c.band(0.1), EvidenceBand::kLittleEvidence);
  EXPECT_EQ(c.band(0.2), EvidenceBand::kUncertain);
  EXPECT_EQ(c.band(0.7), EvidenceBand::kSubstantialEvidence);
  const CueCombination rated =
      CueCombination::parse(CueCombination::format(kShaA, kShaB, 0.25, 1.5, -0.1, 0.2, 0.7, {0.6, 0.3, 0.1, 0.1, 0.3, 0.6}, false));
  EXPECT_EQ(rated.bands().held_out_rates.size(), 6u);
  EXPECT_THROW(c.probability_fake(-0.1, 0.5), Error);
  EXPECT_THROW(c.probability_fake(0.5, std::nan("")), Error);
}

TEST(CueCombination, BadFilesAreRefusedNamingTheProblem) {
  auto message = [](const std::string& text) {
    try {
      CueCombination::parse(text);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kModelFormat) << e.what();
      return std::string(e.what());
    }
    return std::string("parsed");
  };
  const std::string good = valid();
  EXPECT_NE(message("").find("first line"), std::string::npos);
  EXPECT_NE(message("posecheck-combination 2\n").find("first line"), std::string::npos);
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(message(replace("weights 0.25 1.5", "weights 0.25")).find("needs 2 number"), std::string::npos);
  EXPECT_NE(message(replace("weights 0.25 1.5", "weights 0.25 nan")).find("not a finite number"), std::string::npos);
  EXPECT_NE(message(replace("bias -0.1\n", "")).find("missing weights, bias or bands"), std::string::npos);
  EXPECT_NE(message(replace("weights 0.25 1.5", "weights 1e300 -1e300")).find("within +-1000"), std::string::npos);
  EXPECT_NE(message(replace("bias -0.1", "bias 1e5")).find("within +-1000"), std::string::npos);
  EXPECT_NE(message(replace("bands 0.2 0.7", "bands 0.8 0.7")).find("low <= high"), std::string::npos);
  EXPECT_NE(message(replace(kShaA, "xyz")).find("SHA-256"), std::string::npos);
  EXPECT_NE(message(replace("pose_classifier " + kShaA + "\n", "")).find("missing pose_classifier"), std::string::npos);
  EXPECT_NE(message(good + "colour red\n").find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(message(replace("decides 0", "decides yes")).find("decides must be 0 or 1"), std::string::npos);
  EXPECT_NE(message(good + "band_rates 0.5 0.5 0.5 0.1 0.2 0.7\n").find("sum to 1"), std::string::npos);
}

// The fit recovers the weights of data drawn from the model it assumes, and
// gives a cue that carries no information a weight near 0.
TEST(CueStacking, RecoversKnownWeightsAndIgnoresANoiseCue) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0, 1.5);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> pose, blend;
  std::vector<int> label;
  for (int i = 0; i < 40000; ++i) {
    const double a = normal(rng), b = normal(rng);
    pose.push_back(sigmoid(a));
    blend.push_back(sigmoid(b));
    label.push_back(uniform(rng) < sigmoid(0.3 + 0.5 * a + 1.2 * b) ? 1 : 0);
  }
  const research::StackingFit fit = research::fit_cue_stacking(pose, blend, label);
  EXPECT_NEAR(fit.pose_weight, 0.5, 0.05);
  EXPECT_NEAR(fit.blend_weight, 1.2, 0.06);
  EXPECT_NEAR(fit.bias, 0.3, 0.05);
  EXPECT_LT(fit.iterations, 100);
  EXPECT_NEAR(research::stacked_probability(fit, 0.4, 0.9), sigmoid(fit.bias + fit.pose_weight * log_odds(0.4) + fit.blend_weight * log_odds(0.9)),
              1e-12);

  for (auto& p : pose) p = uniform(rng);  // the pose cue becomes noise
  const research::StackingFit noise = research::fit_cue_stacking(pose, blend, label);
  EXPECT_LT(std::abs(noise.pose_weight), 0.05);
  EXPECT_GT(noise.blend_weight, 0.9);

  // Separable classes stay finite (the ridge).
  const research::StackingFit separable = research::fit_cue_stacking({0.1, 0.2, 0.8, 0.9}, {0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1});
  EXPECT_TRUE(std::isfinite(separable.pose_weight) && std::isfinite(separable.blend_weight) && std::isfinite(separable.bias));
  EXPECT_GT(separable.pose_weight + separable.blend_weight, 0);
}

TEST(CueStacking, BadInputIsRefused) {
  EXPECT_THROW(research::fit_cue_stacking({0.5}, {0.5, 0.5}, {0, 1}), Error);
  EXPECT_THROW(research::fit_cue_stacking({0.5, 0.5}, {0.5, 0.5}, {1, 1}), Error);
  EXPECT_THROW(research::fit_cue_stacking({0.5, 1.5}, {0.5, 0.5}, {0, 1}), Error);
  EXPECT_THROW(research::fit_cue_stacking({0.5, 0.5}, {0.5, 0.5}, {0, 2}), Error);
  // Rows without a held-out P(fake) (NaN) are left out of the fit.
  const auto held = research::held_out_pair({0.1, std::nan(""), 0.9}, {0.2, 0.3, std::nan("")}, {0, 1, 1});
  ASSERT_EQ(held.label.size(), 1u);
  EXPECT_EQ(held.pose[0], 0.1);
}
