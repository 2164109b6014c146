/**
 * The allow-list for torch.load: what a checkpoint may name and call. In the spirit of PyTorch's
 * weights_only unpickler: collections.OrderedDict, the tensor rebuild functions of
 * torch._utils, the typed storage classes, torch.Size, torch.device, dtypes, and
 * _codecs.encode (how protocol 2 pickles bytes). Anything else is rejected when the pickle
 * names it, before it could be called.
 */
import { N } from '../native';
import { Tensor } from '../tensor';
import { dtype } from '../dtype';
import { device } from '../device';
import { TorchError } from '../errors';
import { PyDict, PyGlobal, PyList, PyTuple, PyValue } from './py_types';
import { UnpicklerHooks, unpicklingError } from './unpickler';
import { DTYPE_GLOBALS, STORAGE_DTYPES, UNSUPPORTED_STORAGES } from './storage_types';

/** A typed storage class such as torch.FloatStorage (only meaningful inside a persistent id). */
export class StorageClass {
  constructor(
    readonly name: string,
    readonly dtype: dtype,
  ) {}
}

/** A storage of the archive, read once and shared by all tensors that view it. */
export class LoadedStorage {
  constructor(
    readonly key: string,
    readonly dtype: dtype,
    readonly numel: number,
    /** The storage as a 1-D tensor on its final device. */
    readonly tensor: Tensor,
  ) {}
}

/** Reads storage `key` of `numel` elements of `dtype`, placed where map_location says. */
export type StorageLoader = (key: string, dtype: dtype, numel: number, location: string) => Tensor;

type Callable = (args: PyValue[]) => PyValue;

function describe(v: PyValue): string {
  if (v instanceof PyGlobal) return v.qualname;
  if (v instanceof StorageClass) return `torch.${v.name}`;
  if (v instanceof dtype) return `torch.${v.name}`;
  if (v === null) return 'None';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function notAllowed(what: string): TorchError {
  return unpicklingError(
    `Weights only load failed: ${what}. torchts.load only reads tensors, state dicts and plain Python ` +
      'containers, and never runs code from a file.',
  );
}

function arity(fn: string, args: PyValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const n = min === max ? `${min}` : `${min} to ${max}`;
    throw unpicklingError(`${fn}() takes ${n} arguments (${args.length} given)`);
  }
}

function isIndex(v: PyValue): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function intTuple(fn: string, what: string, v: PyValue): number[] {
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : null;
  if (!items || !items.every(isIndex)) throw unpicklingError(`${fn}(): ${what} must be a tuple of non-negative ints`);
  return items as number[];
}

function emptyHooks(fn: string, hooks: PyValue): void {
  if (hooks === null) return;
  if (!(hooks instanceof PyDict) || hooks.entries.size !== 0) {
    throw unpicklingError(`${fn}(): backward hooks cannot be loaded (expected an empty OrderedDict)`);
  }
}

/** _rebuild_tensor(storage, storage_offset, size, stride): a view of the storage. */
function rebuildTensor(fn: string, storage: PyValue, offset: PyValue, size: PyValue, stride: PyValue): Tensor {
  if (!(storage instanceof LoadedStorage)) {
    throw unpicklingError(`${fn}(): expected a storage, got ${describe(storage)}`);
  }
  if (!isIndex(offset)) throw unpicklingError(`${fn}(): storage_offset must be a non-negative int`);
  const sz = intTuple(fn, 'size', size);
  const st = intTuple(fn, 'stride', stride);
  if (sz.length !== st.length) throw unpicklingError(`${fn}(): size and stride have different lengths`);
  // The view must lie inside the storage (as_strided checks too; this gives the file's view).
  const empty = sz.some((s) => s === 0);
  let last = offset;
  for (let i = 0; i < sz.length; i++) if (!empty) last += (sz[i] - 1) * st[i];
  if (empty ? offset > storage.numel : last >= storage.numel) {
    throw unpicklingError(
      `${fn}(): a view of size [${sz.join(', ')}], stride [${st.join(', ')}] and offset ${offset} ` +
        `does not fit in its storage of ${storage.numel} elements (corrupted file?)`,
    );
  }
  return new Tensor(N.as_strided(storage.tensor._h, sz, st, offset));
}

function setRequiresGrad(fn: string, t: Tensor, flag: PyValue): Tensor {
  if (typeof flag !== 'boolean') throw unpicklingError(`${fn}(): requires_grad must be a bool`);
  if (flag) t.requires_grad_(true);
  return t;
}

const CALLABLES: ReadonlyMap<string, Callable> = new Map<string, Callable>([
  [
    'collections.OrderedDict',
    (args) => {
      arity('OrderedDict', args, 0, 1);
      const d = new PyDict(true);
      if (args.length === 1) {
        const pairs = args[0];
        if (!(pairs instanceof PyList || pairs instanceof PyTuple)) {
          throw unpicklingError('OrderedDict(): expected a list of pairs');
        }
        for (const p of pairs.items) {
          if (!(p instanceof PyTuple || p instanceof PyList) || p.items.length !== 2) {
            throw unpicklingError('OrderedDict(): expected a list of pairs');
          }
          d.set(p.items[0], p.items[1]);
        }
      }
      return d;
    },
  ],
  [
    'torch._utils._rebuild_tensor_v2',
    (args) => {
      const fn = '_rebuild_tensor_v2';
      // PyTorch 2.x adds an optional `metadata` argument (None for ordinary tensors).
      arity(fn, args, 6, 7);
      emptyHooks(fn, args[5]);
      return setRequiresGrad(fn, rebuildTensor(fn, args[0], args[1], args[2], args[3]), args[4]);
    },
  ],
  [
    'torch._utils._rebuild_tensor',
    (args) => {
      arity('_rebuild_tensor', args, 4);
      return rebuildTensor('_rebuild_tensor', args[0], args[1], args[2], args[3]);
    },
  ],
  [
    'torch._utils._rebuild_parameter',
    (args) => {
      arity('_rebuild_parameter', args, 3);
      return rebuildParameter('_rebuild_parameter', args);
    },
  ],
  [
    'torch._utils._rebuild_parameter_with_state',
    (args) => {
      // The 4th argument holds Python attributes set on the Parameter: nothing torchts can keep.
      arity('_rebuild_parameter_with_state', args, 4);
      return rebuildParameter('_rebuild_parameter_with_state', args);
    },
  ],
  [
    'torch.Size',
    (args) => {
      arity('Size', args, 1);
      return new PyTuple(intTuple('Size', 'sizes', args[0]));
    },
  ],
  [
    'torch.device',
    (args) => {
      arity('device', args, 1, 2);
      const [type, index] = args;
      if (typeof type !== 'string' || (args.length === 2 && !isIndex(index))) {
        throw unpicklingError('device(): expected (str, int)');
      }
      return args.length === 2 ? new device(type, index as number) : new device(type);
    },
  ],
  [
    // Protocol 2 pickles bytes as _codecs.encode(str, 'latin1'): a pure function.
    '_codecs.encode',
    (args) => {
      arity('encode', args, 2);
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
        throw notAllowed(`_codecs.encode is only allowed as encode(str, 'latin1') (how bytes are pickled)`);
      }
      return new Uint8Array(Buffer.from(text, 'latin1'));
    },
  ],
]);

/** _rebuild_parameter(data, requires_grad, backward_hooks): the tensor, with requires_grad. */
function rebuildParameter(fn: string, args: PyValue[]): Tensor {
  const [data, requiresGrad, hooks] = args;
  if (!(data instanceof Tensor)) throw unpicklingError(`${fn}(): expected a tensor, got ${describe(data)}`);
  emptyHooks(fn, hooks);
  if (typeof requiresGrad !== 'boolean') throw unpicklingError(`${fn}(): requires_grad must be a bool`);
  data.requires_grad_(requiresGrad);
  return data;
}

export class TorchUnpicklerHooks implements UnpicklerHooks {
  private readonly globals = new Map<string, PyValue>();
  readonly storages = new Map<string, LoadedStorage>();

  constructor(private readonly loadStorage: StorageLoader) {}

  findGlobal(module: string, name: string): PyValue {
    const qualname = `${module}.${name}`;
    const known = this.globals.get(qualname);
    if (known !== undefined) return known;
    let v: PyValue;
    if (module === 'torch' && STORAGE_DTYPES.has(name)) {
      v = new StorageClass(name, STORAGE_DTYPES.get(name) as dtype);
    } else if (module === 'torch' && UNSUPPORTED_STORAGES.has(name)) {
      throw new TorchError(
        `torch.load: the checkpoint has a torch.${name} (${UNSUPPORTED_STORAGES.get(name)}), ` +
          'which torchts does not support',
      );
    } else if (module === 'torch' && DTYPE_GLOBALS.has(name)) {
      v = DTYPE_GLOBALS.get(name);
    } else if (CALLABLES.has(qualname)) {
      v = new PyGlobal(module, name);
    } else {
      throw notAllowed(`Unsupported global: GLOBAL ${qualname} was not an allowed global`);
    }
    this.globals.set(qualname, v);
    return v;
  }

  reduce(fn: PyValue, args: PyTuple): PyValue {
    const call = fn instanceof PyGlobal ? CALLABLES.get(fn.qualname) : undefined;
    if (!call) throw notAllowed(`Trying to call reduce for unrecognized function ${describe(fn)}`);
    return call(args.items);
  }

  build(obj: PyValue, state: PyValue): void {
    if (!(obj instanceof PyDict) || !obj.ordered) {
      throw notAllowed(`Can only build OrderedDict objects, but got ${describe(obj)}`);
    }
    // OrderedDict.__reduce__ pickles vars(self): a dict of attribute names (`_metadata`).
    if (!(state instanceof PyDict)) throw notAllowed(`OrderedDict state must be a dict, got ${describe(state)}`);
    for (const [k, v] of state.entries.values()) {
      if (typeof k !== 'string') throw notAllowed('OrderedDict attribute names must be str');
      obj.attrs.set(k, v);
    }
  }

  persistentLoad(pid: PyValue): PyValue {
    if (!(pid instanceof PyTuple)) throw notAllowed(`persistent_load id must be a tuple, but got ${describe(pid)}`);
    const [tag, cls, key, location, numel] = pid.items;
    const tagText = tag instanceof Uint8Array ? Buffer.from(tag).toString('ascii') : tag;
    if (tagText !== 'storage') {
      throw notAllowed(`Only persistent_load of storage is allowed, but got ${String(tagText)}`);
    }
    if (pid.items.length !== 5) throw unpicklingError('a storage persistent id has 5 items');
    if (!(cls instanceof StorageClass)) throw notAllowed(`expected a storage type, got ${describe(cls)}`);
    if (typeof key !== 'string' || typeof location !== 'string' || !isIndex(numel)) {
      throw unpicklingError("a storage persistent id is ('storage', type, key: str, location: str, numel: int)");
    }
    const seen = this.storages.get(key);
    if (seen) {
      if (seen.dtype !== cls.dtype || seen.numel !== numel) {
        throw unpicklingError(`storage ${key} is referenced with two different types or sizes`);
      }
      return seen;
    }
    const s = new LoadedStorage(key, cls.dtype, numel, this.loadStorage(key, cls.dtype, numel, location));
    this.storages.set(key, s);
    return s;
  }
}
