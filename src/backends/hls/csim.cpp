// C simulation of a generated HLS project: g++ + hlsforge's simulation headers.
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hlsforge/backends/hls_backend.h"

namespace fs = std::filesystem;

namespace hlsforge::backends {
namespace {

std::string Quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\'') r += "'\\''";
    else r.push_back(c);
  }
  return r + "'";
}

StatusOr<nlohmann::json> ReadManifest(const fs::path& dir) {
  std::ifstream f(dir / "hlsforge_project.json");
  if (!f) return Status::Fail(fmt::format("'{}' is not an hlsforge HLS project (no hlsforge_project.json)", dir.string()));
  try {
    return nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    return Status::Fail(fmt::format("{}: {}", (dir / "hlsforge_project.json").string(), e.what()));
  }
}

std::string Tail(const fs::path& p, size_t max_chars) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_chars) s = "..." + s.substr(s.size() - max_chars);
  return s;
}

fs::file_time_type Newest(const fs::path& dir) {
  fs::file_time_type t{};
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const auto ext = e.path().extension().string();
    if (ext == ".h" || ext == ".cpp") t = std::max(t, e.last_write_time());
  }
  return t;
}

// Runs `cmd` (a shell command line); returns its exit status.
int Shell(const std::string& cmd) { return std::system(cmd.c_str()); }

// g++ over one translation unit `main_cpp` (which includes the top function
// and the testbench: the headers are parsed once) -> `exe`.
Status Gxx(const fs::path& cwd, const fs::path& main_cpp, const fs::path& sim_include, const fs::path& exe,
           bool txt, const CsimOptions& opt, const std::string& what) {
  const fs::path log = exe.parent_path() / (exe.filename().string() + ".compile.log");
  std::string cmd = fmt::format("cd {} && {} -std=c++14 {} -w -I firmware -I {} -I . {}{} {} -o {} > {} 2>&1",
                                Quote(cwd.string()), opt.cxx, opt.opt_level, Quote(sim_include.string()),
                                txt ? "-DHLSFORGE_WEIGHTS_FROM_TXT" : "",
                                opt.traces ? " -DHLSFORGE_CSIM_TRACE" : "", Quote(main_cpp.string()),
                                Quote(exe.string() + ".part"), Quote(log.string()));
  const auto t0 = std::chrono::steady_clock::now();
  int rc = Shell(cmd);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (opt.compile_seconds) *opt.compile_seconds = secs;
  if (rc != 0)
    return Status::Fail(fmt::format("C simulation of {} does not compile (log: {}):\n{}", what, log.string(),
                                    Tail(log, 3000)));
  std::error_code ec;
  fs::rename(exe.string() + ".part", exe, ec);
  if (ec) return Status::Fail(fmt::format("cannot write '{}': {}", exe.string(), ec.message()));
  return Status::Ok();
}

// Writes `input` ([rows, n_in], float32 semantics) as testbench lines.
Status WriteDat(const fs::path& path, const NDArray& input, int64_t rows, int64_t n_in) {
  std::ofstream f(path);
  if (!f) return Status::Fail(fmt::format("cannot write '{}'", path.string()));
  char buf[32];
  std::string line;
  for (int64_t r = 0; r < rows; ++r) {
    line.clear();
    for (int64_t i = 0; i < n_in; ++i) {
      const float v = static_cast<float>(input.data[static_cast<size_t>(r * n_in + i)]);
      int n = std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
      if (i) line.push_back(' ');
      line.append(buf, static_cast<size_t>(n));
    }
    line.push_back('\n');
    f << line;
  }
  if (!f) return Status::Fail(fmt::format("cannot write '{}'", path.string()));
  return Status::Ok();
}

StatusOr<NDArray> ReadLog(const fs::path& out_path, int64_t rows, int64_t n_out) {
  std::ifstream f(out_path);
  if (!f) return Status::Fail(fmt::format("C simulation wrote no '{}'", out_path.string()));
  NDArray out;
  out.shape = {rows, n_out};
  out.data.reserve(static_cast<size_t>(rows * n_out));
  std::string line;
  int64_t r = 0;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    const char* s = line.c_str();
    char* e;
    int64_t k = 0;
    for (;;) {
      double v = std::strtod(s, &e);
      if (e == s) break;
      out.data.push_back(v);
      s = e;
      ++k;
    }
    if (k != n_out) return Status::Fail(fmt::format("{}: line {} holds {} values, expected {}", out_path.string(), r + 1, k, n_out));
    ++r;
  }
  if (r != rows) return Status::Fail(fmt::format("{}: {} rows, expected {}", out_path.string(), r, rows));
  return out;
}

// Every layer's output recorded by a traced run (kernels/trace.h) in
// trace_dir: [rows, per-sample shape...] per layer name, from the manifest.
StatusOr<std::map<std::string, NDArray>> ReadTrace(const nlohmann::json& m, const fs::path& trace_dir, int64_t rows) {
  std::map<std::string, NDArray> out;
  if (!m.contains("trace"))
    return Status::Fail(fmt::format("'{}': the project lists no traced layers (written by an older hlsforge?)",
                                    trace_dir.parent_path().string()));
  for (const auto& e : m["trace"]) {
    NDArray a;
    a.shape = {rows};
    int64_t n = 1;
    for (const auto& d : e["shape"]) {
      a.shape.push_back(d.get<int64_t>());
      n *= a.shape.back();
    }
    const fs::path f = trace_dir / fmt::format("layer{}.bin", e["id"].get<int>());
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status::Fail(fmt::format("traced C simulation wrote no '{}' (layer '{}')", f.string(), e["name"].get<std::string>()));
    a.data.resize(static_cast<size_t>(rows * n));
    in.read(reinterpret_cast<char*>(a.data.data()), static_cast<std::streamsize>(a.data.size() * sizeof(double)));
    if (!in || in.peek() != EOF)
      return Status::Fail(fmt::format("'{}' (layer '{}'): expected {} rows of {} values", f.string(),
                                      e["name"].get<std::string>(), rows, n));
    out[e["name"].get<std::string>()] = std::move(a);
  }
  return out;
}

// A fresh, empty directory.
Status FreshDir(const fs::path& d) {
  std::error_code ec;
  fs::remove_all(d, ec);
  fs::create_directories(d, ec);
  if (ec) return Status::Fail(fmt::format("cannot create '{}': {}", d.string(), ec.message()));
  return Status::Ok();
}

struct Io { int64_t n_in = 0, n_out = 0; };
Io Sizes(const nlohmann::json& m) {
  Io io;
  for (auto& t : m["inputs"]) io.n_in += t["size"].get<int64_t>();
  for (auto& t : m["outputs"]) io.n_out += t["size"].get<int64_t>();
  return io;
}

}  // namespace

Status CompileCsim(const std::string& project_dir, const CsimOptions& opt) {
  if (opt.compile_seconds) *opt.compile_seconds = 0;
  const fs::path dir = fs::absolute(project_dir);
  auto m = ReadManifest(dir);
  if (!m.ok()) return m.status();
  const std::string top = (*m)["top"].get<std::string>();
  const bool txt = opt.weights_from_txt.value_or((*m)["weights_from_txt"].get<bool>());
  std::error_code ec;
  fs::create_directories(dir / "build", ec);
  if (ec) return Status::Fail(fmt::format("cannot create '{}': {}", (dir / "build").string(), ec.message()));
  const fs::path exe = dir / "build" / fmt::format("csim{}{}", opt.traces ? "_trace" : "", txt ? "_txt" : "");
  if (!opt.force_rebuild && fs::exists(exe) && fs::last_write_time(exe) > Newest(dir / "firmware") &&
      fs::last_write_time(exe) > fs::last_write_time(dir / (top + "_test.cpp")))
    return Status::Ok();
  // One translation unit: the top function and the testbench.
  const fs::path main_cpp = dir / "build" / "csim_main.cpp";
  {
    std::ofstream f(main_cpp);
    f << "// hlsforge C simulation: top function and testbench in one translation unit.\n";
    f << fmt::format("#include \"../firmware/{}.cpp\"\n#include \"../{}_test.cpp\"\n", top, top);
    if (!f) return Status::Fail(fmt::format("cannot write '{}'", main_cpp.string()));
  }
  return Gxx(dir, main_cpp, dir / "sim_include", exe, txt, opt, fmt::format("'{}'", dir.string()));
}

StatusOr<std::vector<NDArray>> RunCsimBatch(const std::vector<std::string>& project_dirs,
                                            const std::vector<NDArray>& inputs, const std::string& work_dir,
                                            const CsimOptions& opt) {
  if (opt.compile_seconds) *opt.compile_seconds = 0;
  if (project_dirs.size() != inputs.size())
    return Status::Fail(fmt::format("RunCsimBatch: {} projects but {} inputs", project_dirs.size(), inputs.size()));
  if (project_dirs.empty()) return std::vector<NDArray>{};
  const fs::path work = fs::absolute(work_dir);
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) return Status::Fail(fmt::format("cannot create '{}': {}", work.string(), ec.message()));
  struct Prj { fs::path dir; std::string top, ns; Io io; int64_t rows; };
  std::vector<Prj> prj;
  std::set<std::string> seen;
  bool txt = false;
  for (size_t k = 0; k < project_dirs.size(); ++k) {
    Prj p;
    p.dir = fs::absolute(project_dirs[k]);
    auto m = ReadManifest(p.dir);
    if (!m.ok()) return m.status();
    p.top = (*m)["top"].get<std::string>();
    p.ns = m->value("namespace", std::string());
    if (p.ns.empty())
      return Status::Fail(fmt::format("'{}' was written without a namespace (HlsOptions::cpp_namespace); it cannot share a C-simulation program", p.dir.string()));
    if (!seen.insert(p.ns).second || !seen.insert("top:" + p.top).second)
      return Status::Fail(fmt::format("'{}': namespace '{}' or top '{}' repeats another project's", p.dir.string(), p.ns, p.top));
    p.io = Sizes(*m);
    const NDArray& x = inputs[k];
    p.rows = x.shape.empty() ? 1 : x.rows();
    if (p.rows * p.io.n_in != x.size())
      return Status::Fail(fmt::format("csim input of '{}': {} values do not make rows of {} input features", p.dir.string(), x.size(), p.io.n_in));
    txt = txt || (*m)["weights_from_txt"].get<bool>();
    prj.push_back(std::move(p));
  }
  txt = opt.weights_from_txt.value_or(txt);
  const fs::path main_cpp = work / "csim_batch_main.cpp";
  {
    std::ofstream f(main_cpp);
    f << "// hlsforge: C simulation of " << prj.size() << " projects in one program.\n#define HLSFORGE_TB_NO_MAIN\n";
    for (const auto& p : prj) {
      f << fmt::format("#define HLSFORGE_PROJECT_DIR_{} \"{}/\"\n", p.top, p.dir.string());
      f << fmt::format("#include \"{}/firmware/{}.cpp\"\n#include \"{}/{}_test.cpp\"\n", p.dir.string(), p.top, p.dir.string(), p.top);
    }
    f << "#include <cstdlib>\n#include <cstring>\n\nint main(int argc, char** argv) {\n";
    f << "    // argv: input and output file of every project, in order\n";
    // (and, traced, the trace directory of every project)
    const size_t per = opt.traces ? 3 : 2;
    f << fmt::format("    if (argc != {}) return 2;\n    int rc = 0;\n", 1 + per * prj.size());
    for (size_t k = 0; k < prj.size(); ++k)
      f << fmt::format("    if ({}::hlsforge_tb_run(argv[{}], argv[{}], {}) != 0) rc = 1;\n", prj[k].ns, 1 + per * k,
                       2 + per * k, opt.traces ? fmt::format("argv[{}]", 3 + per * k) : "nullptr");
    f << "    return rc;\n}\n";
    if (!f) return Status::Fail(fmt::format("cannot write '{}'", main_cpp.string()));
  }
  const fs::path exe = work / "csim_batch";
  HLSFORGE_RETURN_IF_ERROR(Gxx(work, main_cpp, prj[0].dir / "sim_include", exe, txt, opt,
                               fmt::format("{} projects (batch in '{}')", prj.size(), work.string())));
  std::string args;
  for (size_t k = 0; k < prj.size(); ++k) {
    const fs::path in = work / fmt::format("in_{}.dat", k), out = work / fmt::format("out_{}.log", k);
    HLSFORGE_RETURN_IF_ERROR(WriteDat(in, inputs[k], prj[k].rows, prj[k].io.n_in));
    args += " " + Quote(in.string()) + " " + Quote(out.string());
    if (opt.traces) {
      const fs::path t = work / fmt::format("trace_{}", k);
      HLSFORGE_RETURN_IF_ERROR(FreshDir(t));
      args += " " + Quote(t.string());
    }
  }
  const fs::path run_log = work / "csim_batch_run.log";
  int rc = Shell(fmt::format("cd {} && {}{} > {} 2>&1", Quote(work.string()), Quote(exe.string()), args, Quote(run_log.string())));
  if (rc != 0)
    return Status::Fail(fmt::format("C simulation batch in '{}' failed (exit {}):\n{}", work.string(), rc, Tail(run_log, 2000)));
  std::vector<NDArray> outs;
  if (opt.traces) opt.traces->clear();
  for (size_t k = 0; k < prj.size(); ++k) {
    auto y = ReadLog(work / fmt::format("out_{}.log", k), prj[k].rows, prj[k].io.n_out);
    if (!y.ok()) return y.status();
    outs.push_back(std::move(y).value());
    if (opt.traces) {
      auto m = ReadManifest(prj[k].dir);
      if (!m.ok()) return m.status();
      auto t = ReadTrace(*m, work / fmt::format("trace_{}", k), prj[k].rows);
      if (!t.ok()) return t.status();
      opt.traces->push_back(std::move(t).value());
    }
  }
  return outs;
}

StatusOr<NDArray> RunCsim(const std::string& project_dir, const NDArray& input, const CsimOptions& opt) {
  const fs::path dir = fs::absolute(project_dir);
  auto m = ReadManifest(dir);
  if (!m.ok()) return m.status();
  const Io io = Sizes(*m);
  const int64_t rows = input.shape.empty() ? 1 : input.rows();
  if (rows * io.n_in != input.size())
    return Status::Fail(fmt::format("csim input: {} values do not make rows of {} input features", input.size(), io.n_in));
  HLSFORGE_RETURN_IF_ERROR(CompileCsim(project_dir, opt));
  const bool txt = opt.weights_from_txt.value_or((*m)["weights_from_txt"].get<bool>());
  std::error_code ec;
  fs::create_directories(dir / "tb_data", ec);
  // The inputs go to build/, not tb_data/: the project's own
  // tb_input_features.dat and its expected outputs stay a matching pair.
  fs::create_directories(dir / "build", ec);
  const fs::path in_path = dir / "build" / "csim_input.dat";
  const fs::path out_path = dir / "tb_data" / "csim_results.log";
  HLSFORGE_RETURN_IF_ERROR(WriteDat(in_path, input, rows, io.n_in));
  const fs::path exe = dir / "build" / fmt::format("csim{}{}", opt.traces ? "_trace" : "", txt ? "_txt" : "");
  const fs::path run_log = dir / "build" / "csim_run.log";
  const fs::path trace_dir = dir / "tb_data" / "trace";
  if (opt.traces) HLSFORGE_RETURN_IF_ERROR(FreshDir(trace_dir));
  std::string cmd = fmt::format("cd {} && {} {} {}{} > {} 2>&1", Quote(dir.string()), Quote(exe.string()),
                                Quote(in_path.string()), Quote(out_path.string()),
                                opt.traces ? " " + Quote(trace_dir.string()) : "", Quote(run_log.string()));
  int rc = Shell(cmd);
  if (rc != 0)
    return Status::Fail(fmt::format("C simulation of '{}' failed (exit {}):\n{}", dir.string(), rc, Tail(run_log, 2000)));
  if (opt.traces) {
    auto t = ReadTrace(*m, trace_dir, rows);
    if (!t.ok()) return t.status();
    opt.traces->assign(1, std::move(t).value());
  }
  return ReadLog(out_path, rows, io.n_out);
}

}  // namespace hlsforge::backends
