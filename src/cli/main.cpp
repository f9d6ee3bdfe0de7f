// The hlsforge command-line tool. Every subcommand lives in its own
// src/cli/<name>.cpp and registers itself through commands.h; this file only
// parses and turns every failure into "hlsforge: <message>" + exit status 2.
#include <cstdio>
#include <exception>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace hlsforge::cli;
  try {
    CLI::App app{"hlsforge: neural networks to FPGA firmware, bit-exact (an hls4ml workflow in C++)", "hlsforge"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "hlsforge 0.1.0");
    AddPredictCommand(app);
    AddInspectCommand(app);
    AddConfigCommand(app);
    AddEvalCommand(app);
    AddConvertCommand(app);
    AddCsimCommand(app);
    AddRtlsimCommand(app);
    AddSynthCommand(app);
    AddSelftestCommand(app);
    AddProfileCommand(app);
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {   // --help, --version
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::fprintf(stderr, "hlsforge: %s\n", e.what());
      std::fprintf(stderr, "Run with --help for more information.\n");
      return 2;
    }
    return 0;
  } catch (const ExitWith& e) {
    return e.status;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "hlsforge: %s\n", e.what());
    return 2;
  } catch (...) {
    std::fprintf(stderr, "hlsforge: unknown internal error\n");
    return 2;
  }
}
