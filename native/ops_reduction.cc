// Reductions, scans, sorting.
#include "registry.h"

namespace tts {
namespace {
// null -> reduce over every dimension.
at::OptionalIntArrayRef Dims(const Opt<std::vector<int64_t>>& d) {
  if (!d.has_value()) return {};
  return at::IntArrayRef(*d);
}
}  // namespace

void RegisterReductionOps(Registry& r) {
  using Dims_ = Opt<std::vector<int64_t>>;
  r.def("sum", +[](const Tensor& t, const Dims_& d, bool keepdim, const Opt<ScalarType>& dtype) {
    return at::sum(t, Dims(d), keepdim, dtype);
  });
  r.def("sum_all", +[](const Tensor& t, const Opt<ScalarType>& dtype) { return at::sum(t, dtype); });
  r.def("mean_all", +[](const Tensor& t, const Opt<ScalarType>& dtype) { return at::mean(t, dtype); });
  r.def("mean", +[](const Tensor& t, const Dims_& d, bool keepdim, const Opt<ScalarType>& dtype) {
    return at::mean(t, Dims(d), keepdim, dtype);
  });
  r.def("nansum", +[](const Tensor& t, const Dims_& d, bool keepdim) { return at::nansum(t, Dims(d), keepdim); });
  r.def("std", +[](const Tensor& t, const Dims_& d, int64_t correction, bool keepdim) {
    return at::std(t, Dims(d), Correction(correction), keepdim);
  });
  r.def("var", +[](const Tensor& t, const Dims_& d, int64_t correction, bool keepdim) {
    return at::var(t, Dims(d), Correction(correction), keepdim);
  });
  r.def("std_mean", +[](const Tensor& t, const Dims_& d, int64_t correction, bool keepdim) {
    return at::std_mean(t, Dims(d), Correction(correction), keepdim);
  });
  r.def("var_mean", +[](const Tensor& t, const Dims_& d, int64_t correction, bool keepdim) {
    return at::var_mean(t, Dims(d), Correction(correction), keepdim);
  });
  r.def("prod", +[](const Tensor& t, const Opt<ScalarType>& dtype) { return at::prod(t, dtype); });
  r.def("prod_dim", +[](const Tensor& t, int64_t dim, bool keepdim, const Opt<ScalarType>& dtype) {
    return at::prod(t, dim, keepdim, dtype);
  });
  r.def("max", +[](const Tensor& t) { return at::max(t); });
  r.def("min", +[](const Tensor& t) { return at::min(t); });
  r.def("max_dim", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::max(t, dim, keepdim); });
  r.def("min_dim", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::min(t, dim, keepdim); });
  r.def("amax", +[](const Tensor& t, at::IntArrayRef d, bool keepdim) { return at::amax(t, d, keepdim); });
  r.def("amin", +[](const Tensor& t, at::IntArrayRef d, bool keepdim) { return at::amin(t, d, keepdim); });
  r.def("argmax", +[](const Tensor& t, const Opt<int64_t>& dim, bool keepdim) { return at::argmax(t, dim, keepdim); });
  r.def("argmin", +[](const Tensor& t, const Opt<int64_t>& dim, bool keepdim) { return at::argmin(t, dim, keepdim); });
  r.def("all", +[](const Tensor& t) { return at::all(t); });
  r.def("any", +[](const Tensor& t) { return at::any(t); });
  r.def("all_dim", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::all(t, dim, keepdim); });
  r.def("any_dim", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::any(t, dim, keepdim); });
  r.def("norm", +[](const Tensor& t, const Opt<Scalar>& p, const Dims_& d, bool keepdim) {
    if (!d.has_value()) return keepdim ? at::norm(t, p, at::IntArrayRef(), true) : at::norm(t, p.value_or(2));
    return at::norm(t, p, *d, keepdim);
  });
  r.def("logsumexp", +[](const Tensor& t, at::IntArrayRef d, bool keepdim) { return at::logsumexp(t, d, keepdim); });
  r.def("cumsum", +[](const Tensor& t, int64_t dim, const Opt<ScalarType>& dtype) { return at::cumsum(t, dim, dtype); });
  r.def("cumprod", +[](const Tensor& t, int64_t dim, const Opt<ScalarType>& dtype) {
    return at::cumprod(t, dim, dtype);
  });
  r.def("topk", +[](const Tensor& t, int64_t k, int64_t dim, bool largest, bool sorted) {
    return at::topk(t, k, dim, largest, sorted);
  });
  r.def("sort", +[](const Tensor& t, int64_t dim, bool descending, bool stable) {
    return at::sort(t, stable, dim, descending);
  });
  r.def("argsort", +[](const Tensor& t, int64_t dim, bool descending) { return at::argsort(t, dim, descending); });
  r.def("median", +[](const Tensor& t) { return at::median(t); });
  r.def("median_dim", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::median(t, dim, keepdim); });
  r.def("mode", +[](const Tensor& t, int64_t dim, bool keepdim) { return at::mode(t, dim, keepdim); });
  r.def("kthvalue", +[](const Tensor& t, int64_t k, int64_t dim, bool keepdim) { return at::kthvalue(t, k, dim, keepdim); });
  r.def("unique", +[](const Tensor& t, bool sorted, bool return_inverse, bool return_counts) {
    return at::_unique2(t, sorted, return_inverse, return_counts);
  });
  r.def("count_nonzero", +[](const Tensor& t, const Dims_& d) {
    return d.has_value() ? at::count_nonzero(t, *d) : at::count_nonzero(t, at::IntArrayRef());
  });
  r.def("bincount", +[](const Tensor& t, const Opt<Tensor>& w, int64_t minlength) { return at::bincount(t, w, minlength); });
}

}  // namespace tts
