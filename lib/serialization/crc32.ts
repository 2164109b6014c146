/**
 * CRC-32 (IEEE 802.3, the zip checksum). Node's zlib.crc32 (native, Node >= 20.15) when present;
 * otherwise a slice-by-8 table implementation, which is fast enough for checkpoint-sized data.
 */
import * as zlib from 'zlib';

type NativeCrc = (data: Uint8Array, value?: number) => number;
const nativeCrc32: NativeCrc | undefined = (zlib as unknown as { crc32?: NativeCrc }).crc32;

const TABLES: Uint32Array[] = (() => {
  const t: Uint32Array[] = [];
  for (let k = 0; k < 8; k++) t.push(new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[0][n];
    for (let k = 1; k < 8; k++) {
      c = t[0][c & 0xff] ^ (c >>> 8);
      t[k][n] = c >>> 0;
    }
  }
  return t;
})();

/** The portable implementation (exported for tests that compare it with zlib's). */
export function crc32Portable(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < n; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of `data`, continuing from `crc` (the CRC of the bytes before it; 0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  return nativeCrc32 ? nativeCrc32(data, crc) >>> 0 : crc32Portable(data, crc);
}
