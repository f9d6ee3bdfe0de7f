// Keras / QKeras model files -> ir::Graph (see
// include/hlsforge/frontends/keras_frontend.h): detects the file kind (JSON,
// HDF5, .keras zip), reads the architecture and opens the weights; the
// model is parsed in keras_model.cpp and built layer by layer in
// keras_builder.cpp with the handlers of keras_layer_table.cpp.
#include "hlsforge/frontends/keras_frontend.h"

#include <zip.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "hlsforge/util/isolated_probe.h"
#include "hlsforge/util/zip_member.h"
#include "keras_builder.h"

namespace hlsforge::frontends {

namespace {

namespace fs = std::filesystem;
using namespace keras;

// ---- input files ----------------------------------------------------------------

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json ParseJson(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(where + ": malformed JSON: " + e.what());
  }
}

/// Reads one member of a zip archive; nullopt when absent.
std::optional<std::string> ZipMember(zip_t* z, const std::string& name, const std::string& zip_path) {
  zip_int64_t idx = zip_name_locate(z, name.c_str(), 0);
  if (idx < 0) return std::nullopt;
  std::error_code ec;
  const uint64_t archive_bytes = fs::file_size(zip_path, ec);
  auto bytes = ReadZipMember(z, static_cast<zip_uint64_t>(idx), ec ? 0 : archive_bytes,
                             zip_path + ": '" + name + "'");
  if (!bytes.ok()) throw Error(bytes.status().message());
  return std::move(*bytes);
}

enum class Kind { Json, Hdf5, Zip, Unknown };

Kind Sniff(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char buf[8] = {0};
  in.read(buf, sizeof buf);
  std::streamsize n = in.gcount();
  if (n >= 4 && std::string(buf, 4) == "\x89HDF") return Kind::Hdf5;
  if (n >= 2 && buf[0] == 'P' && buf[1] == 'K') return Kind::Zip;
  std::string ext = fs::path(path).extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (ext == ".json") return Kind::Json;
  if (ext == ".h5" || ext == ".hdf5") return Kind::Hdf5;
  if (ext == ".keras") return Kind::Zip;
  for (std::streamsize i = 0; i < n; ++i)
    if (!std::isspace(static_cast<unsigned char>(buf[i]))) return buf[i] == '{' ? Kind::Json : Kind::Unknown;
  return Kind::Unknown;
}

ir::Graph Load(const std::string& path, const std::string& weights_path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path + ": no such file");
  if (fs::is_directory(path, ec)) throw Error(path + ": is a directory, expected a Keras model file");
  ir::Graph g;
  g.name = fs::path(path).stem().string();
  g.source_path = path;

  json top;
  std::unique_ptr<WeightStore> store;
  Kind kind = Sniff(path);
  if (kind == Kind::Json) {
    top = ParseJson(ReadFileBytes(path), path);
    std::string w = weights_path;
    const std::string stem = fs::path(path).stem().string();
    // <stem>_weights.h5 (example-models), else <stem>.h5 (HGQ proxy models)
    for (const std::string& name : {stem + "_weights.h5", stem + ".h5"}) {
      if (!w.empty()) break;
      fs::path guess = fs::path(path).parent_path() / name;
      if (fs::exists(guess, ec)) w = guess.string();
    }
    if (w.empty())
      throw Error(path + ": Keras JSON needs its HDF5 weights (looked for " + stem + "_weights.h5 and " + stem +
                  ".h5)");
    if (!fs::exists(w, ec)) throw Error(w + ": no such file (weights)");
    auto f = H5File::Open(w);
    std::string root = "/";
    if (!f->HasAttr("/", "layer_names") && f->IsGroup("/model_weights")) root = "/model_weights";
    store = std::make_unique<WeightStore>(std::move(f), root);
  } else if (kind == Kind::Hdf5) {
    auto f = H5File::Open(path);
    if (!f->HasAttr("/", "model_config"))
      throw Error(path + ": no 'model_config' attribute (a weights-only file? pass the architecture .json with it)");
    top = ParseJson(f->StringAttr("/", "model_config"), path + ": model_config");
    std::unique_ptr<H5File> wf;
    std::string root = "/model_weights";
    if (!weights_path.empty()) {
      if (!fs::exists(weights_path, ec)) throw Error(weights_path + ": no such file (weights)");
      wf = H5File::Open(weights_path);
      root = wf->HasAttr("/", "layer_names") || wf->IsGroup("/layers") ? "/" : "/model_weights";
    } else {
      wf = std::move(f);
    }
    store = std::make_unique<WeightStore>(std::move(wf), root);
  } else if (kind == Kind::Zip) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!z) throw Error(path + ": not a readable zip archive (.keras); libzip error " + std::to_string(err));
    std::optional<std::string> cfg, weights;
    try {
      cfg = ZipMember(z, "config.json", path);
      weights = ZipMember(z, "model.weights.h5", path);
    } catch (...) {
      zip_discard(z);
      throw;
    }
    zip_discard(z);
    if (!cfg) throw Error(path + ": .keras archive has no config.json");
    top = ParseJson(*cfg, path + ": config.json");
    std::unique_ptr<H5File> wf;
    if (!weights_path.empty()) {
      if (!fs::exists(weights_path, ec)) throw Error(weights_path + ": no such file (weights)");
      wf = H5File::Open(weights_path);
    } else {
      if (!weights) throw Error(path + ": .keras archive has no model.weights.h5");
      wf = H5File::OpenImage(*weights, path + ":model.weights.h5");
    }
    store = std::make_unique<WeightStore>(std::move(wf), "/");
  } else {
    throw Error(path + ": unrecognized file (expected Keras .json, .h5 or .keras)");
  }

  KModel m = ParseModel(top, path);
  if (store && store->keras3()) m.keras3 = true;
  Builder b(g, store.get(), m.keras3);
  b.Build(m);
  Status st = g.Validate();
  if (!st.ok()) throw Error(st.message());
  return g;
}

}  // namespace

StatusOr<ir::Graph> LoadKeras(const std::string& path, const std::string& weights_path) {
  // libhdf5 parses the file's object headers itself, and some corrupt
  // headers make it read out of bounds or crash (fuzzing: a heap overflow in
  // H5O__msg_iterate_real under H5Aexists_by_name). No check of ours before
  // the call can rule that out, so the same load runs first in a child
  // process: if the child dies, the file is rejected here, cleanly.
  // One load at a time: no other thread may be inside libhdf5 (holding its
  // locks) when the child is forked.
  static std::mutex hdf5_mutex;
  std::lock_guard<std::mutex> lock(hdf5_mutex);
  if (auto died = ProbeInChildProcess([&] { (void)Load(path, weights_path); }))
    return Status::Fail(path + (weights_path.empty() ? "" : " (weights " + weights_path + ")") +
                        ": the HDF5 library failed while reading this model (a corrupt or hostile file; the read "
                        "was tried in a separate process first: " + *died + ")");
  try {
    return Load(path, weights_path);
  } catch (const std::exception& e) {
    return Status::Fail(e.what());
  }
}

}  // namespace hlsforge::frontends
