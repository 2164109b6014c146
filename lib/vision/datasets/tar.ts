/**
 * A minimal, read-only tar reader (ustar, GNU long names, pax `path`): enough for the archives
 * torchvision downloads (cifar-*-python.tar.gz). Regular files and directories are extracted;
 * links and devices are skipped, never followed, and no entry may leave the target folder.
 * A truncated or damaged archive is a clear error, not a partial silent extraction.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from '../../errors';

export interface TarEntry {
  name: string;
  /** '0' file, '5' directory, others (links, devices) are listed but not extracted. */
  type: string;
  data: Uint8Array;
}

function brokenTar(archive: string, why: string): TorchError {
  return new TorchError(`cannot extract ${archive}: broken tar archive (${why})`, 'RuntimeError');
}

function cString(b: Uint8Array, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

/** Octal numeric field (NUL/space padded); GNU base-256 for sizes beyond 8 GiB. */
function octal(b: Uint8Array, start: number, len: number, archive: string): number {
  if (b[start] & 0x80) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return v;
  }
  const text = cString(b, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw brokenTar(archive, `bad numeric field '${text}'`);
  return parseInt(text, 8);
}

function checksumOk(b: Uint8Array, off: number, archive: string): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[off + i];
  return sum === octal(b, off + 148, 8, archive);
}

/** Parses every entry of an uncompressed tar image. */
export function readTar(b: Uint8Array, archive: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | null = null;
  for (;;) {
    if (off + 512 > b.length) throw brokenTar(archive, 'unexpected end of archive');
    // Two zero blocks end the archive; one is enough to know we are done.
    if (b.subarray(off, off + 512).every((x) => x === 0)) return entries;
    if (!checksumOk(b, off, archive)) throw brokenTar(archive, `header checksum mismatch at byte ${off}`);
    const size = octal(b, off + 124, 12, archive);
    const type = String.fromCharCode(b[off + 156] || 0x30);
    const h = off;
    const dataStart = off + 512;
    if (dataStart + size > b.length) throw brokenTar(archive, 'unexpected end of archive');
    const data = b.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      // pax records: "<len> key=value\n"; only the path matters here.
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (type === 'g') continue;
    let name = longName ?? cString(b, h, 100);
    if (longName === null) {
      const prefix = cString(b, h + 345, 155);
      const ustar = Buffer.from(b.subarray(h + 257, h + 262)).toString('latin1') === 'ustar';
      if (ustar && prefix) name = `${prefix}/${name}`;
    }
    longName = null;
    entries.push({ name, type, data });
  }
}

/** Extracts regular files and folders below `to`; refuses entries that would escape it. */
export function extractTar(b: Uint8Array, to: string, archive: string): void {
  const root = path.resolve(to);
  for (const e of readTar(b, archive)) {
    if (e.type !== '0' && e.type !== '5' && e.type !== '7') continue;
    const dest = path.resolve(root, e.name);
    if (dest !== root && !dest.startsWith(root + path.sep)) {
      throw brokenTar(archive, `entry '${e.name}' points outside the extraction folder`);
    }
    if (e.type === '5') {
      fs.mkdirSync(dest, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, e.data);
    }
  }
}
