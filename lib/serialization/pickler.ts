/**
 * Low-level pickle writer (protocol 2, the protocol torch.save uses). It writes opcodes and
 * keeps the memo; what to write for each value is decided by the torch layer (torch_save.ts),
 * which follows Python's Pickler step by step.
 *
 * Only opcodes that PyTorch 1.13's weights_only unpickler also reads are used, except BINFLOAT and
 * LONG4, which Python writes too (for any float, and ints beyond 2^2040): 1.13's weights_only
 * loader rejects those even in files Python wrote.
 */
import { Op } from './pickle_opcodes';

/** Python's `_batch_setitems` / `_batch_appends` chunk size. */
export const BATCH_SIZE = 1000;

export class PickleWriter {
  private buf = Buffer.allocUnsafe(4096);
  private len = 0;
  private memoSize = 0;
  private readonly strMemo = new Map<string, number>();
  private readonly globalMemo = new Map<string, number>();

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  op(code: Op): void {
    this.reserve(1);
    this.buf[this.len++] = code;
  }

  private raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  proto(version: number): void {
    this.op(Op.PROTO);
    this.op(version);
  }

  /** Memoizes the value on top of the stack (BINPUT); returns its memo index. */
  put(): number {
    const i = this.memoSize++;
    if (i < 256) {
      this.op(Op.BINPUT);
      this.op(i);
    } else {
      this.op(Op.LONG_BINPUT);
      this.reserve(4);
      this.buf.writeUInt32LE(i, this.len);
      this.len += 4;
    }
    return i;
  }

  get(i: number): void {
    if (i < 256) {
      this.op(Op.BINGET);
      this.op(i);
    } else {
      this.op(Op.LONG_BINGET);
      this.reserve(4);
      this.buf.writeUInt32LE(i, this.len);
      this.len += 4;
    }
  }

  none(): void {
    this.op(Op.NONE);
  }

  bool(v: boolean): void {
    this.op(v ? Op.NEWTRUE : Op.NEWFALSE);
  }

  /** Python's save_long for protocol 2: BININT1 / BININT2 / BININT, else LONG1 / LONG4. */
  int(v: number | bigint): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      if (v >= 0 && v <= 0xff) {
        this.op(Op.BININT1);
        this.op(v);
        return;
      }
      if (v >= 0 && v <= 0xffff) {
        this.op(Op.BININT2);
        this.reserve(2);
        this.buf.writeUInt16LE(v, this.len);
        this.len += 2;
        return;
      }
      if (v >= -0x80000000 && v <= 0x7fffffff) {
        this.op(Op.BININT);
        this.reserve(4);
        this.buf.writeInt32LE(v, this.len);
        this.len += 4;
        return;
      }
    }
    const bytes = encodeLong(BigInt(v));
    if (bytes.length < 256) {
      this.op(Op.LONG1);
      this.op(bytes.length);
    } else {
      this.op(Op.LONG4);
      this.reserve(4);
      this.buf.writeInt32LE(bytes.length, this.len);
      this.len += 4;
    }
    this.raw(bytes);
  }

  float(v: number): void {
    this.op(Op.BINFLOAT);
    this.reserve(8);
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
  }

  /** A str, memoized by value (a repeated key or 'storage' tag is one BINGET). */
  str(s: string): void {
    const seen = this.strMemo.get(s);
    if (seen !== undefined) return this.get(seen);
    const b = Buffer.from(s, 'utf8');
    this.op(Op.BINUNICODE);
    this.reserve(4);
    this.buf.writeUInt32LE(b.length, this.len);
    this.len += 4;
    this.raw(b);
    this.strMemo.set(s, this.put());
  }

  /** GLOBAL module name, memoized like Python's save_global. */
  global(module: string, name: string): void {
    const key = `${module}\n${name}\n`;
    const seen = this.globalMemo.get(key);
    if (seen !== undefined) return this.get(seen);
    this.op(Op.GLOBAL);
    this.raw(Buffer.from(key, 'utf8'));
    this.globalMemo.set(key, this.put());
  }

  /** The tuple opcode for `n` items already pushed after a MARK (n > 3) or none (n <= 3). */
  tupleEnd(n: number): void {
    this.op(n === 0 ? Op.EMPTY_TUPLE : n === 1 ? Op.TUPLE1 : n === 2 ? Op.TUPLE2 : n === 3 ? Op.TUPLE3 : Op.TUPLE);
  }

  result(): Uint8Array {
    this.op(Op.STOP);
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.len);
  }
}

/**
 * pickle's encode_long: minimal little-endian two's complement. Sizing negatives by |x| - 1
 * gives the minimal width directly (Python sizes by |x| and then drops a redundant 0xff byte).
 */
export function encodeLong(x: bigint): Uint8Array {
  if (x === 0n) return new Uint8Array(0);
  const bitLength = (x < 0n ? -x - 1n : x).toString(2).length;
  const nbytes = (bitLength >> 3) + 1;
  const unsigned = x < 0n ? (1n << BigInt(nbytes * 8)) + x : x;
  return Buffer.from(unsigned.toString(16).padStart(nbytes * 2, '0'), 'hex').reverse();
}
