// nn.functional: convolutions, pooling, normalization, activations, losses.
// Each entry is the ATen function Python's torch.nn.functional reaches (torch._C._nn.* or torch.*),
// so values and autograd node names match Python. Python-side policy (defaults, argument checks,
// mode dispatch of interpolate, kl_div's 'batchmean') lives in lib/nn/functional.ts. Names carry an
// `nn_` prefix: the table is shared with the other ops_*.cc files (which bind `relu`, `tanh`, ...).
// In-place variants take their tensor by value (ATen's `Tensor&` parameter; the copy shares the
// TensorImpl) and return nothing; the TypeScript function returns its input.
#include <ATen/ExpandUtils.h>
#include <ATen/core/grad_mode.h>

#include "registry.h"

namespace tts {
namespace {
// A list of floats (interpolate's scale_factor). A local type rather than std::vector<double>, so
// this specialization cannot collide with one added to convert.h later.
struct DoubleList {
  std::vector<double> values;
};
}  // namespace

template <>
struct From<DoubleList> {
  static DoubleList Get(napi_env env, napi_value v) {
    bool is_array = false;
    napi_is_array(env, v, &is_array);
    if (!is_array) ThrowArgType(env, v, "an array of numbers");
    uint32_t n;
    napi_get_array_length(env, v, &n);
    DoubleList out;
    out.values.resize(n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, v, i, &e);
      out.values[i] = GetDouble(env, e);
    }
    return out;
  }
};

namespace {
using Ints = at::IntArrayRef;
using OptTensor = Opt<Tensor>;
using OptSizes = Opt<std::vector<int64_t>>;
using OptScales = Opt<DoubleList>;

c10::string_view View(const std::string& s) { return c10::string_view(s.data(), s.size()); }

// torch.backends.cudnn.enabled, which Python passes to batch_norm / layer_norm / group_norm.
bool CudnnEnabled() { return at::globalContext().userEnabledCuDNN(); }

at::OptionalIntArrayRef Sizes(const OptSizes& s) {
  if (!s.has_value()) return {};
  return at::IntArrayRef(*s);
}

Opt<at::ArrayRef<double>> Scales(const OptScales& s) {
  if (!s.has_value()) return Opt<at::ArrayRef<double>>();
  return at::ArrayRef<double>(s->values);
}

// Python's F.mse_loss & co. broadcast input and target before the loss (torch.broadcast_tensors).
std::vector<Tensor> Broadcast(const Tensor& input, const Tensor& target) {
  return at::broadcast_tensors({input, target});
}

// F.normalize: input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input).
Tensor Normalize(const Tensor& input, double p, int64_t dim, double eps) {
  const int64_t dims[1] = {dim};
  Tensor denom = at::norm(input, Scalar(p), at::IntArrayRef(dims, 1), true).clamp_min(eps).expand_as(input);
  return at::div(input, denom);
}

// F.embedding's max_norm: renormalizes rows of `weight` in place, outside autograd.
void EmbeddingRenorm(const Tensor& weight, const Tensor& indices, double max_norm, double norm_type) {
  at::NoGradGuard no_grad;
  Tensor w = weight.detach();
  at::embedding_renorm_(w, indices, max_norm, norm_type);
}
}  // namespace

// One binding per upsample kernel (interpolate picks one from mode and input.dim()).
#define TTS_UPSAMPLE(name)                                                                  \
  r.def("nn_" #name, +[](const Tensor& x, const OptSizes& size, const OptScales& scales) { \
    return at::name(x, Sizes(size), Scales(scales));                                       \
  })
#define TTS_UPSAMPLE_AC(name)                                                                        \
  r.def("nn_" #name, +[](const Tensor& x, const OptSizes& size, bool align, const OptScales& scales) { \
    return at::name(x, Sizes(size), align, Scales(scales));                                          \
  })

void RegisterNNOps(Registry& r) {
  // Convolutions and linear maps.
  r.def("nn_conv1d", +[](const Tensor& x, const Tensor& w, const OptTensor& b, Ints stride, Ints padding, Ints dilation,
                         int64_t groups) { return at::conv1d(x, w, b, stride, padding, dilation, groups); });
  r.def("nn_conv2d", +[](const Tensor& x, const Tensor& w, const OptTensor& b, Ints stride, Ints padding, Ints dilation,
                         int64_t groups) { return at::conv2d(x, w, b, stride, padding, dilation, groups); });
  // padding='same' | 'valid'
  r.def("nn_conv1d_s", +[](const Tensor& x, const Tensor& w, const OptTensor& b, Ints stride,
                           const std::string& padding, Ints dilation, int64_t groups) {
    return at::conv1d(x, w, b, stride, View(padding), dilation, groups);
  });
  r.def("nn_conv2d_s", +[](const Tensor& x, const Tensor& w, const OptTensor& b, Ints stride,
                           const std::string& padding, Ints dilation, int64_t groups) {
    return at::conv2d(x, w, b, stride, View(padding), dilation, groups);
  });
  r.def("nn_conv_transpose2d", +[](const Tensor& x, const Tensor& w, const OptTensor& b, Ints stride, Ints padding,
                                   Ints output_padding, int64_t groups, Ints dilation) {
    return at::conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation);
  });
  r.def("nn_linear", +[](const Tensor& x, const Tensor& w, const OptTensor& b) { return at::linear(x, w, b); });
  r.def("nn_bilinear", +[](const Tensor& x1, const Tensor& x2, const Tensor& w, const OptTensor& b) {
    return at::bilinear(x1, x2, w, b);
  });

  // Activations. Python passes its float arguments as double Scalars.
  r.def("nn_relu6", +[](const Tensor& x) { return at::relu6(x); });
  r.def("nn_relu6_", +[](Tensor x) { at::relu6_(x); });
  r.def("nn_leaky_relu", +[](const Tensor& x, double slope) { return at::leaky_relu(x, slope); });
  r.def("nn_leaky_relu_", +[](Tensor x, double slope) { at::leaky_relu_(x, slope); });
  r.def("nn_elu", +[](const Tensor& x, double alpha) { return at::elu(x, alpha); });
  r.def("nn_elu_", +[](Tensor x, double alpha) { at::elu_(x, alpha); });
  r.def("nn_gelu", +[](const Tensor& x, const std::string& approximate) { return at::gelu(x, View(approximate)); });
  r.def("nn_silu", +[](const Tensor& x) { return at::silu(x); });
  r.def("nn_silu_", +[](Tensor x) { at::silu_(x); });
  r.def("nn_mish", +[](const Tensor& x) { return at::mish(x); });
  r.def("nn_mish_", +[](Tensor x) { at::mish_(x); });
  r.def("nn_hardswish", +[](const Tensor& x) { return at::hardswish(x); });
  r.def("nn_hardswish_", +[](Tensor x) { at::hardswish_(x); });
  r.def("nn_hardtanh", +[](const Tensor& x, double lo, double hi) { return at::hardtanh(x, lo, hi); });
  r.def("nn_hardtanh_", +[](Tensor x, double lo, double hi) { at::hardtanh_(x, lo, hi); });
  r.def("nn_softmax", +[](const Tensor& x, int64_t dim, const Opt<ScalarType>& dtype) {
    return at::softmax(x, dim, dtype);
  });
  r.def("nn_log_softmax", +[](const Tensor& x, int64_t dim, const Opt<ScalarType>& dtype) {
    return at::log_softmax(x, dim, dtype);
  });

  // Pooling.
  r.def("nn_max_pool2d", +[](const Tensor& x, Ints kernel, Ints stride, Ints padding, Ints dilation, bool ceil_mode) {
    return at::max_pool2d(x, kernel, stride, padding, dilation, ceil_mode);
  });
  r.def("nn_max_pool2d_with_indices", +[](const Tensor& x, Ints kernel, Ints stride, Ints padding, Ints dilation,
                                          bool ceil_mode) {
    return at::max_pool2d_with_indices(x, kernel, stride, padding, dilation, ceil_mode);
  });
  r.def("nn_avg_pool2d", +[](const Tensor& x, Ints kernel, Ints stride, Ints padding, bool ceil_mode,
                             bool count_include_pad, const Opt<int64_t>& divisor_override) {
    return at::avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override);
  });
  r.def("nn_adaptive_avg_pool1d", +[](const Tensor& x, Ints size) { return at::adaptive_avg_pool1d(x, size); });
  r.def("nn_adaptive_avg_pool2d", +[](const Tensor& x, Ints size) { return at::adaptive_avg_pool2d(x, size); });
  r.def("nn_adaptive_avg_pool3d", +[](const Tensor& x, Ints size) { return at::adaptive_avg_pool3d(x, size); });
  r.def("nn_adaptive_max_pool2d", +[](const Tensor& x, Ints size) { return at::adaptive_max_pool2d(x, size); });

  // Normalization.
  r.def("nn_batch_norm", +[](const Tensor& x, const OptTensor& w, const OptTensor& b, const OptTensor& running_mean,
                             const OptTensor& running_var, bool training, double momentum, double eps) {
    return at::batch_norm(x, w, b, running_mean, running_var, training, momentum, eps, CudnnEnabled());
  });
  r.def("nn_instance_norm", +[](const Tensor& x, const OptTensor& w, const OptTensor& b, const OptTensor& running_mean,
                                const OptTensor& running_var, bool use_input_stats, double momentum, double eps) {
    return at::instance_norm(x, w, b, running_mean, running_var, use_input_stats, momentum, eps, CudnnEnabled());
  });
  r.def("nn_layer_norm", +[](const Tensor& x, Ints shape, const OptTensor& w, const OptTensor& b, double eps) {
    return at::layer_norm(x, shape, w, b, eps, CudnnEnabled());
  });
  r.def("nn_group_norm", +[](const Tensor& x, int64_t groups, const OptTensor& w, const OptTensor& b, double eps) {
    return at::group_norm(x, groups, w, b, eps, CudnnEnabled());
  });
  r.def("nn_normalize", &Normalize);

  // Dropout (feature_dropout is dropout2d's channel-wise form).
  r.def("nn_dropout", +[](const Tensor& x, double p, bool train) { return at::dropout(x, p, train); });
  r.def("nn_dropout_", +[](Tensor x, double p, bool train) { at::dropout_(x, p, train); });
  r.def("nn_feature_dropout", +[](const Tensor& x, double p, bool train) { return at::feature_dropout(x, p, train); });
  r.def("nn_feature_dropout_", +[](Tensor x, double p, bool train) { at::feature_dropout_(x, p, train); });

  // Padding and resampling.
  r.def("nn_pad", +[](const Tensor& x, Ints pad, const std::string& mode, const Opt<double>& value) {
    return at::pad(x, pad, View(mode), value);
  });
  TTS_UPSAMPLE(upsample_nearest1d);
  TTS_UPSAMPLE(upsample_nearest2d);
  TTS_UPSAMPLE(upsample_nearest3d);
  TTS_UPSAMPLE(_upsample_nearest_exact1d);
  TTS_UPSAMPLE(_upsample_nearest_exact2d);
  TTS_UPSAMPLE(_upsample_nearest_exact3d);
  TTS_UPSAMPLE_AC(upsample_linear1d);
  TTS_UPSAMPLE_AC(upsample_bilinear2d);
  TTS_UPSAMPLE_AC(_upsample_bilinear2d_aa);
  TTS_UPSAMPLE_AC(upsample_bicubic2d);
  TTS_UPSAMPLE_AC(_upsample_bicubic2d_aa);
  TTS_UPSAMPLE_AC(upsample_trilinear3d);

  // Embeddings and distances.
  r.def("nn_one_hot", +[](const Tensor& x, int64_t num_classes) { return at::one_hot(x, num_classes); });
  r.def("nn_embedding", +[](const Tensor& w, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq,
                            bool sparse) {
    return at::embedding(w, indices, padding_idx, scale_grad_by_freq, sparse);
  });
  r.def("nn_embedding_renorm_", &EmbeddingRenorm);
  r.def("nn_cosine_similarity", +[](const Tensor& x1, const Tensor& x2, int64_t dim, double eps) {
    return at::cosine_similarity(x1, x2, dim, eps);
  });
  r.def("nn_pairwise_distance", +[](const Tensor& x1, const Tensor& x2, double p, double eps, bool keepdim) {
    return at::pairwise_distance(x1, x2, p, eps, keepdim);
  });

  // Losses. `reduction` is the at::Reduction enum (0 none, 1 mean, 2 sum).
  r.def("nn_cross_entropy", +[](const Tensor& x, const Tensor& target, const OptTensor& w, int64_t reduction,
                                int64_t ignore_index, double label_smoothing) {
    return at::cross_entropy_loss(x, target, w, reduction, ignore_index, label_smoothing);
  });
  r.def("nn_nll_loss", +[](const Tensor& x, const Tensor& target, const OptTensor& w, int64_t reduction,
                           int64_t ignore_index) { return at::nll_loss_nd(x, target, w, reduction, ignore_index); });
  r.def("nn_mse_loss", +[](const Tensor& x, const Tensor& target, int64_t reduction) {
    auto t = Broadcast(x, target);
    return at::mse_loss(t[0], t[1], reduction);
  });
  r.def("nn_l1_loss", +[](const Tensor& x, const Tensor& target, int64_t reduction) {
    auto t = Broadcast(x, target);
    return at::l1_loss(t[0], t[1], reduction);
  });
  r.def("nn_smooth_l1_loss", +[](const Tensor& x, const Tensor& target, int64_t reduction, double beta) {
    auto t = Broadcast(x, target);
    return at::smooth_l1_loss(t[0], t[1], reduction, beta);
  });
  r.def("nn_huber_loss", +[](const Tensor& x, const Tensor& target, int64_t reduction, double delta) {
    auto t = Broadcast(x, target);
    return at::huber_loss(t[0], t[1], reduction, delta);
  });
  // Python expands `weight` to the target's shape first (torch._C._infer_size).
  r.def("nn_binary_cross_entropy", +[](const Tensor& x, const Tensor& target, const OptTensor& w, int64_t reduction) {
    if (!w.has_value()) return at::binary_cross_entropy(x, target, w, reduction);
    const OptTensor expanded = w->expand(at::infer_size(target.sizes(), w->sizes()));
    return at::binary_cross_entropy(x, target, expanded, reduction);
  });
  r.def("nn_binary_cross_entropy_with_logits", +[](const Tensor& x, const Tensor& target, const OptTensor& w,
                                                   const OptTensor& pos_weight, int64_t reduction) {
    return at::binary_cross_entropy_with_logits(x, target, w, pos_weight, reduction);
  });
  r.def("nn_kl_div", +[](const Tensor& x, const Tensor& target, int64_t reduction, bool log_target) {
    return at::kl_div(x, target, reduction, log_target);
  });
}

}  // namespace tts
