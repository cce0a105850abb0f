#include "json_output.h"

#include <cmath>
#include <cstdio>

namespace posecheck::cli {

void JsonWriter::comma() {
  if (need_comma_) out_ += ',';
  need_comma_ = true;
}
JsonWriter& JsonWriter::begin_object() { comma(); out_ += '{'; need_comma_ = false; return *this; }
JsonWriter& JsonWriter::end_object() { out_ += '}'; need_comma_ = true; return *this; }
JsonWriter& JsonWriter::begin_array() { comma(); out_ += '['; need_comma_ = false; return *this; }
JsonWriter& JsonWriter::end_array() { out_ += ']'; need_comma_ = true; return *this; }
JsonWriter& JsonWriter::key(const std::string& k) {
  value(k);
  out_ += ':';
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(const char* s) { return value(std::string(s)); }
JsonWriter& JsonWriter::value(const std::string& s) {
  comma();
  out_ += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out_ += buf;
        } else {
          out_ += char(c);
        }
    }
  }
  out_ += '"';
  return *this;
}
JsonWriter& JsonWriter::value(double x) {
  if (!std::isfinite(x)) return null();
  comma();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", x);
  out_ += buf;
  return *this;
}
JsonWriter& JsonWriter::value(int x) { comma(); out_ += std::to_string(x); return *this; }
JsonWriter& JsonWriter::value(bool b) { comma(); out_ += b ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::null() { comma(); out_ += "null"; return *this; }

namespace {
template <typename M>
void write_numbers(JsonWriter& w, const M& m) {
  w.begin_array();
  for (int i = 0; i < m.size(); ++i) w.value(double(m(i)));
  w.end_array();
}
}  // namespace

void write_pose(JsonWriter& w, const PoseEstimate& p) {
  w.begin_object();
  w.key("ok").value(p.ok);
  if (!p.ok) {
    w.key("failure").value(p.failure);
    w.end_object();
    return;
  }
  Eigen::Matrix<double, 9, 1> flat;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) flat(3 * r + c) = p.pose.rotation(r, c);
  w.key("rotation_matrix");
  write_numbers(w, flat);
  w.key("rotation_vector");
  write_numbers(w, p.rotation_vector);
  w.key("translation");
  write_numbers(w, p.pose.translation);
  w.key("rms_px").value(p.rms_px);
  w.key("iterations").value(p.iterations);
  w.key("converged").value(p.converged);
  w.end_object();
}

void write_face(JsonWriter& w, const FaceResult& f) {
  w.begin_object();
  w.key("box").begin_object();
  w.key("left").value(f.box.left).key("top").value(f.box.top).key("right").value(f.box.right).key("bottom").value(f.box.bottom);
  w.end_object();
  w.key("detection_confidence").value(f.detection_confidence);
  w.key("camera").begin_object();
  w.key("fx").value(f.camera.fx).key("fy").value(f.camera.fy).key("cx").value(f.camera.cx).key("cy").value(f.camera.cy);
  w.end_object();
  w.key("landmarks").begin_array();
  for (const auto& p : f.landmarks) w.begin_array().value(p.x()).value(p.y()).end_array();
  w.end_array();
  w.key("pose_whole");
  write_pose(w, f.pose_whole);
  w.key("pose_central");
  write_pose(w, f.pose_central);
  w.key("features");
  if (f.features) {
    w.begin_object();
    for (auto v : all_variants()) {
      w.key(variant_name(v)).begin_array();
      for (double x : f.features->of(v)) w.value(x);
      w.end_array();
    }
    w.end_object();
    w.key("cosine_distance").value(f.features->cosine_distance);
    w.key("rotation_difference_deg").value(f.rotation_difference_deg);
  } else {
    w.null();
    w.key("cosine_distance").null();
    w.key("rotation_difference_deg").null();
  }
  w.key("status").value(status_name(f.status));
  w.key("reason").value(f.reason);
  w.key("p_fake").value(f.p_fake);
  w.key("band");
  if (f.band) w.value(band_name(*f.band)); else w.null();
  w.key("pose_p_fake").value(f.pose_p_fake);
  w.key("pose_band");
  if (f.pose_band) w.value(band_name(*f.pose_band)); else w.null();
  w.key("blend_p_fake").value(f.blend_p_fake);
  w.key("blend_band");
  if (f.blend_band) w.value(band_name(*f.blend_band)); else w.null();
  w.key("combined_p_fake").value(f.combined_p_fake);
  w.key("combined_band");
  if (f.combined_band) w.value(band_name(*f.combined_band)); else w.null();
  w.key("blend");
  if (f.blend) {
    w.begin_object().key("ok").value(f.blend->ok);
    if (f.blend->ok) {
      w.key("detail_ratio").begin_array();
      for (double x : f.blend->detail_ratio) w.value(x);
      w.end_array();
      w.key("slope_difference").value(f.blend->slope_difference).key("seam_ratio").value(f.blend->seam_ratio);
      w.key("chroma_step").value(f.blend->chroma_step).key("ring_to_face_detail").value(f.blend->ring_to_face_detail());
    } else {
      w.key("reason").value(f.blend->reason);
    }
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

void write_person(JsonWriter& w, const PersonResult& p) {
  w.begin_object();
  w.key("id").value(p.id).key("frames_seen").value(p.frames_seen).key("frames_judged").value(p.frames_judged);
  w.key("main").value(p.main);
  w.key("mean_p_fake").value(p.mean_p_fake);
  w.key("head_motion").begin_object();
  w.key("ok").value(p.track.ok);
  if (p.track.ok) {
    w.key("flatness_ratio").value(p.track.flatness_ratio).key("central_depth").value(p.track.central_depth);
    w.key("jaw_depth").value(p.track.jaw_depth).key("nonrigid_rms").value(p.track.nonrigid_rms);
  } else {
    w.key("reason").value(p.track.reason);
  }
  w.end_object();
  w.key("own_face").begin_object();
  w.key("ok").value(p.own_face.ok);
  if (p.own_face.ok) {
    w.key("angle_mean_deg").value(p.own_face.angle_mean_deg).key("angle_sd_deg").value(p.own_face.angle_sd_deg);
    w.key("angle_step_deg").value(p.own_face.angle_step_deg).key("central_rms_mm").value(p.own_face.fit.central_rms_mm);
    w.key("jaw_rms_mm").value(p.own_face.fit.jaw_rms_mm);
  } else {
    w.key("reason").value(p.own_face.reason);
  }
  w.end_object();
  w.key("head_motion_p_fake").value(p.track_p_fake);
  w.key("score").value(p.score);
  w.key("basis");
  if (p.basis.empty()) w.null(); else w.value(p.basis);
  w.key("band");
  if (p.band) w.value(band_name(*p.band)); else w.null();
  w.key("most_suspicious_frames").begin_array();
  for (int f : p.most_suspicious_frames) w.value(f);
  w.end_array();
  w.key("appearances").begin_array();
  for (const auto& [frame, face] : p.appearances) w.begin_array().value(frame).value(face).end_array();
  w.end_array();
  w.end_object();
}

}  // namespace posecheck::cli
