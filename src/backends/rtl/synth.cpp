// Synthesis of Verilog projects with open tools (rtl_backend.h RunSynth):
//  xilinx: Yosys synth_xilinx -family xcup -noiopad -noclkbuf (UltraScale+
//          primitives, out of context: no I/O or clock buffers), cell counts
//          per layer module (hierarchy kept unless flatten) and in total,
//          grouped as LUT (LUT1..6 and INV), FF (FD*), DSP (DSP48E2), CARRY (Yosys
//          0.23 maps carry chains to CARRY4 even for UltraScale+: two per
//          CARRY8), BRAM (RAMB18/36), LUTRAM (RAM32/64*), SRL, MUXF.
//  ice40:  the top wrapped in a serial shell (shift registers in and out,
//          since the packed ports exceed the package pins), Yosys
//          synth_ice40, nextpnr-ice40 (placement, routing, timing: Fmax),
//          icepack (bitstream). Cell classes: LC (SB_LUT4), FF (SB_DFF*),
//          CARRY (SB_CARRY), RAM (SB_RAM40_4K), DSP (SB_MAC16).
// Logs stay in DIR/synth_<target>/; long steps print progress lines.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "hlsforge/backends/rtl_backend.h"
#include "rtl_project.h"
#include "tools.h"

namespace hlsforge::backends {

namespace fs = std::filesystem;
using rtl::Quote;

namespace {

using Counts = std::map<std::string, int64_t>;

std::string ClassOf(const std::string& cell, bool ice40) {
  auto starts = [&](const char* p) { return cell.rfind(p, 0) == 0; };
  if (ice40) {
    if (cell == "SB_LUT4") return "LC";
    if (starts("SB_DFF")) return "FF";
    if (cell == "SB_CARRY") return "CARRY";
    if (starts("SB_RAM")) return "RAM";
    if (cell == "SB_MAC16") return "DSP";
    return "other";
  }
  if (starts("LUT") || cell == "INV") return "LUT";  // an inverter is a LUT1
  if (starts("FD")) return "FF";
  if (starts("DSP48")) return "DSP";
  if (starts("CARRY")) return "CARRY";
  if (starts("RAMB")) return "BRAM";
  if (starts("RAM32") || starts("RAM64") || starts("RAM128") || starts("RAM256")) return "LUTRAM";
  if (starts("SRL")) return "SRL";
  if (starts("MUXF")) return "MUXF";
  return "other";
}

Counts Classify(const nlohmann::json& by_type, bool ice40) {
  Counts c;
  for (auto it = by_type.begin(); it != by_type.end(); ++it) {
    std::string cell = it.key();
    if (!cell.empty() && cell[0] == '$') continue;  // yosys-internal (should not remain)
    if (!cell.empty() && cell[0] == '\\') cell = cell.substr(1);
    const std::string cls = ClassOf(cell, ice40);
    if (cls == "other" && !ice40 && (cell == "VCC" || cell == "GND" || cell == "IBUF" || cell == "OBUF")) continue;
    c[cls] += it.value().get<int64_t>();
  }
  return c;
}

// Runs a long tool step, printing a progress line every 10 s (elapsed time
// and the log's latest "Executing ..." step).
int RunWithProgress(const std::string& what, const std::string& cmd, const fs::path& log,
                    const std::function<void(const std::string&)>& progress) {
  auto fut = std::async(std::launch::async, [&] { return rtl::RunLogged(cmd, log); });
  const auto t0 = std::chrono::steady_clock::now();
  while (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    const std::string tail = rtl::Tail(log, 60);
    std::string step;
    size_t pos = 0;
    while ((pos = tail.find("Executing ", pos)) != std::string::npos) {
      const size_t end = tail.find('\n', pos);
      step = tail.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos += 10;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress(fmt::format("{}: {:.0f} s{}", what, s, step.empty() ? "" : " (" + step + ")"));
  }
  return fut.get();
}

std::string Table(const RtlDesign& d, const SynthReport& r, const std::vector<std::string>& cols) {
  std::string s = fmt::format("{:<28}", "layer");
  for (const auto& c : cols) s += fmt::format("{:>9}", c);
  s += "\n";
  for (const auto& [mod, counts] : r.per_module) {
    std::string name = mod;
    for (const RtlLayerInfo& l : d.layers)
      if (l.module == mod) name = l.layer + fmt::format(" ({}st)", l.stages);
    s += fmt::format("{:<28}", name.size() > 27 ? name.substr(0, 27) : name);
    for (const auto& c : cols) {
      auto it = counts.find(c);
      s += fmt::format("{:>9}", it == counts.end() ? 0 : it->second);
    }
    s += "\n";
  }
  s += fmt::format("{:<28}", "total");
  for (const auto& c : cols) {
    auto it = r.totals.find(c);
    s += fmt::format("{:>9}", it == r.totals.end() ? 0 : it->second);
  }
  s += "\n";
  return s;
}

std::string Ice40Shell(const RtlDesign& d) {
  const int64_t ib = static_cast<int64_t>(d.in_elems) * d.in_width;
  const int64_t ob = static_cast<int64_t>(d.out_elems) * d.out_width;
  const std::string shift_in = ib == 1 ? "sin" : fmt::format("{{sr_in[{}:0], sin}}", ib - 2);
  const std::string shift_out = ob == 1 ? "1'b0" : fmt::format("{{sr_out[{}:0], 1'b0}}", ob - 2);
  return fmt::format(
      "// Generated by hlsforge synth: a serial shell around {0} for iCE40 (pins).\n"
      "module hlsforge_ice40_shell (input wire clk, input wire rst, input wire sin, input wire shift,\n"
      "                             input wire in_valid, output wire sout, output wire out_valid);\n"
      "  reg [{1}:0] sr_in;\n  reg [{2}:0] sr_out;\n  wire [{2}:0] y;\n  wire yv;\n"
      "  always @(posedge clk) if (shift) sr_in <= {3};\n"
      "  {0} u_top (.clk(clk), .rst(rst), .in_valid(in_valid), .{5}(sr_in), .out_valid(yv), .{6}(y));\n"
      "  always @(posedge clk) if (yv) sr_out <= y; else if (shift) sr_out <= {4};\n"
      "  assign sout = sr_out[{2}];\n  assign out_valid = yv;\nendmodule\n",
      d.top, ib - 1, ob - 1, shift_in, shift_out, d.in_port, d.out_port);
}

std::string PackageOf(const std::string& dev) {
  static const std::map<std::string, std::string> k = {
      {"lp384", "qn32"}, {"lp1k", "qn84"}, {"lp4k", "cm81"}, {"lp8k", "cm81"}, {"hx1k", "tq144"},
      {"hx4k", "tq144"}, {"hx8k", "ct256"}, {"up3k", "sg48"}, {"up5k", "sg48"}, {"u4k", "sg48"}};
  auto it = k.find(dev);
  return it == k.end() ? "" : it->second;
}

}  // namespace

StatusOr<SynthReport> RunSynth(const std::string& dir_in, const SynthOptions& opt) {
  SynthReport r;
  Status st = CatchStatus([&] {
    const auto t0 = std::chrono::steady_clock::now();
    auto d = ReadRtlDesign(dir_in);
    if (!d.ok()) throw Error(d.status().message());
    const bool ice40 = opt.target == "ice40";
    if (!ice40 && opt.target != "xilinx") throw Error("unknown synthesis target '" + opt.target + "' (xilinx or ice40)");
    auto progress = opt.progress ? opt.progress : [](const std::string& m) { std::cerr << "synth: " << m << "\n"; };
    auto yosys = rtl::FindTool("yosys", "yosys");
    if (!yosys.ok()) throw Error(yosys.status().message());
    std::string nextpnr, icepack;
    if (ice40) {
      auto np = rtl::FindTool("nextpnr-ice40", "nextpnr-ice40");
      if (!np.ok()) throw Error(np.status().message());
      auto ip = rtl::FindTool("icepack", "fpga-icestorm");
      if (!ip.ok()) throw Error(ip.status().message());
      nextpnr = *np;
      icepack = *ip;
      if (PackageOf(opt.ice40_device).empty() && opt.ice40_package.empty())
        throw Error("unknown iCE40 device '" + opt.ice40_device + "' (lp384, lp1k, lp4k, lp8k, hx1k, hx4k, hx8k, up3k, up5k, u4k)");
    }
    const fs::path dir = fs::absolute(dir_in);
    const fs::path work = dir / ("synth_" + opt.target);
    fs::create_directories(work);
    std::string files;
    // paths inside the Yosys script (its own syntax: no quoting for -o / -json)
    if (dir.string().find_first_of(" \t;\"'") != std::string::npos)
      throw Error("project path '" + dir.string() + "' contains spaces or quotes: Yosys scripts cannot name it");
    auto yq = [](const fs::path& p) { return p.string(); };
    for (const std::string& f : d->files) files += " " + yq(dir / f);
    std::string top = d->top;
    if (ice40) {
      rtl::WriteText(work / "hlsforge_ice40_shell.v", Ice40Shell(*d));
      files += " " + yq(work / "hlsforge_ice40_shell.v");
      top = "hlsforge_ice40_shell";
    }
    const fs::path stat = work / "stat.json", log = work / "yosys.log";
    std::error_code ec;
    fs::remove(log, ec);
    fs::remove(stat, ec);
    const std::string synth = ice40 ? fmt::format("synth_ice40 -top {} -json {}", top, yq(work / "design.json"))
                                    : fmt::format("synth_xilinx -family xcup -noiopad -noclkbuf -top {}{}", top, opt.flatten ? " -flatten" : "");
    const std::string script = fmt::format("read_verilog{}; {}; tee -q -o {} stat -json", files, synth, yq(stat));
    rtl::WriteText(work / "synth.ys", script + "\n");
    progress(fmt::format("yosys {} on {} ({} layer modules); log {}", ice40 ? "synth_ice40" : "synth_xilinx", d->top,
                         d->layers.size(), log.string()));
    const int rc = RunWithProgress("yosys", Quote(*yosys) + " -s " + Quote((work / "synth.ys").string()), log, progress);
    if (rc != 0 || !fs::exists(stat)) throw Error("yosys failed (log " + log.string() + "):\n" + rtl::Tail(log, 12));
    nlohmann::json j;
    try {
      std::ifstream f(stat);
      j = nlohmann::json::parse(f);
    } catch (const std::exception& e) {
      throw Error(stat.string() + ": cannot parse yosys statistics: " + e.what());
    }
    r.target = opt.target;
    const auto& mods = j.at("modules");
    for (const RtlLayerInfo& l : d->layers) {
      const std::string key = "\\" + l.module;
      if (mods.contains(key)) r.per_module.push_back({l.module, Classify(mods.at(key).at("num_cells_by_type"), ice40)});
    }
    if (j.contains("design") && j.at("design").contains("num_cells_by_type")) {
      r.totals = Classify(j.at("design").at("num_cells_by_type"), ice40);
    } else {  // a single (flattened) module
      for (auto it = mods.begin(); it != mods.end(); ++it) {
        Counts c = Classify(it.value().at("num_cells_by_type"), ice40);
        for (const auto& [k, v] : c) r.totals[k] += v;
      }
    }
    if (ice40) {
      const std::string pkg = opt.ice40_package.empty() ? PackageOf(opt.ice40_device) : opt.ice40_package;
      const fs::path plog = work / "nextpnr.log";
      fs::remove(plog, ec);
      progress(fmt::format("nextpnr-ice40 --{} --package {}; log {}", opt.ice40_device, pkg, plog.string()));
      const int prc = RunWithProgress(
          "nextpnr-ice40",
          fmt::format("{} --{} --package {} --json {} --asc {} --freq 12 --pcf-allow-unconstrained", Quote(nextpnr),
                      opt.ice40_device, pkg, Quote((work / "design.json").string()), Quote((work / "design.asc").string())),
          plog, progress);
      const std::string plog_text = rtl::ReadFile(plog);
      // utilisation lines: "Info:          ICESTORM_LC:  1234/ 5280    23%"
      std::regex util(R"((ICESTORM_\w+|SB_\w+):\s+(\d+)/\s*(\d+))");
      std::string over;
      for (auto it = std::sregex_iterator(plog_text.begin(), plog_text.end(), util); it != std::sregex_iterator(); ++it)
        if (std::stoll((*it)[2]) > std::stoll((*it)[3]))
          over += fmt::format(" {} {} of {};", (*it)[1].str(), (*it)[2].str(), (*it)[3].str());
      if (!over.empty())
        throw Error("design too large for iCE40 " + opt.ice40_device + ":" + over.substr(0, over.size() - 1) +
                    " (nextpnr log " + plog.string() + "); " +
                    (opt.ice40_device == "hx8k" ? std::string("a smaller model is needed")
                                                : std::string("try --device hx8k or a smaller model")));
      if (prc != 0) throw Error("nextpnr-ice40 failed (log " + plog.string() + "):\n" + rtl::Tail(plog, 12));
      std::regex fmax(R"(Max frequency for clock\s+'[^']*':\s+([0-9.]+) MHz)");
      for (auto it = std::sregex_iterator(plog_text.begin(), plog_text.end(), fmax); it != std::sregex_iterator(); ++it)
        r.fmax_mhz = std::stod((*it)[1]);
      const fs::path ilog = work / "icepack.log";
      fs::remove(ilog, ec);
      if (rtl::RunLogged(Quote(icepack) + " " + Quote((work / "design.asc").string()) + " " +
                             Quote((work / "design.bin").string()), ilog) != 0)
        throw Error("icepack failed (log " + ilog.string() + "):\n" + rtl::Tail(ilog, 8));
      r.bitstream = (work / "design.bin").string();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::vector<std::string> cols = ice40 ? std::vector<std::string>{"LC", "FF", "CARRY", "RAM", "DSP"}
                                                : std::vector<std::string>{"LUT", "FF", "DSP", "CARRY", "BRAM", "LUTRAM", "SRL", "MUXF"};
    r.table = fmt::format("{} synthesis of {} (Yosys{}), latency {} cycles, II 1\n", ice40 ? "iCE40 " + opt.ice40_device : "UltraScale+",
                          d->top, ice40 ? " + nextpnr-ice40" : " synth_xilinx", d->latency) +
              Table(*d, r, cols);
    if (ice40) r.table += fmt::format("Fmax {:.2f} MHz (nextpnr), bitstream {}\n", r.fmax_mhz, r.bitstream);
    r.table += fmt::format("time {:.1f} s; logs in {}\n", r.seconds, work.string());
    nlohmann::json out;
    out["target"] = r.target;
    out["top"] = d->top;
    out["latency_cycles"] = d->latency;
    out["totals"] = r.totals;
    nlohmann::json per = nlohmann::json::object();
    for (const auto& [m, c] : r.per_module) per[m] = c;
    out["per_module"] = per;
    if (ice40) {
      out["device"] = opt.ice40_device;
      out["fmax_mhz"] = r.fmax_mhz;
      out["bitstream"] = r.bitstream;
    }
    out["seconds"] = r.seconds;
    out["logs"] = work.string();
    rtl::WriteText(dir / "synth_report.json", out.dump(2) + "\n");
    rtl::WriteText(dir / "synth_report.txt", r.table);
  });
  if (!st.ok()) return st;
  return r;
}

}  // namespace hlsforge::backends
