// Evaluation metrics for `posecheck train` / `eval`: AUROC, ROC points,
// video-level aggregation and bootstrap intervals, plus small SVG plots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace posecheck::research {

// Area under the ROC curve by the Mann-Whitney statistic: the probability
// that a random positive (label 1 = fake) scores higher than a random
// negative, ties counted one half.
// Requires: scores.size() == labels.size(), labels in {0, 1}, both classes
//   present (else throws Error kInvalidArgument saying which class is missing).
double auroc(const std::vector<double>& scores, const std::vector<int>& labels);

struct RocPoint {
  double threshold, fpr, tpr;  // predicted fake when score >= threshold
};
// ROC points from (+inf: 0,0) down to the lowest score (1,1), one per distinct score.
std::vector<RocPoint> roc_curve(const std::vector<double>& scores, const std::vector<int>& labels);

// Video-level scores: the mean frame score per video id (the paper's rule).
struct VideoScores {
  std::vector<std::string> video;
  std::vector<double> score;
  std::vector<int> label;
};
// Requires: each video's frames share one label (else throws kInvalidArgument).
VideoScores video_level(const std::vector<std::string>& video, const std::vector<double>& scores, const std::vector<int>& labels);

struct Interval {
  double estimate = 0, low = 0, high = 0;
  int resamples = 0;  // bootstrap resamples with both classes present
};
struct FrameVideoAuroc {
  Interval frame, video;
};
// Frame and video AUROC with percentile bootstrap 95% intervals, resampling
// whole videos with replacement (frames of a video move together), B
// resamples from a fixed seed. Resamples with one class only are skipped.
FrameVideoAuroc auroc_with_intervals(const std::vector<std::string>& video, const std::vector<double>& scores,
                                     const std::vector<int>& labels, int resamples = 2000, std::uint64_t seed = 20190512);

// SVG line plot of ROC curves (one per series), with the diagonal.
struct RocSeries {
  std::string name;
  std::vector<RocPoint> points;
  double auc = 0;
};
std::string roc_svg(const std::vector<RocSeries>& series, const std::string& title);

// SVG histogram of two samples (real, fake) over [lo, hi] with `bins` bins,
// densities normalised per class.
std::string histogram_svg(const std::vector<double>& real, const std::vector<double>& fake, double lo, double hi, int bins,
                          const std::string& title, const std::string& xlabel);

// Median (mean of the two middle values for an even count); NaN when empty.
double median(std::vector<double> v);
// Quantile q in [0, 1], linear interpolation between order statistics
// (q = 0.5 is the median); NaN when empty.
double quantile(std::vector<double> v, double q);

}  // namespace posecheck::research
