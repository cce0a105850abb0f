// `posecheck version [--model-dir DIR] [--landmark-model FILE] [--no-classifier]`:
// the CLI's version and the models `check` would load with the same options,
// as one line (core/checker.h, version_line: the WebAssembly module's
// version() says the same of its models).
#include <cstdio>

#include "cli_common.h"

namespace posecheck::cli {

int command_version(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"model-dir", "landmark-model"}, {"no-classifier"});
    if (!parsed.positional.empty()) throw UsageError("version takes no FILE");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "posecheck version: %s\nusage: posecheck version [--model-dir DIR] [--landmark-model FILE] [--no-classifier]\n", e.what());
    return 2;
  }
  const Checker checker = load_checker(model_options(parsed));
  std::printf("%s\n", version_line(POSECHECK_VERSION, &checker).c_str());
  return 0;
}

}  // namespace posecheck::cli
