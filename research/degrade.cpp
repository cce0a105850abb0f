#include "degrade.h"

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "errors.h"

namespace posecheck::research {
namespace {

// Encodes RGB rows at `quality` and decodes them again, in memory, with
// libjpeg's defaults (4:2:0 chroma, islow DCT). libjpeg reports errors by
// longjmp back here (its default handler would exit the process); no C++
// object with a destructor lives between setjmp and the calls that may jump.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_jpeg_error(j_common_ptr info) {
  auto* e = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, e->message);
  std::longjmp(e->jump, 1);
}

// Returns false (message in err) when libjpeg failed.
bool encode(const std::uint8_t* rgb, int width, int height, int quality, unsigned char** out, unsigned long* size, JpegError& err) {
  jpeg_compress_struct cinfo{};
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = &on_jpeg_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, size);
  cinfo.image_width = JDIMENSION(width);
  cinfo.image_height = JDIMENSION(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<std::uint8_t*>(rgb) + std::size_t(cinfo.next_scanline) * std::size_t(width) * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

bool decode(const unsigned char* bytes, unsigned long size, std::uint8_t* rgb, int width, JpegError& err) {
  jpeg_decompress_struct dinfo{};
  dinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = &on_jpeg_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&dinfo);
    return false;
  }
  jpeg_create_decompress(&dinfo);
  jpeg_mem_src(&dinfo, const_cast<unsigned char*>(bytes), size);
  jpeg_read_header(&dinfo, TRUE);
  dinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&dinfo);
  while (dinfo.output_scanline < dinfo.output_height) {
    JSAMPROW row = rgb + std::size_t(dinfo.output_scanline) * std::size_t(width) * 3;
    jpeg_read_scanlines(&dinfo, &row, 1);
  }
  jpeg_finish_decompress(&dinfo);
  jpeg_destroy_decompress(&dinfo);
  return true;
}

void jpeg_round_trip(RgbaImage& image, int quality) {
  const std::size_t n = std::size_t(image.width) * std::size_t(image.height);
  std::vector<std::uint8_t> rgb(n * 3);
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) rgb[i * 3 + std::size_t(c)] = image.rgba[i * 4 + std::size_t(c)];
  unsigned char* encoded = nullptr;
  unsigned long encoded_size = 0;
  JpegError err{};
  const bool ok = encode(rgb.data(), image.width, image.height, quality, &encoded, &encoded_size, err) &&
                  decode(encoded, encoded_size, rgb.data(), image.width, err);
  std::free(encoded);
  if (!ok) throw Error(ErrorCode::kImageDecode, std::string("degrade: libjpeg: ") + err.message);
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) image.rgba[i * 4 + std::size_t(c)] = rgb[i * 3 + std::size_t(c)];
}

}  // namespace

DegradeRecipe draw_degrade_recipe(std::uint64_t seed) {
  std::uint64_t s = seed;
  DegradeRecipe r;
  // Every draw is made whether or not its step is taken, so one step's
  // probability never shifts another step's value.
  const double pick_blur = uniform(s, 0, 1), blur = uniform(s, 0.3, 2.0);
  const double pick_scale = uniform(s, 0, 1), scale = uniform(s, 0.5, 1.0);
  const double pick_jpeg = uniform(s, 0, 1), quality = uniform(s, 30, 96);
  if (pick_blur < 0.4) r.blur_sigma = blur;
  if (pick_scale < 0.6) r.scale = scale;
  if (pick_jpeg < 0.6 || (r.blur_sigma == 0 && r.scale == 1)) r.jpeg_quality = std::min(95, int(quality));
  return r;
}

RgbaImage degrade(const ImageView& image, const DegradeRecipe& recipe) {
  validate(image);
  if (image.format != PixelFormat::kRgba32) throw Error(ErrorCode::kInvalidArgument, "degrade needs RGBA pixels");
  if (!(recipe.scale > 0 && recipe.scale <= 1) || !(recipe.blur_sigma >= 0) ||
      (recipe.jpeg_quality != 0 && (recipe.jpeg_quality < 1 || recipe.jpeg_quality > 100))) {
    throw Error(ErrorCode::kInvalidArgument, "degrade: recipe out of range (scale in (0, 1], blur >= 0, quality 0 or 1-100)");
  }
  RgbaImage out;
  out.width = std::max(1, int(std::lround(image.width * recipe.scale)));
  out.height = std::max(1, int(std::lround(image.height * recipe.scale)));
  out.rgba.assign(std::size_t(out.width) * std::size_t(out.height) * 4, 255);
  for (int c = 0; c < 3; ++c) {
    Plane p = channel(image, c);
    gaussian_blur(p, recipe.blur_sigma);
    set_channel(out, c, recipe.scale < 1 ? resized(p, out.width, out.height) : p);
  }
  if (recipe.jpeg_quality > 0) jpeg_round_trip(out, recipe.jpeg_quality);
  return out;
}

}  // namespace posecheck::research
