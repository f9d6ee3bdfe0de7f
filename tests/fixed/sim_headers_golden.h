// Registry shared by sim_headers_golden_test.cpp and the generated
// sim_headers_gen_*_test.cpp files (made by gen_sim_headers_golden.py): one
// function per distinct type combination of each family's vectors.txt,
// instantiated with our simulation headers' ap_fixed / ap_ufixed / ap_int /
// ap_uint (AP) or ac_fixed / ac_int (AC; sim_headers_gen_ac_*_test.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>

// Relative path: the test target has no include path for the sim headers.
#include "../../src/backends/hls/sim_headers/ac_fixed.h"
#include "../../src/backends/hls/sim_headers/ap_fixed.h"

namespace hlsforge::simgolden {

using QuantFn = int64_t (*)(double);
using CastFn = int64_t (*)(int64_t);
// a (op) b: result word; *rw, *ri, *rs: the result type.
using ArithFn = int64_t (*)(int64_t, int64_t, int*, int*, int*);
// word assigned to ap_int/ap_uint; *d: to_double() of the source.
using ToIntFn = int64_t (*)(int64_t, double*);

struct Registry {
  std::map<std::string, QuantFn> quant;
  std::map<std::string, CastFn> cast;
  std::map<std::string, ArithFn> arith;  // key starts with mul/add/sub
  std::map<std::string, ToIntFn> toint;
};

void RegisterQuant(Registry*);
void RegisterCast(Registry*);
void RegisterArith(Registry*);
void RegisterToInt(Registry*);
void RegisterAcQuant(Registry*);
void RegisterAcCast(Registry*);
void RegisterAcArith(Registry*);
void RegisterAcToInt(Registry*);

template <class T> int64_t Quant(double v) { T t = v; return t.V; }
template <class From, class To> int64_t Cast(int64_t w) { From f; f.V = w; To t = f; return t.V; }
// The result type's integer bits and signedness: iwidth / is_signed_v
// (ap_fixed) or i_width / sign (ac_fixed).
template <class R> void TypeOf(const R&, int* rw, int* ri, int* rs) {
  *rw = R::width;
  if constexpr (requires { R::i_width; }) {
    *ri = R::i_width;
    *rs = R::sign;
  } else {
    *ri = R::iwidth;
    *rs = R::is_signed_v;
  }
}
template <class A, class B, int Op> int64_t Arith(int64_t x, int64_t y, int* rw, int* ri, int* rs) {
  A a; a.V = x;
  B b; b.V = y;
  if constexpr (Op == 0) {
    auto p = a * b; TypeOf(p, rw, ri, rs); return p.V;
  } else if constexpr (Op == 1) {
    auto p = a + b; TypeOf(p, rw, ri, rs); return p.V;
  } else {
    auto p = a - b; TypeOf(p, rw, ri, rs); return p.V;
  }
}
template <class From, class To> int64_t ToInt(int64_t w, double* d) {
  From f; f.V = w;
  *d = f.to_double();
  To t = f;
  return t.V;
}

// ac_fixed has no implicit conversion to ac_int: y = x.to_ac_int() (FORMAT.md).
template <class From, class To> int64_t AcToInt(int64_t w, double* d) {
  From f; f.V = w;
  *d = f.to_double();
  To t = f.to_ac_int();
  return t.V;
}

}  // namespace hlsforge::simgolden
