/**
 * torchvision.datasets.utils: MD5 checks, downloads and archive extraction, with torchvision's
 * rules (a present file with the right MD5 is not downloaded again; a download whose MD5 does
 * not match is an error). Each download comes synchronous, as torchvision's
 * (`download_url_sync`: the fetch runs in a worker thread while this one blocks; what dataset
 * constructors use for `download: true`), and async (`download_url`: nothing blocks).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { TorchError } from '../../errors';
import { URLError } from './_fetch';
import { DownloadSteps, run_async, run_sync } from './_steps';
import { extractTar } from './tar';

export { URLError };
export { run_async, run_sync };
export type { DownloadSteps, FetchRequest } from './_steps';

/**
 * Base URL that replaces every dataset's download location when set (a local mirror, or a test
 * server): `TORCHTS_DATASET_MIRROR=http://127.0.0.1:8000/` makes MNIST fetch
 * `<mirror>train-images-idx3-ubyte.gz` and CIFAR10 `<mirror>cifar-10-python.tar.gz`.
 */
export function datasetMirror(): string | undefined {
  const m = process.env.TORCHTS_DATASET_MIRROR;
  if (!m) return undefined;
  return m.endsWith('/') ? m : m + '/';
}

export function calculate_md5(fpath: string): string {
  const hash = crypto.createHash('md5');
  const fd = fs.openSync(fpath, 'r');
  try {
    // Chunked like torchvision (1 MiB): dataset archives can be larger than we want in memory.
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export function check_md5(fpath: string, md5: string): boolean {
  return md5 === calculate_md5(fpath);
}

export function check_integrity(fpath: string, md5?: string | null): boolean {
  if (!fs.existsSync(fpath) || !fs.statSync(fpath).isFile()) return false;
  if (md5 === undefined || md5 === null) return true;
  return check_md5(fpath, md5);
}

/**
 * Downloads `url` into `root/filename` unless that file is already there with the right MD5, as
 * steps for run_sync / run_async (./_steps.ts). The bytes go to a `.part` file renamed on
 * success, so an interrupted download never looks like a finished one.
 */
export function* download_url_steps(url: string, root: string, filename?: string, md5?: string | null): DownloadSteps {
  const fpath = path.join(root, filename ?? path.basename(new URL(url).pathname));
  fs.mkdirSync(root, { recursive: true });
  if (check_integrity(fpath, md5)) {
    console.log(`Using downloaded and verified file: ${fpath}`);
    return;
  }
  console.log(`Downloading ${url} to ${fpath}`);
  const part = fpath + '.part';
  try {
    yield { url, dest: part, hops: 3 };
    fs.renameSync(part, fpath);
  } finally {
    fs.rmSync(part, { force: true });
  }
  if (!check_integrity(fpath, md5)) {
    const got = fs.existsSync(fpath) ? calculate_md5(fpath) : 'missing';
    throw new TorchError(
      `File not found or corrupted: ${fpath} (MD5 ${got}, expected ${md5}). Delete it and download again.`,
      'RuntimeError',
    );
  }
}

export function download_url(url: string, root: string, filename?: string, md5?: string | null): Promise<void> {
  return run_async(download_url_steps(url, root, filename, md5));
}

/** download_url, blocking until done (torchvision's download_url). */
export function download_url_sync(url: string, root: string, filename?: string, md5?: string | null): void {
  run_sync(download_url_steps(url, root, filename, md5));
}

function gunzip(from: string): Buffer {
  try {
    return zlib.gunzipSync(fs.readFileSync(from));
  } catch (e) {
    throw new TorchError(
      `cannot extract ${from}: broken gzip stream (${(e as Error).message}); the file is truncated or corrupt`,
      'RuntimeError',
    );
  }
}

/**
 * Extracts `.tar`, `.tar.gz` / `.tgz` archives into `to_path`, or decompresses a lone `.gz`
 * into `to_path/<name without .gz>` (how MNIST's files arrive). Returns `to_path`.
 */
export function extract_archive(from_path: string, to_path?: string, remove_finished = false): string {
  const to = to_path ?? path.dirname(from_path);
  const base = path.basename(from_path);
  fs.mkdirSync(to, { recursive: true });
  if (/\.(tar\.gz|tgz)$/.test(base)) {
    extractTar(gunzip(from_path), to, from_path);
  } else if (base.endsWith('.tar')) {
    extractTar(fs.readFileSync(from_path), to, from_path);
  } else if (base.endsWith('.gz')) {
    const dest = path.join(to, base.slice(0, -3));
    fs.writeFileSync(dest + '.part', gunzip(from_path));
    fs.renameSync(dest + '.part', dest);
  } else {
    throw new TorchError(
      `Unknown compression or archive type: '${path.extname(base)}'.\nKnown suffixes are: '.tar, .tar.gz, .tgz, .gz'.`,
      'RuntimeError',
    );
  }
  if (remove_finished) fs.rmSync(from_path);
  return to;
}

export interface DownloadArchiveOptions {
  extract_root?: string;
  filename?: string;
  md5?: string | null;
  remove_finished?: boolean;
}

/** download_url_steps, then the archive extracted into `extract_root` (default: `download_root`). */
export function* download_and_extract_archive_steps(
  url: string,
  download_root: string,
  opts: DownloadArchiveOptions = {},
): DownloadSteps {
  const filename = opts.filename ?? path.basename(new URL(url).pathname);
  yield* download_url_steps(url, download_root, filename, opts.md5);
  const archive = path.join(download_root, filename);
  const extractRoot = opts.extract_root ?? download_root;
  console.log(`Extracting ${archive} to ${extractRoot}`);
  extract_archive(archive, extractRoot, opts.remove_finished ?? false);
}

export function download_and_extract_archive(
  url: string,
  download_root: string,
  opts: DownloadArchiveOptions = {},
): Promise<void> {
  return run_async(download_and_extract_archive_steps(url, download_root, opts));
}

/** download_and_extract_archive, blocking until done (torchvision's). */
export function download_and_extract_archive_sync(
  url: string,
  download_root: string,
  opts: DownloadArchiveOptions = {},
): void {
  run_sync(download_and_extract_archive_steps(url, download_root, opts));
}
