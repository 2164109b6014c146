// Factories, random numbers, seeds, devices and conversions.
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "registry.h"

namespace tts {

void RegisterCreationOps(Registry& r) {
  using Opts = FactoryOptions;
  r.def("zeros", +[](at::IntArrayRef size, const Opts& o) { return o.finish(at::zeros(size, o.options)); });
  r.def("ones", +[](at::IntArrayRef size, const Opts& o) { return o.finish(at::ones(size, o.options)); });
  r.def("empty", +[](at::IntArrayRef size, const Opts& o) { return o.finish(at::empty(size, o.options)); });
  r.def("full", +[](at::IntArrayRef size, const Scalar& fill, const Opts& o) {
    return o.finish(at::full(size, fill, o.options));
  });
  r.def("eye", +[](int64_t n, const Opt<int64_t>& m, const Opts& o) {
    return o.finish(m.has_value() ? at::eye(n, *m, o.options) : at::eye(n, o.options));
  });
  r.def("arange", +[](const Scalar& start, const Scalar& end, const Scalar& step, const Opts& o) {
    return o.finish(at::arange(start, end, step, o.options));
  });
  r.def("linspace", +[](const Scalar& start, const Scalar& end, int64_t steps, const Opts& o) {
    return o.finish(at::linspace(start, end, steps, o.options));
  });
  r.def("rand", +[](at::IntArrayRef size, const Opts& o) { return o.finish(at::rand(size, o.options)); });
  r.def("randn", +[](at::IntArrayRef size, const Opts& o) { return o.finish(at::randn(size, o.options)); });
  r.def("randint", +[](int64_t low, int64_t high, at::IntArrayRef size, const Opts& o) {
    return o.finish(at::randint(low, high, size, o.options));
  });
  r.def("randperm", +[](int64_t n, const Opts& o) { return o.finish(at::randperm(n, o.options)); });
  r.def("normal", +[](double mean, double std, at::IntArrayRef size, const Opts& o) {
    return o.finish(at::normal(mean, std, size, Opt<at::Generator>(), o.options));
  });
  r.def("normal_tt", +[](const Tensor& mean, const Tensor& std) { return at::normal(mean, std); });
  r.def("normal_ts", +[](const Tensor& mean, double std) { return at::normal(mean, std); });
  r.def("normal_st", +[](double mean, const Tensor& std) { return at::normal(mean, std); });

  // *_like: unset options fields come from the input tensor.
  r.def("zeros_like", +[](const Tensor& t, const Opts& o) { return o.finish(at::zeros_like(t, o.options)); });
  r.def("ones_like", +[](const Tensor& t, const Opts& o) { return o.finish(at::ones_like(t, o.options)); });
  r.def("empty_like", +[](const Tensor& t, const Opts& o) { return o.finish(at::empty_like(t, o.options)); });
  r.def("full_like", +[](const Tensor& t, const Scalar& fill, const Opts& o) {
    return o.finish(at::full_like(t, fill, o.options));
  });
  r.def("rand_like", +[](const Tensor& t, const Opts& o) { return o.finish(at::rand_like(t, o.options)); });
  r.def("randn_like", +[](const Tensor& t, const Opts& o) { return o.finish(at::randn_like(t, o.options)); });
  r.def("randint_like", +[](const Tensor& t, int64_t low, int64_t high, const Opts& o) {
    return o.finish(at::randint_like(t, low, high, o.options));
  });

  // In-place random fills.
  r.def("uniform_", +[](const Tensor& t, double from, double to) { t.uniform_(from, to); });
  r.def("normal_", +[](const Tensor& t, double mean, double std) { t.normal_(mean, std); });
  r.def("bernoulli_", +[](const Tensor& t, double p) { t.bernoulli_(p); });
  r.def("random_", +[](const Tensor& t, int64_t from, const Opt<int64_t>& to) { t.random_(from, to); });
  r.def("fill_", +[](const Tensor& t, const Scalar& v) { t.fill_(v); });
  r.def("zero_", +[](const Tensor& t) { t.zero_(); });
  r.def("bernoulli", +[](const Tensor& t) { return at::bernoulli(t); });
  r.def("multinomial", +[](const Tensor& t, int64_t n, bool replacement) { return at::multinomial(t, n, replacement); });

  // Conversions.
  r.def("to", +[](const Tensor& t, const Opt<at::Device>& device, const Opt<ScalarType>& dtype, bool non_blocking,
                  bool copy) {
    const at::Device d = device.value_or(t.device());
    const ScalarType s = dtype.value_or(t.scalar_type());
    return t.to(d, s, non_blocking, copy);
  });
  r.def("clone", +[](const Tensor& t) { return t.clone(); });
  r.def("copy_", +[](const Tensor& t, const Tensor& src, bool non_blocking) { t.copy_(src, non_blocking); });
  r.def("pin_memory", +[](const Tensor& t) { return t.pin_memory(); });
  r.def("is_pinned", +[](const Tensor& t) { return t.is_pinned(); });

  // Seeds, threads and CUDA.
  r.def("manual_seed", +[](int64_t seed) {
    auto gen = at::detail::getDefaultCPUGenerator();
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(static_cast<uint64_t>(seed));
    }
    if (torch::cuda::is_available()) torch::cuda::manual_seed_all(static_cast<uint64_t>(seed));
  });
  r.def("initial_seed", +[]() { return static_cast<int64_t>(at::detail::getDefaultCPUGenerator().current_seed()); });
  r.def("cuda_is_available", +[]() { return torch::cuda::is_available(); });
  r.def("cuda_device_count", +[]() { return static_cast<int64_t>(torch::cuda::device_count()); });
  r.def("cuda_synchronize", +[](int64_t device) { torch::cuda::synchronize(device); });
  r.def("cuda_manual_seed_all", +[](int64_t seed) { torch::cuda::manual_seed_all(static_cast<uint64_t>(seed)); });
  r.def("cuda_manual_seed", +[](int64_t seed) { torch::cuda::manual_seed(static_cast<uint64_t>(seed)); });
  r.def("set_num_threads", +[](int64_t n) { at::set_num_threads(static_cast<int>(n)); });
  r.def("get_num_threads", +[]() { return static_cast<int64_t>(at::get_num_threads()); });
  r.def("libtorch_version", +[]() { return std::string(TORCH_VERSION); });
  r.def("cuda_compiled", +[]() { return at::hasCUDA(); });
}

}  // namespace tts
