/**
 * torch.save: PyTorch's zip checkpoint format (torch.save with _use_new_zipfile_serialization,
 * as in PyTorch 1.13): `archive/data.pkl` (pickle protocol 2), one `archive/data/<key>` record
 * of raw little-endian bytes per storage, and `archive/version` = "3\n". The pickle follows
 * Python's Pickler opcode for opcode, so the file loads in Python with torch.load, including
 * weights_only=True (in PyTorch 1.13 only for files without floats or ints beyond 2^2040: its
 * restricted unpickler lacks BINFLOAT and LONG4 and refuses Python's own such files too).
 *
 * JS -> Python: Tensor -> tensor (views of one storage share one record), plain object -> dict
 * (a state dict -> collections.OrderedDict with its `_metadata`), Map -> dict (keys keep their
 * types), array -> list, safe integer -> int, other number -> float, bigint -> int,
 * string -> str, boolean -> bool, null -> None, torch.dtype / torch.device -> themselves.
 */
import { N } from '../native';
import { Tensor } from '../tensor';
import { dtype } from '../dtype';
import { device } from '../device';
import { TorchError, typeName } from '../errors';
import { writeFileAtomic } from './atomic';
import { FileSink } from './byte_io';
import { Op } from './pickle_opcodes';
import { BATCH_SIZE, PickleWriter } from './pickler';
import { storageClassName } from './storage_types';
import { rawBytes } from './tensor_bytes';
import { ZipWriter } from './zip_writer';

/** Python's default recursion limit is 1000 frames; nesting this deep is a bug, not data. */
const MAX_DEPTH = 1000;
const ARCHIVE = 'archive';

/** One storage record: every tensor viewing this storage refers to it by `key`. */
interface StorageRecord {
  key: string;
  dtype: dtype;
  /** Elements of `dtype` in the storage (the persistent id's numel). */
  numel: number;
  /** A tensor that keeps the storage alive until it is written. */
  tensor: Tensor;
}

/** @internal */
export interface SaveInternals {
  /** Write ZIP64 fields even for small files (tests of the ZIP64 paths). */
  forceZip64?: boolean;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A state dict's `_metadata`: a non-enumerable own property, as Module.state_dict() sets it. */
function hiddenMetadata(v: Record<string, unknown>): unknown {
  const d = Object.getOwnPropertyDescriptor(v, '_metadata');
  return d && !d.enumerable ? d.value : undefined;
}

/** Written as collections.OrderedDict: what Python's Module.state_dict() returns. */
function isStateDict(v: Record<string, unknown>): boolean {
  if (hiddenMetadata(v) !== undefined) return true;
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => x instanceof Tensor);
}

function locationTag(d: device): string {
  return d.type === 'cuda' ? `cuda:${d.index ?? 0}` : d.type;
}

/** Pickles a JS value the way Python's Pickler pickles the corresponding Python value. */
class TorchPickler {
  readonly w = new PickleWriter();
  /** Containers and tensors already written: shared references (and cycles) become BINGET. */
  private readonly memo = new Map<object, number>();
  /** N.storage_key -> record: views of one storage share a record, as in Python. */
  readonly storages = new Map<string, StorageRecord>();
  private readonly path: string[] = [];

  dump(obj: unknown): Uint8Array {
    this.w.proto(2);
    this.save(obj);
    return this.w.result();
  }

  private where(): string {
    return this.path.length === 0 ? '' : ` (at ${this.path.join('')})`;
  }

  private fail(what: string): TypeError {
    return new TypeError(`save(): cannot serialize ${what}${this.where()}`);
  }

  private save(v: unknown): void {
    if (this.path.length > MAX_DEPTH) {
      const msg = `save(): the object is nested more than ${MAX_DEPTH} levels deep${this.where()}`;
      throw new TorchError(msg, 'RecursionError');
    }
    switch (typeof v) {
      case 'string':
        return this.w.str(v);
      case 'boolean':
        return this.w.bool(v);
      case 'bigint':
        return this.w.int(v);
      case 'number':
        // JS has one number type: integer-valued numbers are Python ints (README conventions).
        return Number.isSafeInteger(v) && !Object.is(v, -0) ? this.w.int(v) : this.w.float(v);
      case 'object':
        break;
      default:
        throw this.fail(`a value of type ${typeof v}`);
    }
    if (v === null) return this.w.none();
    const seen = this.memo.get(v);
    if (seen !== undefined) return this.w.get(seen);
    if (v instanceof Tensor) return this.saveTensor(v);
    if (v instanceof dtype) return this.w.global('torch', v.name);
    if (v instanceof device) return this.saveDevice(v);
    if (Array.isArray(v)) return this.saveList(v);
    if (v instanceof Map) return this.saveDict(v, [...v.entries()]);
    if (isPlainObject(v)) {
      const entries = Object.entries(v);
      return isStateDict(v) ? this.saveOrderedDict(v, entries, hiddenMetadata(v)) : this.saveDict(v, entries);
    }
    throw this.fail(`an object of type ${typeName(v)}`);
  }

  private memoize(v: object): void {
    this.memo.set(v, this.w.put());
  }

  private saveList(v: unknown[]): void {
    this.w.op(Op.EMPTY_LIST);
    this.memoize(v);
    for (let start = 0; start < v.length; start += BATCH_SIZE) {
      const n = Math.min(BATCH_SIZE, v.length - start);
      if (n > 1) this.w.op(Op.MARK);
      for (let i = start; i < start + n; i++) this.nested(`[${i}]`, () => this.save(v[i]));
      this.w.op(n > 1 ? Op.APPENDS : Op.APPEND);
    }
  }

  /** Python's _batch_setitems: MARK k v k v ... SETITEMS per 1000 items, SETITEM for one. */
  private setItems(entries: [unknown, unknown][]): void {
    for (let start = 0; start < entries.length; start += BATCH_SIZE) {
      const n = Math.min(BATCH_SIZE, entries.length - start);
      if (n > 1) this.w.op(Op.MARK);
      for (let i = start; i < start + n; i++) {
        const [k, val] = entries[i];
        const label = typeof k === 'string' ? `[${JSON.stringify(k)}]` : `[${String(k)}]`;
        this.nested(label, () => {
          this.saveKey(k);
          this.save(val);
        });
      }
      this.w.op(n > 1 ? Op.SETITEMS : Op.SETITEM);
    }
  }

  private saveDict(v: object, entries: [unknown, unknown][]): void {
    this.w.op(Op.EMPTY_DICT);
    this.memoize(v);
    this.setItems(entries);
  }

  /**
   * OrderedDict.__reduce__ gives (OrderedDict, (), vars(self) or None, None, iter(items)), which
   * pickle writes as: GLOBAL, EMPTY_TUPLE, REDUCE, the items, then the attributes and BUILD.
   */
  private saveOrderedDict(v: object, entries: [unknown, unknown][], metadata: unknown): void {
    this.w.global('collections', 'OrderedDict');
    this.w.op(Op.EMPTY_TUPLE);
    this.w.op(Op.REDUCE);
    this.memoize(v);
    this.setItems(entries);
    if (metadata === undefined || metadata === null) return;
    this.w.op(Op.EMPTY_DICT);
    this.w.put();
    this.w.str('_metadata');
    this.nested('._metadata', () => {
      // Python's _metadata is an OrderedDict of {'version': n} dicts.
      if (typeof metadata === 'object' && isPlainObject(metadata) && !this.memo.has(metadata)) {
        this.saveOrderedDict(metadata, Object.entries(metadata), undefined);
      } else {
        this.save(metadata);
      }
    });
    this.w.op(Op.SETITEM);
    this.w.op(Op.BUILD);
  }

  /** Dict keys must be hashable in Python: arrays become tuples. */
  private saveKey(k: unknown): void {
    if (Array.isArray(k)) {
      this.saveTuple(k.length, (i) => this.saveKey(k[i]));
      return;
    }
    const hashable = typeof k !== 'object' || k === null || k instanceof Tensor || k instanceof dtype;
    if (!hashable && !(k instanceof device)) {
      throw this.fail(`a dict key of type ${typeName(k)} (Python dict keys must be hashable)`);
    }
    this.save(k);
  }

  /** Python's save_tuple for protocol 2 (the empty tuple is not memoized). */
  private saveTuple(n: number, item: (i: number) => void): void {
    if (n > 3) this.w.op(Op.MARK);
    for (let i = 0; i < n; i++) item(i);
    this.w.tupleEnd(n);
    if (n > 0) this.w.put();
  }

  private saveInts(xs: readonly number[]): void {
    this.saveTuple(xs.length, (i) => this.w.int(xs[i]));
  }

  private saveDevice(d: device): void {
    this.w.global('torch', 'device');
    if (d.index === null) this.saveTuple(1, () => this.w.str(d.type));
    else this.saveTuple(2, (i) => (i === 0 ? this.w.str(d.type) : this.w.int(d.index as number)));
    this.w.op(Op.REDUCE);
    this.memoize(d);
  }

  /**
   * Tensor.__reduce_ex__: (torch._utils._rebuild_tensor_v2, (storage, storage_offset, size,
   * stride, requires_grad, OrderedDict())), the storage written as a persistent id
   * ('storage', torch.<T>Storage, key, location, numel).
   */
  private saveTensor(t: Tensor): void {
    const rec = this.storageRecord(t);
    this.w.global('torch._utils', '_rebuild_tensor_v2');
    this.w.op(Op.MARK);
    this.w.op(Op.MARK);
    this.w.str('storage');
    this.w.global('torch', storageClassName(rec.dtype));
    this.w.str(rec.key);
    this.w.str(locationTag(t.device));
    this.w.int(rec.numel);
    this.w.op(Op.TUPLE);
    this.w.put();
    this.w.op(Op.BINPERSID);
    this.w.int(t.storage_offset());
    this.saveInts(t.shape);
    this.saveInts(t.stride());
    this.w.bool(t.requires_grad);
    this.w.global('collections', 'OrderedDict');
    this.w.op(Op.EMPTY_TUPLE);
    this.w.op(Op.REDUCE);
    this.w.put();
    this.w.op(Op.TUPLE);
    this.w.put();
    this.w.op(Op.REDUCE);
    this.memoize(t);
  }

  private storageRecord(t: Tensor): StorageRecord {
    const id: string = N.storage_key(t._h);
    const d = t.dtype;
    const known = this.storages.get(id);
    if (known) {
      if (known.dtype !== d) {
        throw new TorchError('Cannot save multiple tensors or storages that view the same data as different types');
      }
      return known;
    }
    storageClassName(d); // an unsupported dtype fails here, before anything is written
    const numel = Math.floor(N.storage_nbytes(t._h) / d.itemsize);
    const rec = { key: String(this.storages.size), dtype: d, numel, tensor: t };
    this.storages.set(id, rec);
    return rec;
  }

  private nested(label: string, fn: () => void): void {
    this.path.push(label);
    fn();
    this.path.pop();
  }
}

/** The whole storage of `t` as bytes (Python writes whole storages, not just the view). */
function* storageBytes(t: Tensor): Generator<Uint8Array> {
  const storage = new Tensor(N.storage_tensor(t._h));
  try {
    yield* rawBytes(storage);
  } finally {
    storage.dispose();
  }
}

/** @internal save() with test-only options. */
export function saveWith(obj: unknown, f: string, opts: SaveInternals = {}): void {
  if (typeof f !== 'string') throw new TypeError(`save(): argument 'f' must be a file path (str), not ${typeName(f)}`);
  // Pickle first: anything that cannot be serialized fails before a file is touched.
  const pickler = new TorchPickler();
  const data = pickler.dump(obj);
  // Python writes the records sorted by key as strings ('0', '1', '10', '2', ...).
  const records = [...pickler.storages.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  writeFileAtomic(f, (fd) => {
    const zip = new ZipWriter(new FileSink(fd), { alignment: 64, forceZip64: opts.forceZip64 });
    zip.writeRecord(`${ARCHIVE}/data.pkl`, data);
    for (const r of records) {
      zip.writeRecordChunks(`${ARCHIVE}/data/${r.key}`, r.numel * r.dtype.itemsize, storageBytes(r.tensor));
    }
    zip.writeRecord(`${ARCHIVE}/version`, Buffer.from('3\n'));
    zip.finish();
  });
}

/**
 * torch.save(obj, f): writes `obj` in PyTorch's checkpoint format, atomically (a temporary file
 * renamed over `f`: a failed save leaves the previous file as it was).
 */
export function save(obj: unknown, f: string): void {
  saveWith(obj, f);
}
