#include "decode_video.h"

#include <cstdint>
#include <memory>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include "errors.h"

namespace posecheck::cli {
namespace {

[[noreturn]] void fail(const std::string& what, int err = 0) {
  std::string msg = "video: " + what;
  if (err < 0) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(err, buf, sizeof buf);
    msg += std::string(" (") + buf + ")";
  }
  throw Error(ErrorCode::kImageDecode, msg);
}

struct FormatCloser { void operator()(AVFormatContext* c) const { avformat_close_input(&c); } };
struct CodecCloser { void operator()(AVCodecContext* c) const { avcodec_free_context(&c); } };
struct FrameFree { void operator()(AVFrame* f) const { av_frame_free(&f); } };
struct PacketFree { void operator()(AVPacket* p) const { av_packet_free(&p); } };
struct SwsFree { void operator()(SwsContext* s) const { sws_freeContext(s); } };

std::unique_ptr<AVFormatContext, FormatCloser> open_input(const std::string& path) {
  av_log_set_level(AV_LOG_QUIET);
  AVFormatContext* raw = nullptr;
  const int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) fail("cannot open '" + path + "'", err);
  std::unique_ptr<AVFormatContext, FormatCloser> fmt(raw);
  const int info = avformat_find_stream_info(fmt.get(), nullptr);
  if (info < 0) fail("cannot read stream info", info);
  return fmt;
}

}  // namespace

bool looks_like_video(const std::string& path) {
  // FFmpeg opens almost anything (plain text becomes a "tty" video): accept
  // only real video containers with a sized video stream.
  static const char* const kContainers[] = {"matroska", "webm", "mov", "mp4", "avi", "mpeg", "flv", "ogg", "asf", "h264", "hevc"};
  try {
    auto fmt = open_input(path);
    const std::string name = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
    bool known = false;
    for (const char* c : kContainers) known = known || name.find(c) != std::string::npos;
    const int s = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    return known && s >= 0 && fmt->streams[s]->codecpar->width > 0 && fmt->streams[s]->codecpar->height > 0;
  } catch (const Error&) {
    return false;
  }
}

VideoInfo decode_video(const std::string& path, double sample_fps, const FrameCallback& on_frame) {
  auto fmt = open_input(path);
  const AVCodec* codec = nullptr;
  const int stream_index = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream_index < 0 || !codec) fail("no decodable video stream", stream_index);
  AVStream* stream = fmt->streams[stream_index];
  std::unique_ptr<AVCodecContext, CodecCloser> ctx(avcodec_alloc_context3(codec));
  if (!ctx) fail("out of memory");
  if (int e = avcodec_parameters_to_context(ctx.get(), stream->codecpar); e < 0) fail("bad codec parameters", e);
  ctx->thread_count = 1;  // deterministic, and the checker is the bottleneck
  if (int e = avcodec_open2(ctx.get(), codec, nullptr); e < 0) fail("cannot open decoder", e);

  VideoInfo info;
  info.width = ctx->width;
  info.height = ctx->height;
  validate_size(info.width, info.height);
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) info.fps = av_q2d(stream->avg_frame_rate);
  if (fmt->duration > 0) info.duration_s = double(fmt->duration) / AV_TIME_BASE;

  std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
  std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
  std::unique_ptr<SwsContext, SwsFree> sws;
  std::vector<std::uint8_t> rgba;
  int rgba_stride = 0;
  int decoded = 0, kept = 0;
  double next_sample_time = 0;
  bool stop = false;
  const double time_base = av_q2d(stream->time_base);

  auto drain = [&]() {
    while (!stop) {
      const int r = avcodec_receive_frame(ctx.get(), frame.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) fail("decoding failed", r);
      const int index = decoded++;
      const int64_t pts = frame->best_effort_timestamp;
      const double t = pts != AV_NOPTS_VALUE ? (pts - (stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0)) * time_base
                                             : (info.fps > 0 ? index / info.fps : index);
      if (sample_fps > 0) {
        if (t + 1e-9 < next_sample_time) continue;
        next_sample_time += 1.0 / sample_fps;
        while (next_sample_time <= t) next_sample_time += 1.0 / sample_fps;
      }
      if (frame->width != info.width || frame->height != info.height) {
        validate_size(frame->width, frame->height);
        info.width = frame->width;
        info.height = frame->height;
        sws.reset();
      }
      if (!sws) {
        sws.reset(sws_getContext(frame->width, frame->height, AVPixelFormat(frame->format), frame->width, frame->height,
                                 AV_PIX_FMT_RGBA, SWS_BILINEAR, nullptr, nullptr, nullptr));
        if (!sws) fail("unsupported pixel format");
        // swscale's vector code writes whole blocks: a row of width * 4 bytes
        // that is not a multiple of its block (e.g. 360 px wide) was overrun
        // into the heap. Rows are padded to kRowAlign bytes, and the buffer
        // keeps one spare row at the end.
        constexpr int kRowAlign = 64;
        rgba_stride = (frame->width * 4 + kRowAlign - 1) / kRowAlign * kRowAlign;
        rgba.assign(std::size_t(rgba_stride) * (frame->height + 1) + kRowAlign, 0);
      }
      // av_malloc-style alignment of the first row (vector stores may be aligned).
      std::uint8_t* first_row = rgba.data() + (64 - reinterpret_cast<std::uintptr_t>(rgba.data()) % 64) % 64;
      std::uint8_t* dst[4] = {first_row, nullptr, nullptr, nullptr};
      int dst_stride[4] = {rgba_stride, 0, 0, 0};
      sws_scale(sws.get(), frame->data, frame->linesize, 0, frame->height, dst, dst_stride);
      ++kept;
      ImageView view;
      view.data = first_row;
      view.width = frame->width;
      view.height = frame->height;
      view.stride_bytes = std::size_t(rgba_stride);
      view.format = PixelFormat::kRgba32;
      if (!on_frame(index, t, view)) stop = true;
    }
  };

  while (!stop) {
    const int r = av_read_frame(fmt.get(), packet.get());
    if (r == AVERROR_EOF) break;
    if (r < 0) fail("reading failed", r);
    if (packet->stream_index == stream_index) {
      const int s = avcodec_send_packet(ctx.get(), packet.get());
      av_packet_unref(packet.get());
      if (s < 0 && s != AVERROR(EAGAIN)) fail("corrupt video data", s);
      drain();
    } else {
      av_packet_unref(packet.get());
    }
  }
  if (!stop) {
    avcodec_send_packet(ctx.get(), nullptr);  // flush
    drain();
  }
  if (decoded == 0) fail("the video has no decodable frames");
  return info;
}

}  // namespace posecheck::cli
