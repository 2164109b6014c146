/**
 * How objects cross to DataLoader worker threads and how batches come back.
 *
 * A worker thread has its own JS heap, so a dataset (and its transforms) cannot be shared: each
 * worker rebuilds it from a spec, `new (require(module)[exportName])(...args)`. An object opts in
 * with `workerSpec(): WorkerSpec`. Arguments may be JSON-like data, typed arrays, tensors (sent
 * as typed arrays), dtypes, and other objects with a workerSpec (nested: a Subset's dataset, a
 * Compose's transforms). `module` is an absolute path, or `torchts:<path under lib/>` for
 * torchts' own classes (resolved by the worker against the package it runs).
 *
 * Batches come back as the same kind of tree with every tensor's bytes in a transferable
 * ArrayBuffer: no copy on the way, and the main thread wraps the memory as a tensor in place.
 */
import { Tensor, dtype } from '../../index';
import { N } from '../../native';
import { dtypeFromCode } from '../../dtype';
import { isPlainObject } from './collate';

/**
 * What a worker needs to rebuild an object: `new (require(module)[exportName])(...args)`, or,
 * with `state` instead of `args`, an object of that class with those fields and no constructor
 * call (what Python's pickle does; the built-in datasets use it to skip re-reading their files).
 */
export interface WorkerSpec {
  module: string;
  exportName: string;
  args?: unknown[];
  state?: Record<string, unknown>;
}

/** An object that DataLoader workers can rebuild. */
export interface WorkerBuildable {
  workerSpec(): WorkerSpec;
}

/** A function workers can look up instead of receiving it (e.g. datasets.default_loader). */
export interface WorkerRef {
  workerRef: { module: string; exportName: string };
}

function hasWorkerRef(v: unknown): v is WorkerRef {
  return typeof v === 'function' && typeof (v as Partial<WorkerRef>).workerRef === 'object';
}

export function hasWorkerSpec(v: unknown): v is WorkerBuildable {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as WorkerBuildable).workerSpec === 'function'
  );
}

type Typed = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array;

/** The encoded forms (structured-clone friendly). */
interface TensorPayload {
  __tts: 'tensor';
  code: number;
  shape: number[];
  data: Typed;
}
interface SpecPayload {
  __tts: 'spec';
  module: string;
  exportName: string;
  args?: unknown[];
  state?: [string, unknown][];
}
interface RefPayload {
  __tts: 'ref';
  module: string;
  exportName: string;
}
interface DtypePayload {
  __tts: 'dtype';
  code: number;
}
interface ObjectPayload {
  __tts: 'object';
  entries: [string, unknown][];
}

function tensorPayload(t: Tensor): TensorPayload {
  const src = t.detach();
  return { __tts: 'tensor', code: src.dtype.code, shape: src.shape, data: src.toTypedArray() };
}

/**
 * A tensor in a dataset spec: its bytes copied once into a SharedArrayBuffer that every worker
 * wraps without copying (a 150 MB CIFAR array is not duplicated per worker). Workers should
 * treat such tensors as read-only: writes would show in the other workers.
 */
function sharedTensorPayload(t: Tensor): TensorPayload {
  const src = t.detach();
  const wide = src.dtype.code === 5 || src.dtype.code === 15; // half, bfloat16: exported as float32
  const code = wide ? 6 : src.dtype.code;
  const Ctor = TYPED[code];
  const data = new Ctor(new SharedArrayBuffer(Math.max(1, src.numel()) * Ctor.BYTES_PER_ELEMENT), 0, src.numel());
  if (src.numel() > 0) new Tensor(N.fromBuffer(data, code, src.shape, 0)).copy_(src);
  return { __tts: 'tensor', code: src.dtype.code, shape: src.shape, data };
}

type TypedCtor = new (b: ArrayBufferLike, offset: number, length: number) => Typed;
const TYPED: Record<number, TypedCtor & { BYTES_PER_ELEMENT: number }> = {
  0: Uint8Array,
  1: Int8Array,
  2: Int16Array,
  3: Int32Array,
  4: BigInt64Array,
  6: Float32Array,
  7: Float64Array,
  11: Uint8Array,
};

/** The tensor a payload describes, wrapping the received bytes (no copy unless the dtype was widened). */
function tensorFrom(p: TensorPayload): Tensor {
  const want = dtypeFromCode(p.code);
  // half / bfloat16 travel as float32 (what toTypedArray exports): narrow them back.
  const widened = p.data instanceof Float32Array && want.itemsize !== 4;
  const t = new Tensor(N.fromBuffer(p.data, widened ? 6 : p.code, p.shape, 0));
  return widened ? t.to(want) : t;
}

/** Why an object cannot go to a worker, with where it sits in the dataset. */
export function notSerializable(where: string, v: unknown): TypeError {
  const name =
    typeof v === 'function' && !hasWorkerSpec(v)
      ? `the function ${(v as { name?: string }).name || '(anonymous)'}`
      : ((v as object).constructor?.name ?? typeof v);
  return new TypeError(
    `${name} has no workerSpec() (at ${where}): DataLoader workers (num_workers > 0) are threads that rebuild the ` +
      'dataset from { module, exportName, args }; give the class a workerSpec() (see torch.utils.data.WorkerSpec), ' +
      'or use num_workers: 0',
  );
}

/**
 * Encodes a spec argument tree for a worker. Tensors are copied (the caller keeps its own);
 * `where` names the position for error messages (e.g. `dataset.transform.transforms[2]`).
 */
export function encodeArg(v: unknown, where: string): unknown {
  if (hasWorkerRef(v)) return { __tts: 'ref', ...v.workerRef } satisfies RefPayload;
  if (v === null || v === undefined || typeof v !== 'object') {
    if (typeof v === 'function' && !hasWorkerSpec(v)) throw notSerializable(where, v);
    if (typeof v !== 'function') return v;
  }
  if (v instanceof Tensor) return sharedTensorPayload(v);
  if (v instanceof dtype) return { __tts: 'dtype', code: v.code } satisfies DtypePayload;
  if (ArrayBuffer.isView(v)) return v;
  if (hasWorkerSpec(v)) {
    let s: WorkerSpec;
    try {
      s = v.workerSpec();
    } catch (e) {
      if (e instanceof TypeError && !e.message.includes(' (at ')) e.message += ` (at ${where})`;
      throw e;
    }
    const out: SpecPayload = { __tts: 'spec', module: s.module, exportName: s.exportName };
    if (s.state)
      out.state = Object.entries(s.state).map(([k, x]): [string, unknown] => [k, encodeArg(x, `${where}.${k}`)]);
    else out.args = (s.args ?? []).map((a, i) => encodeArg(a, `${where}.args[${i}]`));
    return out;
  }
  if (Array.isArray(v)) return v.map((x, i) => encodeArg(x, `${where}[${i}]`));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, encodeArg(x, `${where}.get(${String(k)})`)]));
  if (isPlainObject(v)) {
    const entries = Object.entries(v).map(([k, x]): [string, unknown] => [k, encodeArg(x, `${where}.${k}`)]);
    return { __tts: 'object', entries } satisfies ObjectPayload;
  }
  throw notSerializable(where, v);
}

/** Rebuilds what encodeArg made; `load` resolves a spec's module (the worker's require). */
export function decodeArg(v: unknown, load: (module: string) => Record<string, unknown>): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => decodeArg(x, load));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, decodeArg(x, load)]));
  const p = v as { __tts?: string };
  switch (p.__tts) {
    case 'tensor':
      return tensorFrom(v as TensorPayload);
    case 'dtype':
      return dtypeFromCode((v as DtypePayload).code);
    case 'object':
      return Object.fromEntries((v as ObjectPayload).entries.map(([k, x]) => [k, decodeArg(x, load)]));
    case 'ref':
    case 'spec': {
      const s = v as SpecPayload;
      const Cls = load(s.module)[s.exportName];
      if (typeof Cls !== 'function') throw new TypeError(`worker spec: ${s.module} has no export '${s.exportName}'`);
      if (p.__tts === 'ref') return Cls;
      if (s.state) {
        const obj = Object.create((Cls as { prototype: object }).prototype) as object;
        // Defined, not assigned: a field may shadow an accessor of the prototype (class fields do).
        for (const [k, x] of s.state) {
          Object.defineProperty(obj, k, {
            value: decodeArg(x, load),
            writable: true,
            enumerable: true,
            configurable: true,
          });
        }
        return obj;
      }
      return new (Cls as new (...a: unknown[]) => unknown)(...(s.args ?? []).map((a) => decodeArg(a, load)));
    }
    default:
      return v;
  }
}

/**
 * A batch (any tree of tensors, numbers, strings, arrays, objects) as a message: tensors
 * become payloads whose ArrayBuffers go in `transfer`.
 */
export function encodeBatch(v: unknown, transfer: ArrayBuffer[]): unknown {
  if (v instanceof Tensor) {
    const p = tensorPayload(v);
    transfer.push(p.data.buffer as ArrayBuffer);
    return p;
  }
  if (Array.isArray(v)) return v.map((x) => encodeBatch(x, transfer));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, encodeBatch(x, transfer)]));
  if (isPlainObject(v)) {
    return {
      __tts: 'object',
      entries: Object.entries(v).map(([k, x]) => [k, encodeBatch(x, transfer)]),
    } satisfies ObjectPayload;
  }
  if (v instanceof dtype) return { __tts: 'dtype', code: v.code } satisfies DtypePayload;
  return v;
}

/** The batch encodeBatch sent (tensors wrap the transferred memory). */
export function decodeBatch(v: unknown): unknown {
  return decodeArg(v, () => {
    throw new TypeError('a batch cannot contain worker specs');
  });
}
