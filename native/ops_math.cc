// Pointwise math, comparisons, logical ops and matrix products.
// Binary ops come in a tensor-tensor and a tensor-scalar form (the `_s` suffix), each with its
// in-place variant; the TypeScript layer picks the form from the argument's type. In-place ops
// return nothing: the TypeScript method returns `this`.
#include <ATen/ScalarOps.h>

#include "registry.h"

namespace tts {
namespace {
// Python's argument parser turns a number passed for a Tensor parameter into a 0-dim "wrapped
// number" tensor (lowest priority in type promotion). add/sub/mul/div take that route in Python,
// so their autograd nodes are the Tensor overloads' (MulBackward0, not MulBackward1): we do the same.
Tensor Wrap(const Scalar& s) {
  Tensor t = c10::scalar_to_tensor(s);
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}
}  // namespace

// Out-of-place and in-place, tensor and scalar forms of a binary op `name`.
#define TTS_BINARY(name)                                                                   \
  r.def(#name, +[](const Tensor& a, const Tensor& b) { return at::name(a, b); });          \
  r.def(#name "_s", +[](const Tensor& a, const Scalar& b) { return at::name(a, b); });     \
  r.def(#name "_", +[](const Tensor& a, const Tensor& b) { a.name##_(b); });                \
  r.def(#name "__s", +[](const Tensor& a, const Scalar& b) { a.name##_(b); })

// Out-of-place and in-place forms of a unary op `name`.
#define TTS_UNARY(name)                                                \
  r.def(#name, +[](const Tensor& a) { return at::name(a); });          \
  r.def(#name "_", +[](const Tensor& a) { a.name##_(); })

void RegisterMathOps(Registry& r) {
  // Arithmetic with alpha.
  r.def("add", +[](const Tensor& a, const Tensor& b, const Scalar& alpha) { return at::add(a, b, alpha); });
  r.def("add_s", +[](const Tensor& a, const Scalar& b, const Scalar& alpha) { return at::add(a, Wrap(b), alpha); });
  r.def("add_", +[](const Tensor& a, const Tensor& b, const Scalar& alpha) { a.add_(b, alpha); });
  r.def("add__s", +[](const Tensor& a, const Scalar& b, const Scalar& alpha) { a.add_(Wrap(b), alpha); });
  r.def("sub", +[](const Tensor& a, const Tensor& b, const Scalar& alpha) { return at::sub(a, b, alpha); });
  r.def("sub_s", +[](const Tensor& a, const Scalar& b, const Scalar& alpha) { return at::sub(a, Wrap(b), alpha); });
  r.def("sub_", +[](const Tensor& a, const Tensor& b, const Scalar& alpha) { a.sub_(b, alpha); });
  r.def("sub__s", +[](const Tensor& a, const Scalar& b, const Scalar& alpha) { a.sub_(Wrap(b), alpha); });
  r.def("rsub_s", +[](const Tensor& a, const Scalar& b, const Scalar& alpha) { return at::rsub(a, b, alpha); });
  r.def("mul", +[](const Tensor& a, const Tensor& b) { return at::mul(a, b); });
  r.def("mul_s", +[](const Tensor& a, const Scalar& b) { return at::mul(a, Wrap(b)); });
  r.def("mul_", +[](const Tensor& a, const Tensor& b) { a.mul_(b); });
  r.def("mul__s", +[](const Tensor& a, const Scalar& b) { a.mul_(Wrap(b)); });
  // Without a rounding mode Python calls div.Tensor (DivBackward0), not div.Tensor_mode.
  // The mode is passed as the std::string itself: the parameter is optional<c10::string_view> in
  // 1.13, optional<std::string_view> in recent 2.x (c10::string_view is a deprecated alias there).
  r.def("div", +[](const Tensor& a, const Tensor& b, const Opt<std::string>& mode) {
    return mode ? at::div(a, b, *mode) : at::div(a, b);
  });
  r.def("div_s", +[](const Tensor& a, const Scalar& b, const Opt<std::string>& mode) {
    return mode ? at::div(a, Wrap(b), *mode) : at::div(a, Wrap(b));
  });
  r.def("div_", +[](const Tensor& a, const Tensor& b, const Opt<std::string>& mode) {
    mode ? a.div_(b, *mode) : a.div_(b);
  });
  r.def("div__s", +[](const Tensor& a, const Scalar& b, const Opt<std::string>& mode) {
    mode ? a.div_(Wrap(b), *mode) : a.div_(Wrap(b));
  });
  TTS_BINARY(pow);
  r.def("pow_sr", +[](const Scalar& a, const Tensor& b) { return at::pow(Wrap(a), b); });  // Python's __rpow__
  TTS_BINARY(fmod);
  TTS_BINARY(remainder);
  r.def("remainder_sr", +[](const Scalar& a, const Tensor& b) { return at::remainder(a, b); });
  r.def("atan2", +[](const Tensor& a, const Tensor& b) { return at::atan2(a, b); });
  r.def("maximum", +[](const Tensor& a, const Tensor& b) { return at::maximum(a, b); });
  r.def("minimum", +[](const Tensor& a, const Tensor& b) { return at::minimum(a, b); });
  r.def("lerp", +[](const Tensor& a, const Tensor& b, const Tensor& w) { return at::lerp(a, b, w); });
  r.def("lerp_s", +[](const Tensor& a, const Tensor& b, const Scalar& w) { return at::lerp(a, b, w); });
  r.def("lerp_", +[](const Tensor& a, const Tensor& b, const Tensor& w) { a.lerp_(b, w); });
  r.def("lerp__s", +[](const Tensor& a, const Tensor& b, const Scalar& w) { a.lerp_(b, w); });
  r.def("addcmul", +[](const Tensor& a, const Tensor& b, const Tensor& c, const Scalar& v) {
    return at::addcmul(a, b, c, v);
  });
  r.def("addcdiv", +[](const Tensor& a, const Tensor& b, const Tensor& c, const Scalar& v) {
    return at::addcdiv(a, b, c, v);
  });
  r.def("addcmul_", +[](const Tensor& a, const Tensor& b, const Tensor& c, const Scalar& v) { a.addcmul_(b, c, v); });
  r.def("addcdiv_", +[](const Tensor& a, const Tensor& b, const Tensor& c, const Scalar& v) { a.addcdiv_(b, c, v); });

  // Unary.
  TTS_UNARY(neg);
  TTS_UNARY(abs);
  TTS_UNARY(exp);
  TTS_UNARY(exp2);
  TTS_UNARY(expm1);
  TTS_UNARY(log);
  TTS_UNARY(log2);
  TTS_UNARY(log10);
  TTS_UNARY(log1p);
  TTS_UNARY(sqrt);
  TTS_UNARY(rsqrt);
  TTS_UNARY(square);
  TTS_UNARY(sin);
  TTS_UNARY(cos);
  TTS_UNARY(tan);
  TTS_UNARY(asin);
  TTS_UNARY(acos);
  TTS_UNARY(atan);
  TTS_UNARY(sinh);
  TTS_UNARY(cosh);
  TTS_UNARY(tanh);
  TTS_UNARY(sigmoid);
  TTS_UNARY(relu);
  TTS_UNARY(floor);
  TTS_UNARY(ceil);
  TTS_UNARY(round);
  TTS_UNARY(trunc);
  TTS_UNARY(frac);
  TTS_UNARY(sign);
  TTS_UNARY(reciprocal);
  TTS_UNARY(erf);
  TTS_UNARY(logical_not);
  TTS_UNARY(bitwise_not);
  r.def("isnan", +[](const Tensor& a) { return at::isnan(a); });
  r.def("isinf", +[](const Tensor& a) { return at::isinf(a); });
  r.def("isfinite", +[](const Tensor& a) { return at::isfinite(a); });
  r.def("round_decimals", +[](const Tensor& a, int64_t d) { return at::round(a, d); });
  r.def("round_decimals_", +[](const Tensor& a, int64_t d) { a.round_(d); });
  r.def("nan_to_num", +[](const Tensor& a, const Opt<double>& nan, const Opt<double>& posinf,
                          const Opt<double>& neginf) { return at::nan_to_num(a, nan, posinf, neginf); });
  r.def("clamp", +[](const Tensor& a, const Opt<Scalar>& lo, const Opt<Scalar>& hi) { return at::clamp(a, lo, hi); });
  r.def("clamp_", +[](const Tensor& a, const Opt<Scalar>& lo, const Opt<Scalar>& hi) { a.clamp_(lo, hi); });
  r.def("clamp_t", +[](const Tensor& a, const Opt<Tensor>& lo, const Opt<Tensor>& hi) { return at::clamp(a, lo, hi); });
  r.def("clamp_t_", +[](const Tensor& a, const Opt<Tensor>& lo, const Opt<Tensor>& hi) { a.clamp_(lo, hi); });

  // Comparison and logic.
  TTS_BINARY(eq);
  TTS_BINARY(ne);
  TTS_BINARY(lt);
  TTS_BINARY(le);
  TTS_BINARY(gt);
  TTS_BINARY(ge);
  r.def("logical_and", +[](const Tensor& a, const Tensor& b) { return at::logical_and(a, b); });
  r.def("logical_or", +[](const Tensor& a, const Tensor& b) { return at::logical_or(a, b); });
  r.def("logical_xor", +[](const Tensor& a, const Tensor& b) { return at::logical_xor(a, b); });
  r.def("logical_and_", +[](const Tensor& a, const Tensor& b) { a.logical_and_(b); });
  r.def("logical_or_", +[](const Tensor& a, const Tensor& b) { a.logical_or_(b); });
  r.def("logical_xor_", +[](const Tensor& a, const Tensor& b) { a.logical_xor_(b); });
  TTS_BINARY(bitwise_and);
  TTS_BINARY(bitwise_or);
  TTS_BINARY(bitwise_xor);
  r.def("equal", +[](const Tensor& a, const Tensor& b) { return at::equal(a, b); });
  r.def("allclose", +[](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
    return at::allclose(a, b, rtol, atol, equal_nan);
  });
  r.def("isclose", +[](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
    return at::isclose(a, b, rtol, atol, equal_nan);
  });

  // Matrix products.
  r.def("matmul", +[](const Tensor& a, const Tensor& b) { return at::matmul(a, b); });
  r.def("mm", +[](const Tensor& a, const Tensor& b) { return at::mm(a, b); });
  r.def("bmm", +[](const Tensor& a, const Tensor& b) { return at::bmm(a, b); });
  r.def("mv", +[](const Tensor& a, const Tensor& b) { return at::mv(a, b); });
  r.def("dot", +[](const Tensor& a, const Tensor& b) { return at::dot(a, b); });
  r.def("outer", +[](const Tensor& a, const Tensor& b) { return at::outer(a, b); });
  r.def("addmm", +[](const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
    return at::addmm(c, a, b, beta, alpha);
  });
  r.def("addmm_", +[](const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
    c.addmm_(a, b, beta, alpha);
  });
  r.def("baddbmm", +[](const Tensor& c, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
    return at::baddbmm(c, a, b, beta, alpha);
  });
  r.def("einsum", +[](const std::string& eq, at::TensorList ts) { return at::einsum(eq, ts); });
  r.def("tril", +[](const Tensor& a, int64_t k) { return at::tril(a, k); });
  r.def("triu", +[](const Tensor& a, int64_t k) { return at::triu(a, k); });
  r.def("tril_", +[](const Tensor& a, int64_t k) { a.tril_(k); });
  r.def("triu_", +[](const Tensor& a, int64_t k) { a.triu_(k); });
}

}  // namespace tts
