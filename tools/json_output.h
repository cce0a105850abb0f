// JSON rendering of checker results: the CLI's output schema, which the
// WebAssembly API mirrors field for field (see README "Result fields").
#pragma once

#include <optional>
#include <string>

#include "checker.h"
#include "person_tracks.h"

namespace posecheck::cli {

// A minimal streaming JSON writer (objects, arrays, strings, numbers, null).
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s);
  JsonWriter& value(double x);   // non-finite -> null
  JsonWriter& value(int x);
  JsonWriter& value(bool b);
  JsonWriter& null();
  JsonWriter& value(const std::optional<double>& x) { return x ? value(*x) : null(); }
  const std::string& str() const { return out_; }

 private:
  void comma();
  std::string out_;
  bool need_comma_ = false;
};

void write_face(JsonWriter& w, const FaceResult& face);
// One person of a video (core/person_tracks.h).
void write_person(JsonWriter& w, const PersonResult& person);
void write_pose(JsonWriter& w, const PoseEstimate& pose);


}  // namespace posecheck::cli
