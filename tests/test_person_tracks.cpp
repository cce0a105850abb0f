// People in a video (core/person_tracks.h) from frame results alone, no
// image or model: the whole-frame scan schedule and the linking of faces
// into people. The schedule is fixed (analysed frames 0, N, 2N, ...), which
// is what lets several trackers, each given runs of N frames that start on
// that schedule, find the same faces as one tracker (web/posecheck.js: a
// video on several checkers).
#include <gtest/gtest.h>

#include <vector>

#include "errors.h"
#include "face_model_3d.h"
#include "person_tracks.h"
#include "test_support.h"
#include "tiny_shape_predictor.h"

using namespace posecheck;

namespace {

// Faces that were found but not judged (no landmarks to fit a head to):
// they link into people all the same.
ImageResult frame_with(std::vector<Box> boxes) {
  ImageResult r;
  for (const Box& b : boxes) {
    FaceResult f;
    f.box = b;
    f.status = FaceStatus::kCannotJudge;
    r.faces.push_back(f);
  }
  r.faces_found = int(r.faces.size());
  return r;
}

// A checker with no classifier: summarise() then links people and gives no scores.
Checker checker_without_classifiers() {
  const std::vector<std::uint8_t> dat = posecheck_test::tiny_shape_predictor_dat();
  return Checker(LandmarkModel::from_bytes(dat.data(), dat.size(), ""),
                 parse_face_model(posecheck_test::read_file(posecheck_test::source_path("models/face3d.txt"))), std::nullopt);
}

const Box kLeft{10, 10, 110, 110};
const Box kRight{300, 20, 400, 120};

}  // namespace

TEST(PersonTracks, WholeScansFollowAFixedScheduleAndAfterAFrameWithoutFaces) {
  PersonTracker tracker;
  std::vector<int> whole;
  for (int i = 0; i < 25; ++i) {
    if (tracker.search_boxes(10).empty()) whole.push_back(i);
    tracker.add(i, i == 3 ? frame_with({}) : frame_with({kLeft}));
  }
  // Frame 4 follows a frame without a face; frames 10 and 20 are on the
  // schedule (counting from the last whole scan, frame 4, would give 14, 24).
  EXPECT_EQ(whole, (std::vector<int>{0, 4, 10, 20}));
  EXPECT_TRUE(PersonTracker().search_boxes(10).empty()) << "the first frame is scanned whole";
  PersonTracker every;
  every.add(0, frame_with({kLeft}));
  EXPECT_TRUE(every.search_boxes(1).empty()) << "full_scan_every 1: every frame whole";
  ASSERT_EQ(every.search_boxes(2).size(), 1u);
  EXPECT_EQ(every.search_boxes(2)[0].left, kLeft.left);
}

TEST(PersonTracks, RunsOnSeparateTrackersAskForTheSameRegionsAsOneTracker) {
  // Frames with one or two people, and one without anybody.
  std::vector<ImageResult> frames;
  for (int i = 0; i < 23; ++i) frames.push_back(i == 13 ? frame_with({}) : i % 7 < 3 ? frame_with({kLeft, kRight}) : frame_with({kLeft}));
  const int every = 5;
  PersonTracker one;
  std::vector<std::vector<Box>> asked_one, asked_runs;
  for (int i = 0; i < int(frames.size()); ++i) {
    asked_one.push_back(one.search_boxes(every));
    one.add(i, frames[i]);
  }
  PersonTracker run;
  for (int i = 0; i < int(frames.size()); ++i) {
    if (i % every == 0) run = PersonTracker();  // a run starts on another tracker
    asked_runs.push_back(run.search_boxes(every));
    run.add(i, frames[i]);
  }
  ASSERT_EQ(asked_one.size(), asked_runs.size());
  for (std::size_t i = 0; i < asked_one.size(); ++i) {
    ASSERT_EQ(asked_one[i].size(), asked_runs[i].size()) << "frame " << i;
    for (std::size_t k = 0; k < asked_one[i].size(); ++k) EXPECT_EQ(asked_one[i][k].left, asked_runs[i][k].left) << "frame " << i;
  }
}

TEST(PersonTracks, FacesLinkIntoPeopleByOverlapAndFramesMustIncrease) {
  PersonTracker tracker;
  tracker.add(0, frame_with({kLeft, kRight}));
  tracker.add(2, frame_with({Box{14, 12, 114, 112}}));  // the left person moved a little; the right one is gone
  tracker.add(5, frame_with({kRight, Box{16, 12, 116, 112}}));
  EXPECT_THROW(tracker.add(5, frame_with({})), Error);
  const std::vector<PersonResult> people = tracker.summarise(checker_without_classifiers()).people;
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people[0].frames_seen, 3);
  EXPECT_EQ(people[1].frames_seen, 2);
  EXPECT_EQ(people[0].appearances, (std::vector<std::pair<int, int>>{{0, 0}, {2, 0}, {5, 1}}));
  EXPECT_EQ(people[1].appearances, (std::vector<std::pair<int, int>>{{0, 1}, {5, 0}}));
  EXPECT_EQ(people[0].frames_judged, 0);
  EXPECT_FALSE(people[0].score.has_value()) << "nothing judged, no score";
}
