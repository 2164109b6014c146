/**
 * The unpickler's model of Python values while a pickle runs. Containers stay mutable Python
 * objects until STOP (pickles fill dicts and lists after memoizing them); the torch layer then
 * converts the finished graph to JS values once.
 *
 * Primitives are JS values: None -> null, bool -> boolean, int -> number (bigint beyond 2^53),
 * float -> number, str -> string, bytes -> Uint8Array.
 */
import { TorchError } from '../errors';

export type PyValue = unknown;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

export class PySet {
  readonly items = new Map<unknown, PyValue>();
  add(v: PyValue): void {
    this.items.set(hashKey(v), v);
  }
}

/** A dict, or a collections.OrderedDict (`ordered`) with the attributes BUILD gave it. */
export class PyDict {
  /** hashKey(key) -> [key, value], in insertion order like Python's dict. */
  readonly entries = new Map<unknown, [PyValue, PyValue]>();
  readonly attrs = new Map<string, PyValue>();

  constructor(readonly ordered = false) {}

  set(key: PyValue, value: PyValue): void {
    const h = hashKey(key);
    const old = this.entries.get(h);
    // Python keeps the first key object and the position of the first insertion.
    if (old) old[1] = value;
    else this.entries.set(h, [key, value]);
  }
}

/** A global the allow-list resolved (a callable or a class such as torch.FloatStorage). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * Python's dict-key identity: equal numbers are one key whatever their type (1 == 1.0 == True),
 * tuples compare by value, and unhashable keys (list, dict, set) are an error as in Python.
 */
export function hashKey(v: PyValue): unknown {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + String(v);
    case 'bigint':
      return 'n' + v.toString();
    case 'boolean':
      return v ? 'n1' : 'n0';
    default:
      break;
  }
  if (v === null) return 'None';
  if (v instanceof PyTuple) return 't' + JSON.stringify(v.items.map((x) => String(hashKey(x))));
  if (v instanceof Uint8Array) return 'b' + Buffer.from(v).toString('hex');
  if (v instanceof PyList || v instanceof PyDict || v instanceof PySet) {
    const t = v instanceof PyList ? 'list' : v instanceof PyDict ? 'dict' : 'set';
    throw new TorchError(`unhashable type: '${t}'`, 'TypeError');
  }
  // Other objects (tensors, globals) hash by identity, as in Python.
  return v;
}
