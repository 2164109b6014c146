// data_pipeline: DataLoader workers as native threads, for the built-in in-memory datasets
// (MNIST family, CIFAR, FakeData) with built-in transforms. lib/utils/data/_native_loader.ts compiles
// the dataset's transform into a plan of the ops below, with every size resolved in TS (the
// images all have one shape), and hands this file the images' source (the uint8 image tensor
// and labels, or FakeData's spec), and the plan. Each worker thread owns a CPU generator seeded base_seed + worker_id, as a PyTorch
// worker does, and runs its batches in the order JS assigned them: the random draws are the
// ones the TS transforms make (ops_vision.cc), in the same order, so batches equal those of the
// worker_threads path and of Python's DataLoader with the same seed.
//
// JS submits (worker, batch index, sample indices) and takes batches by index, blocking
// (`for...of`) or through a promise (`for await`). Errors in a thread come back on the batch
// they belong to. Close() (end of epoch, break, finalizer, environment teardown) stops and
// joins the threads.
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

#include "image_decode.h"
#include "registry.h"
#include "vision_ops.h"
#include "vision_pil.h"

// OpenMP's per-thread team size, from the OpenMP runtime libtorch loads (weak: absent without one).
extern "C" void omp_set_num_threads(int) __attribute__((weak));

namespace tts {

namespace {

constexpr napi_type_tag kPipelineTag = {0x7a3c51e08d2f4b96ULL, 0x5c19e6d2a07b83f1ULL};

// Plan op codes (lib/utils/data/_native_loader.ts PLAN): [code, args...].
enum PlanOp : int64_t {
  kRandomCrop = 0,         // l t r b mode fill padded_h padded_w th tw: draws i then j unless sizes are equal
  kPadCrop = 1,            // l t r b mode fill top left h w (Pad)
  kFlip = 2,               // p dim
  kColorJitter = 3,        // b0 b1 c0 c1 s0 s1 h0 h1 channels (NaN: factor off)
  kRandomResizedCrop = 4,  // h w s0 s1 r0 r1 out_h out_w resample
  kResize = 5,             // h w out_h out_w resample (h, w: NaN where they vary)
  kToTensor = 6,           // (default float dtype)
  kPilToTensor = 7,
  kNormalize = 8,           // C mean... std...
  kRotate = 9,              // d0 d1 resample cx cy fill... (expand=False: the size is kept)
  kGrayscale = 10,          // channels out
  kRandomGrayscale = 11,    // p channels
  kRandomErasing = 12,      // p s0 s1 r0 r1 random value... (on a C×H×W tensor)
  kResizeShortSide = 13,    // size max_size(-1: none) resample: Resize(int) of an image of any size
  kCenterCropAny = 14,      // h w: CenterCrop, on the image's own size
};

struct Op {
  int64_t code;
  std::vector<double> a;
  Tensor mean, std;  // kNormalize: C×1×1 in the default float dtype
};

struct Batch {
  bool done = false;
  Tensor images, targets;
  std::string error, errorType;
};

int64_t I(double v) { return static_cast<int64_t>(v); }

// Where a sample's PIL-like image and label come from: the dataset's stored images, or
// FakeData's per-index generator (lib/vision/datasets/fakedata.ts: a generator seeded
// index + random_offset draws randn(C, H, W), then randint(0, num_classes); ToPILImage's
// mul(255).byte() into H×W×C, H×W for one channel).
struct Source {
  Tensor data, targets;  // stored: uint8 N×H×W[×C], int64 N
  int64_t size = 0;
  std::vector<int64_t> fakeShape;  // FakeData's C, H, W; empty for stored images
  int64_t numClasses = 0, offset = 0;
  std::vector<std::string> files;  // ImageFolder: image files (decoded as Pillow's convert('RGB'))
  std::vector<int64_t> fileTargets;

  // (image, label, whether the image is a new tensor rather than a view of the dataset)
  std::tuple<Tensor, int64_t, bool> Item(int64_t index, ScalarType dt) const {
    // JS checked the index (IndexError with the dataset's name); negative counts from the end.
    TORCH_CHECK(index >= -size && index < size, "index ", index, " is out of range");
    const int64_t i = index < 0 ? index + size : index;
    if (!files.empty()) return {ReadImage(files[i]), fileTargets[i], true};
    if (fakeShape.empty()) return {data.select(0, i), targets.data_ptr<int64_t>()[i], false};
    at::Generator gen = at::detail::createCPUGenerator(static_cast<uint64_t>(i + offset));
    const Tensor img = at::randn(fakeShape, gen, at::TensorOptions().dtype(dt));
    const int64_t target = at::randint(0, numClasses, {1}, gen, at::kLong).item<int64_t>();
    Tensor hwc = img.mul(255).to(at::kByte).permute({1, 2, 0}).contiguous();
    return {fakeShape[0] == 1 ? hwc.squeeze(2) : hwc, target, true};
  }

  // default_loader: the file's bytes decoded as Pillow's open(f).convert('RGB').
  static Tensor ReadImage(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw PythonError("[Errno 2] No such file or directory: '" + file + "'", "FileNotFoundError");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return DecodeImageRGB(bytes.data(), bytes.size(), file);
  }
};

class Pipeline {
 public:
  Pipeline(Source source, std::vector<Op> ops, int64_t workers, uint64_t baseSeed, ScalarType floatDt)
      : source_(std::move(source)), ops_(std::move(ops)), queues_(workers), dt_(floatDt) {
    for (int64_t w = 0; w < workers; w++) {
      threads_.emplace_back([this, w, seed = baseSeed + static_cast<uint64_t>(w)] { Run(w, seed); });
    }
  }
  ~Pipeline() { Close(); }

  void Submit(int64_t worker, int64_t idx, std::vector<int64_t> indices) {
    std::lock_guard<std::mutex> lock(mu_);
    TORCH_CHECK(!closed_, "DataLoader native workers: the pipeline is closed");
    TORCH_CHECK(worker >= 0 && worker < static_cast<int64_t>(queues_.size()), "bad worker ", worker);
    queues_[worker].push_back({idx, std::move(indices)});
    batches_[idx];
    work_.notify_all();
  }

  bool Ready(int64_t idx) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = batches_.find(idx);
    return closed_ || (it != batches_.end() && it->second.done);
  }

  // Blocks until batch idx is done; rethrows a worker's error on the batch it belongs to.
  std::tuple<Tensor, Tensor> Take(int64_t idx) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = batches_.find(idx);
    TORCH_CHECK(it != batches_.end(), "DataLoader native workers: batch ", idx, " was never requested");
    done_.wait(lock, [&] { return closed_ || it->second.done; });
    TORCH_CHECK(it->second.done, "DataLoader native workers: the pipeline was closed");
    Batch b = std::move(it->second);
    batches_.erase(it);
    if (!b.error.empty()) throw PythonError(b.error, b.errorType.empty() ? "RuntimeError" : b.errorType);
    return {b.images, b.targets};
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return;
      closed_ = true;
      work_.notify_all();
      done_.notify_all();
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  struct Job {
    int64_t idx;
    std::vector<int64_t> indices;
  };

  void Run(int64_t w, uint64_t seed) {
    // One intra-op thread per worker, as PyTorch's _worker_loop sets: the workers are the
    // parallelism, and a team per worker thread would spin-wait on the cores they need. The
    // OpenMP setting is per thread, so the main thread's own count is untouched.
    if (omp_set_num_threads != nullptr) omp_set_num_threads(1);
    at::NoGradGuard noGrad;
    Opt<at::Generator> gen = at::detail::createCPUGenerator(seed);
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_.wait(lock, [&] { return closed_ || !queues_[w].empty(); });
        if (closed_) return;
        job = std::move(queues_[w].front());
        queues_[w].pop_front();
      }
      Batch b;
      try {
        std::vector<Tensor> images;
        std::vector<int64_t> labels;
        images.reserve(job.indices.size());
        labels.reserve(job.indices.size());
        for (int64_t i : job.indices) {
          auto [img, label, owned] = source_.Item(i, dt_);
          images.push_back(Transform(std::move(img), owned, gen));
          labels.push_back(label);
        }
        b.images = at::stack(images, 0);
        b.targets = at::tensor(labels, at::kLong);
      } catch (const PythonError& e) {
        b.error = e.what();
        b.errorType = e.python_type;
      } catch (const c10::Error& e) {
        b.error = e.what_without_backtrace();
      } catch (const std::exception& e) {
        b.error = e.what();
      }
      b.done = true;
      std::lock_guard<std::mutex> lock(mu_);
      batches_[job.idx] = std::move(b);
      done_.notify_all();
    }
  }

  // The plan on one image; `owned` is false while x is a view of the dataset's storage.
  Tensor Transform(Tensor x, bool owned, const Opt<at::Generator>& g) {
    for (const Op& op : ops_) {
      const auto& a = op.a;
      switch (op.code) {
        case kRandomCrop: {
          int64_t i = 0, j = 0;
          if (!(I(a[6]) == I(a[8]) && I(a[7]) == I(a[9]))) {
            i = at::randint(0, I(a[6]) - I(a[8]) + 1, {1}, g, at::kLong).item<int64_t>();
            j = at::randint(0, I(a[7]) - I(a[9]) + 1, {1}, g, at::kLong).item<int64_t>();
          }
          x = PadCrop(x, {I(a[0]), I(a[1]), I(a[2]), I(a[3])}, I(a[4]), a[5], i, j, I(a[8]), I(a[9]));
          break;
        }
        case kPadCrop:
          x = PadCrop(x, {I(a[0]), I(a[1]), I(a[2]), I(a[3])}, I(a[4]), a[5], I(a[6]), I(a[7]), I(a[8]), I(a[9]));
          break;
        case kFlip:
          if (!RandLess(a[0], dt_, g)) continue;
          x = FlipHwc(x, I(a[1]));
          break;
        case kColorJitter:
          x = ColorJitter(x, a, g);
          break;
        case kRandomResizedCrop: {
          // get_params on the image's own size (a[0], a[1]: the size when the plan knew it).
          const auto [i, j, h, w] = ResizedCropParams(x.size(0), x.size(1), a[2], a[3], a[4], a[5], dt_, g);
          x = PilResizedCrop(x, i, j, h, w, I(a[6]), I(a[7]), I(a[8]));
          break;
        }
        case kResize:
          // Resize((h, w)) on the image's own size (a[0], a[1]: that size when the plan knew it).
          if (I(a[2]) == x.size(0) && I(a[3]) == x.size(1)) continue;
          x = PilResizedCrop(x, 0, 0, x.size(0), x.size(1), I(a[2]), I(a[3]), I(a[4]));
          break;
        case kResizeShortSide: {
          const auto [oh, ow] = ResizedOutputSize(x.size(0), x.size(1), I(a[0]), I(a[1]));
          if (oh == x.size(0) && ow == x.size(1)) continue;
          x = PilResizedCrop(x, 0, 0, x.size(0), x.size(1), oh, ow, I(a[2]));
          break;
        }
        case kCenterCropAny:
          x = CenterCrop(x, I(a[0]), I(a[1]));
          break;
        case kRotate: {
          const double angle = UniformItem(a[0], a[1], dt_, g);
          const std::vector<int64_t> fill(a.begin() + 5, a.end());
          x = PilRotate(x, angle, I(a[2]), false, a[3], a[4], fill);
          break;
        }
        case kGrayscale:
          x = PilGray(x, I(a[0]));
          break;
        case kRandomGrayscale:
          if (!RandLess(a[0], dt_, g)) continue;
          x = PilGray(x, I(a[1]));
          break;
        case kRandomErasing: {
          if (!RandLess(a[0], dt_, g)) continue;
          if (!owned) x = x.clone();
          Erase(x, a, g);
          break;
        }
        case kToTensor: {
          // functional.to_tensor: one CHW tensor of the default dtype, copy_ then div_(255).
          const Tensor chw = x.dim() == 2 ? x : x.permute({2, 0, 1});
          const int64_t c = x.dim() == 2 ? 1 : x.size(2);
          Tensor img = at::empty({c, x.size(0), x.size(1)}, at::TensorOptions().dtype(dt_));
          img.copy_(chw);
          x = img.div_(255);
          break;
        }
        case kPilToTensor:
          x = (x.dim() == 2 ? x.unsqueeze(2) : x).permute({2, 0, 1}).contiguous();
          break;
        case kNormalize:
          if (!owned) x = x.clone();
          x = x.sub_(op.mean).div_(op.std);
          break;
        default:
          TORCH_CHECK(false, "DataLoader native workers: unknown plan op ", op.code);
      }
      owned = true;
    }
    return owned ? x : x.clone();
  }

  // functional._compute_resized_output_size for Resize(size: int, max_size) (lib/vision/transforms
  // functional.ts resizedOutputSize; the plan checked max_size > size).
  static std::pair<int64_t, int64_t> ResizedOutputSize(int64_t h, int64_t w, int64_t requested, int64_t maxSize) {
    const int64_t shortSide = w <= h ? w : h, longSide = w <= h ? h : w;
    auto newShort = requested;
    auto newLong = static_cast<int64_t>(static_cast<double>(requested) * longSide / shortSide);
    if (maxSize >= 0 && newLong > maxSize) {
      newShort = static_cast<int64_t>(static_cast<double>(maxSize) * newShort / newLong);
      newLong = maxSize;
    }
    return w <= h ? std::make_pair(newLong, newShort) : std::make_pair(newShort, newLong);
  }

  // functional.center_crop on a PIL-like image: zero padding where the crop is larger, then the
  // central box (round half to even, as Python's round), in one pad-and-crop.
  static Tensor CenterCrop(const Tensor& x, int64_t ch, int64_t cw) {
    const int64_t h = x.size(0), w = x.size(1);
    auto floorDiv2 = [](int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
    const int64_t l = cw > w ? floorDiv2(cw - w) : 0, t = ch > h ? floorDiv2(ch - h) : 0;
    const int64_t r = cw > w ? floorDiv2(cw - w + 1) : 0, b = ch > h ? floorDiv2(ch - h + 1) : 0;
    const int64_t ph = h + t + b, pw = w + l + r;
    const auto top = static_cast<int64_t>(std::nearbyint((ph - ch) / 2.0));
    const auto left = static_cast<int64_t>(std::nearbyint((pw - cw) / 2.0));
    return PadCrop(x, {l, t, r, b}, 0, 0, top, left, ch, cw);
  }

  // RandomErasing after its p draw: get_params' ten tries (area and log-uniform aspect, then the
  // value (normal_ when random) and i, j), erasing x (C×H×W) in place; no box found: unchanged.
  void Erase(Tensor& x, const std::vector<double>& a, const Opt<at::Generator>& g) {
    const int64_t c = x.size(-3), imgH = x.size(-2), imgW = x.size(-1);
    const double area = static_cast<double>(imgH * imgW);
    const Tensor logRatio = at::tensor({a[3], a[4]}, at::kDouble).to(at::kFloat).log();
    const double lr0 = logRatio[0].item<double>(), lr1 = logRatio[1].item<double>();
    const auto opts = at::TensorOptions().dtype(dt_);
    for (int k = 0; k < 10; k++) {
      const double eraseArea = area * UniformItem(a[1], a[2], dt_, g);
      const double aspect = at::empty({1}, opts).uniform_(lr0, lr1, g).exp().item<double>();
      const auto h = static_cast<int64_t>(std::nearbyint(std::sqrt(eraseArea * aspect)));
      const auto w = static_cast<int64_t>(std::nearbyint(std::sqrt(eraseArea / aspect)));
      if (!(h < imgH && w < imgW)) continue;
      Tensor v = a[5] != 0 ? at::empty({c, h, w}, at::kFloat).normal_(0, 1, g)
                           : at::tensor(std::vector<double>(a.begin() + 6, a.end()), at::kDouble).to(opts).view({-1, 1, 1});
      const int64_t i = at::randint(0, imgH - h + 1, {1}, g, at::kLong).item<int64_t>();
      const int64_t j = at::randint(0, imgW - w + 1, {1}, g, at::kLong).item<int64_t>();
      x.narrow(-2, i, h).narrow(-1, j, w).copy_(v);
      return;
    }
  }

  // ColorJitter on a PIL-like image: randperm(4), a draw per enabled factor, Pillow's kernels.
  Tensor ColorJitter(Tensor x, const std::vector<double>& a, const Opt<at::Generator>& g) {
    const Tensor perm = at::randperm(4, g, at::kLong);
    double f[4];
    for (int k = 0; k < 4; k++) f[k] = UniformItem(a[2 * k], a[2 * k + 1], dt_, g);
    const bool gray = I(a[8]) == 1;
    for (int k = 0; k < 4; k++) {
      const int64_t id = perm.data_ptr<int64_t>()[k];
      if (std::isnan(f[id])) continue;
      if (id == 0) x = PilEnhanceImage(x, PilEnhance::kBrightness, f[0]);
      else if (id == 1) x = PilEnhanceImage(x, PilEnhance::kContrast, f[1]);
      else if (id == 2 && !gray) x = PilEnhanceImage(x, PilEnhance::kColor, f[2]);
      else if (id == 3 && !gray) x = PilAdjustHue(x, f[3]);
    }
    return x;
  }

  Source source_;
  std::vector<Op> ops_;
  std::vector<std::deque<Job>> queues_;
  std::map<int64_t, Batch> batches_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_, done_;
  bool closed_ = false;
  ScalarType dt_;
};

// The JS handle owns the pipeline; the environment's cleanup hook closes it first if the
// environment ends (process or worker exit) while threads still run.
struct Holder {
  std::shared_ptr<Pipeline> p;
};

void CleanupHook(void* arg) { static_cast<Holder*>(arg)->p->Close(); }

void FinalizePipeline(node_api_basic_env env, void* data, void*) {
  auto* h = static_cast<Holder*>(data);
  napi_remove_env_cleanup_hook(env, CleanupHook, h);
  h->p->Close();
  delete h;
}

struct PipelineArg {
  std::shared_ptr<Pipeline> p;
};

std::vector<Op> GetPlan(napi_env env, napi_value v, ScalarType dt) {
  std::vector<Op> ops;
  uint32_t n = 0;
  napi_get_array_length(env, v, &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, v, i, &e);
    uint32_t m = 0;
    napi_get_array_length(env, e, &m);
    TORCH_CHECK(m >= 1, "pipeline plan: empty op");
    Op op;
    for (uint32_t k = 0; k < m; k++) {
      napi_value x;
      napi_get_element(env, e, k, &x);
      if (k == 0) op.code = GetInt64(env, x);
      else op.a.push_back(GetDouble(env, x));
    }
    if (op.code == kNormalize) {
      const int64_t c = I(op.a.at(0));
      TORCH_CHECK(static_cast<int64_t>(op.a.size()) == 1 + 2 * c, "pipeline plan: bad Normalize");
      const auto opts = at::TensorOptions().dtype(dt);
      op.mean = at::tensor(std::vector<double>(op.a.begin() + 1, op.a.begin() + 1 + c), at::kDouble)
                    .to(opts)
                    .view({-1, 1, 1});
      op.std = at::tensor(std::vector<double>(op.a.begin() + 1 + c, op.a.end()), at::kDouble).to(opts).view({-1, 1, 1});
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

// The async take: waits for the batch on a libuv thread, resolves on the JS thread.
struct TakeWork {
  std::shared_ptr<Pipeline> p;
  int64_t idx;
  napi_deferred deferred;
  napi_async_work work = nullptr;
  Tensor images, targets;
  std::string error, errorType = "RuntimeError";
};

void TakeExecute(napi_env, void* data) {
  auto* t = static_cast<TakeWork*>(data);
  try {
    std::tie(t->images, t->targets) = t->p->Take(t->idx);
  } catch (const PythonError& e) {
    t->error = e.what();
    t->errorType = e.python_type;
  } catch (const c10::Error& e) {
    t->error = e.what_without_backtrace();
  } catch (const std::exception& e) {
    t->error = e.what();
  }
}

void TakeComplete(napi_env env, napi_status, void* data) {
  std::unique_ptr<TakeWork> t(static_cast<TakeWork*>(data));
  napi_delete_async_work(env, t->work);
  if (!t->error.empty()) {
    napi_reject_deferred(env, t->deferred, MakeTorchError(env, t->error, t->errorType.c_str()));
    return;
  }
  napi_value arr;
  napi_create_array_with_length(env, 2, &arr);
  napi_set_element(env, arr, 0, WrapTensor(env, t->images));
  napi_set_element(env, arr, 1, WrapTensor(env, t->targets));
  napi_resolve_deferred(env, t->deferred, arr);
}

}  // namespace

template <>
struct From<PipelineArg> {
  static PipelineArg Get(napi_env env, napi_value v) {
    napi_valuetype type;
    bool tagged = false;
    if (napi_typeof(env, v, &type) != napi_ok || type != napi_external ||
        napi_check_object_type_tag(env, v, &kPipelineTag, &tagged) != napi_ok || !tagged)
      ThrowArgType(env, v, "a DataLoader pipeline");
    void* p = nullptr;
    napi_get_value_external(env, v, &p);
    return PipelineArg{static_cast<Holder*>(p)->p};
  }
};

void RegisterPipelineOps(Registry& r) {
  // pipeline_new(data uint8 N×H×W[×C], targets int64 N, plan, workers, base_seed, float dtype), or
  // pipeline_new(null, FakeData spec, ...)
  r.raw("pipeline_new", [](napi_env env, napi_callback_info info) -> napi_value {
    try {
      size_t argc = 6;
      napi_value argv[6];
      napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
      Source source;
      bool isArray = false;
      napi_is_array(env, argv[0], &isArray);
      if (isArray) {
        // ImageFolder: argv[0] the files, argv[1] their int64 targets.
        uint32_t n = 0;
        napi_get_array_length(env, argv[0], &n);
        for (uint32_t k = 0; k < n; k++) {
          napi_value f;
          napi_get_element(env, argv[0], k, &f);
          source.files.push_back(GetString(env, f));
        }
        source.fileTargets = GetIntList(env, argv[1]);
        TORCH_CHECK(source.fileTargets.size() == source.files.size(), "pipeline_new: one target per file");
        source.size = static_cast<int64_t>(n);
      } else if (IsNullish(env, argv[0])) {
        // FakeData: argv[1] is [size, C, H, W, num_classes, random_offset].
        const std::vector<int64_t> f = GetIntList(env, argv[1]);
        TORCH_CHECK(f.size() == 6 && f[0] >= 0 && f[1] >= 1 && f[4] >= 1, "pipeline_new: bad FakeData spec");
        source.size = f[0];
        source.fakeShape = {f[1], f[2], f[3]};
        source.numClasses = f[4];
        source.offset = f[5];
      } else {
        const Tensor& data = UnwrapTensor(env, argv[0]);
        const Tensor& targets = UnwrapTensor(env, argv[1]);
        TORCH_CHECK(data.scalar_type() == at::kByte && data.device().is_cpu() && (data.dim() == 3 || data.dim() == 4),
                    "pipeline_new: expected uint8 CPU images N×H×W or N×H×W×C");
        TORCH_CHECK(targets.scalar_type() == at::kLong && targets.dim() == 1 && targets.size(0) == data.size(0),
                    "pipeline_new: expected int64 targets, one per image");
        source.data = data.contiguous();
        source.targets = targets.contiguous();
        source.size = data.size(0);
      }
      const ScalarType dt = GetScalarType(env, argv[5]);
      std::vector<Op> plan = GetPlan(env, argv[2], dt);
      const int64_t workers = GetInt64(env, argv[3]);
      TORCH_CHECK(workers > 0, "pipeline_new: workers must be positive");
      const auto seed = static_cast<uint64_t>(GetInt64(env, argv[4]));
      auto* h = new Holder{std::make_shared<Pipeline>(std::move(source), std::move(plan), workers, seed, dt)};
      napi_value result;
      if (napi_create_external(env, h, FinalizePipeline, nullptr, &result) != napi_ok) {
        delete h;
        throw std::runtime_error("torchts: could not create a pipeline handle");
      }
      napi_type_tag_object(env, result, &kPipelineTag);
      napi_add_env_cleanup_hook(env, CleanupHook, h);
      return result;
    } catch (...) {
      return ThrowCurrent(env);
    }
  });
  r.def("pipeline_submit", +[](const PipelineArg& p, int64_t worker, int64_t idx, std::vector<int64_t> indices) {
    p.p->Submit(worker, idx, std::move(indices));
  });
  r.def("pipeline_ready", +[](const PipelineArg& p, int64_t idx) { return p.p->Ready(idx); });
  r.def("pipeline_take", +[](const PipelineArg& p, int64_t idx) { return p.p->Take(idx); });
  r.def("pipeline_close", +[](const PipelineArg& p) { p.p->Close(); });
  r.raw("pipeline_take_async", [](napi_env env, napi_callback_info info) -> napi_value {
    try {
      size_t argc = 2;
      napi_value argv[2];
      napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
      auto* t = new TakeWork{From<PipelineArg>::Get(env, argv[0]).p, GetInt64(env, argv[1]), nullptr};
      napi_value promise, name;
      napi_create_promise(env, &t->deferred, &promise);
      napi_create_string_utf8(env, "torchts.pipeline_take", NAPI_AUTO_LENGTH, &name);
      napi_create_async_work(env, nullptr, name, TakeExecute, TakeComplete, t, &t->work);
      napi_queue_async_work(env, t->work);
      return promise;
    } catch (...) {
      return ThrowCurrent(env);
    }
  });
}

}  // namespace tts
