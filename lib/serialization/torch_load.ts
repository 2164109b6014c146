/**
 * torch.load: reads PyTorch's zip checkpoints (written by Python's torch.save since 1.6, or by
 * torchts's save) through the allow-listed unpickler. Each storage record is read once, straight
 * into a new tensor's memory; tensors are views of it (as_strided), so tensors that shared a
 * storage in Python share memory here too.
 */
import * as os from 'os';
import { Tensor } from '../tensor';
import { dtype, uint8 } from '../dtype';
import { empty } from '../creation';
import { TorchError, typeName } from '../errors';
import { BufferSource, ByteSource, FileSource, readBytes } from './byte_io';
import { MapLocation, checkMapLocation, placeStorage } from './map_location';
import { LoadedStorage, TorchUnpicklerHooks } from './torch_unpickle';
import { ToJS } from './to_js';
import { unpickle } from './unpickler';
import { ZipReader } from './zip_reader';

export type { MapLocation, MapLocationFn } from './map_location';

export interface LoadOptions {
  /** Where storages go: a device, a device string, a {saved: target} dict or a function. */
  map_location?: MapLocation;
  /**
   * Accepted for compatibility: torchts always loads as PyTorch's weights_only=True does
   * (tensors and plain containers only), whatever this says.
   */
  weights_only?: boolean;
}

const MAX_FORMAT_VERSION = 10; // caffe2::serialize::kMaxSupportedFileFormatVersion

/** A clear error for the formats that are not a zip checkpoint. */
function checkMagic(src: ByteSource): void {
  const head = readBytes(src, 0, Math.min(src.size, 512));
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return;
  if (head.length === 0) throw new TorchError('torch.load: the file is empty');
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') {
    throw new TorchError('torch.load: this is a legacy tar checkpoint (PyTorch < 0.4), which torchts cannot read');
  }
  if (head[0] === 0x80) {
    throw new TorchError(
      'torch.load: this is a legacy checkpoint (torch.save with _use_new_zipfile_serialization=False or ' +
        'PyTorch < 1.6), which torchts cannot read; re-save it with a recent PyTorch',
    );
  }
  throw new TorchError(
    'PytorchStreamReader failed reading zip archive: failed finding central directory (not a torch.save file)',
  );
}

/** The folder all records live in (PyTorch names it after the first record). */
function archivePrefix(zip: ZipReader): string {
  const first = zip.entries.keys().next();
  if (first.done) throw new TorchError('PytorchStreamReader failed reading zip archive: the archive is empty');
  const slash = first.value.indexOf('/');
  if (slash < 0) {
    throw new TorchError(
      `PytorchStreamReader failed reading zip archive: file in archive is not in a subdirectory: ${first.value}`,
    );
  }
  return first.value.slice(0, slash);
}

function readText(zip: ZipReader, name: string): string {
  return Buffer.from(zip.read(name)).toString('utf8');
}

function checkVersion(zip: ZipReader, prefix: string): void {
  const name = [`${prefix}/version`, `${prefix}/.data/version`].find((n) => zip.entries.has(n));
  if (!name) {
    if (zip.entries.has(`${prefix}/constants.pkl`) || zip.entries.has(`${prefix}/code/`)) {
      throw new TorchError('torch.load: this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint');
    }
    throw new TorchError('PytorchStreamReader failed reading file version: file not found');
  }
  const text = readText(zip, name).trim();
  const version = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(version >= 1)) throw new TorchError(`PytorchStreamReader: invalid file format version '${text.slice(0, 20)}'`);
  if (version > MAX_FORMAT_VERSION) {
    throw new TorchError(
      `Attempted to read a PyTorch file with version ${version}, but the maximum supported version for reading is ` +
        `${MAX_FORMAT_VERSION}. Your PyTorch installation may be too old.`,
    );
  }
}

/** Reverses each element's bytes (archives written on a big-endian machine). */
function swapBytes(bytes: Uint8Array, itemsize: number): void {
  if (itemsize === 1) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (itemsize === 2) b.swap16();
  else if (itemsize === 4) b.swap32();
  else b.swap64();
}

export function load(f: string | Uint8Array, opts: LoadOptions = {}): unknown {
  if (typeof f !== 'string' && !(f instanceof Uint8Array)) {
    throw new TypeError(`load(): argument 'f' must be a file path (str) or a Uint8Array, not ${typeName(f)}`);
  }
  if (opts === null || typeof opts !== 'object') throw new TypeError(`load(): options must be an object`);
  const mapLocation = checkMapLocation(opts.map_location);
  if (os.endianness() !== 'LE') throw new TorchError('torch.load: torchts supports little-endian machines only');

  const src: ByteSource = typeof f === 'string' ? new FileSource(f) : new BufferSource(f);
  const created: Tensor[] = [];
  let ok = false;
  try {
    checkMagic(src);
    const zip = new ZipReader(src);
    const prefix = archivePrefix(zip);
    checkVersion(zip, prefix);
    const byteorderName = `${prefix}/byteorder`;
    const bigEndian = zip.entries.has(byteorderName) && readText(zip, byteorderName).trim() === 'big';

    const loadStorage = (key: string, d: dtype, numel: number, location: string): Tensor => {
      const entry = zip.get(`${prefix}/data/${key}`);
      const nbytes = numel * d.itemsize;
      if (entry.size !== nbytes) {
        throw new TorchError(
          `torch.load: record data/${key} has ${entry.size} bytes, but its storage needs ${nbytes} (${numel} x ${d})`,
        );
      }
      // Read straight into the storage's memory: no intermediate copy of the record.
      const raw = empty([nbytes], { dtype: uint8 });
      if (nbytes > 0) {
        const bytes = raw.numpy() as Uint8Array;
        zip.readInto(entry, bytes);
        if (bigEndian) swapBytes(bytes, d.itemsize);
      }
      const typed = d === uint8 ? raw : raw.view(d);
      const placed = placeStorage(typed, location, mapLocation);
      // Handles made here are released after the load (views keep the memory). A map_location
      // function sees the storage and may keep it, or return its own tensor: leave those to the GC.
      if (typeof mapLocation !== 'function') created.push(...new Set([raw, typed, placed]));
      else if (typed !== raw) created.push(raw);
      return placed;
    };

    const hooks = new TorchUnpicklerHooks(loadStorage);
    const pickled = unpickle(zip.read(`${prefix}/data.pkl`), hooks);
    const conv = new ToJS();
    const result = conv.convert(pickled);
    // Tensors are views: the storage handles themselves can go now, unless returned as values.
    const keep = new Set<Tensor>([...conv.returnedStorages].map((s: LoadedStorage) => s.tensor));
    for (const t of created) if (!keep.has(t)) t.dispose();
    ok = true;
    return result;
  } finally {
    src.close();
    if (!ok) for (const t of created) t.dispose();
  }
}
