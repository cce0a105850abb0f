#include "decode_image.h"

#include <fstream>
#include <sys/stat.h>

#include <dlib/image_io.h>
#include <dlib/array2d.h>

#include "errors.h"

namespace posecheck::cli {

ImageFormat sniff_image_format(const std::vector<std::uint8_t>& b) {
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat::kJpeg;
  if (b.size() >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == '\r' && b[5] == '\n' && b[6] == 0x1A && b[7] == '\n')
    return ImageFormat::kPng;
  if (b.size() >= 12 && !std::memcmp(b.data(), "RIFF", 4) && !std::memcmp(b.data() + 8, "WEBP", 4)) return ImageFormat::kWebp;
  return ImageFormat::kUnknown;
}

const char* image_format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

namespace {

[[noreturn]] void header_error(const char* what) {
  throw Error(ErrorCode::kImageDecode, std::string("image header is malformed or truncated: ") + what);
}

unsigned be16(const std::uint8_t* p) { return (unsigned(p[0]) << 8) | p[1]; }
unsigned be32(const std::uint8_t* p) { return (unsigned(p[0]) << 24) | (unsigned(p[1]) << 16) | (unsigned(p[2]) << 8) | p[3]; }
unsigned le16(const std::uint8_t* p) { return unsigned(p[0]) | (unsigned(p[1]) << 8); }
unsigned le24(const std::uint8_t* p) { return unsigned(p[0]) | (unsigned(p[1]) << 8) | (unsigned(p[2]) << 16); }

void jpeg_size(const std::vector<std::uint8_t>& b, int& w, int& h, int* components = nullptr) {
  std::size_t i = 2;
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) header_error("JPEG marker expected");
    const std::uint8_t marker = b[i + 1];
    if (marker == 0xFF) { ++i; continue; }  // fill byte
    if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
    const unsigned len = be16(&b[i + 2]);
    if (len < 2) header_error("JPEG segment length");
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > b.size()) break;
      h = int(be16(&b[i + 5]));
      w = int(be16(&b[i + 7]));
      if (components) *components = i + 10 <= b.size() ? b[i + 9] : 0;
      return;
    }
    if (marker == 0xDA) break;  // scan data before any frame header
    i += 2 + len;
  }
  header_error("no JPEG frame header (SOF)");
}

void webp_size(const std::vector<std::uint8_t>& b, int& w, int& h) {
  if (b.size() < 30) header_error("WebP too short");
  const std::uint8_t* c = b.data() + 12;
  if (!std::memcmp(c, "VP8 ", 4)) {
    w = int(le16(b.data() + 26) & 0x3FFF);
    h = int(le16(b.data() + 28) & 0x3FFF);
  } else if (!std::memcmp(c, "VP8L", 4)) {
    const std::uint8_t* p = b.data() + 21;
    const unsigned bits = unsigned(p[0]) | (unsigned(p[1]) << 8) | (unsigned(p[2]) << 16) | (unsigned(p[3]) << 24);
    w = int((bits & 0x3FFF) + 1);
    h = int(((bits >> 14) & 0x3FFF) + 1);
  } else if (!std::memcmp(c, "VP8X", 4)) {
    w = int(le24(b.data() + 24) + 1);
    h = int(le24(b.data() + 27) + 1);
  } else {
    header_error("unknown WebP chunk");
  }
}

}  // namespace

void read_image_size(const std::vector<std::uint8_t>& b, ImageFormat format, int& w, int& h) {
  w = h = 0;
  switch (format) {
    case ImageFormat::kPng:
      if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4)) header_error("PNG without IHDR");
      // Read as 64-bit so 2^31+ sizes are reported, not wrapped.
      validate_size(std::int64_t(be32(&b[16])), std::int64_t(be32(&b[20])));
      w = int(be32(&b[16]));
      h = int(be32(&b[20]));
      return;
    case ImageFormat::kJpeg: jpeg_size(b, w, h); return;
    case ImageFormat::kWebp: webp_size(b, w, h); return;
    case ImageFormat::kUnknown: break;
  }
  throw Error(ErrorCode::kImageDecode, "not a JPEG, PNG or WebP image");
}

DecodedImage decode_image(const std::vector<std::uint8_t>& bytes) {
  const ImageFormat format = sniff_image_format(bytes);
  if (format == ImageFormat::kUnknown) throw Error(ErrorCode::kImageDecode, "not a JPEG, PNG or WebP image");
  int w = 0, h = 0;
  read_image_size(bytes, format, w, h);
  validate_size(w, h);  // before the decoder allocates anything
  dlib::array2d<dlib::rgb_alpha_pixel> img;
  try {
    switch (format) {
      case ImageFormat::kJpeg: dlib::load_jpeg(img, bytes.data(), bytes.size()); break;
      case ImageFormat::kPng: dlib::load_png(img, bytes.data(), bytes.size()); break;
      case ImageFormat::kWebp: dlib::load_webp(img, bytes.data(), bytes.size()); break;
      case ImageFormat::kUnknown: break;
    }
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kImageDecode, std::string("could not decode ") + image_format_name(format) + " image: " + e.what());
  }
  if (img.nc() != w || img.nr() != h) {
    throw Error(ErrorCode::kImageDecode, "decoded size differs from the header (corrupt file)");
  }
  // A 4-component JPEG is CMYK (or YCCK, which libjpeg outputs as CMYK), and
  // dlib's loader hands its four channels over as if they were RGBA: wrong
  // colours and K as alpha (found by the bad-input corpus, cmyk.jpg). Convert
  // as browsers do, assuming Adobe's inverted storage: R = C'K'/255.
  int components = 0;
  if (format == ImageFormat::kJpeg) jpeg_size(bytes, w, h, &components);
  if (components == 4) {
    for (long r = 0; r < img.nr(); ++r) {
      for (long c = 0; c < img.nc(); ++c) {
        auto& p = img[r][c];
        const unsigned k = p.alpha;
        p.red = std::uint8_t((p.red * k + 127) / 255);
        p.green = std::uint8_t((p.green * k + 127) / 255);
        p.blue = std::uint8_t((p.blue * k + 127) / 255);
        p.alpha = 255;
      }
    }
  }
  DecodedImage out;
  out.width = w;
  out.height = h;
  out.rgba.resize(std::size_t(w) * h * 4);
  std::uint8_t* dst = out.rgba.data();
  for (long r = 0; r < img.nr(); ++r) {
    for (long c = 0; c < img.nc(); ++c) {
      const auto& p = img[r][c];
      *dst++ = p.red;
      *dst++ = p.green;
      *dst++ = p.blue;
      *dst++ = p.alpha;
    }
  }
  return out;
}

std::vector<std::uint8_t> read_file_bytes(const std::string& path, std::uint64_t max_bytes) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw Error(ErrorCode::kIo, "cannot open '" + path + "': no such file");
  if (S_ISDIR(st.st_mode)) throw Error(ErrorCode::kIo, "'" + path + "' is a directory");
  if (std::uint64_t(st.st_size) > max_bytes) throw Error(ErrorCode::kImageTooLarge, "'" + path + "' is larger than " + std::to_string(max_bytes >> 20) + " MB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot read '" + path + "'");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
  in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
  if (in.gcount() != std::streamsize(bytes.size())) throw Error(ErrorCode::kIo, "short read on '" + path + "'");
  return bytes;
}

}  // namespace posecheck::cli
