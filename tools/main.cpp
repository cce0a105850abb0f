// posecheck: the native command line. See `posecheck help`.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"

namespace {

const char* kUsage =
    "posecheck - deepfake check by head-pose inconsistency (Yang, Li, Lyu, ICASSP 2019)\n"
    "\n"
    "usage: posecheck <command> [options]\n"
    "  check [--model-dir DIR] [--upsample N] [--fps N] FILE...\n"
    "        one JSON document per image or video\n"
    "  bench [--model-dir DIR] [--repeat N] IMAGE...\n"
    "        per-stage median timings (decode, detect, landmarks, pose, features, svm)\n"
    "  features --out CSV [--manifest CSV --split S | --landmarks CSV | [--label L] FILE...]   pose-feature table\n"
    "  train --features CSV... --out DIR [--variant V]   SVM by grouped cross-validation\n"
    "  eval --model DIR --features CSV... | --ablation --train CSV... --val CSV...   AUROC with intervals\n"
    "  combine --features CSV... --model-dir DIR --out FILE   fit the pose + blend cue combination\n"
    "  fit-face --pts DIR... --out FILE [--compare REF_204 --landmarks-dir DIR...]   fit the 3D mean face\n"
    "  decode IMAGE --out FILE.rgba\n"
    "        the decoded RGBA pixels (test fixtures for the WebAssembly module)\n"
    "  compact-model --in FILE.dat --out FILE.pclm [--level NAME] | --evaluate   compact landmark model\n"
    "  version [--model-dir DIR] [--landmark-model FILE]   the version and the models check would load\n"
    "  help  this text\n"
    "\n"
    "Models default to models/ of the source tree and dlib's 68-point model in\n"
    "/usr/share/dlib (see models/README.md).\n";

struct Command {
  const char* name;
  int (*run)(const posecheck::cli::Args&);
};

const Command kCommands[] = {
    {"check", posecheck::cli::command_check},
    {"bench", posecheck::cli::command_bench},
    {"decode", posecheck::cli::command_decode},
    {"features", posecheck::cli::command_features},
    {"train", posecheck::cli::command_train},
    {"eval", posecheck::cli::command_eval},
    {"fit-face", posecheck::cli::command_fit_face},
    {"compact-model", posecheck::cli::command_compact_model},
    {"combine", posecheck::cli::command_combine},
    {"version", posecheck::cli::command_version},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  posecheck::cli::Args args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (c.name == std::string(argv[1])) {
      try {
        return c.run(args);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "posecheck %s: %s\n", argv[1], e.what());
        return 1;
      }
    }
  }
  std::fprintf(stderr, "posecheck: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
