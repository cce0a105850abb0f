// People in a video: faces linked across analysed frames into one track per
// person, and one verdict per person (issue 12: "one verdict per person";
// issue 18: a person's own head motion over the video).
//
// Linking: the faces of each frame are matched to the open tracks greedily,
// highest box overlap (intersection over union) first; a face joins a track
// when the overlap with the track's last box is >= kTrackMinOverlap and the
// track was seen within the last kTrackMaxGap analysed frames; otherwise it
// starts a new track. Faces that were not judged (cannot_judge) still link,
// so a person's track is not split by one bad frame.
//
// A person's score: with the blend cue or the combination (Checker::face_cue() != kPose), the
// mean P(fake) of the judged frames, with head motion reported beside it
// (the frames are the stronger evidence: docs/results.md, "The blend cue").
// With the pose cue: the track classifier's P(fake) from the head motion of
// the judged frames (track_evidence.h) when a track classifier is loaded and
// the track can be judged (>= kMinTrackFrames judged frames); otherwise the
// mean P(fake) of the judged frames (the paper's video score). `basis` says
// which. Main people: seen in at least kMainPersonShare of the analysed
// frames. The video's score is the highest score among main people that
// have one (a video is a face swap if any main person is swapped); people
// seen briefly never decide it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker.h"
#include "own_face.h"
#include "track_evidence.h"

namespace posecheck {

constexpr double kTrackMinOverlap = 0.3;
// The own-face fit uses at most this many judged frames of a person (its
// cost grows with frames x iterations).
constexpr int kOwnFaceMaxFrames = 120;
constexpr int kTrackMaxGap = 5;
constexpr double kMainPersonShare = 0.25;

struct PersonResult {
  int id = 0;                // 1-based, in order of first appearance
  int frames_seen = 0;       // analysed frames in which this person's face was found
  int frames_judged = 0;     // of those, frames whose face could be judged (status ok)
  bool main = false;         // seen in >= kMainPersonShare of the analysed frames
  std::optional<double> mean_p_fake;   // mean frame P(fake) over judged frames
  TrackEvidence track;                 // head motion over the judged frames
  // The whole-vs-central pose difference against the person's own 3D face
  // fitted over the judged frames (own_face.h; at most kOwnFaceMaxFrames of
  // them, evenly spaced). Reported beside the verdict, never deciding it:
  // measured, it adds nothing the frames and head motion do not give
  // (docs/results.md, "A person's own 3D face").
  OwnFaceEvidence own_face;
  std::optional<double> track_p_fake;  // the track classifier's P(fake)
  std::optional<double> score;         // see the header: mean_p_fake or track_p_fake
  std::string basis;                   // "head_motion", "frames" or "" (no score)
  std::optional<EvidenceBand> band;    // the band of `score` under the classifier that gave it
  // Up to 3 analysed-frame indices with the highest frame P(fake), highest first.
  std::vector<int> most_suspicious_frames;
  // Per analysed frame in which the person was seen: (frame index, face index).
  std::vector<std::pair<int, int>> appearances;
};

struct VideoPeople {
  int frames_analysed = 0;
  std::vector<PersonResult> people;  // in order of first appearance
  std::optional<double> score;       // highest score among main people
};

// Represents: the people of one video as its frames are added. Not
// thread-safe. Frames must be added in time order.
class PersonTracker {
 public:
  // Requires: frame_index greater than every index added before (else
  //   throws Error kInvalidArgument); frame is that frame's result from the
  //   checker later given to summarise().
  // Ensures: the frame's faces are linked into tracks as the header says;
  //   the frame counts as analysed even when it has no face.
  void add(int frame_index, const ImageResult& frame);

  // Where to look for faces in the next analysed frame (CheckerOptions::
  // search_around): the boxes of the faces of the last analysed frame, or
  // empty for a scan of the whole image, which is due on analysed frames 0,
  // full_scan_every, 2 * full_scan_every, ... (counted from the tracker's
  // first frame), and whenever the last frame had no face. full_scan_every
  // <= 1: always empty (every frame scanned whole). The schedule is fixed,
  // not counted from the last whole scan, so that runs of full_scan_every
  // frames starting at those positions can be checked by separate trackers
  // (one per worker) with exactly the results of one tracker: web/posecheck.js,
  // a video on several checkers.
  // Requires nothing. Ensures: boxes in the last frame's image pixels, one
  // per face of that frame. Throws only std::bad_alloc.
  std::vector<Box> search_boxes(int full_scan_every) const;

  // Scores with the checker's frame classifier and track classifier (either
  // may be absent: then the corresponding scores stay empty).
  // Ensures: the people so far, as the header defines them; the tracker is
  //   unchanged, so frames may still be added. Throws only std::bad_alloc.
  VideoPeople summarise(const Checker& checker) const;

 private:
  struct Face {
    int frame = 0, index = 0;
    Box box;
    Landmarks landmarks;
    bool judged = false;  // status ok: its landmarks fit a head
    std::optional<double> p_fake;
  };
  struct Track {
    std::vector<Face> faces;
    int last_seen = 0;  // position in the sequence of analysed frames
  };
  std::vector<Track> tracks_;
  std::vector<Box> last_boxes_;  // the faces of the last analysed frame
  int frames_ = 0;
  int last_frame_index_ = -1;
};

// How often a video's frames are scanned whole (check_video_frame): at
// least every kFullScanSeconds of video, so a person who enters is found
// within that time; the frames between are scanned only around the people
// already seen. Sparse samples (under 1 / kFullScanSeconds analysed frames
// per second) are all scanned whole: people move too far between them.
constexpr double kFullScanSeconds = 0.4;
// Whole-frame scans every this many analysed frames, for frames analysed at
// `analysed_fps` frames per second: floor(analysed_fps * kFullScanSeconds),
// at least 1 (every frame whole). Requires nothing (non-finite or <= 0: 1).
int full_scan_every_at(double analysed_fps);
// For a video analysed frame by frame at 25 frames/s: 10.
constexpr int kDefaultFullScanEvery = 10;

// Checks one frame of a video and adds it to `tracker`: the detector scans
// the regions tracker.search_boxes(full_scan_every) gives, and the whole
// frame when it gives none or when a region scan finds fewer faces than it
// had regions (a person lost or turned away: look everywhere, this frame).
// Results on whole-image scans are exactly those of checker.check(frame,
// options). Requires what Checker::check and PersonTracker::add require
// (else throws as they do). Ensures: the returned result is the one added to
// the tracker; its search_regions says how its faces were looked for.
ImageResult check_video_frame(Checker& checker, PersonTracker& tracker, int frame_index, const ImageView& frame,
                              CheckerOptions options, int full_scan_every, StageTimings* timings = nullptr);

// The video's verdict word: "no_face" (faces_seen == 0: no face in any
// analysed frame), "not_scored" (no classifier loaded), "cannot_judge" (no
// main person has a score), else the band of the main person with the
// highest score.
// Requires: people from summarise() with this checker; faces_seen the sum of
//   the analysed frames' faces_found. Never throws.
std::string video_verdict(const VideoPeople& people, int faces_seen, const Checker& checker);

}  // namespace posecheck
