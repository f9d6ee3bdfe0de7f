// The command line on Keras models using the newer activation strings:
// `inspect` shows the activation with its constants; an unknown activation
// string exits with status 2 and a message naming the file, the layer and the
// supported names.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_test_util.h"

namespace {

using namespace hlsforge::cli_test;

/// KERAS_1layer.json with fc1_relu's activation "relu" replaced by `act`.
std::string WithActivation(const TempDir& t, const std::string& act) {
  std::string json = Slurp(Shared("models/keras/KERAS_1layer.json"));
  const std::string relu = "\"activation\": \"relu\"";
  const size_t p = json.find(relu);
  EXPECT_NE(p, std::string::npos);
  if (p != std::string::npos) json.replace(p, relu.size(), "\"activation\": \"" + act + "\"");
  const std::string path = t / ("m_" + act + ".json");
  std::ofstream(path) << json;
  return path;
}

TEST(ActivationCli, InspectShowsTheActivationAndItsConstants) {
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_1layer.json");
  TempDir t("act_cli");
  const std::string w = Shared("models/keras/KERAS_1layer_weights.h5");
  RunResult r = RunCli({"inspect", WithActivation(t, "selu"), "--weights", w});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Activation(selu alpha=1.6732632423543772 lambda=1.0507009873554805)"), std::string::npos) << r.out;
  r = RunCli({"inspect", WithActivation(t, "relu1"), "--weights", w});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Activation(relu_max max=1)"), std::string::npos) << r.out;
  r = RunCli({"inspect", WithActivation(t, "hard_sigmoid"), "--weights", w});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Activation(hard_sigmoid slope=0.2 shift=0.5)"), std::string::npos) << r.out;
}

TEST(ActivationCli, UnknownActivationExitsWithStatus2) {
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_1layer.json");
  TempDir t("act_cli_bad");
  const RunResult r = RunCli({"inspect", WithActivation(t, "gelu"), "--weights",
                              Shared("models/keras/KERAS_1layer_weights.h5")});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
  for (const char* part : {"m_gelu.json", "fc1_relu", "'gelu'", "supported:", "relu1", "selu", "hard_tanh"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << " in " << r.err;
}

}  // namespace
