// Native video decoding for the CLI with FFmpeg's libraries: frames arrive
// as RGBA at the video's own size, every frame or sampled at a given rate.
#pragma once

#include <functional>
#include <string>

#include "image_view.h"

namespace posecheck::cli {

struct VideoInfo {
  int width = 0, height = 0;
  double fps = 0;        // nominal frame rate (0 when unknown)
  double duration_s = 0; // 0 when unknown
};

// Called for each kept frame: index (0-based among decoded frames), its time
// in seconds, the pixels (valid only during the call). Return false to stop.
using FrameCallback = std::function<bool(int frame_index, double time_s, const ImageView& frame)>;

// True when FFmpeg recognises the file as a container with a video stream.
bool looks_like_video(const std::string& path);

// Decodes `path`, calling on_frame for every frame (sample_fps <= 0) or for
// the first frame at or after each 1/sample_fps step. Throws Error
// (kImageDecode with FFmpeg's reason; kImageTooLarge for over-limit frames).
// Ensures: returns the stream's info; zero decodable frames is an error.
VideoInfo decode_video(const std::string& path, double sample_fps, const FrameCallback& on_frame);

}  // namespace posecheck::cli
