// HDF5 access for the Keras frontend, through the HDF5 C API (shipped with
// the C++ API by Debian's libhdf5-dev). Every HDF5 call runs with the
// library's automatic error printing suspended (H5E_BEGIN_TRY), and every
// failure becomes an hlsforge::Error naming the file and object.
//
// Layouts (checked on the files in ../shared/models/keras):
//  Keras 2 (save_weights / the model_weights group of a full .h5):
//    root attr layer_names = [layer, ...] (fixed-length strings);
//    /<layer> attr weight_names = ["<layer>/kernel:0", ...];
//    dataset /<layer>/<weight name>.
//  Keras 3 (.weights.h5, inside a .keras zip):
//    /layers/<snake_case class>[_N]/vars/<0..k-1>, numbered per snake name
//    in layer order (InputLayer excluded), variables in creation order.
#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <regex>

#include "hlsforge/util/ndarray.h"
#include "keras_internal.h"

namespace hlsforge::frontends::keras {

std::string ShapeStr(const std::vector<int64_t>& s) { return ShapeToString(s); }

namespace {

/// Largest weight array read (2^28 doubles, 2 GiB).
constexpr uint64_t kMaxDatasetElements = uint64_t{1} << 28;
/// Largest expansion of a deflate-compressed chunk (RFC 1951: 1032:1).
constexpr uint64_t kMaxDeflateRatio = 1032;
/// Limits of a string-list attribute (layer_names, weight_names, model_config).
constexpr hssize_t kMaxAttrStrings = hssize_t{1} << 20;
constexpr size_t kMaxAttrBytes = size_t{1} << 28;

/// Closes an HDF5 id on scope exit.
struct Hid {
  hid_t id = -1;
  herr_t (*close)(hid_t) = nullptr;
  Hid(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Hid() {
    if (id >= 0 && close) {
      H5E_BEGIN_TRY { close(id); } H5E_END_TRY;
    }
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  bool ok() const { return id >= 0; }
};

std::vector<std::string> ReadStrings(hid_t attr, const std::string& what) {
  std::vector<std::string> out;
  Hid type(H5Aget_type(attr), H5Tclose);
  Hid space(H5Aget_space(attr), H5Sclose);
  if (!type.ok() || !space.ok()) throw Error(what + ": cannot read attribute type");
  hssize_t n = H5Sget_simple_extent_npoints(space.id);
  if (n <= 0) return out;
  if (H5Tget_class(type.id) != H5T_STRING) throw Error(what + ": attribute is not a string");
  // Attribute data lives in object headers (at most 64 KiB each) or dense
  // attribute storage; a header declaring more strings is corrupt.
  if (n > kMaxAttrStrings) throw Error(what + ": declares " + std::to_string(n) + " strings (corrupt file?)");
  if (H5Tis_variable_str(type.id) > 0) {
    std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
    Hid mt(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mt.id, H5T_VARIABLE);
    H5Tset_cset(mt.id, H5Tget_cset(type.id));
    herr_t st;
    H5E_BEGIN_TRY { st = H5Aread(attr, mt.id, ptrs.data()); } H5E_END_TRY;
    if (st < 0) throw Error(what + ": cannot read string attribute");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5E_BEGIN_TRY { H5Dvlen_reclaim(mt.id, space.id, H5P_DEFAULT, ptrs.data()); } H5E_END_TRY;
  } else {
    size_t sz = H5Tget_size(type.id);
    if (sz == 0 || sz * static_cast<size_t>(n) > kMaxAttrBytes)
      throw Error(what + ": declares " + std::to_string(n) + " strings of " + std::to_string(sz) +
                  " bytes (corrupt file?)");
    std::string buf(sz * static_cast<size_t>(n), '\0');
    herr_t st;
    H5E_BEGIN_TRY { st = H5Aread(attr, type.id, buf.data()); } H5E_END_TRY;
    if (st < 0) throw Error(what + ": cannot read string attribute");
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = buf.data() + i * sz;
      out.emplace_back(p, strnlen(p, sz));
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<H5File> H5File::Open(const std::string& path) {
  std::unique_ptr<H5File> f(new H5File());
  f->name_ = path;
  hid_t id;
  H5E_BEGIN_TRY {
    id = H5Fis_hdf5(path.c_str()) > 0 ? H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  } H5E_END_TRY;
  if (id < 0) throw Error(path + ": not a readable HDF5 file (truncated or corrupt?)");
  f->id_ = id;
  return f;
}

std::unique_ptr<H5File> H5File::OpenImage(const std::string& image, const std::string& display_name) {
  std::unique_ptr<H5File> f(new H5File());
  f->name_ = display_name;
  hid_t id = -1;
  H5E_BEGIN_TRY {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 &&
        H5Pset_file_image(fapl, const_cast<char*>(image.data()), image.size()) >= 0)
      id = H5Fopen(display_name.c_str(), H5F_ACC_RDONLY, fapl);
    if (fapl >= 0) H5Pclose(fapl);
  } H5E_END_TRY;
  if (id < 0) throw Error(display_name + ": not a readable HDF5 file (truncated or corrupt?)");
  f->id_ = id;
  return f;
}

H5File::~H5File() {
  if (id_ >= 0) {
    H5E_BEGIN_TRY { H5Fclose(id_); } H5E_END_TRY;
  }
}

bool H5File::Exists(const std::string& path) const {
  if (path == "/" || path.empty()) return true;
  // every prefix must exist for H5Lexists to be safe
  size_t pos = 0;
  while (true) {
    size_t next = path.find('/', pos + 1);
    std::string prefix = path.substr(0, next);
    if (!prefix.empty() && prefix != "/") {
      htri_t e;
      H5E_BEGIN_TRY { e = H5Lexists(id_, prefix.c_str(), H5P_DEFAULT); } H5E_END_TRY;
      if (e <= 0) return false;
    }
    if (next == std::string::npos) return true;
    pos = next;
  }
}

static H5O_type_t ObjType(hid_t file, const std::string& path) {
  H5O_info_t info;
  herr_t st;
  H5E_BEGIN_TRY { st = H5Oget_info_by_name(file, path.c_str(), &info, H5P_DEFAULT); } H5E_END_TRY;
  return st < 0 ? H5O_TYPE_UNKNOWN : info.type;
}

bool H5File::IsGroup(const std::string& path) const {
  return Exists(path) && ObjType(id_, path) == H5O_TYPE_GROUP;
}
bool H5File::IsDataset(const std::string& path) const {
  return Exists(path) && ObjType(id_, path) == H5O_TYPE_DATASET;
}

bool H5File::HasAttr(const std::string& obj, const std::string& attr) const {
  if (!Exists(obj)) return false;
  htri_t e;
  H5E_BEGIN_TRY { e = H5Aexists_by_name(id_, obj.c_str(), attr.c_str(), H5P_DEFAULT); } H5E_END_TRY;
  return e > 0;
}

std::vector<std::string> H5File::StringListAttr(const std::string& obj, const std::string& attr) const {
  const std::string what = name_ + ": " + obj + " attribute '" + attr + "'";
  hid_t a;
  H5E_BEGIN_TRY { a = H5Aopen_by_name(id_, obj.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT); } H5E_END_TRY;
  if (a < 0) throw Error(what + ": missing");
  Hid h(a, H5Aclose);
  Hid space(H5Aget_space(a), H5Sclose);
  if (space.ok() && H5Sget_simple_extent_npoints(space.id) == 0) return {};
  return ReadStrings(a, what);
}

std::string H5File::StringAttr(const std::string& obj, const std::string& attr) const {
  std::vector<std::string> v = StringListAttr(obj, attr);
  if (v.size() != 1)
    throw Error(name_ + ": " + obj + " attribute '" + attr + "': expected one string, found " +
                std::to_string(v.size()));
  return v[0];
}

namespace {
herr_t CollectName(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> H5File::Children(const std::string& group) const {
  std::vector<std::string> out;
  hid_t g;
  H5E_BEGIN_TRY { g = H5Gopen2(id_, group.c_str(), H5P_DEFAULT); } H5E_END_TRY;
  if (g < 0) throw Error(name_ + ": group '" + group + "' missing");
  Hid h(g, H5Gclose);
  herr_t st;
  H5E_BEGIN_TRY { st = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, CollectName, &out); } H5E_END_TRY;
  if (st < 0) throw Error(name_ + ": cannot list group '" + group + "' (truncated file?)");
  return out;
}

Array H5File::ReadDataset(const std::string& path) const {
  const std::string what = name_ + ": dataset '" + path + "'";
  hid_t d;
  H5E_BEGIN_TRY { d = H5Dopen2(id_, path.c_str(), H5P_DEFAULT); } H5E_END_TRY;
  if (d < 0) throw Error(what + ": missing or unreadable");
  Hid dh(d, H5Dclose);
  Hid space(H5Dget_space(d), H5Sclose);
  Hid type(H5Dget_type(d), H5Tclose);
  if (!space.ok() || !type.ok()) throw Error(what + ": cannot read its shape");
  H5T_class_t cls = H5Tget_class(type.id);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw Error(what + ": not a numeric array");
  int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0 || rank > 16) throw Error(what + ": bad rank");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.id, dims.data(), nullptr) < 0)
    throw Error(what + ": cannot read its shape");
  Array a;
  uint64_t n = 1;
  for (hsize_t x : dims) {
    a.shape.push_back(static_cast<int64_t>(x));
    n = x == 0 || n == 0 ? 0 : (n > kMaxDatasetElements / x ? kMaxDatasetElements + 1 : n * x);
  }
  // Checked before allocating: a header may declare any shape. The data
  // must fit in what the file holds for it (compressed chunks expand at most
  // kMaxDeflateRatio times; datasets without storage read as fill values).
  if (n > kMaxDatasetElements)
    throw Error(what + ": shape " + ShapeStr(a.shape) + " declares more than 2^28 elements (limit for one weight array)");
  const size_t elem = H5Tget_size(type.id);
  if (elem == 0 || elem > 16) throw Error(what + ": unsupported element size " + std::to_string(elem));
  hsize_t stored = 0;
  hsize_t file_size = 0;
  H5E_BEGIN_TRY {
    stored = H5Dget_storage_size(d);
    if (H5Fget_filesize(id_, &file_size) < 0) file_size = 0;
  } H5E_END_TRY;
  const uint64_t backing = std::min<uint64_t>(stored, file_size);
  if (n * elem > backing * kMaxDeflateRatio + (uint64_t{1} << 20))
    throw Error(what + ": shape " + ShapeStr(a.shape) + " needs " + std::to_string(n * elem) +
                " bytes but the file holds " + std::to_string(backing) + " bytes of data for it (truncated or corrupt?)");
  a.values.resize(static_cast<size_t>(n));
  if (n == 0) return a;
  herr_t st;
  // float32 weights convert to double exactly.
  H5E_BEGIN_TRY { st = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()); } H5E_END_TRY;
  if (st < 0) throw Error(what + ": read failed (truncated file?)");
  return a;
}

// ---- WeightStore --------------------------------------------------------------

WeightStore::WeightStore(std::unique_ptr<H5File> file, std::string root)
    : file_(std::move(file)), root_(std::move(root)) {
  if (!file_->IsGroup(root_))
    throw Error(file_->name() + ": no group '" + root_ + "' holding the weights");
  if (file_->HasAttr(root_, "layer_names")) {
    keras3_ = false;
  } else if (file_->IsGroup((root_ == "/" ? "" : root_) + "/layers")) {
    keras3_ = true;
  } else {
    throw Error(file_->name() + ": not a Keras weights file (no 'layer_names' attribute and no 'layers' group)");
  }
}

std::string SnakeCase(const std::string& class_name) {
  // Keras 3 naming: (.)([A-Z][a-z]+) -> \1_\2, then ([a-z])([A-Z]) -> \1_\2, lower.
  static const std::regex r1("(.)([A-Z][a-z]+)"), r2("([a-z])([A-Z])");
  std::string s = std::regex_replace(class_name, r1, "$1_$2");
  s = std::regex_replace(s, r2, "$1_$2");
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::map<std::string, Array> WeightStore::LayerWeights(const std::string& layer, const std::string& class_name,
                                                       const std::vector<std::string>& positional) {
  std::map<std::string, Array> out;
  const std::string base = root_ == "/" ? "" : root_;
  if (keras3_) {
    std::string snake = SnakeCase(class_name);
    int n = snake_counts_[snake]++;
    std::string group = base + "/layers/" + snake;
    if (n) group.append("_").append(std::to_string(n));  // appended: GCC 12 -Wrestrict false positive on "_" + string
    if (!file_->IsGroup(group)) {
      // some writers use the layer name
      std::string alt = base + "/layers/" + layer;
      if (file_->IsGroup(alt)) group = alt;
      else if (positional.empty()) return out;
      else throw Error(file_->name() + ": layer \"" + layer + "\": weights group '" + group + "' missing");
    }
    std::string vars = group + "/vars";
    for (size_t i = 0; i < positional.size(); ++i) {
      std::string ds = vars + "/" + std::to_string(i);
      if (!file_->IsDataset(ds))
        throw Error(file_->name() + ": layer \"" + layer + "\": dataset '" + ds + "' (" + positional[i] + ") missing");
      out[positional[i]] = file_->ReadDataset(ds);
    }
    return out;
  }
  std::string group = base + "/" + layer;
  if (!file_->IsGroup(group)) {
    if (positional.empty()) return out;
    throw Error(file_->name() + ": layer \"" + layer + "\": weights group '" + group + "' missing");
  }
  std::vector<std::string> names;
  if (file_->HasAttr(group, "weight_names")) names = file_->StringListAttr(group, "weight_names");
  for (const std::string& wn : names) {
    std::string key = wn;
    if (size_t slash = key.rfind('/'); slash != std::string::npos) key = key.substr(slash + 1);
    if (size_t colon = key.rfind(':'); colon != std::string::npos) key = key.substr(0, colon);
    std::string ds = group + "/" + wn;
    if (!file_->IsDataset(ds))
      throw Error(file_->name() + ": layer \"" + layer + "\": dataset '" + ds + "' missing");
    out[key] = file_->ReadDataset(ds);
  }
  return out;
}

}  // namespace hlsforge::frontends::keras
