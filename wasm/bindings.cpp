// WebAssembly bindings: convert data between JavaScript and the core, nothing
// else. Pixels and model bytes are written by JS into one reusable input
// buffer on the heap (see inputBuffer); results are plain JS objects copied
// out of the heap. No C++ exception crosses this boundary: every call returns
// {ok: true, ...} or {ok: false, code, message}.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <chrono>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <utility>

#include "checker.h"
#include "errors.h"
#include "person_tracks.h"

using emscripten::val;
using namespace posecheck;

namespace {

// Numbers per face in Analyzer::addFrameResult: box (4), judged, p_fake, 68 x (x, y).
constexpr int kRunFaceNumbers = 6 + 2 * kNumLandmarks;

val error_value(const std::string& code, const std::string& message) {
  val v = val::object();
  v.set("ok", false);
  v.set("code", code);
  v.set("message", message);
  return v;
}

template <typename F>
val guarded(F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    return error_value(error_code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return error_value("out_of_memory", "out of WebAssembly memory: use a smaller image");
  } catch (const std::exception& e) {
    return error_value("internal", e.what());
  }
}

template <typename M>
val numbers(const M& m) {
  val a = val::array();
  for (int i = 0; i < int(m.size()); ++i) a.call<void>("push", double(m(i)));
  return a;
}

val optional_number(const std::optional<double>& x) { return x ? val(*x) : val::null(); }

val pose_value(const PoseEstimate& p) {
  val v = val::object();
  v.set("ok", p.ok);
  if (!p.ok) {
    v.set("failure", p.failure);
    return v;
  }
  Eigen::Matrix<double, 9, 1> flat;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) flat(3 * r + c) = p.pose.rotation(r, c);
  v.set("rotation_matrix", numbers(flat));
  v.set("rotation_vector", numbers(p.rotation_vector));
  v.set("translation", numbers(p.pose.translation));
  v.set("rms_px", p.rms_px);
  v.set("iterations", p.iterations);
  v.set("converged", p.converged);
  return v;
}

val face_value(const FaceResult& f) {
  val v = val::object();
  val box = val::object();
  box.set("left", f.box.left);
  box.set("top", f.box.top);
  box.set("right", f.box.right);
  box.set("bottom", f.box.bottom);
  v.set("box", box);
  v.set("detection_confidence", f.detection_confidence);
  val camera = val::object();
  camera.set("fx", f.camera.fx);
  camera.set("fy", f.camera.fy);
  camera.set("cx", f.camera.cx);
  camera.set("cy", f.camera.cy);
  v.set("camera", camera);
  val lm = val::array();
  for (const auto& p : f.landmarks) {
    val xy = val::array();
    xy.call<void>("push", p.x());
    xy.call<void>("push", p.y());
    lm.call<void>("push", xy);
  }
  v.set("landmarks", lm);
  v.set("pose_whole", pose_value(f.pose_whole));
  v.set("pose_central", pose_value(f.pose_central));
  if (f.features) {
    val feats = val::object();
    for (auto variant : all_variants()) {
      val a = val::array();
      for (double x : f.features->of(variant)) a.call<void>("push", x);
      feats.set(variant_name(variant), a);
    }
    v.set("features", feats);
    v.set("cosine_distance", f.features->cosine_distance);
    v.set("rotation_difference_deg", f.rotation_difference_deg);
  } else {
    v.set("features", val::null());
    v.set("cosine_distance", val::null());
    v.set("rotation_difference_deg", val::null());
  }
  v.set("status", std::string(status_name(f.status)));
  v.set("reason", f.reason);
  v.set("p_fake", optional_number(f.p_fake));
  v.set("band", f.band ? val(std::string(band_name(*f.band))) : val::null());
  v.set("pose_p_fake", optional_number(f.pose_p_fake));
  v.set("pose_band", f.pose_band ? val(std::string(band_name(*f.pose_band))) : val::null());
  v.set("blend_p_fake", optional_number(f.blend_p_fake));
  v.set("blend_band", f.blend_band ? val(std::string(band_name(*f.blend_band))) : val::null());
  v.set("combined_p_fake", optional_number(f.combined_p_fake));
  v.set("combined_band", f.combined_band ? val(std::string(band_name(*f.combined_band))) : val::null());
  if (f.blend) {
    val b = val::object();
    b.set("ok", f.blend->ok);
    if (f.blend->ok) {
      val ratios = val::array();
      for (double x : f.blend->detail_ratio) ratios.call<void>("push", x);
      b.set("detail_ratio", ratios);
      b.set("slope_difference", f.blend->slope_difference);
      b.set("seam_ratio", f.blend->seam_ratio);
      b.set("chroma_step", f.blend->chroma_step);
      b.set("ring_to_face_detail", f.blend->ring_to_face_detail());
    } else {
      b.set("reason", f.blend->reason);
    }
    v.set("blend", b);
  } else {
    v.set("blend", val::null());
  }
  return v;
}

// Options from JS; defaults live in the JS API (web/posecheck.js).
struct CheckOptions {
  int upsample = 0;
  int maxFaces = 16;
  int maxDetectionSide = 1600;
  // Video frames only (check with frameIndex >= 0): core/person_tracks.h,
  // check_video_frame(); 1 = scan every frame whole.
  int fullScanEvery = kDefaultFullScanEvery;
};

CheckerOptions to_core(const CheckOptions& o) {
  CheckerOptions c;
  c.detection.upsample = o.upsample;
  c.detection.max_detection_side = o.maxDetectionSide;
  c.max_faces = o.maxFaces;
  return c;
}

// The long-lived analyser: models, detector, and the reusable input buffer.
class Analyzer {
 public:
  // Step 1: JS asks for a buffer of n bytes and writes pixels or model bytes
  // into HEAPU8 at the returned offset. The buffer is reused across calls.
  double inputBuffer(double bytes) {
    // The largest input is a 40-megapixel RGBA image (160 MB).
    if (!(bytes >= 0) || bytes > double(kMaxImagePixels) * 4) return -1;
    input_.resize(std::size_t(bytes));
    return double(reinterpret_cast<std::uintptr_t>(input_.data()));
  }

  // Step 2 (once): models. The landmark model is in the input buffer; the
  // face and classifier models are small texts. An empty classifier text
  // means no P(fake).
  val load(std::size_t landmark_bytes, const std::string& landmark_sha256, const std::string& face_text,
           const std::string& classifier_text, const std::string& track_classifier_text, const std::string& blend_classifier_text,
           const std::string& combination_text) {
    return guarded([&] {
      if (landmark_bytes > input_.size()) throw Error(ErrorCode::kInvalidArgument, "landmark model size exceeds the input buffer");
      const auto t0 = std::chrono::steady_clock::now();
      LandmarkModel lm = LandmarkModel::from_bytes(input_.data(), landmark_bytes, landmark_sha256);
      const auto t1 = std::chrono::steady_clock::now();
      FaceModel3D face = parse_face_model(face_text);
      std::optional<Classifier> cls;
      if (!classifier_text.empty()) cls = Classifier::parse(classifier_text);
      std::optional<Classifier> track;
      if (!track_classifier_text.empty()) track = Classifier::parse(track_classifier_text);
      std::optional<Classifier> blend;
      if (!blend_classifier_text.empty()) blend = Classifier::parse(blend_classifier_text);
      std::optional<CueCombination> combination;
      if (!combination_text.empty()) combination = CueCombination::parse(combination_text);
      checker_.emplace(std::move(lm), std::move(face), std::move(cls), std::move(track), std::move(blend), std::move(combination));
      const auto t2 = std::chrono::steady_clock::now();
      release_input();
      val v = val::object();
      v.set("ok", true);
      v.set("landmarks", checker_->landmark_model().sha256());
      v.set("face3d", checker_->face_model().sha256);
      v.set("classifier", checker_->classifier() ? val(checker_->classifier()->sha256()) : val::null());
      v.set("track_classifier", checker_->track_classifier() ? val(checker_->track_classifier()->sha256()) : val::null());
      v.set("blend_classifier", checker_->blend_classifier() ? val(checker_->blend_classifier()->sha256()) : val::null());
      v.set("combination", checker_->combination() ? val(checker_->combination()->sha256()) : val::null());
      v.set("camera", std::string(camera_model_name(checker_->camera(CheckerOptions{}))));
      // Where the time went: the landmark model (hash + parse), then the rest
      // (3D face, classifier, and the face detector).
      val timings = val::object();
      timings.set("landmark_model_ms", std::chrono::duration<double, std::milli>(t1 - t0).count());
      timings.set("detector_and_others_ms", std::chrono::duration<double, std::milli>(t2 - t1).count());
      v.set("timings", timings);
      return v;
    });
  }

  // Videos: beginVideo(), then check(..., frameIndex >= 0) per analysed frame
  // in time order, then endVideo() for the people (core/person_tracks.h).
  void beginVideo() {
    video_.emplace();
    video_faces_seen_ = 0;
  }

  val endVideo() {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      if (!video_) throw Error(ErrorCode::kInvalidArgument, "no video was begun (beginVideo)");
      const VideoPeople people = video_->summarise(*checker_);
      val v = val::object();
      v.set("ok", true);
      v.set("frames_analysed", people.frames_analysed);
      val list = val::array();
      for (const auto& p : people.people) list.call<void>("push", person_value(p));
      v.set("people", list);
      v.set("score", optional_number(people.score));
      v.set("verdict", video_verdict(people, video_faces_seen_, *checker_));
      v.set("bands", bands_value(checker_->face_bands()));
      v.set("pose_bands", bands_value(bands_of(checker_->classifier())));
      v.set("head_motion_bands", bands_value(bands_of(checker_->track_classifier())));
      video_.reset();
      return v;
    });
  }

  // Step 3: RGBA pixels (width * height * 4 bytes) in the input buffer.
  // frameIndex >= 0: also a frame of the video begun with beginVideo().
  val check(int width, int height, const CheckOptions& options, int frameIndex) {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      const ImageView image = input_image(width, height);
      if (frameIndex >= 0 && !video_) throw Error(ErrorCode::kInvalidArgument, "no video was begun (beginVideo)");
      const ImageResult r = frameIndex >= 0 ? check_video_frame(*checker_, *video_, frameIndex, image, to_core(options), options.fullScanEvery)
                                            : checker_->check(image, to_core(options));
      if (frameIndex >= 0) video_faces_seen_ += r.faces_found;
      return result_value(r);
    });
  }

  // A video on several checkers (web/posecheck.js): each checker checks runs
  // of consecutive frames, each run with a tracker of its own that only says
  // where to look (startsRun: a new tracker, so a whole-frame scan; runs start
  // on the tracker's fixed schedule of whole scans, so the results are those
  // of one tracker over the whole video: core/person_tracks.h). The frames'
  // results are linked into people elsewhere (addFrameResult). RGBA pixels in
  // the input buffer, as check().
  val checkRunFrame(int width, int height, const CheckOptions& options, int frameIndex, bool startsRun) {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      const ImageView image = input_image(width, height);
      if (frameIndex < 0) throw Error(ErrorCode::kInvalidArgument, "frameIndex must be a whole number >= 0");
      if (startsRun || !run_) run_.emplace();
      return result_value(check_video_frame(*checker_, *run_, frameIndex, image, to_core(options), options.fullScanEvery));
    });
  }

  // Adds a frame's result, checked by checkRunFrame here or on another
  // checker, to the video begun with beginVideo(). Frames in time order.
  // faces: kRunFaceNumbers numbers per face, in the result's face order:
  // box left, top, right, bottom; 1 if judged (status ok) else 0; p_fake (NaN
  // for none); then x, y of the 68 landmarks. These are all the tracker reads.
  val addFrameResult(int frameIndex, int facesFound, const val& faces) {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      if (!video_) throw Error(ErrorCode::kInvalidArgument, "no video was begun (beginVideo)");
      if (frameIndex < 0) throw Error(ErrorCode::kInvalidArgument, "frameIndex must be a whole number >= 0");
      const std::vector<double> numbers = emscripten::vecFromJSArray<double>(faces);
      if (numbers.size() % kRunFaceNumbers != 0) {
        throw Error(ErrorCode::kInvalidArgument, "a frame result's faces need " + std::to_string(kRunFaceNumbers) + " numbers each");
      }
      ImageResult r;
      r.faces_found = facesFound;
      for (std::size_t at = 0; at < numbers.size(); at += kRunFaceNumbers) {
        const double* n = numbers.data() + at;
        FaceResult f;
        f.box = Box{n[0], n[1], n[2], n[3]};
        if (!(std::isfinite(f.box.left) && std::isfinite(f.box.top) && std::isfinite(f.box.right) && std::isfinite(f.box.bottom))) {
          throw Error(ErrorCode::kInvalidArgument, "a face box must be finite");
        }
        if (n[4] != 0 && n[4] != 1) throw Error(ErrorCode::kInvalidArgument, "a face's judged flag must be 0 or 1");
        f.status = n[4] == 1 ? FaceStatus::kOk : FaceStatus::kCannotJudge;
        if (!std::isnan(n[5])) {
          if (!(n[5] >= 0 && n[5] <= 1)) throw Error(ErrorCode::kInvalidArgument, "a face's P(fake) must be in [0, 1] or NaN");
          f.p_fake = n[5];
        }
        for (int i = 0; i < kNumLandmarks; ++i) f.landmarks[i] = Point2(n[6 + 2 * i], n[7 + 2 * i]);
        // A judged face's landmarks are fitted with a camera and a head
        // when the people are summarised: refuse here what they would refuse.
        if (f.status == FaceStatus::kOk) (void)camera_for_face(f.landmarks);
        r.faces.push_back(f);
      }
      if (facesFound < int(r.faces.size())) throw Error(ErrorCode::kInvalidArgument, "facesFound is fewer than the faces given");
      video_->add(frameIndex, r);
      video_faces_seen_ += r.faces_found;
      val v = val::object();
      v.set("ok", true);
      return v;
    });
  }

  // The module and the models this analyser loaded (formats, hash prefixes),
  // or, before load(), the formats it reads (core/checker.h, version_line;
  // POSECHECK_VERSION is the CMake project's, wasm/CMakeLists.txt).
  std::string version() const { return version_line(POSECHECK_VERSION, checker_ ? &*checker_ : nullptr); }

  // Bring-your-own landmarks: 136 numbers x1, y1, ... x68, y68.
  val judgeLandmarks(const val& xy, int width, int height) {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      const std::vector<double> v = emscripten::vecFromJSArray<double>(xy);
      if (v.size() != 2 * kNumLandmarks) throw Error(ErrorCode::kInvalidArgument, "landmarks need 136 numbers (x, y for 68 points)");
      Landmarks lm;
      for (int i = 0; i < kNumLandmarks; ++i) lm[i] = Point2(v[2 * i], v[2 * i + 1]);
      val out = val::object();
      out.set("ok", true);
      out.set("face", face_value(checker_->judge_landmarks(lm, width, height)));
      return out;
    });
  }

  // One check with per-stage wall-clock times (benchmarks call it per frame,
  // as the page calls check(), so the engine optimises as in real use).
  val profile(int width, int height, const CheckOptions& options) {
    return guarded([&] {
      if (!checker_) throw Error(ErrorCode::kInvalidArgument, "models are not loaded");
      if (input_.size() != std::size_t(width) * height * 4) throw Error(ErrorCode::kInvalidArgument, "pixel buffer size mismatch");
      StageTimings t;
      const ImageResult r = checker_->check(packed_view(input_.data(), width, height, PixelFormat::kRgba32), to_core(options), &t);
      val v = val::object();
      v.set("ok", true);
      v.set("faces", int(r.faces.size()));
      v.set("detect_ms", t.detect_ms);
      v.set("landmarks_ms", t.landmarks_ms);
      v.set("pose_ms", t.pose_ms);
      v.set("features_ms", t.features_ms);
      v.set("svm_ms", t.svm_ms);
      return v;
    });
  }

 private:
  // The input buffer as width x height RGBA pixels, for check() and
  // checkRunFrame(); throws Error kInvalidArgument when it holds another size.
  ImageView input_image(int width, int height) const {
    validate_size(width, height);
    const std::size_t need = std::size_t(width) * height * 4;
    if (input_.size() != need) {
      throw Error(ErrorCode::kInvalidArgument, "pixel buffer holds " + std::to_string(input_.size()) + " bytes; " +
                                                   std::to_string(width) + "x" + std::to_string(height) + " RGBA needs " +
                                                   std::to_string(need));
    }
    return packed_view(input_.data(), width, height, PixelFormat::kRgba32);
  }

  // What check() and checkRunFrame() return: the CLI's JSON for one image.
  val result_value(const ImageResult& r) const {
    val v = val::object();
    v.set("ok", true);
    v.set("width", r.width);
    v.set("height", r.height);
    v.set("models", models_value(r.camera));
    v.set("faces_found", r.faces_found);
    v.set("search_regions", r.search_regions);
    val faces = val::array();
    for (const auto& f : r.faces) faces.call<void>("push", face_value(f));
    v.set("faces", faces);
    v.set("score", optional_number(r.score));
    v.set("verdict", verdict(r.score, r.faces_found, *checker_));
    v.set("bands", bands_value(checker_->face_bands()));
    v.set("pose_bands", bands_value(bands_of(checker_->classifier())));
    return v;
  }

  // The result's `models` (as the CLI's): model hashes and the camera used.
  val models_value(CameraModel camera) const {
    val m = val::object();
    m.set("camera", std::string(camera_model_name(camera)));
    m.set("landmarks", checker_->landmark_model().sha256());
    m.set("face3d", checker_->face_model().sha256);
    m.set("classifier", checker_->classifier() ? val(checker_->classifier()->sha256()) : val::null());
    m.set("blend_classifier", checker_->blend_classifier() ? val(checker_->blend_classifier()->sha256()) : val::null());
    m.set("track_classifier", checker_->track_classifier() ? val(checker_->track_classifier()->sha256()) : val::null());
    if (const auto& c = checker_->combination()) {
      val combo = val::object();
      combo.set("sha256", c->sha256());
      combo.set("pose_weight", c->pose_weight());
      combo.set("blend_weight", c->blend_weight());
      combo.set("bias", c->bias());
      combo.set("decides", c->decides());
      combo.set("bands", bands_value(c->bands()));
      m.set("combination", combo);
    } else {
      m.set("combination", val::null());
    }
    m.set("face_cue", std::string(face_cue_name(checker_->face_cue())));
    return m;
  }

  // What the bands mean, as the CLI's `bands`; null without a classifier.
  static val bands_value(const std::optional<EvidenceBands>& bands) {
    if (!bands) return val::null();
    val b = val::object();
    b.set("low", bands->low);
    b.set("high", bands->high);
    if (bands->held_out_rates.empty()) {
      b.set("held_out", val::null());
    } else {
      val held = val::object();
      for (int l = 0; l < 2; ++l) {
        val per = val::object();
        for (int k = 0; k < 3; ++k) per.set(band_name(EvidenceBand(k)), bands->held_out_rates[std::size_t(3 * l + k)]);
        held.set(l ? "fake" : "real", per);
      }
      b.set("held_out", held);
    }
    return b;
  }


  void release_input() { std::vector<std::uint8_t>().swap(input_); }

  // {ok: true, name: value, ...} when measured, else {ok: false, reason}.
  static val measures(bool ok, const std::string& reason, std::initializer_list<std::pair<const char*, double>> values) {
    val v = val::object();
    v.set("ok", ok);
    if (!ok) {
      v.set("reason", reason);
      return v;
    }
    for (const auto& [name, value] : values) v.set(name, value);
    return v;
  }

  // One person of a video, as the CLI's `people[]` (tools/json_output.cpp).
  static val person_value(const PersonResult& p) {
    val v = val::object();
    v.set("id", p.id);
    v.set("frames_seen", p.frames_seen);
    v.set("frames_judged", p.frames_judged);
    v.set("main", p.main);
    v.set("mean_p_fake", optional_number(p.mean_p_fake));
    v.set("head_motion", measures(p.track.ok, p.track.reason,
                                  {{"flatness_ratio", p.track.flatness_ratio}, {"central_depth", p.track.central_depth},
                                   {"jaw_depth", p.track.jaw_depth}, {"nonrigid_rms", p.track.nonrigid_rms}}));
    v.set("own_face", measures(p.own_face.ok, p.own_face.reason,
                               {{"angle_mean_deg", p.own_face.angle_mean_deg}, {"angle_sd_deg", p.own_face.angle_sd_deg},
                                {"angle_step_deg", p.own_face.angle_step_deg}, {"central_rms_mm", p.own_face.fit.central_rms_mm},
                                {"jaw_rms_mm", p.own_face.fit.jaw_rms_mm}}));
    v.set("head_motion_p_fake", optional_number(p.track_p_fake));
    v.set("score", optional_number(p.score));
    v.set("basis", p.basis.empty() ? val::null() : val(p.basis));
    v.set("band", p.band ? val(std::string(band_name(*p.band))) : val::null());
    val worst = val::array();
    for (int f : p.most_suspicious_frames) worst.call<void>("push", f);
    v.set("most_suspicious_frames", worst);
    val seen = val::array();
    for (const auto& [frame, face] : p.appearances) {
      val pair = val::array();
      pair.call<void>("push", frame);
      pair.call<void>("push", face);
      seen.call<void>("push", pair);
    }
    v.set("appearances", seen);
    return v;
  }

  std::vector<std::uint8_t> input_;
  std::optional<Checker> checker_;
  std::optional<PersonTracker> video_;
  int video_faces_seen_ = 0;
  std::optional<PersonTracker> run_;  // checkRunFrame's: where to look, within one run of frames
};

// The landmark groups of core/geometry.h (0-based), so the overlay draws the
// very points the poses use: {whole: [...], central: [...]}.
val landmark_groups() {
  auto list = [](const std::vector<int>& idx) {
    val a = val::array();
    for (int i : idx) a.call<void>("push", i);
    return a;
  };
  val out = val::object();
  out.set("whole", list(whole_face_indices()));
  out.set("central", list(central_face_indices()));
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(posecheck) {
  emscripten::value_object<CheckOptions>("CheckOptions")
      .field("upsample", &CheckOptions::upsample)
      .field("maxFaces", &CheckOptions::maxFaces)
      .field("maxDetectionSide", &CheckOptions::maxDetectionSide)
      .field("fullScanEvery", &CheckOptions::fullScanEvery);
  emscripten::class_<Analyzer>("Analyzer")
      .constructor<>()
      .function("inputBuffer", &Analyzer::inputBuffer)
      .function("load", &Analyzer::load)
      .function("check", &Analyzer::check)
      .function("checkRunFrame", &Analyzer::checkRunFrame)
      .function("addFrameResult", &Analyzer::addFrameResult)
      .function("beginVideo", &Analyzer::beginVideo)
      .function("endVideo", &Analyzer::endVideo)
      .function("judgeLandmarks", &Analyzer::judgeLandmarks)
      .function("profile", &Analyzer::profile)
      .function("version", &Analyzer::version);
  emscripten::function("landmarkGroups", &landmark_groups);
  emscripten::function("defaultFullScanEvery", emscripten::optional_override([] { return kDefaultFullScanEvery; }));
  emscripten::function("fullScanEveryAt", &full_scan_every_at);
}
