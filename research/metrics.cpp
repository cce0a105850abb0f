#include "metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <random>

#include "errors.h"

namespace posecheck::research {
namespace {

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

double auroc(const std::vector<double>& scores, const std::vector<int>& labels) {
  if (scores.size() != labels.size()) throw Error(ErrorCode::kInvalidArgument, "auroc: scores and labels differ in length");
  std::size_t npos = 0, nneg = 0;
  for (int l : labels) {
    if (l == 1) ++npos;
    else if (l == 0) ++nneg;
    else throw Error(ErrorCode::kInvalidArgument, "auroc: labels must be 0 or 1");
  }
  if (npos == 0 || nneg == 0) {
    throw Error(ErrorCode::kInvalidArgument, std::string("AUROC is undefined: no ") + (npos == 0 ? "fake (label 1)" : "real (label 0)") +
                                                 " samples among " + std::to_string(labels.size()));
  }
  // Rank-sum with mid-ranks for ties.
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum_pos = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double mid_rank = 0.5 * double(i + 1 + j);  // ranks i+1..j
    for (std::size_t k = i; k < j; ++k) if (labels[order[k]] == 1) rank_sum_pos += mid_rank;
    i = j;
  }
  const double u = rank_sum_pos - double(npos) * double(npos + 1) / 2;
  return u / (double(npos) * double(nneg));
}

std::vector<RocPoint> roc_curve(const std::vector<double>& scores, const std::vector<int>& labels) {
  auroc(scores, labels);  // validates
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  double npos = 0, nneg = 0;
  for (int l : labels) (l == 1 ? npos : nneg) += 1;
  std::vector<RocPoint> pts{{std::numeric_limits<double>::infinity(), 0, 0}};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      (labels[order[j]] == 1 ? tp : fp) += 1;
      ++j;
    }
    pts.push_back({scores[order[i]], fp / nneg, tp / npos});
    i = j;
  }
  return pts;
}

VideoScores video_level(const std::vector<std::string>& video, const std::vector<double>& scores, const std::vector<int>& labels) {
  std::map<std::string, std::pair<double, int>> acc;  // sum, count
  std::map<std::string, int> lab;
  for (std::size_t i = 0; i < video.size(); ++i) {
    auto it = lab.find(video[i]);
    if (it == lab.end()) lab[video[i]] = labels[i];
    else if (it->second != labels[i]) throw Error(ErrorCode::kInvalidArgument, "video '" + video[i] + "' has frames with both labels");
    auto& a = acc[video[i]];
    a.first += scores[i];
    a.second += 1;
  }
  VideoScores v;
  for (const auto& [id, a] : acc) {
    v.video.push_back(id);
    v.score.push_back(a.first / a.second);
    v.label.push_back(lab[id]);
  }
  return v;
}

FrameVideoAuroc auroc_with_intervals(const std::vector<std::string>& video, const std::vector<double>& scores,
                                     const std::vector<int>& labels, int resamples, std::uint64_t seed) {
  FrameVideoAuroc out;
  out.frame.estimate = auroc(scores, labels);
  const VideoScores vs = video_level(video, scores, labels);
  out.video.estimate = auroc(vs.score, vs.label);
  // Frames of each video, in video_level's (sorted) order.
  std::map<std::string, int> vidx;
  for (std::size_t i = 0; i < vs.video.size(); ++i) vidx[vs.video[i]] = int(i);
  std::vector<std::vector<std::size_t>> frames(vs.video.size());
  for (std::size_t i = 0; i < video.size(); ++i) frames[vidx[video[i]]].push_back(i);

  std::mt19937_64 rng(seed);
  const std::size_t nv = vs.video.size();
  std::vector<double> fa, va;
  std::vector<double> fs, vsc;
  std::vector<int> fl, vl;
  for (int b = 0; b < resamples; ++b) {
    fs.clear(); fl.clear(); vsc.clear(); vl.clear();
    for (std::size_t k = 0; k < nv; ++k) {
      const std::size_t v = std::size_t(rng() % nv);
      vsc.push_back(vs.score[v]);
      vl.push_back(vs.label[v]);
      for (std::size_t i : frames[v]) { fs.push_back(scores[i]); fl.push_back(labels[i]); }
    }
    const bool has_pos = std::count(vl.begin(), vl.end(), 1) > 0, has_neg = std::count(vl.begin(), vl.end(), 0) > 0;
    if (!has_pos || !has_neg) continue;
    fa.push_back(auroc(fs, fl));
    va.push_back(auroc(vsc, vl));
  }
  auto pct = [](std::vector<double>& x, double q) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(x.begin(), x.end());
    const double pos = q * double(x.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (pos - double(lo)) * (x[hi] - x[lo]);
  };
  out.frame.resamples = out.video.resamples = int(fa.size());
  out.frame.low = pct(fa, 0.025);
  out.frame.high = pct(fa, 0.975);
  out.video.low = pct(va, 0.025);
  out.video.high = pct(va, 0.975);
  return out;
}

std::string roc_svg(const std::vector<RocSeries>& series, const std::string& title) {
  const double W = 460, H = 460, L = 60, T = 40, S = 360;  // plot square S x S at (L, T)
  const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", W) + "\" height=\"" + fmt("%.0f", H) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + fmt("%.0f", W / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">" + escape_xml(title) + "</text>\n";
  s += "<rect x=\"" + fmt("%.0f", L) + "\" y=\"" + fmt("%.0f", T) + "\" width=\"" + fmt("%.0f", S) + "\" height=\"" + fmt("%.0f", S) +
       "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    const double f = i / 5.0;
    s += "<text x=\"" + fmt("%.1f", L + f * S) + "\" y=\"" + fmt("%.1f", T + S + 16) + "\" text-anchor=\"middle\">" + fmt("%.1f", f) + "</text>\n";
    s += "<text x=\"" + fmt("%.1f", L - 6) + "\" y=\"" + fmt("%.1f", T + S - f * S + 4) + "\" text-anchor=\"end\">" + fmt("%.1f", f) + "</text>\n";
  }
  s += "<text x=\"" + fmt("%.0f", L + S / 2) + "\" y=\"" + fmt("%.0f", T + S + 34) + "\" text-anchor=\"middle\">false positive rate (real called fake)</text>\n";
  s += "<text transform=\"translate(18," + fmt("%.0f", T + S / 2) + ") rotate(-90)\" text-anchor=\"middle\">true positive rate (fake called fake)</text>\n";
  s += "<line x1=\"" + fmt("%.0f", L) + "\" y1=\"" + fmt("%.0f", T + S) + "\" x2=\"" + fmt("%.0f", L + S) + "\" y2=\"" + fmt("%.0f", T) +
       "\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* c = colours[k % 6];
    std::string pts;
    for (const auto& p : series[k].points) pts += fmt("%.2f", L + p.fpr * S) + "," + fmt("%.2f", T + S - p.tpr * S) + " ";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(c) + "\" stroke-width=\"2\" points=\"" + pts + "\"/>\n";
    const double ly = T + S - 20 - 18.0 * double(series.size() - 1 - k);
    s += "<line x1=\"" + fmt("%.0f", L + S - 200) + "\" y1=\"" + fmt("%.1f", ly) + "\" x2=\"" + fmt("%.0f", L + S - 180) + "\" y2=\"" +
         fmt("%.1f", ly) + "\" stroke=\"" + c + "\" stroke-width=\"2\"/>\n";
    s += "<text x=\"" + fmt("%.0f", L + S - 175) + "\" y=\"" + fmt("%.1f", ly + 4) + "\">" + escape_xml(series[k].name) + " (AUROC " +
         fmt("%.3f", series[k].auc) + ")</text>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string histogram_svg(const std::vector<double>& real, const std::vector<double>& fake, double lo, double hi, int bins,
                          const std::string& title, const std::string& xlabel) {
  if (!(hi > lo) || bins < 1) throw Error(ErrorCode::kInvalidArgument, "histogram needs hi > lo and bins >= 1");
  auto density = [&](const std::vector<double>& x) {
    std::vector<double> h(bins, 0);
    for (double v : x) {
      int b = int(std::floor((v - lo) / (hi - lo) * bins));
      b = std::clamp(b, 0, bins - 1);  // outliers go to the edge bins
      h[b] += 1;
    }
    for (double& v : h) v = x.empty() ? 0 : v / double(x.size());
    return h;
  };
  const auto hr = density(real), hf = density(fake);
  double top = 1e-9;
  for (int i = 0; i < bins; ++i) top = std::max({top, hr[i], hf[i]});
  const double W = 560, H = 380, L = 60, T = 40, PW = 460, PH = 280;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", W) + "\" height=\"" + fmt("%.0f", H) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + fmt("%.0f", W / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">" + escape_xml(title) + "</text>\n";
  const double bw = PW / bins;
  auto bars = [&](const std::vector<double>& h, const char* colour) {
    for (int i = 0; i < bins; ++i) {
      const double bh = h[i] / top * PH;
      s += "<rect x=\"" + fmt("%.2f", L + i * bw) + "\" y=\"" + fmt("%.2f", T + PH - bh) + "\" width=\"" + fmt("%.2f", bw) + "\" height=\"" +
           fmt("%.2f", bh) + "\" fill=\"" + colour + "\" fill-opacity=\"0.45\" stroke=\"" + colour + "\" stroke-width=\"0.5\"/>\n";
    }
  };
  bars(hr, "#1f77b4");
  bars(hf, "#d62728");
  s += "<rect x=\"" + fmt("%.0f", L) + "\" y=\"" + fmt("%.0f", T) + "\" width=\"" + fmt("%.0f", PW) + "\" height=\"" + fmt("%.0f", PH) +
       "\" fill=\"none\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 5; ++i) {
    const double f = i / 5.0;
    s += "<text x=\"" + fmt("%.1f", L + f * PW) + "\" y=\"" + fmt("%.1f", T + PH + 16) + "\" text-anchor=\"middle\">" + fmt("%.3g", lo + f * (hi - lo)) + "</text>\n";
    s += "<text x=\"" + fmt("%.1f", L - 6) + "\" y=\"" + fmt("%.1f", T + PH - f * PH + 4) + "\" text-anchor=\"end\">" + fmt("%.2f", f * top) + "</text>\n";
  }
  s += "<text x=\"" + fmt("%.0f", L + PW / 2) + "\" y=\"" + fmt("%.0f", T + PH + 34) + "\" text-anchor=\"middle\">" + escape_xml(xlabel) + "</text>\n";
  s += "<text transform=\"translate(16," + fmt("%.0f", T + PH / 2) + ") rotate(-90)\" text-anchor=\"middle\">fraction of faces per bin</text>\n";
  s += "<rect x=\"" + fmt("%.0f", L + PW - 150) + "\" y=\"" + fmt("%.0f", T + 10) + "\" width=\"12\" height=\"12\" fill=\"#1f77b4\" fill-opacity=\"0.45\"/>";
  s += "<text x=\"" + fmt("%.0f", L + PW - 132) + "\" y=\"" + fmt("%.0f", T + 20) + "\">real (n=" + std::to_string(real.size()) + ")</text>\n";
  s += "<rect x=\"" + fmt("%.0f", L + PW - 150) + "\" y=\"" + fmt("%.0f", T + 28) + "\" width=\"12\" height=\"12\" fill=\"#d62728\" fill-opacity=\"0.45\"/>";
  s += "<text x=\"" + fmt("%.0f", L + PW - 132) + "\" y=\"" + fmt("%.0f", T + 38) + "\">fake (n=" + std::to_string(fake.size()) + ")</text>\n";
  s += "</svg>\n";
  return s;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(std::floor(pos));
  const std::size_t j = std::min(i + 1, v.size() - 1);
  return v[i] + (pos - double(i)) * (v[j] - v[i]);
}

}  // namespace posecheck::research
