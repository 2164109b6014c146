/**
 * A zip reader for PyTorch checkpoints: central directory (with ZIP64), STORED records only
 * (what torch.save writes), CRC-32 checked on every read. Every offset and length from the file
 * is checked against the file's size before use, so a truncated or corrupted archive is a
 * TorchError and never an out-of-range read or a huge allocation.
 */
import { TorchError } from '../errors';
import { ByteSource, readBytes } from './byte_io';
import { crc32 } from './crc32';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const MAX_COMMENT = 0xffff;
/** CRC-check and copy large records in slices: bounded extra memory. */
const CHUNK = 1 << 26;

export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  readonly crc: number;
  readonly localHeaderOffset: number;
}

function fail(what: string): TorchError {
  return new TorchError(`PytorchStreamReader failed reading zip archive: ${what}`);
}

function u64(view: DataView, pos: number, what: string): number {
  const v = view.getBigUint64(pos, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`${what} is out of range`);
  return Number(v);
}

const utf8 = new TextDecoder('utf-8');

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** Records lie before the central directory. */
  private cdOffset = 0;

  constructor(private readonly src: ByteSource) {
    this.readCentralDirectory();
  }

  private readCentralDirectory(): void {
    const { src } = this;
    if (src.size < 22) throw fail(`not a zip archive (the file is only ${src.size} bytes)`);
    const tailLen = Math.min(src.size, 22 + MAX_COMMENT);
    const tailStart = src.size - tailLen;
    const tail = readBytes(src, tailStart, tailLen);
    const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tv.getUint32(i, true) === END_OF_CENTRAL_DIR && i + 22 + tv.getUint16(i + 20, true) <= tailLen) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw fail('failed finding central directory (not a zip file, or truncated)');
    let count = tv.getUint16(eocd + 10, true);
    let cdSize = tv.getUint32(eocd + 12, true);
    let cdOffset = tv.getUint32(eocd + 16, true);
    let cdLimit = tailStart + eocd;

    const locatorPos = tailStart + eocd - 20;
    if (locatorPos >= 0 && this.u32At(locatorPos) === ZIP64_LOCATOR) {
      const loc = readBytes(src, locatorPos, 20);
      const end64 = u64(new DataView(loc.buffer), 8, 'ZIP64 end record offset');
      if (end64 + 56 > locatorPos) throw fail('ZIP64 end record out of range');
      const rec = readBytes(src, end64, 56);
      const rv = new DataView(rec.buffer);
      if (rv.getUint32(0, true) !== ZIP64_END) throw fail('bad ZIP64 end record signature');
      count = u64(rv, 32, 'record count');
      cdSize = u64(rv, 40, 'central directory size');
      cdOffset = u64(rv, 48, 'central directory offset');
      cdLimit = end64;
    } else if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      throw fail('ZIP64 locator missing');
    }
    if (cdOffset + cdSize > cdLimit) throw fail('central directory out of range (truncated file?)');
    // Each entry takes at least 46 bytes: a count beyond that is a lie, not an allocation.
    if (count * 46 > cdSize) throw fail(`central directory too small for ${count} records`);
    this.cdOffset = cdOffset;

    const cd = readBytes(src, cdOffset, cdSize);
    const v = new DataView(cd.buffer);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdSize || v.getUint32(p, true) !== CENTRAL_HEADER) throw fail('bad central directory entry');
      const flags = v.getUint16(p + 8, true);
      const method = v.getUint16(p + 10, true);
      const crc = v.getUint32(p + 16, true);
      let csize = v.getUint32(p + 20, true);
      let usize = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      let offset = v.getUint32(p + 42, true);
      const end = p + 46 + nameLen + extraLen + commentLen;
      if (end > cdSize) throw fail('bad central directory entry');
      const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
      // ZIP64 extra field: the 64-bit values of the fields saturated above, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = v.getUint16(e, true);
        const len = v.getUint16(e + 2, true);
        if (e + 4 + len > extraEnd) throw fail(`bad extra field in record ${name}`);
        if (id === 0x0001) {
          let q = e + 4;
          const next = (what: string): number => {
            if (q + 8 > e + 4 + len) throw fail(`short ZIP64 extra field in record ${name}`);
            const val = u64(v, q, what);
            q += 8;
            return val;
          };
          if (usize === U32_MAX) usize = next('record size');
          if (csize === U32_MAX) csize = next('record size');
          if (offset === U32_MAX) offset = next('record offset');
        }
        e += 4 + len;
      }
      if (usize === U32_MAX || csize === U32_MAX || offset === U32_MAX) {
        throw fail(`ZIP64 extra field missing in ${name}`);
      }
      if (flags & 1) throw fail(`record ${name} is encrypted`);
      if (method !== 0) {
        throw fail(`record ${name} is compressed (method ${method}); torch.save stores records uncompressed`);
      }
      if (csize !== usize) throw fail(`record ${name}: stored size ${csize} != size ${usize}`);
      if (offset + 30 + usize > cdOffset) throw fail(`record ${name} out of range`);
      if (this.entries.has(name)) throw fail(`duplicate record ${name}`);
      this.entries.set(name, { name, size: usize, crc, localHeaderOffset: offset });
      p = end;
    }
  }

  private u32At(position: number): number {
    return new DataView(readBytes(this.src, position, 4).buffer).getUint32(0, true);
  }

  /** Where the record's data starts (after its local header). */
  private dataOffset(entry: ZipEntry): number {
    const h = readBytes(this.src, entry.localHeaderOffset, 30);
    const v = new DataView(h.buffer);
    if (v.getUint32(0, true) !== LOCAL_HEADER) throw fail(`bad local header for record ${entry.name}`);
    const start = entry.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
    if (start + entry.size > this.cdOffset) throw fail(`record ${entry.name} out of range`);
    return start;
  }

  get(name: string): ZipEntry {
    const e = this.entries.get(name);
    if (!e) throw new TorchError(`PytorchStreamReader failed locating file ${name}: file not found`);
    return e;
  }

  /** The whole record (small records: data.pkl, version). */
  read(name: string): Uint8Array {
    const e = this.get(name);
    const out = new Uint8Array(e.size);
    this.readInto(e, out);
    return out;
  }

  /** Fills `target` (exactly the record's size) with the record, CRC-checked. */
  readInto(entry: ZipEntry, target: Uint8Array): void {
    if (target.length !== entry.size) {
      throw fail(`record ${entry.name} has ${entry.size} bytes, expected ${target.length}`);
    }
    const start = this.dataOffset(entry);
    let crc = 0;
    for (let p = 0; p < entry.size; p += CHUNK) {
      const part = target.subarray(p, Math.min(entry.size, p + CHUNK));
      this.src.readInto(start + p, part);
      crc = crc32(part, crc);
    }
    if (crc !== entry.crc) throw fail(`invalid CRC-32 in record ${entry.name} (the file is corrupted)`);
  }
}
