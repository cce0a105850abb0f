// `posecheck check`: one JSON document (one line) per input file.
#include <cstdio>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "cli_common.h"
#include "decode_image.h"
#include "decode_video.h"
#include "errors.h"
#include "json_output.h"
#include "person_tracks.h"

namespace posecheck::cli {
namespace {

// What the bands mean (the classifier's thresholds and, when the model file
// has them, the held-out shares of real and fake faces in each band).
void write_bands(JsonWriter& w, const std::optional<EvidenceBands>& bands, const char* key = "bands") {
  w.key(key);
  if (!bands) {
    w.null();
    return;
  }
  w.begin_object().key("low").value(bands->low).key("high").value(bands->high);
  w.key("held_out");
  if (bands->held_out_rates.empty()) {
    w.null();
  } else {
    w.begin_object();
    for (int l = 0; l < 2; ++l) {
      w.key(l ? "fake" : "real").begin_object();
      for (int b = 0; b < 3; ++b) w.key(band_name(EvidenceBand(b))).value(bands->held_out_rates[std::size_t(3 * l + b)]);
      w.end_object();
    }
    w.end_object();
  }
  w.end_object();
}

void write_models(JsonWriter& w, const Checker& checker, const CheckerOptions& options) {
  w.key("models").begin_object();
  w.key("camera").value(camera_model_name(checker.camera(options)));
  w.key("landmarks").value(checker.landmark_model().sha256());
  w.key("face3d").value(checker.face_model().sha256);
  w.key("classifier");
  if (checker.classifier()) w.value(checker.classifier()->sha256()); else w.null();
  w.key("blend_classifier");
  if (checker.blend_classifier()) w.value(checker.blend_classifier()->sha256()); else w.null();
  w.key("track_classifier");
  if (checker.track_classifier()) w.value(checker.track_classifier()->sha256()); else w.null();
  w.key("combination");
  if (const auto& c = checker.combination()) {
    w.begin_object().key("sha256").value(c->sha256()).key("pose_weight").value(c->pose_weight());
    w.key("blend_weight").value(c->blend_weight()).key("bias").value(c->bias()).key("decides").value(c->decides());
    write_bands(w, c->bands(), "bands");
    w.end_object();
  } else {
    w.null();
  }
  w.key("face_cue").value(face_cue_name(checker.face_cue()));
  w.end_object();
}


std::string check_image(Checker& checker, const std::string& path, const std::vector<std::uint8_t>& bytes,
                        const CheckerOptions& options) {
  const DecodedImage image = decode_image(bytes);
  const ImageResult result = checker.check(image.view(), options);
  JsonWriter w;
  w.begin_object();
  w.key("file").value(path).key("type").value("image");
  w.key("width").value(result.width).key("height").value(result.height);
  write_models(w, checker, options);
  w.key("faces_found").value(result.faces_found);
  w.key("search_regions").value(result.search_regions);
  w.key("faces").begin_array();
  for (const auto& f : result.faces) write_face(w, f);
  w.end_array();
  w.key("score").value(result.score);
  w.key("verdict").value(verdict(result.score, result.faces_found, checker));
  write_bands(w, checker.face_bands());
  write_bands(w, bands_of(checker.classifier()), "pose_bands");
  w.end_object();
  return w.str();
}

std::string check_video(Checker& checker, const std::string& path, double fps, const CheckerOptions& options, int full_scan_every) {
  JsonWriter frames;
  frames.begin_array();
  std::vector<std::optional<double>> scores;
  int faces_seen = 0;
  PersonTracker tracker;
  const int scan_every_given = full_scan_every;  // 0: from the frame rate
  int scan_every = std::max(1, full_scan_every), analysed = 0;
  double first_time = 0;
  const VideoInfo info = decode_video(path, fps, [&](int index, double t, const ImageView& frame) {
    // Unless given, whole-frame scans follow the analysed frame rate: the
    // sampling rate, or the stream's (from the first two frames' times).
    if (scan_every_given == 0 && analysed == 1) scan_every = full_scan_every_at(fps > 0 ? fps : 1.0 / (t - first_time));
    if (analysed++ == 0) first_time = t;
    const ImageResult r = check_video_frame(checker, tracker, index, frame, options, scan_every);
    faces_seen += r.faces_found;
    scores.push_back(r.score);
    frames.begin_object();
    frames.key("frame").value(index).key("time_s").value(t);
    frames.key("faces_found").value(r.faces_found);
    frames.key("search_regions").value(r.search_regions);
    frames.key("faces").begin_array();
    for (const auto& f : r.faces) write_face(frames, f);
    frames.end_array();
    frames.key("score").value(r.score);
    frames.end_object();
    return true;
  });
  frames.end_array();
  const VideoPeople people = tracker.summarise(checker);
  const int scored = int(std::count_if(scores.begin(), scores.end(), [](const auto& s) { return s.has_value(); }));
  JsonWriter w;
  w.begin_object();
  w.key("file").value(path).key("type").value("video");
  w.key("width").value(info.width).key("height").value(info.height);
  w.key("fps").value(info.fps).key("sample_fps").value(fps > 0 ? fps : info.fps);
  write_models(w, checker, options);
  w.key("frames_analysed").value(int(scores.size())).key("frames_scored").value(scored);
  // The frames' array was rendered separately; splice it in verbatim.
  std::string out = w.str();
  out += ",\"frames\":" + frames.str();
  JsonWriter tail;
  tail.key("people").begin_array();
  for (const auto& p : people.people) write_person(tail, p);
  tail.end_array();
  tail.key("score").value(people.score);
  tail.key("verdict").value(video_verdict(people, faces_seen, checker));
  write_bands(tail, checker.face_bands());
  write_bands(tail, bands_of(checker.classifier()), "pose_bands");
  write_bands(tail, bands_of(checker.track_classifier()), "head_motion_bands");
  out += "," + tail.str() + "}";
  return out;
}

std::string error_json(const std::string& path, const std::string& code, const std::string& message) {
  JsonWriter w;
  w.begin_object().key("file").value(path).key("error").begin_object();
  w.key("code").value(code).key("message").value(message);
  w.end_object().end_object();
  return w.str();
}


}  // namespace

int command_check(const Args& args) {
  ParsedArgs parsed;
  CheckerOptions options;
  double fps = 0;
  int full_scan_every = 0;  // 0: from the analysed frame rate (core/person_tracks.h)
  try {
    parsed = parse_args(args, {"model-dir", "landmark-model", "upsample", "fps", "max-faces", "camera", "threshold-adjust", "landmark-box", "full-scan-every"}, {"no-classifier"});
    if (parsed.positional.empty()) throw UsageError("check needs at least one FILE");
    options = checker_options(parsed);
    fps = parsed.get_number("fps", 0);
    if (fps < 0) throw UsageError("--fps must be >= 0 (0 = every frame)");
    if (parsed.has("full-scan-every")) {
      const double every = parsed.get_number("full-scan-every", 0);
      if (!(every >= 1) || every != std::floor(every) || every > 1e6) throw UsageError("--full-scan-every must be a whole number >= 1 (1 = scan every frame whole)");
      full_scan_every = int(every);
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "posecheck check: %s\nusage: posecheck check [--model-dir DIR] [--landmark-model FILE] [--upsample 0|1|2] [--fps N] [--full-scan-every N] [--max-faces N] [--camera paper|face] [--landmark-box detector|refined] [--threshold-adjust X] [--no-classifier] FILE|DIR...\n", e.what());
    return 2;
  }
  Checker checker = load_checker(model_options(parsed));
  try {
    checker.camera(options);  // a --camera the classifier was not trained with is refused up front
  } catch (const Error& e) {
    std::fprintf(stderr, "posecheck check: %s\n", e.what());
    return 2;
  }

  std::vector<std::string> files;
  for (const auto& p : parsed.positional) expand_inputs(p, files);
  int failures = 0;
  for (const auto& path : files) {
    std::string doc;
    try {
      const auto bytes = read_file_bytes(path);
      if (sniff_image_format(bytes) != ImageFormat::kUnknown) {
        doc = check_image(checker, path, bytes, options);
      } else if (!bytes.empty() && looks_like_video(path)) {
        doc = check_video(checker, path, fps, options, full_scan_every);
      } else {
        throw Error(ErrorCode::kImageDecode, bytes.empty() ? "file is empty" : "not a supported image (JPEG, PNG, WebP) or video");
      }
    } catch (const Error& e) {
      doc = error_json(path, error_code_name(e.code()), e.what());
      ++failures;
    } catch (const std::bad_alloc&) {
      doc = error_json(path, "out_of_memory", "out of memory while processing this file");
      ++failures;
    } catch (const std::exception& e) {
      doc = error_json(path, "internal", e.what());
      ++failures;
    }
    std::printf("%s\n", doc.c_str());
    std::fflush(stdout);
  }
  return failures ? 1 : 0;
}

}  // namespace posecheck::cli
