/**
 * safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {str:
 * str}} padded with spaces to a multiple of 8 bytes, then the tensors' bytes (C order, little
 * endian). Files are written as the reference implementation writes them (tensors sorted by
 * dtype alignment, then name; contiguous data) and read with its checks: offsets must tile the
 * data exactly, with no overlap, gap or out-of-range byte.
 */
import * as dt from '../dtype';
import { DeviceLike } from '../device';
import { empty } from '../creation';
import { Tensor } from '../tensor';
import { TorchError, typeName } from '../errors';
import { writeFileAtomic } from './atomic';
import { BufferSource, ByteSource, FileSink, FileSource, readBytes } from './byte_io';
import { rawBytes } from './tensor_bytes';

/** The reference implementation's limit: a larger header is an attack, not a model. */
const MAX_HEADER_SIZE = 100_000_000;

/** safetensors dtype names, in the reference implementation's enum order (used for sorting). */
const DTYPES: readonly [string, dt.dtype][] = [
  ['BOOL', dt.bool],
  ['U8', dt.uint8],
  ['I8', dt.int8],
  ['I16', dt.int16],
  ['F16', dt.float16],
  ['BF16', dt.bfloat16],
  ['I32', dt.int32],
  ['F32', dt.float32],
  ['F64', dt.float64],
  ['I64', dt.int64],
];
const BY_NAME = new Map(DTYPES);
const NAME_OF = new Map(DTYPES.map(([n, d]) => [d, n]));
const RANK = new Map(DTYPES.map(([, d], i) => [d, i]));
const KNOWN_UNSUPPORTED = new Set([
  'U16',
  'U32',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E4M3FN',
  'F8_E8M0',
  'C64',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
]);

function invalid(what: string): TorchError {
  return new TorchError(`Error while deserializing header: ${what}`, 'SafetensorError');
}

interface Entry {
  name: string;
  dtype: dt.dtype;
  shape: number[];
  begin: number;
  end: number;
}

interface Header {
  entries: Entry[];
  metadata: Record<string, string> | null;
  /** Where the data section starts in the file. */
  dataStart: number;
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function readHeader(src: ByteSource): Header {
  if (src.size < 8) throw invalid('HeaderTooSmall');
  const n = new DataView(readBytes(src, 0, 8).buffer).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) throw invalid('HeaderTooLarge');
  const len = Number(n);
  if (8 + len > src.size) throw invalid('InvalidHeaderLength (the file is truncated)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(src, 8, len));
  } catch {
    throw invalid('InvalidHeader (not UTF-8)');
  }
  if (!text.startsWith('{')) throw invalid('InvalidHeaderStart');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`InvalidHeaderDeserialization (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalid('InvalidHeaderDeserialization');

  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        throw invalid('__metadata__ must map str to str');
      }
      metadata = info as Record<string, string>;
      continue;
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (t === null || typeof t !== 'object') throw invalid(`tensor ${name}: not an object`);
    const d = typeof t.dtype === 'string' ? BY_NAME.get(t.dtype) : undefined;
    if (!d) {
      if (typeof t.dtype === 'string' && KNOWN_UNSUPPORTED.has(t.dtype)) {
        throw new TorchError(`safetensors: tensor ${name} has dtype ${t.dtype}, which torchts does not support`);
      }
      throw invalid(`tensor ${name}: unknown dtype ${JSON.stringify(t.dtype)}`);
    }
    if (!Array.isArray(t.shape) || !t.shape.every(isIndex)) throw invalid(`tensor ${name}: bad shape`);
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isIndex)) {
      throw invalid(`tensor ${name}: bad data_offsets`);
    }
    entries.push({ name, dtype: d, shape: t.shape as number[], begin: off[0], end: off[1] });
  }

  // The offsets must tile [0, data length) exactly, in order: no overlap, no gap.
  const dataStart = 8 + len;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    if (e.begin !== pos || e.end < e.begin) {
      throw invalid(`InvalidOffset(${e.name}): overlapping, out-of-order or non-contiguous data_offsets`);
    }
    const numel = e.shape.reduce((a, b) => a * b, 1);
    if (numel * e.dtype.itemsize !== e.end - e.begin) {
      const what = `shape [${e.shape.join(', ')}] of ${NAME_OF.get(e.dtype)}`;
      throw invalid(`TensorInvalidInfo(${e.name}): ${what} != ${e.end - e.begin} bytes`);
    }
    pos = e.end;
  }
  if (dataStart + pos !== src.size) {
    throw invalid(`MetadataIncompleteBuffer: the tensors cover ${pos} bytes, the file has ${src.size - dataStart}`);
  }
  return { entries, metadata, dataStart };
}

function readTensors(src: ByteSource, opts: { device?: DeviceLike }): Record<string, Tensor> {
  const { entries, dataStart } = readHeader(src);
  const out: Record<string, Tensor> = {};
  // Python's safe_open lists tensors sorted by name.
  for (const e of [...entries].sort((a, b) => byName(a.name, b.name))) {
    const nbytes = e.end - e.begin;
    const raw = empty([nbytes], { dtype: dt.uint8 });
    if (nbytes > 0) src.readInto(dataStart + e.begin, raw.numpy() as Uint8Array);
    const typed = e.dtype === dt.uint8 ? raw : raw.view(e.dtype);
    let t = typed.reshape(e.shape);
    if (opts.device !== undefined && opts.device !== null) t = t.to(opts.device);
    // The intermediate handles are views of the same memory: release them now, not at GC.
    if (typed !== raw) typed.dispose();
    raw.dispose();
    // defineProperty: a tensor named '__proto__' stays a plain key.
    Object.defineProperty(out, e.name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkTensors(fn: string, tensors: unknown): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors) || tensors instanceof Map) {
    throw new TypeError(`${fn}(): argument 'tensors' must be an object of name -> Tensor, not ${typeName(tensors)}`);
  }
  const list = Object.entries(tensors as Record<string, unknown>);
  for (const [name, t] of list) {
    if (!(t instanceof Tensor)) throw new TypeError(`${fn}(): tensors['${name}'] must be a Tensor, not ${typeName(t)}`);
    if (name === '__metadata__') throw new TypeError(`${fn}(): '__metadata__' is reserved and cannot name a tensor`);
    if (!NAME_OF.has(t.dtype)) throw new TypeError(`${fn}(): dtype ${t.dtype} has no safetensors name`);
  }
  return list as [string, Tensor][];
}

function checkMetadata(fn: string, metadata: unknown): Record<string, string> | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new TypeError(`${fn}(): metadata must be an object of str -> str, not ${typeName(metadata)}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`${fn}(): metadata['${k}'] must be a str, not ${typeName(v)}`);
  }
  return metadata as Record<string, string>;
}

/** Writes the file through `write` (a file or memory), in the reference layout. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serialize(
  list: [string, Tensor][],
  metadata: Record<string, string> | null,
  write: (b: Uint8Array) => void,
): void {
  // Larger alignments first, so each tensor's data starts aligned to its element size.
  const rank = (t: Tensor): number => RANK.get(t.dtype) as number;
  const sorted = [...list].sort(([an, a], [bn, b]) => rank(b) - rank(a) || byName(an, bn));
  const flats = sorted.map(([, t]) => t.detach().contiguous().reshape(-1));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let pos = 0;
  sorted.forEach(([name, t], i) => {
    const nbytes = flats[i].numel() * t.dtype.itemsize;
    const info = { dtype: NAME_OF.get(t.dtype), shape: t.shape, data_offsets: [pos, pos + nbytes] };
    Object.defineProperty(header, name, { value: info, enumerable: true, writable: true, configurable: true });
    pos += nbytes;
  });
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8;
  if (pad > 0) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  write(len);
  write(json);
  try {
    for (const flat of flats) for (const chunk of rawBytes(flat)) write(chunk);
  } finally {
    for (const f of flats) f.dispose();
  }
}

/** safetensors.torch.save_file: writes the tensors (atomically: a temp file renamed over `filename`). */
export function save_file(
  tensors: Record<string, Tensor>,
  filename: string,
  metadata?: Record<string, string> | null,
): void {
  const list = checkTensors('save_file', tensors);
  const meta = checkMetadata('save_file', metadata);
  if (typeof filename !== 'string') {
    throw new TypeError(`save_file(): argument 'filename' must be str, not ${typeName(filename)}`);
  }
  writeFileAtomic(filename, (fd) => {
    const sink = new FileSink(fd);
    serialize(list, meta, (b) => sink.write(b));
  });
}

/** safetensors.torch.save: the file's bytes. */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string> | null): Uint8Array {
  const list = checkTensors('save', tensors);
  const meta = checkMetadata('save', metadata);
  const parts: Uint8Array[] = [];
  serialize(list, meta, (b) => parts.push(b.slice()));
  return Buffer.concat(parts);
}

/** safetensors.torch.load_file: every tensor of the file, on `device` (default CPU). */
export function load_file(filename: string, opts: { device?: DeviceLike } = {}): Record<string, Tensor> {
  if (typeof filename !== 'string') {
    throw new TypeError(`load_file(): argument 'filename' must be str, not ${typeName(filename)}`);
  }
  const src = new FileSource(filename);
  try {
    return readTensors(src, opts);
  } finally {
    src.close();
  }
}

/** safetensors.torch.load: tensors from a file's bytes. */
export function load(data: Uint8Array, opts: { device?: DeviceLike } = {}): Record<string, Tensor> {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`load(): argument 'data' must be a Uint8Array, not ${typeName(data)}`);
  }
  return readTensors(new BufferSource(data), opts);
}

/** The `__metadata__` of a file (safe_open(...).metadata()), or null when it has none. */
export function metadata(file: string | Uint8Array): Record<string, string> | null {
  const src = typeof file === 'string' ? new FileSource(file) : new BufferSource(file);
  try {
    return readHeader(src).metadata;
  } finally {
    src.close();
  }
}
