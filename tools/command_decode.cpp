// `posecheck decode IMAGE --out FILE.rgba`: writes the decoded RGBA pixels
// (width * height * 4 bytes, no header) and prints {"width":..,"height":..}.
// Used to give the WebAssembly tests exactly the pixels the native CLI sees.
#include <cstdio>
#include <fstream>

#include "cli_common.h"
#include "decode_image.h"
#include "errors.h"

namespace posecheck::cli {

int command_decode(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"out"});
    if (parsed.positional.size() != 1 || !parsed.has("out")) throw UsageError("decode needs one IMAGE and --out FILE");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "posecheck decode: %s\nusage: posecheck decode IMAGE --out FILE.rgba\n", e.what());
    return 2;
  }
  const DecodedImage image = decode_image(read_file_bytes(parsed.positional[0]));
  const std::string out = parsed.get("out", "");
  std::ofstream f(out, std::ios::binary);
  f.write(reinterpret_cast<const char*>(image.rgba.data()), std::streamsize(image.rgba.size()));
  if (!f) throw Error(ErrorCode::kIo, "cannot write '" + out + "'");
  std::printf("{\"width\":%d,\"height\":%d}\n", image.width, image.height);
  return 0;
}

}  // namespace posecheck::cli
