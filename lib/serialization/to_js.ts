/**
 * Converts the unpickled Python object graph to JS values, once, preserving sharing (a value
 * referenced twice in the pickle is one JS object) and cycles.
 *
 *   dict with str keys -> plain object; other dicts -> Map; OrderedDict attributes (`_metadata`)
 *   -> non-enumerable properties; list / tuple / torch.Size -> array; set -> Set;
 *   a bare storage -> its 1-D tensor.
 */
import { Tensor } from '../tensor';
import { dtype } from '../dtype';
import { device } from '../device';
import { TorchError } from '../errors';
import { PyDict, PyGlobal, PyList, PySet, PyTuple, PyValue } from './py_types';
import { LoadedStorage, StorageClass } from './torch_unpickle';

/** Far beyond any checkpoint; stops a hostile pickle from exhausting the JS stack. */
const MAX_DEPTH = 2000;

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  // defineProperty, not assignment: a key named '__proto__' must stay a plain key.
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

export class ToJS {
  private readonly done = new Map<object, unknown>();
  /** Storages that the result holds directly (the loader frees the others' handles). */
  readonly returnedStorages = new Set<LoadedStorage>();

  convert(v: PyValue, depth = 0): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Tensor || v instanceof dtype || v instanceof device || v instanceof Uint8Array) return v;
    const seen = this.done.get(v);
    if (seen !== undefined) return seen;
    if (depth > MAX_DEPTH) throw new TorchError(`torch.load: the object is nested more than ${MAX_DEPTH} levels deep`);
    if (v instanceof PyList || v instanceof PyTuple) {
      const out: unknown[] = [];
      this.done.set(v, out);
      for (const x of v.items) out.push(this.convert(x, depth + 1));
      return out;
    }
    if (v instanceof PyDict) return this.dict(v, depth);
    if (v instanceof PySet) {
      const out = new Set<unknown>();
      this.done.set(v, out);
      for (const x of v.items.values()) out.add(this.convert(x, depth + 1));
      return out;
    }
    if (v instanceof LoadedStorage) {
      this.returnedStorages.add(v);
      return v.tensor;
    }
    const name = v instanceof PyGlobal ? v.qualname : v instanceof StorageClass ? `torch.${v.name}` : String(v);
    throw new TorchError(
      `torch.load: the checkpoint holds the Python object ${name} as a value, which torchts cannot represent`,
    );
  }

  private dict(d: PyDict, depth: number): unknown {
    const entries = [...d.entries.values()];
    let out: Record<string, unknown> | Map<unknown, unknown>;
    if (entries.every(([k]) => typeof k === 'string')) {
      const obj: Record<string, unknown> = {};
      this.done.set(d, obj);
      for (const [k, v] of entries) define(obj, k as string, this.convert(v, depth + 1), true);
      out = obj;
    } else {
      const map = new Map<unknown, unknown>();
      this.done.set(d, map);
      for (const [k, v] of entries) map.set(this.convert(k, depth + 1), this.convert(v, depth + 1));
      out = map;
    }
    for (const [name, v] of d.attrs) {
      // Attributes live in their own namespace in Python: never shadow a key or a JS builtin.
      if (name in out) continue;
      define(out, name, this.convert(v, depth + 1), false);
    }
    return out;
  }
}
