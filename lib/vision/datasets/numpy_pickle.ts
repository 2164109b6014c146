/**
 * Reads the pickled dicts of numpy arrays that CIFAR ships (what Python's
 * `pickle.load(f, encoding='latin1')` reads in torchvision) with the project's restricted
 * Unpickler and an allow-list of its own: numpy's array and dtype reconstructors, built from
 * their raw bytes. Nothing else can be named or called.
 *
 * Python 2 pickles (the real cifar-*-python archives) store the array bytes as Python 2 `str`
 * (BINSTRING), which the shared Unpickler decodes as UTF-8 text, losing bytes. So, before
 * unpickling, `py2StringsAsBytes` retags those opcodes as their bytes twins (same layout,
 * one byte each); strings that were text are then decoded as latin-1, as torchvision does.
 */
import { TorchError } from '../../errors';
import { PyDict, PyGlobal, PyList, PyTuple, PyValue } from '../../serialization/py_types';
import { unpickle, UnpicklerHooks, unpicklingError } from '../../serialization/unpickler';

/** numpy.dtype as pickled: a type string ('u1', 'f4', ...) plus a byte order from BUILD. */
export class NpDtype {
  byteorder = '=';
  constructor(readonly descr: string) {}
}

/** A numpy array: its dtype, shape and raw C- or Fortran-ordered bytes. */
export class NdArray {
  shape: number[] = [];
  dtype: NpDtype = new NpDtype('u1');
  fortran = false;
  data: Uint8Array = new Uint8Array(0);
}

export type NpValue = null | boolean | number | bigint | string | NdArray | NpDtype | NpValue[] | Map<string, NpValue>;

const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const FROMBUFFER = new Set(['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer']);
const ALLOWED = new Set([...RECONSTRUCT, ...FROMBUFFER, 'numpy.ndarray', 'numpy.dtype', '_codecs.encode']);

function refuse(what: string): TorchError {
  return unpicklingError(`not a numpy data pickle: ${what} (only numpy arrays and plain containers are read)`);
}

/** A str that a Python 2 pickle may have stored as bytes (decoded as latin-1, like encoding='latin1'). */
function strOf(v: PyValue): PyValue {
  return v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v;
}

function shapeOf(v: PyValue): number[] {
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : null;
  if (!items || !items.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw refuse('array shape must be a tuple of ints');
  }
  return items as number[];
}

function bytesOf(v: PyValue, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  // Text that came from a latin-1 string (protocol-2 _codecs.encode output is already bytes).
  if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'latin1'));
  throw refuse(`${what} must be bytes`);
}

class NumpyHooks implements UnpicklerHooks {
  findGlobal(module: string, name: string): PyValue {
    const q = `${module}.${name}`;
    if (!ALLOWED.has(q)) throw refuse(`global ${q} is not allowed`);
    return new PyGlobal(module, name);
  }

  reduce(fn: PyValue, args: PyTuple): PyValue {
    const q = fn instanceof PyGlobal ? fn.qualname : '';
    const a = args.items;
    if (RECONSTRUCT.has(q)) {
      if (!(a[0] instanceof PyGlobal) || a[0].qualname !== 'numpy.ndarray') {
        throw refuse('_reconstruct of a non-ndarray');
      }
      return new NdArray();
    }
    if (q === 'numpy.dtype') {
      const descr = strOf(a[0]);
      if (typeof descr !== 'string') throw refuse('dtype needs a type string');
      return new NpDtype(descr);
    }
    if (FROMBUFFER.has(q)) {
      // Protocol 5: _frombuffer(buffer, dtype, shape, order).
      const arr = new NdArray();
      if (!(a[1] instanceof NpDtype)) throw refuse('_frombuffer needs a dtype');
      arr.data = bytesOf(a[0], 'array buffer');
      arr.dtype = a[1];
      arr.shape = shapeOf(a[2]);
      arr.fortran = strOf(a[3]) === 'F';
      return arr;
    }
    if (q === '_codecs.encode') {
      if (typeof a[0] !== 'string' || (a[1] !== 'latin1' && a[1] !== 'latin-1')) throw refuse('_codecs.encode');
      return new Uint8Array(Buffer.from(a[0], 'latin1'));
    }
    throw refuse(`cannot call ${q || typeof fn}`);
  }

  build(obj: PyValue, state: PyValue): void {
    const s = state instanceof PyTuple ? state.items : null;
    if (obj instanceof NpDtype && s) {
      // (version, byteorder, subarray, names, fields, elsize, alignment, flags): plain dtypes only.
      if (s[2] != null || s[3] != null) throw refuse('structured dtypes are not supported');
      const order = strOf(s[1]);
      if (typeof order === 'string') obj.byteorder = order;
      return;
    }
    if (obj instanceof NdArray && s) {
      // (version, shape, dtype, is_fortran, rawdata)
      const [, shape, dt, fortran, raw] = s.length === 5 ? s : [null, ...s];
      if (!(dt instanceof NpDtype)) throw refuse('array state needs a dtype');
      if (dt.descr === 'O' || dt.descr.startsWith('O')) throw refuse('object arrays are not supported');
      obj.shape = shapeOf(shape);
      obj.dtype = dt;
      obj.fortran = fortran === true;
      obj.data = bytesOf(raw, 'array data');
      return;
    }
    throw refuse('BUILD of an object other than a numpy array or dtype');
  }

  persistentLoad(): PyValue {
    throw refuse('persistent ids');
  }
}

/** Retags Python 2 str opcodes (BINSTRING, SHORT_BINSTRING) as bytes (BINBYTES, SHORT_BINBYTES) in a copy. */
export function py2StringsAsBytes(src: Uint8Array): Uint8Array {
  const b = new Uint8Array(src);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Argument sizes of the fixed-size opcodes (BININT1, BINGET, BINPUT, PROTO, BININT2, BININT, ...).
  const fixed: Record<number, number> = {
    ...{ 0x4b: 1, 0x68: 1, 0x71: 1, 0x80: 1, 0x4d: 2 },
    ...{ 0x4a: 4, 0x6a: 4, 0x72: 4, 0x47: 8, 0x95: 8 },
  };
  const noArgChars = [...'(.012NRabdelstu})]Q'].map((c) => c.charCodeAt(0));
  const noArg = new Set([...noArgChars, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x93, 0x94]);
  let p = 0;
  while (p < b.length) {
    const op = b[p++];
    if (op === 0x2e) break; // STOP
    if (noArg.has(op)) continue;
    if (op in fixed) p += fixed[op];
    else if (op === 0x55 || op === 0x43 || op === 0x8c || op === 0x8a) {
      if (op === 0x55) b[p - 1] = 0x43; // SHORT_BINSTRING -> SHORT_BINBYTES
      p += 1 + (b[p] ?? 0);
    } else if (op === 0x54 || op === 0x42 || op === 0x58 || op === 0x8b) {
      if (op === 0x54) b[p - 1] = 0x42; // BINSTRING -> BINBYTES
      if (p + 4 > b.length) break;
      p += 4 + view.getUint32(p, true);
    } else if (op === 0x8d || op === 0x8e || op === 0x96) {
      if (p + 8 > b.length) break;
      p += 8 + Number(view.getBigUint64(p, true));
    } else if (op === 0x63) {
      // GLOBAL: module and name, each ending in a newline.
      for (let lines = 0; lines < 2 && p < b.length; p++) if (b[p] === 0x0a) lines++;
    } else {
      break; // Anything else the Unpickler rejects or reads itself; leave the rest untouched.
    }
  }
  return b;
}

function latin1(v: Uint8Array): string {
  return Buffer.from(v).toString('latin1');
}

/** The finished pickle as JS: dicts → Map (string keys), bytes/str → string (latin-1), tuples/lists → arrays. */
function toNp(v: PyValue): NpValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') {
    return v;
  }
  if (v instanceof NdArray || v instanceof NpDtype) return v;
  if (v instanceof Uint8Array) return latin1(v);
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map(toNp);
  if (v instanceof PyDict) {
    const m = new Map<string, NpValue>();
    for (const [k, val] of v.entries.values()) {
      const key = k instanceof Uint8Array ? latin1(k) : k;
      if (typeof key !== 'string' && typeof key !== 'number') throw refuse('dict keys must be str, bytes or int');
      m.set(String(key), toNp(val));
    }
    return m;
  }
  throw refuse(`unexpected value ${String(v)}`);
}

/** pickle.load(f, encoding='latin1') restricted to numpy arrays and plain containers. */
export function loadNumpyPickle(data: Uint8Array): NpValue {
  return toNp(unpickle(py2StringsAsBytes(data), new NumpyHooks()));
}
