/**
 * A zip writer for PyTorch checkpoints: STORED (uncompressed) records whose data starts on a
 * 64-byte boundary, as PyTorch's own writer (caffe2 PyTorchStreamWriter over miniz) lays them
 * out, so storages can be memory-mapped. ZIP64 fields are written where a size or offset
 * does not fit in 32 bits (or always, with `forceZip64`, which tests use).
 */
import { crc32 } from './crc32';
import { FileSink } from './byte_io';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
// PyTorch pads the local header with an extra field of this id filled with 'Z'.
const PADDING_EXTRA_ID = 0x4246; // 'FB'
const DOS_DATE_1980_01_01 = 0x21;

interface CentralEntry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
  zip64Sizes: boolean;
  utf8: boolean;
}

class Bytes {
  private readonly view: DataView;
  private pos = 0;
  readonly data: Uint8Array;

  constructor(length: number) {
    this.data = new Uint8Array(length);
    this.view = new DataView(this.data.buffer);
  }
  u16(v: number): this {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }
  u64(v: number): this {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.data.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  fill(byte: number, n: number): this {
    this.data.fill(byte, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }
}

export interface ZipWriterOptions {
  /** Data records start at a multiple of this many bytes (PyTorch: 64). */
  alignment?: number;
  /** Write ZIP64 fields for every record and the end records (tests of the ZIP64 paths). */
  forceZip64?: boolean;
}

export class ZipWriter {
  private readonly entries: CentralEntry[] = [];
  private readonly alignment: number;
  private readonly forceZip64: boolean;

  constructor(
    private readonly sink: FileSink,
    opts: ZipWriterOptions = {},
  ) {
    this.alignment = opts.alignment ?? 64;
    this.forceZip64 = opts.forceZip64 ?? false;
  }

  /** One record from bytes in memory. */
  writeRecord(name: string, data: Uint8Array): void {
    this.writeRecordChunks(name, data.length, [data]);
  }

  /**
   * One record of `size` bytes from chunks produced on demand (a storage is written piece by
   * piece, never copied whole). The CRC is patched into the local header afterwards.
   */
  writeRecordChunks(name: string, size: number, chunks: Iterable<Uint8Array>): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const utf8 = nameBytes.length !== name.length;
    const offset = this.sink.position;
    const zip64Sizes = this.forceZip64 || size >= U32_MAX;
    const zip64Extra = zip64Sizes ? 20 : 0;
    // Pad with an extra field so the data starts aligned; the field itself needs 4 bytes.
    const unpadded = offset + 30 + nameBytes.length + zip64Extra;
    const padded = this.alignment > 1;
    const pad = padded ? (this.alignment - ((unpadded + 4) % this.alignment)) % this.alignment : 0;
    const extraLen = zip64Extra + (padded ? 4 + pad : 0);
    const h = new Bytes(30 + nameBytes.length + extraLen)
      .u32(LOCAL_HEADER)
      .u16(zip64Sizes ? 45 : 20)
      .u16(utf8 ? 0x0800 : 0)
      .u16(0) // STORED
      .u16(0)
      .u16(DOS_DATE_1980_01_01)
      .u32(0) // CRC-32, patched below
      .u32(zip64Sizes ? U32_MAX : size)
      .u32(zip64Sizes ? U32_MAX : size)
      .u16(nameBytes.length)
      .u16(extraLen)
      .bytes(nameBytes);
    if (zip64Sizes) h.u16(ZIP64_EXTRA_ID).u16(16).u64(size).u64(size);
    if (padded) h.u16(PADDING_EXTRA_ID).u16(pad).fill(0x5a, pad);
    this.sink.write(h.data);

    let crc = 0;
    let written = 0;
    for (const chunk of chunks) {
      crc = crc32(chunk, crc);
      this.sink.write(chunk);
      written += chunk.length;
    }
    if (written !== size) throw new Error(`zip record ${name}: wrote ${written} bytes, expected ${size}`);
    this.sink.writeAt(offset + 14, new Bytes(4).u32(crc).data);
    this.entries.push({ name: nameBytes, crc, size, offset, zip64Sizes, utf8 });
  }

  /** Writes the central directory and the end records. */
  finish(): void {
    const cdOffset = this.sink.position;
    for (const e of this.entries) {
      const zip64Offset = this.forceZip64 || e.offset >= U32_MAX;
      const extraLen = e.zip64Sizes || zip64Offset ? 4 + (e.zip64Sizes ? 16 : 0) + (zip64Offset ? 8 : 0) : 0;
      const h = new Bytes(46 + e.name.length + extraLen)
        .u32(CENTRAL_HEADER)
        .u16(45) // version made by
        .u16(e.zip64Sizes || zip64Offset ? 45 : 20)
        .u16(e.utf8 ? 0x0800 : 0)
        .u16(0)
        .u16(0)
        .u16(DOS_DATE_1980_01_01)
        .u32(e.crc)
        .u32(e.zip64Sizes ? U32_MAX : e.size)
        .u32(e.zip64Sizes ? U32_MAX : e.size)
        .u16(e.name.length)
        .u16(extraLen)
        .u16(0) // comment
        .u16(0) // disk
        .u16(0) // internal attributes
        .u32(0) // external attributes
        .u32(zip64Offset ? U32_MAX : e.offset)
        .bytes(e.name);
      if (extraLen > 0) {
        h.u16(ZIP64_EXTRA_ID).u16(extraLen - 4);
        if (e.zip64Sizes) h.u64(e.size).u64(e.size);
        if (zip64Offset) h.u64(e.offset);
      }
      this.sink.write(h.data);
    }
    const cdSize = this.sink.position - cdOffset;
    const n = this.entries.length;
    const zip64 = this.forceZip64 || n >= U16_MAX || cdSize >= U32_MAX || cdOffset >= U32_MAX;
    if (zip64) {
      const endOffset = this.sink.position;
      this.sink.write(
        new Bytes(56)
          .u32(ZIP64_END)
          .u64(44) // size of the rest of this record
          .u16(45)
          .u16(45)
          .u32(0)
          .u32(0)
          .u64(n)
          .u64(n)
          .u64(cdSize)
          .u64(cdOffset).data,
      );
      this.sink.write(new Bytes(20).u32(ZIP64_LOCATOR).u32(0).u64(endOffset).u32(1).data);
    }
    this.sink.write(
      new Bytes(22)
        .u32(END_OF_CENTRAL_DIR)
        .u16(0)
        .u16(0)
        .u16(zip64 ? U16_MAX : n)
        .u16(zip64 ? U16_MAX : n)
        .u32(zip64 ? U32_MAX : cdSize)
        .u32(zip64 ? U32_MAX : cdOffset)
        .u16(0).data,
    );
  }
}
