/**
 * A restricted pickle virtual machine (protocols 2-5 as torch.save writes them). It never
 * imports or calls anything by itself: GLOBAL / STACK_GLOBAL, REDUCE, BUILD and BINPERSID go
 * through `UnpicklerHooks`, which hold the allow-list. Opcodes that create arbitrary objects
 * (NEWOBJ, INST, OBJ, EXT*, out-of-band buffers) are rejected outright.
 *
 * Every read is bounds-checked and each opcode consumes at least one byte, so any input ends
 * in a result or a TorchError: no hang, no out-of-range read, no allocation beyond the input.
 */
import { TorchError } from '../errors';
import { Op } from './pickle_opcodes';
import { PyDict, PyList, PySet, PyTuple, PyValue } from './py_types';

export interface UnpicklerHooks {
  /** Resolves GLOBAL module.name through the allow-list (throws for anything else). */
  findGlobal(module: string, name: string): PyValue;
  /** REDUCE: calls an allow-listed callable. */
  reduce(fn: PyValue, args: PyTuple): PyValue;
  /** BUILD: sets state on an allow-listed object. */
  build(obj: PyValue, state: PyValue): void;
  /** BINPERSID: resolves a persistent id (torch: a storage record of the archive). */
  persistentLoad(pid: PyValue): PyValue;
}

export function unpicklingError(message: string): TorchError {
  return new TorchError(message, 'UnpicklingError');
}

const OPCODE_NAMES: Record<number, string> = {
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x50: 'PERSID',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Python ints: numbers when exact, bigints beyond 2^53. */
function pyInt(v: bigint): number | bigint {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** pickle's decode_long: little-endian two's complement. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = BigInt('0x' + Buffer.from(bytes).reverse().toString('hex'));
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return pyInt(v);
}

export class Unpickler {
  private pos = 0;
  private stack: PyValue[] = [];
  private readonly metastack: PyValue[][] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly hooks: UnpicklerHooks,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(n: number): number {
    if (n < 0 || this.pos + n > this.data.length) {
      throw unpicklingError('pickle data was truncated');
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  private u8(): number {
    return this.data[this.need(1)];
  }
  private u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  private u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  private u64(): number {
    const v = this.view.getBigUint64(this.need(8), true);
    // Larger than the input: certainly truncated (and not allocatable).
    if (v > BigInt(this.data.length)) throw unpicklingError('pickle data was truncated');
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
    const p = this.need(n);
    return this.data.slice(p, p + n);
  }
  private text(n: number): string {
    const p = this.need(n);
    return utf8.decode(this.data.subarray(p, p + n));
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw unpicklingError('pickle data was truncated');
    const s = utf8.decode(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  private push(v: PyValue): void {
    this.stack.push(v);
  }
  private pop(): PyValue {
    if (this.stack.length === 0) throw unpicklingError('unpickling stack underflow');
    return this.stack.pop();
  }
  private top(): PyValue {
    if (this.stack.length === 0) throw unpicklingError('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): PyValue[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (outer === undefined) throw unpicklingError('could not find MARK');
    this.stack = outer;
    return items;
  }
  private target<T>(cls: new (...a: never[]) => T, what: string): T {
    const t = this.top();
    if (!(t instanceof cls)) throw unpicklingError(`Weights only load failed: Can only ${what}`);
    return t;
  }
  private memoGet(i: number): PyValue {
    if (!this.memo.has(i)) throw unpicklingError(`Memo value not found at index ${i}`);
    return this.memo.get(i);
  }

  load(): PyValue {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case Op.PROTO: {
          const v = this.u8();
          if (v > 5) throw unpicklingError(`unsupported pickle protocol: ${v}`);
          break;
        }
        case Op.FRAME:
          this.u64();
          break;
        case Op.STOP:
          return this.pop();
        case Op.MARK:
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case Op.POP:
          if (this.stack.length > 0) this.stack.pop();
          else this.popMark();
          break;
        case Op.POP_MARK:
          this.popMark();
          break;
        case Op.DUP:
          this.push(this.top());
          break;

        case Op.NONE:
          this.push(null);
          break;
        case Op.NEWTRUE:
          this.push(true);
          break;
        case Op.NEWFALSE:
          this.push(false);
          break;
        case Op.BININT:
          this.push(this.view.getInt32(this.need(4), true));
          break;
        case Op.BININT1:
          this.push(this.u8());
          break;
        case Op.BININT2:
          this.push(this.u16());
          break;
        case Op.LONG1:
          this.push(decodeLong(this.bytes(this.u8())));
          break;
        case Op.LONG4: {
          const n = this.view.getInt32(this.need(4), true);
          if (n < 0) throw unpicklingError('LONG pickle has negative byte count');
          this.push(decodeLong(this.bytes(n)));
          break;
        }
        case Op.BINFLOAT:
          this.push(this.view.getFloat64(this.need(8), false));
          break;

        case Op.SHORT_BINUNICODE:
          this.push(this.text(this.u8()));
          break;
        case Op.BINUNICODE:
          this.push(this.text(this.u32()));
          break;
        case Op.BINUNICODE8:
          this.push(this.text(this.u64()));
          break;
        // Python 2 str: torch.load decodes them as UTF-8 by default.
        case Op.SHORT_BINSTRING:
          this.push(this.text(this.u8()));
          break;
        case Op.BINSTRING: {
          const n = this.view.getInt32(this.need(4), true);
          if (n < 0) throw unpicklingError('BINSTRING pickle has negative byte count');
          this.push(this.text(n));
          break;
        }
        case Op.SHORT_BINBYTES:
          this.push(this.bytes(this.u8()));
          break;
        case Op.BINBYTES:
          this.push(this.bytes(this.u32()));
          break;
        case Op.BINBYTES8:
        case Op.BYTEARRAY8:
          this.push(this.bytes(this.u64()));
          break;

        case Op.EMPTY_TUPLE:
          this.push(new PyTuple([]));
          break;
        case Op.TUPLE:
          this.push(new PyTuple(this.popMark()));
          break;
        case Op.TUPLE1:
          this.push(new PyTuple([this.pop()]));
          break;
        case Op.TUPLE2: {
          const b = this.pop();
          this.push(new PyTuple([this.pop(), b]));
          break;
        }
        case Op.TUPLE3: {
          const c = this.pop();
          const b = this.pop();
          this.push(new PyTuple([this.pop(), b, c]));
          break;
        }
        case Op.EMPTY_LIST:
          this.push(new PyList());
          break;
        case Op.LIST:
          this.push(new PyList(this.popMark()));
          break;
        case Op.APPEND: {
          const v = this.pop();
          this.target(PyList, 'append to lists').items.push(v);
          break;
        }
        case Op.APPENDS: {
          const items = this.popMark();
          const list = this.target(PyList, 'extend lists').items;
          // No spread: a pickle can hold millions of items, beyond the call-argument limit.
          for (const v of items) list.push(v);
          break;
        }
        case Op.EMPTY_DICT:
          this.push(new PyDict());
          break;
        case Op.DICT: {
          const items = this.popMark();
          const d = new PyDict();
          this.setItems(d, items);
          this.push(d);
          break;
        }
        case Op.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.target(PyDict, 'set items of dicts').set(k, v);
          break;
        }
        case Op.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.target(PyDict, 'set items of dicts'), items);
          break;
        }
        case Op.EMPTY_SET:
          this.push(new PySet());
          break;
        case Op.ADDITEMS: {
          const items = this.popMark();
          const s = this.target(PySet, 'add items to sets');
          for (const v of items) s.add(v);
          break;
        }
        case Op.FROZENSET: {
          const s = new PySet();
          for (const v of this.popMark()) s.add(v);
          this.push(s);
          break;
        }

        case Op.BINPUT:
          this.memo.set(this.u8(), this.top());
          break;
        case Op.LONG_BINPUT:
          this.memo.set(this.u32(), this.top());
          break;
        case Op.MEMOIZE:
          this.memo.set(this.memo.size, this.top());
          break;
        case Op.BINGET:
          this.push(this.memoGet(this.u8()));
          break;
        case Op.LONG_BINGET:
          this.push(this.memoGet(this.u32()));
          break;

        // The risky ones: everything goes through the allow-list hooks.
        case Op.GLOBAL: {
          const module = this.line();
          const name = this.line();
          this.push(this.hooks.findGlobal(module, name));
          break;
        }
        case Op.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw unpicklingError('STACK_GLOBAL requires str');
          }
          this.push(this.hooks.findGlobal(module, name));
          break;
        }
        case Op.REDUCE: {
          const args = this.pop();
          if (!(args instanceof PyTuple)) throw unpicklingError('REDUCE arguments must be a tuple');
          const fn = this.pop();
          this.push(this.hooks.reduce(fn, args));
          break;
        }
        case Op.BUILD: {
          const state = this.pop();
          this.hooks.build(this.top(), state);
          break;
        }
        case Op.BINPERSID:
          this.push(this.hooks.persistentLoad(this.pop()));
          break;

        default: {
          const name = OPCODE_NAMES[op];
          const shown = op >= 0x20 && op < 0x7f ? `'${String.fromCharCode(op)}'` : `0x${op.toString(16)}`;
          throw unpicklingError(
            name
              ? `Weights only load failed: Unsupported operand ${op} (${name}): it can construct arbitrary objects`
              : `Weights only load failed: Unsupported operand ${op} (${shown})`,
          );
        }
      }
    }
  }

  private setItems(d: PyDict, items: PyValue[]): void {
    if (items.length % 2 !== 0) throw unpicklingError('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
  }
}

/** Runs a pickle to its STOP opcode. */
export function unpickle(data: Uint8Array, hooks: UnpicklerHooks): PyValue {
  return new Unpickler(data, hooks).load();
}
