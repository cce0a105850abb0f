#include "person_tracks.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "errors.h"

namespace posecheck {

void PersonTracker::add(int frame_index, const ImageResult& frame) {
  if (frame_index <= last_frame_index_) throw Error(ErrorCode::kInvalidArgument, "video frames must be added in order");
  last_frame_index_ = frame_index;
  const int now = frames_++;
  last_boxes_.clear();
  for (const auto& f : frame.faces) last_boxes_.push_back(f.box);
  // Candidate (overlap, track, face) pairs, best first; each track and face used once.
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    if (now - tracks_[t].last_seen > kTrackMaxGap) continue;
    for (std::size_t f = 0; f < frame.faces.size(); ++f) {
      const double o = box_overlap(tracks_[t].faces.back().box, frame.faces[f].box);
      if (o >= kTrackMinOverlap) pairs.emplace_back(o, t, f);
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<bool> track_used(tracks_.size(), false), face_used(frame.faces.size(), false);
  auto face_of = [&](std::size_t f) {
    const FaceResult& r = frame.faces[f];
    return Face{frame_index, int(f), r.box, r.landmarks, r.status == FaceStatus::kOk, r.p_fake};
  };
  for (const auto& [o, t, f] : pairs) {
    if (track_used[t] || face_used[f]) continue;
    track_used[t] = face_used[f] = true;
    tracks_[t].faces.push_back(face_of(f));
    tracks_[t].last_seen = now;
  }
  for (std::size_t f = 0; f < frame.faces.size(); ++f) {
    if (face_used[f]) continue;
    Track t;
    t.faces.push_back(face_of(f));
    t.last_seen = now;
    tracks_.push_back(std::move(t));
  }
}

int full_scan_every_at(double analysed_fps) {
  if (!(analysed_fps > 0) || !std::isfinite(analysed_fps)) return 1;
  return int(std::max(1.0, std::floor(std::min(analysed_fps, 1e6) * kFullScanSeconds + 1e-9)));
}

std::vector<Box> PersonTracker::search_boxes(int full_scan_every) const {
  if (full_scan_every <= 1 || last_boxes_.empty() || frames_ % full_scan_every == 0) return {};
  return last_boxes_;
}

ImageResult check_video_frame(Checker& checker, PersonTracker& tracker, int frame_index, const ImageView& frame,
                              CheckerOptions options, int full_scan_every, StageTimings* timings) {
  options.search_around = tracker.search_boxes(full_scan_every);
  ImageResult r = checker.check(frame, options, timings);
  if (!options.search_around.empty() && r.faces_found < int(options.search_around.size())) {
    StageTimings first;
    if (timings) first = *timings;
    options.search_around.clear();
    r = checker.check(frame, options, timings);
    if (timings) {
      timings->detect_ms += first.detect_ms;
      timings->landmarks_ms += first.landmarks_ms;
      timings->pose_ms += first.pose_ms;
      timings->features_ms += first.features_ms;
      timings->svm_ms += first.svm_ms;
    }
  }
  tracker.add(frame_index, r);
  return r;
}

std::string video_verdict(const VideoPeople& v, int faces_seen, const Checker& checker) {
  if (faces_seen == 0) return "no_face";
  if (!checker.face_bands()) return "not_scored";
  const PersonResult* top = nullptr;
  for (const auto& p : v.people)
    if (p.main && p.score && (!top || *p.score > *top->score)) top = &p;
  return top ? band_name(*top->band) : "cannot_judge";
}

VideoPeople PersonTracker::summarise(const Checker& checker) const {
  VideoPeople v;
  v.frames_analysed = frames_;
  const std::optional<EvidenceBands> frame_bands = checker.face_bands();
  // With the blend cue, a person's frames decide and head motion is shown
  // beside them: on DeepfakeTIMIT videos (nested grouped CV, docs/results.md)
  // the frames' mean blend P(fake) reaches AUROC 0.880, head motion 0.661.
  // With the pose cue, head motion decides when it can be measured.
  const bool frames_first = checker.face_cue() != FaceCue::kPose;
  const auto& track_classifier = checker.track_classifier();
  for (std::size_t t = 0; t < tracks_.size(); ++t) {
    const Track& track = tracks_[t];
    PersonResult p;
    p.id = int(t) + 1;
    p.frames_seen = int(track.faces.size());
    p.main = frames_ > 0 && p.frames_seen >= kMainPersonShare * frames_;
    std::vector<Landmarks> judged;
    std::vector<std::pair<double, int>> by_p;
    double sum = 0;
    for (const Face& f : track.faces) {
      p.appearances.emplace_back(f.frame, f.index);
      if (!f.judged) continue;
      ++p.frames_judged;
      judged.push_back(f.landmarks);
      if (!f.p_fake) continue;
      sum += *f.p_fake;
      by_p.emplace_back(*f.p_fake, f.frame);
    }
    if (!by_p.empty()) p.mean_p_fake = sum / double(by_p.size());
    std::stable_sort(by_p.begin(), by_p.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < by_p.size() && k < 3; ++k) p.most_suspicious_frames.push_back(by_p[k].second);
    p.track = track_evidence(judged);
    std::vector<Landmarks> spaced;  // at most kOwnFaceMaxFrames, evenly spaced, in time order
    const std::size_t n = std::min(judged.size(), std::size_t(kOwnFaceMaxFrames));
    for (std::size_t k = 0; k < n; ++k) spaced.push_back(judged[k * judged.size() / n]);
    p.own_face = own_face_evidence(spaced, checker.face_model());
    p.own_face.frames.clear();  // per-frame detail is not part of the person's result
    if (p.track.ok && track_classifier) p.track_p_fake = track_classifier->probability_fake(track_features(p.track));
    if (frames_first && p.mean_p_fake && frame_bands) {
      p.score = p.mean_p_fake;
      p.basis = "frames";
      p.band = frame_bands->of(*p.score);
    } else if (p.track_p_fake) {
      p.score = p.track_p_fake;
      p.basis = "head_motion";
      p.band = track_classifier->band(*p.score);
    } else if (p.mean_p_fake && frame_bands) {
      p.score = p.mean_p_fake;
      p.basis = "frames";
      p.band = frame_bands->of(*p.score);
    }
    if (p.main && p.score) v.score = std::max(v.score.value_or(0.0), *p.score);
    v.people.push_back(std::move(p));
  }
  return v;
}

}  // namespace posecheck
