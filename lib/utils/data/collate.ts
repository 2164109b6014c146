/**
 * torch.utils.data._utils.collate (1.13): default_collate and default_convert.
 *
 * JS values map to Python's as: Tensor → stacked; number → int64 tensor (float64 when any value
 * in the column has a fraction: JS cannot tell 4.0 from 4); bigint → int64; boolean → bool;
 * string → the list unchanged; typed array (NumPy's place) → tensor, then stacked; plain object
 * or Map → per key; array (tuple or list) → per position, equal lengths required.
 */
import { Tensor, TorchError, as_tensor, bool, float64, int64, stack, tensor } from '../../index';
import type { TypedArray } from '../../index';

/** The type default_collate makes of a batch of T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | bigint | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends ArrayBufferView
        ? Tensor
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends Map<infer K, infer V>
            ? Map<K, Collated<V>>
            : T extends object
              ? { -readonly [K in keyof T]: Collated<T[K]> }
              : T;

const ERR = 'default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ';

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** A plain object ({...} or Object.create(null)): Python's Mapping. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeLabel(v: unknown): string {
  if (v === null) return "<class 'NoneType'>";
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' || typeof v === 'function') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function collateNumbers(batch: readonly number[]): Tensor {
  const fractional = batch.some((v) => !Number.isInteger(v));
  return tensor(batch as number[], { dtype: fractional ? float64 : int64 });
}

/**
 * torch.utils.data.default_collate(batch): puts each field of the samples into a tensor with an
 * outer batch dimension (see the file comment for the type mapping).
 */
export function default_collate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch as readonly unknown[]) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stack(batch as Tensor[], 0);
  if (typeof elem === 'number') {
    if (!batch.every((v) => typeof v === 'number')) return tensor(batch as number[]);
    return collateNumbers(batch as number[]);
  }
  if (typeof elem === 'bigint') return tensor(batch as bigint[] as unknown as number[], { dtype: int64 });
  if (typeof elem === 'boolean') return tensor(batch as boolean[], { dtype: bool });
  if (typeof elem === 'string') return batch;
  if (isTypedArray(elem))
    return stack(
      (batch as TypedArray[]).map((a) => as_tensor(a)),
      0,
    );
  if (elem instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const key of elem.keys()) out.set(key, collate(batch.map((d) => (d as Map<unknown, unknown>).get(key))));
    return out;
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    if (!batch.every((e) => Array.isArray(e) && e.length === size)) {
      throw new TorchError('each element in list of batch should be of equal size', 'RuntimeError');
    }
    return Array.from({ length: size }, (_, i) => collate(batch.map((e) => (e as unknown[])[i])));
  }
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) out[key] = collate(batch.map((d) => (d as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(ERR + typeLabel(elem));
}

/**
 * torch.utils.data.default_convert(data): what DataLoader applies to single samples when
 * automatic batching is off (batch_size: null): typed arrays become tensors, containers are
 * converted per element, everything else is left as it is.
 */
export function default_convert<T>(data: T): T {
  return convert(data) as T;
}

function convert(data: unknown): unknown {
  if (data instanceof Tensor) return data;
  if (isTypedArray(data)) return as_tensor(data);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, convert(v)]));
  if (Array.isArray(data)) return data.map(convert);
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, convert(v)]));
  return data;
}
