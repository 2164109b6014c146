// data: natives for torch.Generator and torch.utils.data (the generator-taking random ops the
// samplers and random_split need).
//
// A JS Generator holds `_g`, a type-tagged napi external owning one at::Generator (a refcounted
// handle to the generator impl), like tensor handles do for tensors. The tag is checked before
// every unwrap, so a tensor handle or any other value passed as a generator is a TypeError.
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/GeneratorImpl.h>

#include "registry.h"

namespace tts {
namespace {

constexpr napi_type_tag kGeneratorTag = {0x4f2d8a61c3b9e7d5ULL, 0x1e6b0c9f72a4d388ULL};

struct GeneratorHolder {
  at::Generator gen;
};

void FinalizeGenerator(node_api_basic_env /*env*/, void* data, void* /*hint*/) {
  delete static_cast<GeneratorHolder*>(data);  // only drops a refcount: safe inside GC
}

// A parameter type that binds a JS generator handle (see From<GenArg> below).
struct GenArg {
  at::Generator gen;
};

napi_value WrapGenerator(napi_env env, at::Generator gen) {
  auto* h = new GeneratorHolder{std::move(gen)};
  napi_value result;
  if (napi_create_external(env, h, FinalizeGenerator, nullptr, &result) != napi_ok) {
    delete h;
    throw std::runtime_error("torchts: could not create a generator handle");
  }
  napi_type_tag_object(env, result, &kGeneratorTag);
  return result;
}

// Seeds cross as int64 (JS numbers or BigInts); PyTorch's seeds are uint64, so a negative int64 is
// the same 64 bits (lib/generator.ts maps seeds >= 2^63 with BigInt.asIntN).
void SetSeed(at::Generator& gen, int64_t seed) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_current_seed(static_cast<uint64_t>(seed));
}

}  // namespace

template <>
struct From<GenArg> {
  static GenArg Get(napi_env env, napi_value v) {
    napi_valuetype type;
    bool tagged = false;
    if (napi_typeof(env, v, &type) != napi_ok || type != napi_external ||
        napi_check_object_type_tag(env, v, &kGeneratorTag, &tagged) != napi_ok || !tagged)
      ThrowArgType(env, v, "a Generator");
    void* p = nullptr;
    napi_get_value_external(env, v, &p);
    return GenArg{static_cast<GeneratorHolder*>(p)->gen};
  }
};

namespace {
// null / undefined -> the default generator, as `generator=None` in Python.
Opt<at::Generator> GenOf(const Opt<GenArg>& g) {
  if (!g.has_value()) return {};
  return g->gen;
}
}  // namespace

// The same parameter for other op tables (ops_vision.cc draws transform parameters with it).
Opt<at::Generator> GeneratorParam(napi_env env, napi_value v) { return GenOf(From<Opt<GenArg>>::Get(env, v)); }

void RegisterDataOps(Registry& r) {
  using Opts = FactoryOptions;
  // torch.Generator() (CPU). Python seeds a new generator with default_rng_seed_val (67280421310721).
  r.raw("generator_new", [](napi_env env, napi_callback_info) -> napi_value {
    try {
      return WrapGenerator(env, at::detail::createCPUGenerator());
    } catch (...) {
      return ThrowCurrent(env);
    }
  });
  // torch.default_generator: the process-wide CPU generator that torch.manual_seed seeds (shared by
  // all threads and workers, as in PyTorch).
  r.raw("generator_default", [](napi_env env, napi_callback_info) -> napi_value {
    try {
      return WrapGenerator(env, at::detail::getDefaultCPUGenerator());
    } catch (...) {
      return ThrowCurrent(env);
    }
  });
  r.def("generator_manual_seed", +[](const GenArg& g, int64_t seed) {
    at::Generator gen = g.gen;
    SetSeed(gen, seed);
  });
  r.def("generator_initial_seed", +[](const GenArg& g) { return static_cast<int64_t>(g.gen.current_seed()); });
  // Generator.seed(): a non-deterministic seed, set and returned (as Python's THPGenerator_seed).
  r.def("generator_seed", +[](const GenArg& g) {
    at::Generator gen = g.gen;
    const uint64_t seed = c10::detail::getNonDeterministicRandom(false);
    SetSeed(gen, static_cast<int64_t>(seed));
    return static_cast<int64_t>(seed);
  });
  r.def("generator_get_state", +[](const GenArg& g) {
    at::Generator gen = g.gen;
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  });
  r.def("generator_set_state", +[](const GenArg& g, const Tensor& state) {
    at::Generator gen = g.gen;
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  });

  // Random ops with an explicit generator (null: the default generator). ATen locks the
  // generator's mutex inside each op.
  r.def("randperm_g", +[](int64_t n, const Opt<GenArg>& g, const Opts& o) {
    return o.finish(at::randperm(n, GenOf(g), o.options));
  });
  r.def("randint_g", +[](int64_t low, int64_t high, at::IntArrayRef size, const Opt<GenArg>& g, const Opts& o) {
    return o.finish(at::randint(low, high, size, GenOf(g), o.options));
  });
  r.def("rand_g", +[](at::IntArrayRef size, const Opt<GenArg>& g, const Opts& o) {
    return o.finish(at::rand(size, GenOf(g), o.options));
  });
  r.def("multinomial_g", +[](const Tensor& t, int64_t n, bool replacement, const Opt<GenArg>& g) {
    return at::multinomial(t, n, replacement, GenOf(g));
  });
  r.def("randn_g", +[](at::IntArrayRef size, const Opt<GenArg>& g, const Opts& o) {
    return o.finish(at::randn(size, GenOf(g), o.options));
  });
  // In-place uniform_ / normal_ with a generator: the draws random transforms make (torchvision's
  // `torch.empty(1).uniform_(a, b)`, RandomErasing's `normal_()`), from a DataLoader worker's own
  // generator when one is set (lib/generator.ts, thread_generator).
  r.def("uniform_g_", +[](const Tensor& t, double from, double to, const Opt<GenArg>& g) {
    Tensor x = t;
    x.uniform_(from, to, GenOf(g));
  });
  r.def("normal_g_", +[](const Tensor& t, double mean, double std, const Opt<GenArg>& g) {
    Tensor x = t;
    x.normal_(mean, std, GenOf(g));
  });
  // `torch.empty((), dtype=torch.int64).random_(generator=g).item()`: how RandomSampler and the
  // DataLoader iterator draw their seeds (a BigInt in JS beyond 2^53).
  r.def("random_int64_g", +[](const Opt<GenArg>& g) {
    return at::empty({}, at::kLong).random_(GenOf(g)).item<int64_t>();
  });
}

}  // namespace tts
