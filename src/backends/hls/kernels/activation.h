// hlsforge HLS kernel library: element-wise activations (hls4ml semantics).
//   linear / relu / relu_max / leaky_relu / thresholded_relu: comparisons and
//     products at full precision, assigned to res_T;
//   sigmoid / tanh: lookup tables of CONFIG_T::table_size entries of table_t,
//     built in float over [-8, 8) (sigmoid) or [-4, 4) (tanh); index =
//     trunc(x * table_size / 16) + table_size / 2 (tanh: / 8), clamped;
//   softplus / softsign: tables over [-8, 8) like sigmoid;
//   elu / selu: x >= 0 -> x (selu: res_T(lambda) * x), else a table over
//     (-8, 0] at index min(floor(-x * table_size / 8), table_size - 1)
//     (elu: alpha * table[index], alpha of the fixed-point param_t);
//   prelu: x > 0 ? x : alpha[c] * x, alphas a param_t weight array;
//   hard_sigmoid / hard_tanh: y = slope * x + shift exactly (param_t /
//     shift_t), clamped to [0, 1] (hard_tanh: 2y - 1);
//   binary_tanh: x >= 0 -> +1 else -1 (XNOR-encoded ap_uint<1> output: 1 / 0);
//   ternary_tanh: 2x > 1 -> 1, 2x <= -1 -> -1, else 0.
// Sources: hls4ml nnet_activation.h (table sizes, index arithmetic and table
// contents, read for facts); Keras / ONNX operator docs for the functions.
#ifndef HLSFORGE_NNET_ACTIVATION_H_
#define HLSFORGE_NNET_ACTIVATION_H_

#include <cmath>

#include "nnet_common.h"

namespace nnet {

struct activ_config {
  static const unsigned n_in = 10;
  static const unsigned table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  typedef fixed_t<18, 8> table_t;
};

template <class data_T, class res_T, typename CONFIG_T>
void linear(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = data[i];
}

template <class data_T, class res_T, typename CONFIG_T>
void relu(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x > 0) res[i] = x;
    else res[i] = 0;
  }
}

/// ReLU clipped at max_value (fixed-point CONFIG_T::param_t; the
/// comparison is exact, the clipped output is (res_T) max_value).
template <class data_T, class res_T, typename CONFIG_T>
void relu_max(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t max_value, res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x < 0) res[i] = 0;
    else if (x > max_value) res[i] = (res_T)max_value;
    else res[i] = x;
  }
}

/// Leaky ReLU: x > 0 ? x : alpha * x (the exact product, then res_T);
/// alpha of the fixed-point CONFIG_T::param_t.
template <class data_T, class res_T, typename CONFIG_T>
void leaky_relu(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t alpha, res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x > 0) res[i] = x;
    else res[i] = (res_T)(alpha * x);
  }
}

/// x > theta ? x : 0; theta of the fixed-point CONFIG_T::param_t (exact
/// comparison).
template <class data_T, class res_T, typename CONFIG_T>
void thresholded_relu(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t theta, res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x > theta) res[i] = x;
    else res[i] = 0;
  }
}

/// Table index of x for a table spanning [-range/2, range/2):
/// trunc(x * table_size / range) + table_size / 2, clamped to the table.
/// The quotient is a fixed-point value with x's LSB (the division keeps the
/// dividend's fractional bits), so an x whose LSB is above 1 is truncated at
/// that LSB before the conversion to int.
template <class data_T, unsigned TABLE_SIZE, unsigned RANGE> int lut_index(data_T x) {
  #pragma HLS INLINE
  const int r = trunc_int(x * uint_t<bits_for(TABLE_SIZE)>(TABLE_SIZE) / uint_t<bits_for(RANGE)>(RANGE));
  int index = r + (int)((RANGE / 2) * TABLE_SIZE / RANGE);
  if (index < 0) index = 0;
  if (index > (int)TABLE_SIZE - 1) index = (int)TABLE_SIZE - 1;
  return index;
}

template <typename CONFIG_T> void init_sigmoid_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 2 * 8.0 * (i - float(n) / 2.0) / float(n);
    table[i] = (float)(1.0 / (1 + std::exp(-in_val)));
  }
}

template <typename CONFIG_T> void init_tanh_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 2 * 4.0 * (i - float(n) / 2.0) / float(n);
    table[i] = std::tanh((double)in_val);
  }
}

/// The table `table` of a table activation, declared in the calling kernel
/// (a ROM in synthesis; kept across calls in C simulation), filled once by
/// INIT::fill.
#ifdef __SYNTHESIS__
#define HLSFORGE_ACTIVATION_TABLE(INIT)              \
  bool initialized = false;                        \
  typename CONFIG_T::table_t table[CONFIG_T::table_size]; \
  if (!initialized) {                              \
    INIT::template fill<CONFIG_T>(table);          \
    initialized = true;                            \
  }
#else
#define HLSFORGE_ACTIVATION_TABLE(INIT)                     \
  static bool initialized = false;                        \
  static typename CONFIG_T::table_t table[CONFIG_T::table_size]; \
  if (!initialized) {                                     \
    INIT::template fill<CONFIG_T>(table);                 \
    initialized = true;                                   \
  }
#endif

/// A table activation: res[i] = table[lut_index(data[i])], the table filled
/// once by INIT::fill (the C simulation keeps it in a static array).
template <class data_T, class res_T, typename CONFIG_T, class INIT, unsigned RANGE>
void lut_activation(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  HLSFORGE_ACTIVATION_TABLE(INIT)
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    res[i] = (res_T)table[lut_index<data_T, CONFIG_T::table_size, RANGE>(data[i])];
  }
}

struct sigmoid_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_sigmoid_table<CONFIG_T>(t); }
};
struct tanh_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_tanh_table<CONFIG_T>(t); }
};

/// Sigmoid: table over [-8, 8).
template <class data_T, class res_T, typename CONFIG_T>
void sigmoid(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS INLINE
  lut_activation<data_T, res_T, CONFIG_T, sigmoid_init, 16>(data, res);
}

/// Tanh: table over [-4, 4).
template <class data_T, class res_T, typename CONFIG_T>
void tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS INLINE
  lut_activation<data_T, res_T, CONFIG_T, tanh_init, 8>(data, res);
}

/// PReLU: x > 0 ? x : alpha[(offset + i) % n_alpha] * x (exact product, then
/// res_T); `offset` is the index of data[0] in the whole tensor (io_stream
/// calls per word), alphas per channel (channels-last) or per element.
template <class data_T, class res_T, typename CONFIG_T>
void prelu(data_T data[CONFIG_T::n_in], const typename CONFIG_T::param_t alpha[CONFIG_T::n_alpha], unsigned offset,
           res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x > 0) res[i] = x;
    else res[i] = (res_T)(alpha[(offset + i) % CONFIG_T::n_alpha] * x);
  }
}

/// Hard sigmoid: y = slope * x + shift at full precision; y > 1 -> 1,
/// y < 0 -> 0, else (res_T) y.
template <class data_T, class res_T, typename CONFIG_T>
void hard_sigmoid(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t slope, typename CONFIG_T::shift_t shift,
                  res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    const auto y = slope * data[i] + shift;
    if (y > 1) res[i] = 1;
    else if (y < 0) res[i] = 0;
    else res[i] = (res_T)y;
  }
}

/// Hard tanh: y as hard_sigmoid; y > 1 -> 1, y < 0 -> -1, else (res_T)(2y - 1).
template <class data_T, class res_T, typename CONFIG_T>
void hard_tanh(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t slope, typename CONFIG_T::shift_t shift,
               res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    const auto y = slope * data[i] + shift;
    if (y > 1) res[i] = 1;
    else if (y < 0) res[i] = -1;
    else res[i] = (res_T)(y * uint_t<2>(2) - uint_t<1>(1));
  }
}

template <typename CONFIG_T> void init_softplus_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 2 * 8.0 * (i - float(n) / 2.0) / float(n);
    table[i] = (float)std::log((double)std::exp(in_val) + 1.0);
  }
}

template <typename CONFIG_T> void init_softsign_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 2 * 8.0 * (i - float(n) / 2.0) / float(n);
    table[i] = (float)((double)in_val / ((double)std::fabs(in_val) + 1.0));
  }
}

/// e^x - 1 over (-8, 0] (ELU; the SELU table scales it by lambda * alpha).
template <typename CONFIG_T> void init_elu_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = -8.0 * i / (double)float(n);
    table[i] = (float)((double)std::exp(in_val) - 1.0);
  }
}

template <typename CONFIG_T> void init_selu_table(typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
  const int n = CONFIG_T::table_size;
  for (int i = 0; i < n; i++) {
    float in_val = -8.0 * i / (double)float(n);
    // lambda and alpha exactly as m * 2^e (integer config constants)
    const double lambda = std::ldexp((double)CONFIG_T::selu_lambda_m, CONFIG_T::selu_lambda_e);
    const double alpha = std::ldexp((double)CONFIG_T::selu_alpha_m, CONFIG_T::selu_alpha_e);
    table[i] = (float)(lambda * (alpha * ((double)std::exp(in_val) - 1.0)));
  }
}

struct softplus_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_softplus_table<CONFIG_T>(t); }
};
struct softsign_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_softsign_table<CONFIG_T>(t); }
};
struct elu_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_elu_table<CONFIG_T>(t); }
};
struct selu_init {
  template <typename CONFIG_T> static void fill(typename CONFIG_T::table_t* t) { init_selu_table<CONFIG_T>(t); }
};

/// Softplus log(e^x + 1): table over [-8, 8).
template <class data_T, class res_T, typename CONFIG_T>
void softplus(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS INLINE
  lut_activation<data_T, res_T, CONFIG_T, softplus_init, 16>(data, res);
}

/// Softsign x / (|x| + 1): table over [-8, 8).
template <class data_T, class res_T, typename CONFIG_T>
void softsign(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS INLINE
  lut_activation<data_T, res_T, CONFIG_T, softsign_init, 16>(data, res);
}

/// Index of a negative x into a table over (-8, 0]:
/// min(floor(-x * table_size / 8), table_size - 1).
template <class data_T, unsigned TABLE_SIZE> int negative_lut_index(data_T x) {
  #pragma HLS INLINE
  const int r = (-x * uint_t<bits_for(TABLE_SIZE)>(TABLE_SIZE) / uint_t<4>(8)).to_int();
  return r > (int)TABLE_SIZE - 1 ? (int)TABLE_SIZE - 1 : r;
}

/// ELU: x >= 0 ? x : alpha * table[index] (exact product, then res_T).
template <class data_T, class res_T, typename CONFIG_T>
void elu(data_T data[CONFIG_T::n_in], typename CONFIG_T::param_t alpha, res_T res[CONFIG_T::n_in]) {
  HLSFORGE_ACTIVATION_TABLE(elu_init)
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x >= 0) res[i] = x;
    else res[i] = (res_T)(alpha * table[negative_lut_index<data_T, CONFIG_T::table_size>(x)]);
  }
}

/// SELU: x >= 0 ? lambda * x (lambda held in res_T, the exact product, then
/// res_T) : table[index].
template <class data_T, class res_T, typename CONFIG_T>
void selu(data_T data[CONFIG_T::n_in], res_T lambda, res_T res[CONFIG_T::n_in]) {
  HLSFORGE_ACTIVATION_TABLE(selu_init)
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x = data[i];
    if (x >= 0) res[i] = (res_T)(lambda * x);
    else res[i] = (res_T)table[negative_lut_index<data_T, CONFIG_T::table_size>(x)];
  }
}

#undef HLSFORGE_ACTIVATION_TABLE

/// Sign activation. An XNOR-encoded 1-bit unsigned output holds 1 for +1 and
/// 0 for -1; any other output type receives +1 / -1.
template <class res_T, bool XNOR> struct SignValue {
  static res_T pos() { return res_T(1); }
  static res_T neg() { return res_T(-1); }
};
template <class res_T> struct SignValue<res_T, true> {
  static res_T pos() { return res_T(1); }
  static res_T neg() { return res_T(0); }
};

template <class data_T, class res_T, typename CONFIG_T>
void binary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    if (data[i] >= 0) res[i] = SignValue<res_T, CONFIG_T::xnor_output>::pos();
    else res[i] = SignValue<res_T, CONFIG_T::xnor_output>::neg();
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void ternary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    data_T x2 = data[i] * uint_t<2>(2);  // doubled in data_T, as hls4ml
    int_t<2> c;
    if (x2 > 1) c = 1;
    else if (x2 > -1) c = 0;
    else c = -1;
    res[i] = (res_T)c;
  }
}

}  // namespace nnet

#endif
