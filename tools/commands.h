// Subcommands of the `posecheck` CLI. Each takes the arguments after its
// name and returns the process exit code (0 ok, 1 some input failed, 2 usage).
#pragma once

#include <string>
#include <vector>

namespace posecheck::cli {

using Args = std::vector<std::string>;

int command_check(const Args& args);
int command_bench(const Args& args);
int command_decode(const Args& args);
int command_fit_face(const Args& args);
int command_features(const Args& args);
int command_train(const Args& args);
int command_eval(const Args& args);
int command_compact_model(const Args& args);
int command_combine(const Args& args);
int command_version(const Args& args);

}  // namespace posecheck::cli
