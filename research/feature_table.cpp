#include "feature_table.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "blend_evidence.h"
#include "errors.h"

namespace posecheck::research {
namespace {

const char* kMetaColumns[] = {"group", "label", "split", "video", "frame", "file", "face", "status", "reason"};
constexpr int kNumMeta = 9;
// Written after the standard columns; optional when reading (older tables
// were all made with the paper's camera).
const char kCameraColumn[] = "camera";

[[noreturn]] void bad(const std::string& name, int line, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, name + ", line " + std::to_string(line) + ": " + what);
}

std::string number_text(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

// Strict number: the whole field, finite.
bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0' && std::isfinite(out);
}

bool parse_int(const std::string& s, int& out) {
  double x;
  if (!parse_number(s, x) || x != std::floor(x) || std::fabs(x) > 2e9) return false;
  out = int(x);
  return true;
}

std::map<std::string, int> column_index(const std::vector<std::string>& header) {
  std::map<std::string, int> idx;
  for (int i = 0; i < int(header.size()); ++i) idx[header[i]] = i;
  return idx;
}

// Splits text into lines (handles \r\n), keeping 1-based numbers; skips blank lines.
std::vector<std::pair<int, std::string>> lines_of(const std::string& text) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    out.emplace_back(n, line);
  }
  return out;
}

}  // namespace

int FeatureRow::label_value() const { return label == "fake" ? 1 : label == "real" ? 0 : -1; }

std::vector<double> FeatureRow::blend_features(FeatureVariant variant) const {
  std::vector<std::string> columns;
  for (int k = 0; k < kBlendFeatureCount; ++k) columns.push_back("blend_" + std::to_string(k));
  if (variant == FeatureVariant::kBlendSectors)
    for (int k = 0; k < kBlendSectorFeatureCount - kBlendFeatureCount; ++k) columns.push_back("blendsec_" + std::to_string(k));
  std::vector<double> x;
  for (const auto& c : columns) {
    const auto it = extra.find(c);
    if (it == extra.end()) throw Error(ErrorCode::kInvalidArgument, "row of " + file + " lacks column " + c);
    x.push_back(it->second);
  }
  return x;
}

void FeatureRow::set_features(const PoseFeatures& f, double rot_diff) {
  has_features = true;
  for (auto v : all_variants()) variants[int(v)] = f.of(v);
  cosine_distance = f.cosine_distance;
  rotation_difference_deg = rot_diff;
}

std::vector<std::string> feature_columns() {
  std::vector<std::string> cols(kMetaColumns, kMetaColumns + kNumMeta);
  for (auto v : all_variants()) {
    for (int i = 0; i < variant_length(v); ++i) cols.push_back(std::string(variant_name(v)) + "_" + std::to_string(i));
  }
  cols.push_back("cosine_distance");
  cols.push_back("rotation_difference_deg");
  cols.push_back(kCameraColumn);
  return cols;
}

std::string normalise_label(const std::string& label) {
  if (label == "real" || label == "0") return "real";
  if (label == "fake" || label == "1") return "fake";
  if (label.empty()) return "";
  throw Error(ErrorCode::kInvalidArgument, "label must be real, fake, 0 or 1 (got '" + label + "')");
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\n\r") == std::string::npos) {
      out += f;
    } else {
      out += '"';
      for (char c : f) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') { cur += '"'; ++i; }
        else quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) throw Error(ErrorCode::kInvalidArgument, "unterminated quoted field");
  out.push_back(cur);
  return out;
}

namespace {

// One data row's fields; a quoting error or a field count other than the
// header's is a clear error naming the file and line.
std::vector<std::string> row_fields(const std::string& name, int line_number, const std::string& line, std::size_t expected) {
  std::vector<std::string> f;
  try { f = split_csv_line(line); } catch (const Error& e) { bad(name, line_number, e.what()); }
  if (f.size() != expected) {
    bad(name, line_number, "expected " + std::to_string(expected) + " fields, got " + std::to_string(f.size()));
  }
  return f;
}

}  // namespace

namespace {
std::vector<std::string> extra_names(const std::vector<FeatureRow>& rows) {
  std::map<std::string, int> names;
  for (const auto& r : rows) for (const auto& [k, v] : r.extra) names[k];
  std::vector<std::string> out;
  for (const auto& [k, n] : names) out.push_back(k);
  return out;
}
}  // namespace

std::string format_row(const FeatureRow& r) { return format_row(r, {}); }

std::string format_row(const FeatureRow& r, const std::vector<std::string>& extra_columns) {
  std::vector<std::string> f = {r.group, r.label, r.split, r.video, std::to_string(r.frame), r.file,
                                std::to_string(r.face), r.status, r.reason};
  for (auto v : all_variants()) {
    for (int i = 0; i < variant_length(v); ++i) f.push_back(r.has_features ? number_text(r.variants[int(v)][i]) : "");
  }
  f.push_back(r.has_features ? number_text(r.cosine_distance) : "");
  f.push_back(r.has_features ? number_text(r.rotation_difference_deg) : "");
  f.push_back(r.camera);
  for (const auto& c : extra_columns) {
    auto it = r.extra.find(c);
    f.push_back(it != r.extra.end() ? number_text(it->second) : "");
  }
  return csv_line(f);
}

void write_feature_csv(const std::string& path, const std::vector<FeatureRow>& rows) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
  const auto extras = extra_names(rows);
  auto header = feature_columns();
  header.insert(header.end(), extras.begin(), extras.end());
  out << csv_line(header) << '\n';
  for (const auto& r : rows) out << format_row(r, extras) << '\n';
  out.flush();
  if (!out) throw Error(ErrorCode::kIo, "error writing " + path);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<FeatureRow> parse_feature_csv(const std::string& text, const std::string& name) {
  const auto lines = lines_of(text);
  if (lines.empty()) bad(name, 1, "empty file (expected a header line)");
  std::vector<std::string> header;
  try { header = split_csv_line(lines[0].second); } catch (const Error& e) { bad(name, lines[0].first, e.what()); }
  const auto idx = column_index(header);
  auto want = feature_columns();
  want.pop_back();  // the camera column is optional (read below)
  std::vector<int> pos;
  for (const auto& c : want) {
    auto it = idx.find(c);
    if (it == idx.end()) bad(name, lines[0].first, "missing column '" + c + "' (not a posecheck feature table?)");
    pos.push_back(it->second);
  }
  std::vector<std::pair<std::string, int>> extra_pos;  // columns beyond the standard ones
  {
    std::map<std::string, int> standard;
    for (const auto& c : want) standard[c];
    standard[kCameraColumn];
    for (int i = 0; i < int(header.size()); ++i) if (!standard.count(header[i])) extra_pos.emplace_back(header[i], i);
  }
  std::vector<FeatureRow> rows;
  for (std::size_t li = 1; li < lines.size(); ++li) {
    const int ln = lines[li].first;
    const std::vector<std::string> f = row_fields(name, ln, lines[li].second, header.size());
    auto at = [&](int k) -> const std::string& { return f[pos[k]]; };
    FeatureRow r;
    r.group = at(0);
    try { r.label = normalise_label(at(1)); } catch (const Error& e) { bad(name, ln, e.what()); }
    r.split = at(2);
    r.video = at(3);
    if (!parse_int(at(4), r.frame)) bad(name, ln, "frame '" + at(4) + "' is not a whole number");
    r.file = at(5);
    if (!parse_int(at(6), r.face)) bad(name, ln, "face '" + at(6) + "' is not a whole number");
    r.status = at(7);
    r.reason = at(8);
    if (const auto cam = idx.find(kCameraColumn); cam != idx.end()) {
      r.camera = f[cam->second];
      if (r.camera != "paper" && r.camera != "face") bad(name, ln, "camera must be paper or face (got '" + r.camera + "')");
    }
    if (r.status != "ok" && r.status != "cannot_judge" && r.status != "no_face") {
      bad(name, ln, "status must be ok, cannot_judge or no_face (got '" + r.status + "')");
    }
    if (r.status == "ok") {
      int k = kNumMeta;
      r.has_features = true;
      for (auto v : all_variants()) {
        auto& vec = r.variants[int(v)];
        for (int i = 0; i < variant_length(v); ++i, ++k) {
          double x;
          if (!parse_number(at(k), x)) bad(name, ln, "column " + want[k] + ": '" + at(k) + "' is not a finite number");
          vec.push_back(x);
        }
      }
      if (!parse_number(at(k), r.cosine_distance)) bad(name, ln, "cosine_distance '" + at(k) + "' is not a finite number");
      ++k;
      if (!parse_number(at(k), r.rotation_difference_deg)) bad(name, ln, "rotation_difference_deg is not a finite number");
      for (const auto& [col, i] : extra_pos) {
        double x;
        if (parse_number(f[i], x)) r.extra[col] = x;
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<FeatureRow> read_feature_csv(const std::string& path) { return parse_feature_csv(read_whole_file(path), path); }

std::vector<LandmarkRow> parse_landmark_csv(const std::string& text, const std::string& name) {
  const auto lines = lines_of(text);
  if (lines.empty()) bad(name, 1, "empty file (expected a header: group,label,frame,width,height,x1,y1,...,x68,y68)");
  std::vector<std::string> header;
  try { header = split_csv_line(lines[0].second); } catch (const Error& e) { bad(name, lines[0].first, e.what()); }
  for (auto& h : header) {
    while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.pop_back();
    while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.erase(h.begin());
  }
  const auto idx = column_index(header);
  auto need = [&](const std::string& c) {
    auto it = idx.find(c);
    if (it == idx.end()) bad(name, lines[0].first, "missing column '" + c + "' (need group,label,frame,width,height,x1,y1,...,x68,y68)");
    return it->second;
  };
  const int c_group = need("group"), c_label = need("label"), c_frame = need("frame"), c_w = need("width"), c_h = need("height");
  std::array<int, kNumLandmarks> cx{}, cy{};
  for (int k = 1; k <= kNumLandmarks; ++k) {
    cx[k - 1] = need("x" + std::to_string(k));
    cy[k - 1] = need("y" + std::to_string(k));
  }
  const int c_video = idx.count("video") ? idx.at("video") : -1;
  const int c_file = idx.count("file") ? idx.at("file") : -1;

  std::vector<LandmarkRow> rows;
  for (std::size_t li = 1; li < lines.size(); ++li) {
    const int ln = lines[li].first;
    const std::vector<std::string> f = row_fields(name, ln, lines[li].second, header.size());
    LandmarkRow r;
    r.group = f[c_group];
    try { r.label = normalise_label(f[c_label]); } catch (const Error& e) { bad(name, ln, e.what()); }
    if (!parse_int(f[c_frame], r.frame)) bad(name, ln, "frame '" + f[c_frame] + "' is not a whole number");
    if (!parse_int(f[c_w], r.width) || r.width <= 0) bad(name, ln, "width '" + f[c_w] + "' is not a positive whole number");
    if (!parse_int(f[c_h], r.height) || r.height <= 0) bad(name, ln, "height '" + f[c_h] + "' is not a positive whole number");
    for (int k = 0; k < kNumLandmarks; ++k) {
      double x, y;
      if (!parse_number(f[cx[k]], x)) bad(name, ln, "x" + std::to_string(k + 1) + " '" + f[cx[k]] + "' is not a finite number");
      if (!parse_number(f[cy[k]], y)) bad(name, ln, "y" + std::to_string(k + 1) + " '" + f[cy[k]] + "' is not a finite number");
      r.points[k] = Point2(x, y);
    }
    r.video = c_video >= 0 && !f[c_video].empty() ? f[c_video] : r.group;
    r.file = c_file >= 0 ? f[c_file] : "";
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<LandmarkRow> read_landmark_csv(const std::string& path) { return parse_landmark_csv(read_whole_file(path), path); }

}  // namespace posecheck::research
