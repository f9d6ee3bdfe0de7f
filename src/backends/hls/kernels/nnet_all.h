// hlsforge HLS kernel library: every kernel.
#ifndef HLSFORGE_NNET_ALL_H_
#define HLSFORGE_NNET_ALL_H_
#include "nnet_common.h"
#include "nnet_helpers.h"
#include "products.h"
#include "dense.h"
#include "activation.h"
#include "softmax.h"
#include "normalize.h"
#include "threshold.h"
#include "stream.h"
#include "conv.h"
#include "pooling.h"
#include "merge.h"
#include "image.h"
#endif
