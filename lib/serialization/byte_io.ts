/**
 * Positional byte access for the zip reader and writer: a file descriptor or an in-memory buffer.
 * Reads are bounds-checked so a truncated or lying file is a clear error, never a short read.
 */
import * as fs from 'fs';
import { TorchError } from '../errors';

/** fs.readSync / writeSync take at most 2^31 - 1 bytes per call. */
const MAX_IO = 1 << 30;

export interface ByteSource {
  readonly size: number;
  /** Fills `target` with the bytes at `position`, or throws if the source ends first. */
  readInto(position: number, target: Uint8Array): void;
  close(): void;
}

function truncated(position: number, length: number, size: number): TorchError {
  return new TorchError(
    `PytorchStreamReader failed reading zip archive: the file is truncated ` +
      `(needed bytes ${position}..${position + length}, but it has ${size})`,
  );
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(this.fd);
      if (!st.isFile()) throw new TorchError(`torch.load: ${file} is not a regular file`);
      this.size = st.size;
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
  }

  readInto(position: number, target: Uint8Array): void {
    if (this.fd === null) throw new TorchError('torch.load: the file is closed');
    if (position < 0 || position + target.length > this.size) throw truncated(position, target.length, this.size);
    let done = 0;
    while (done < target.length) {
      const n = fs.readSync(this.fd, target, done, Math.min(MAX_IO, target.length - done), position + done);
      // The file shrank while we read it.
      if (n === 0) throw truncated(position, target.length, position + done);
      done += n;
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

export class BufferSource implements ByteSource {
  readonly size: number;

  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }

  readInto(position: number, target: Uint8Array): void {
    if (position < 0 || position + target.length > this.size) throw truncated(position, target.length, this.size);
    target.set(this.bytes.subarray(position, position + target.length));
  }

  close(): void {}
}

/** Reads `length` bytes at `position` into a new array. */
export function readBytes(src: ByteSource, position: number, length: number): Uint8Array {
  if (position < 0 || length < 0 || position + length > src.size) throw truncated(position, length, src.size);
  const out = new Uint8Array(length);
  src.readInto(position, out);
  return out;
}

/** Sequential writes with positional patching (the zip writer fills in CRCs after the data). */
export class FileSink {
  position = 0;

  constructor(private readonly fd: number) {}

  write(data: Uint8Array): void {
    this.writeAt(this.position, data);
    this.position += data.length;
  }

  writeAt(position: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const n = fs.writeSync(this.fd, data, done, Math.min(MAX_IO, data.length - done), position + done);
      if (n <= 0) throw new Error(`write failed: ${n} bytes written`);
      done += n;
    }
  }
}
