// Feature tables: the CSV files `posecheck features` writes and `train` /
// `eval` read, one row per judged face (or per image without a judgeable
// face, so nothing is dropped silently). Also the bring-your-own landmark
// CSV reader.
//
// Feature CSV columns, in this order:
//   group,label,split,video,frame,file,face,status,reason,
//   vec_0..vec_2, vec_t_0..vec_t_5, rvec_0..rvec_2, rvec_t_0..rvec_t_5,
//   rmat_0..rmat_8, rmat_t_0..rmat_t_11, cosine_distance, rotation_difference_deg,
//   camera ("paper" or "face": the camera the poses were solved with; a table
//   without this column was made with the paper's camera)
// then optionally extra numeric columns (`features --extra`, research/extra_features.h),
// in sorted name order; an empty extra field means "not available for this row".
// label: "real", "fake" or empty (unknown). status: "ok", "cannot_judge",
// "no_face"; the feature columns are empty unless status is "ok".
// Fields containing a comma, quote or newline are quoted as in RFC 4180.
//
// Landmark CSV (bring-your-own landmarks): a header naming at least
//   group,label,frame,width,height,x1,y1,...,x68,y68
// (optional: video, file); one face per row, points in image pixels.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geometry.h"
#include "pose_features.h"

namespace posecheck::research {

struct FeatureRow {
  std::string group, label, split, video, file, status, reason;
  std::string camera = "paper";  // camera_model_name() of the camera the features were computed with
  int frame = 0;
  int face = 0;
  // Present when status == "ok": the six variants indexed by FeatureVariant.
  bool has_features = false;
  std::array<std::vector<double>, 6> variants;
  double cosine_distance = 0;
  double rotation_difference_deg = 0;
  // Extra named columns (beyond the paper); read back from any column the
  // table has beyond the standard ones, when its field is a finite number.
  std::map<std::string, double> extra;

  // One of the paper's six variants (kTrack is per track: make_dataset).
  const std::vector<double>& features(FeatureVariant v) const { return variants.at(std::size_t(v)); }
  // blend_0..5, then for kBlendSectors blendsec_0..5 (core/blend_evidence.h).
  // Throws Error kInvalidArgument naming a missing column.
  std::vector<double> blend_features(FeatureVariant variant) const;
  // Label as 1 (fake), 0 (real), -1 (unknown).
  int label_value() const;
  void set_features(const PoseFeatures& f, double rotation_difference_deg);
};

// The header line's column names (the last is "camera").
std::vector<std::string> feature_columns();

// Normalises "real"/"0" -> "real", "fake"/"1" -> "fake", "" -> "".
// Throws Error kInvalidArgument otherwise.
std::string normalise_label(const std::string& label);

// One CSV line (no newline) from fields, quoting where needed.
std::string csv_line(const std::vector<std::string>& fields);
// Splits one CSV record. Throws Error kInvalidArgument on an unterminated quote.
std::vector<std::string> split_csv_line(const std::string& line);

std::string format_row(const FeatureRow& row);
// With the given extra columns appended (empty field where a row lacks one).
std::string format_row(const FeatureRow& row, const std::vector<std::string>& extra_columns);

// Writes header + rows. Throws Error kIo when the file cannot be written.
void write_feature_csv(const std::string& path, const std::vector<FeatureRow>& rows);

// Reads a feature CSV. Throws Error kInvalidArgument naming the file and line
// on a missing column, a wrong field count, or a non-finite feature value.
std::vector<FeatureRow> read_feature_csv(const std::string& path);
std::vector<FeatureRow> parse_feature_csv(const std::string& text, const std::string& name);

struct LandmarkRow {
  std::string group, label, video, file;
  int frame = 0, width = 0, height = 0;
  Landmarks points;
};

// Parses a landmark CSV. Throws Error kInvalidArgument "<name>, line N: ..."
// on a missing column in the header, a row with a wrong number of fields,
// a non-numeric / NaN / infinite value, or a non-positive width/height.
std::vector<LandmarkRow> parse_landmark_csv(const std::string& text, const std::string& name);
std::vector<LandmarkRow> read_landmark_csv(const std::string& path);

// Whole file as text; throws Error kIo.
std::string read_whole_file(const std::string& path);

}  // namespace posecheck::research
