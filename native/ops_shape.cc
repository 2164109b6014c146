// Views, joins, splits, gathers and general indexing.
#include "registry.h"

namespace tts {

// An index list as lib/indexing.ts sends it: each item is an integer, null (None), a boolean,
// the string "..." (Ellipsis), a [start, stop, step] array (a slice; null entries are None),
// or a tensor handle.
struct IndexList {
  std::vector<at::indexing::TensorIndex> items;
};

template <>
struct From<IndexList> {
  static IndexList Get(napi_env env, napi_value v) {
    using namespace at::indexing;
    bool is_array = false;
    napi_is_array(env, v, &is_array);
    if (!is_array) ThrowArgType(env, v, "an array of indices");
    uint32_t n;
    napi_get_array_length(env, v, &n);
    IndexList out;
    out.items.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, v, i, &e);
      napi_valuetype t;
      napi_typeof(env, e, &t);
      bool sub_array = false;
      switch (t) {
        case napi_number:
        case napi_bigint: out.items.emplace_back(GetInt64(env, e)); break;
        case napi_null:
        case napi_undefined: out.items.emplace_back(None); break;
        case napi_boolean: out.items.emplace_back(GetBool(env, e)); break;
        case napi_string:
          if (GetString(env, e) != "...") throw ArgTypeError("index strings must be \"...\"");
          out.items.emplace_back(Ellipsis);
          break;
        case napi_external: out.items.emplace_back(UnwrapTensor(env, e)); break;
        case napi_object:
          napi_is_array(env, e, &sub_array);
          if (sub_array) {
            napi_value parts[3];
            for (uint32_t k = 0; k < 3; k++) napi_get_element(env, e, k, &parts[k]);
            // Slice takes optional<int64_t> in 1.13 and optional<SymInt> in 2.x; an Opt<int64_t>
            // converts to either (SymInt's int64_t constructor is implicit).
            out.items.emplace_back(Slice(From<Opt<int64_t>>::Get(env, parts[0]), From<Opt<int64_t>>::Get(env, parts[1]),
                                         From<Opt<int64_t>>::Get(env, parts[2])));
            break;
          }
          [[fallthrough]];
        default: ThrowArgType(env, e, "an index (integer, null, boolean, \"...\", slice or Tensor)");
      }
    }
    return out;
  }
};

void RegisterShapeOps(Registry& r) {
  r.def("view", +[](const Tensor& t, at::IntArrayRef s) { return t.view(s); });
  r.def("view_dtype", +[](const Tensor& t, ScalarType d) { return t.view(d); });
  r.def("reshape", +[](const Tensor& t, at::IntArrayRef s) { return t.reshape(s); });
  r.def("flatten", +[](const Tensor& t, int64_t start, int64_t end) { return t.flatten(start, end); });
  r.def("unflatten", +[](const Tensor& t, int64_t dim, at::IntArrayRef sizes) { return t.unflatten(dim, sizes); });
  r.def("squeeze", +[](const Tensor& t) { return t.squeeze(); });
  r.def("squeeze_dim", +[](const Tensor& t, int64_t d) { return t.squeeze(d); });
  r.def("squeeze_", +[](const Tensor& t) { t.squeeze_(); });
  r.def("squeeze_dim_", +[](const Tensor& t, int64_t d) { t.squeeze_(d); });
  r.def("unsqueeze", +[](const Tensor& t, int64_t d) { return t.unsqueeze(d); });
  r.def("unsqueeze_", +[](const Tensor& t, int64_t d) { t.unsqueeze_(d); });
  r.def("permute", +[](const Tensor& t, at::IntArrayRef dims) { return t.permute(dims); });
  r.def("transpose", +[](const Tensor& t, int64_t a, int64_t b) { return t.transpose(a, b); });
  r.def("transpose_", +[](const Tensor& t, int64_t a, int64_t b) { t.transpose_(a, b); });
  r.def("t", +[](const Tensor& t) { return t.t(); });
  r.def("t_", +[](const Tensor& t) { t.t_(); });
  r.def("contiguous", +[](const Tensor& t) { return t.contiguous(); });
  r.def("expand", +[](const Tensor& t, at::IntArrayRef s) { return t.expand(s); });
  r.def("expand_as", +[](const Tensor& t, const Tensor& o) { return t.expand_as(o); });
  r.def("repeat", +[](const Tensor& t, at::IntArrayRef s) { return t.repeat(s); });
  r.def("repeat_interleave", +[](const Tensor& t, int64_t n, const Opt<int64_t>& dim) {
    return at::repeat_interleave(t, n, dim);
  });
  r.def("flip", +[](const Tensor& t, at::IntArrayRef dims) { return t.flip(dims); });
  r.def("roll", +[](const Tensor& t, at::IntArrayRef shifts, at::IntArrayRef dims) { return t.roll(shifts, dims); });
  r.def("movedim", +[](const Tensor& t, at::IntArrayRef src, at::IntArrayRef dst) { return t.movedim(src, dst); });

  r.def("cat", +[](at::TensorList ts, int64_t dim) { return at::cat(ts, dim); });
  r.def("stack", +[](at::TensorList ts, int64_t dim) { return at::stack(ts, dim); });
  r.def("split", +[](const Tensor& t, int64_t size, int64_t dim) { return t.split(size, dim); });
  r.def("split_sizes", +[](const Tensor& t, at::IntArrayRef sizes, int64_t dim) { return t.split_with_sizes(sizes, dim); });
  r.def("chunk", +[](const Tensor& t, int64_t chunks, int64_t dim) { return t.chunk(chunks, dim); });
  r.def("unbind", +[](const Tensor& t, int64_t dim) { return t.unbind(dim); });
  r.def("narrow", +[](const Tensor& t, int64_t dim, int64_t start, int64_t length) {
    return t.narrow(dim, start, length);
  });
  r.def("select", +[](const Tensor& t, int64_t dim, int64_t index) { return t.select(dim, index); });
  r.def("index_select", +[](const Tensor& t, int64_t dim, const Tensor& index) { return t.index_select(dim, index); });
  r.def("gather", +[](const Tensor& t, int64_t dim, const Tensor& index) { return t.gather(dim, index); });
  r.def("scatter", +[](const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
    return t.scatter(dim, index, src);
  });
  r.def("scatter_s", +[](const Tensor& t, int64_t dim, const Tensor& index, const Scalar& v) {
    return t.scatter(dim, index, v);
  });
  r.def("scatter_", +[](const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
    t.scatter_(dim, index, src);
  });
  r.def("scatter__s", +[](const Tensor& t, int64_t dim, const Tensor& index, const Scalar& v) {
    t.scatter_(dim, index, v);
  });
  r.def("scatter_add", +[](const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
    return t.scatter_add(dim, index, src);
  });
  r.def("scatter_add_", +[](const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
    t.scatter_add_(dim, index, src);
  });
  r.def("masked_fill", +[](const Tensor& t, const Tensor& mask, const Scalar& v) { return t.masked_fill(mask, v); });
  r.def("masked_fill_t", +[](const Tensor& t, const Tensor& mask, const Tensor& v) { return t.masked_fill(mask, v); });
  r.def("masked_fill_", +[](const Tensor& t, const Tensor& mask, const Scalar& v) { t.masked_fill_(mask, v); });
  r.def("masked_fill_t_", +[](const Tensor& t, const Tensor& mask, const Tensor& v) { t.masked_fill_(mask, v); });
  r.def("masked_select", +[](const Tensor& t, const Tensor& mask) { return t.masked_select(mask); });
  r.def("where", +[](const Tensor& c, const Tensor& a, const Tensor& b) { return at::where(c, a, b); });
  r.def("where_ts", +[](const Tensor& c, const Tensor& a, const Scalar& b) { return at::where(c, a, b); });
  r.def("where_st", +[](const Tensor& c, const Scalar& a, const Tensor& b) { return at::where(c, a, b); });
  r.def("where_ss", +[](const Tensor& c, const Scalar& a, const Scalar& b) { return at::where(c, a, b); });
  r.def("nonzero", +[](const Tensor& t) { return t.nonzero(); });
  r.def("take", +[](const Tensor& t, const Tensor& index) { return t.take(index); });
  r.def("index_fill_", +[](const Tensor& t, int64_t dim, const Tensor& index, const Scalar& v) {
    t.index_fill_(dim, index, v);
  });
  r.def("index_add_", +[](const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src, const Scalar& alpha) {
    t.index_add_(dim, index, src, alpha);
  });

  // General indexing: x[...] and x[...] = v (index_put_ is a non-const method in 1.13).
  r.def("index", +[](const Tensor& t, const IndexList& idx) { return t.index(idx.items); });
  r.def("index_put_", +[](const Tensor& t, const IndexList& idx, const Tensor& v) { const_cast<Tensor&>(t).index_put_(idx.items, v); });
  r.def("index_put__s", +[](const Tensor& t, const IndexList& idx, const Scalar& v) { const_cast<Tensor&>(t).index_put_(idx.items, v); });
}

}  // namespace tts
