/**
 * torchvision.datasets.MNIST and FashionMNIST: IDX ("SN3 Pascal Vincent") files under
 * `root/<ClassName>/raw/`, read as torchvision reads them (`data` uint8 N×28×28, `targets` int64).
 * Files may be there extracted (torchvision's layout) or still gzipped (`*.gz`); FashionMNIST
 * also finds Debian's `dataset-fashion-mnist` package in /usr/share/datasets/fashion-mnist.
 *
 * `new MNIST(root, opts)` or `new MNIST({ root, ...opts })` reads the files; with `download: true`
 * it fetches them first, blocking as torchvision does; `await MNIST.create(...)` (same arguments)
 * fetches without blocking the thread.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { frombuffer } from '../../creation';
import { dtype, float32, float64, int16, int32, int8, uint8 } from '../../dtype';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import { markPil } from '../transforms/_image';
import { Keywords, RootArgs, rootArgs, WithRoot } from './_args';
import { DownloadSteps, run_async, run_sync } from './_steps';
import { datasetMirror, download_and_extract_archive_steps, URLError } from './utils';
import { expanduser, TRANSFORM_KEYWORDS, transformOptions, TransformOptions, VisionDataset } from './vision';

const SN3_TYPEMAP: Record<number, dtype> = { 8: uint8, 9: int8, 11: int16, 12: int32, 13: float32, 14: float64 };

function badIdx(file: string, why: string): TorchError {
  return new TorchError(`${file} is not a valid IDX file: ${why}`, 'RuntimeError');
}

/** Reads an IDX file (gzipped when its content starts with the gzip magic) into a tensor. */
export function read_sn3_pascalvincent_tensor(file: string, strict = true): Tensor {
  let data: Uint8Array = fs.readFileSync(file);
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = zlib.gunzipSync(data);
    } catch (e) {
      throw badIdx(file, `broken gzip stream (${(e as Error).message})`);
    }
  }
  if (data.length < 4) throw badIdx(file, 'too short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0, false);
  const nd = magic % 256;
  const ty = Math.floor(magic / 256);
  if (nd < 1 || nd > 3 || !(ty in SN3_TYPEMAP)) throw badIdx(file, `bad magic number 0x${magic.toString(16)}`);
  if (data.length < 4 * (nd + 1)) throw badIdx(file, 'truncated header');
  const dt = SN3_TYPEMAP[ty];
  const shape = Array.from({ length: nd }, (_, i) => view.getUint32(4 * (i + 1), false));
  const offset = 4 * (nd + 1);
  const numel = shape.reduce((a, b) => a * b, 1);
  const available = Math.floor((data.length - offset) / dt.itemsize);
  if (available < numel || (strict && available !== numel)) {
    throw badIdx(file, `header says ${shape.join('x')} values, the file holds ${available}`);
  }
  // IDX is big-endian: swap multi-byte values into a fresh little-endian buffer.
  const body = new Uint8Array(data.subarray(offset, offset + numel * dt.itemsize));
  if (dt.itemsize > 1) for (let i = 0; i < body.length; i += dt.itemsize) body.subarray(i, i + dt.itemsize).reverse();
  return frombuffer(body, { dtype: dt, count: numel }).view(shape);
}

export function read_label_file(file: string): Tensor {
  const x = read_sn3_pascalvincent_tensor(file, false);
  if (x.dtype !== uint8) throw badIdx(file, `expected uint8 labels, got ${x.dtype.name}`);
  if (x.ndim !== 1) throw badIdx(file, `expected 1-D labels, got ${x.ndim}-D`);
  return x.long();
}

export function read_image_file(file: string): Tensor {
  const x = read_sn3_pascalvincent_tensor(file, false);
  if (x.dtype !== uint8) throw badIdx(file, `expected uint8 images, got ${x.dtype.name}`);
  if (x.ndim !== 3) throw badIdx(file, `expected 3-D images, got ${x.ndim}-D`);
  return x;
}

export interface MNISTOptions extends TransformOptions<Tensor, number> {
  /** Training split (default) or test split. */
  train?: boolean;
  /** Fetch the files into root first unless they are there (blocks until done). */
  download?: boolean;
}

const MNIST_KEYWORDS = { ...TRANSFORM_KEYWORDS, train: true, download: true } satisfies Keywords<MNISTOptions>;

export class MNIST extends VisionDataset<Tensor, number> {
  /** Download locations, tried in order; `TORCHTS_DATASET_MIRROR` replaces them all. */
  static mirrors = ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'];
  /** [file, md5] as torchvision checks them (override in a subclass for other files). */
  static resources: [string, string][] = [
    ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
    ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
    ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
    ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
  ];
  /** Folders searched for `<file>.gz` when root has neither the file nor its .gz. */
  static system_folders: string[] = [];
  static classes = [
    ...['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four'],
    ...['5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'],
  ];

  readonly train: boolean;
  /** uint8, N×28×28. */
  readonly data: Tensor;
  /** int64, N. */
  readonly targets: Tensor;
  private readonly targetList: number[];

  constructor(root: string, opts?: MNISTOptions);
  constructor(opts: WithRoot<MNISTOptions>);
  constructor(...args: RootArgs<MNISTOptions>) {
    // FashionMNIST inherits this __init__, so Python's messages name MNIST for both.
    const [root, opts] = rootArgs<MNISTOptions>('MNIST.__init__', args, MNIST_KEYWORDS);
    super(root, transformOptions(opts));
    this.train = opts.train ?? true;
    const split = this.train ? 'train' : 't10k';
    const cls = this.constructor as typeof MNIST;
    if (opts.download) cls.download(this.root);
    this.data = read_image_file(cls.locate(this.root, `${split}-images-idx3-ubyte`));
    this.targets = read_label_file(cls.locate(this.root, `${split}-labels-idx1-ubyte`));
    this.targetList = Array.from(this.targets.toTypedArray() as BigInt64Array, Number);
  }

  /** `new Cls(root, opts)`, downloading first without blocking the thread if `download` is true. */
  static create<C extends typeof MNIST>(this: C, root: string, opts?: MNISTOptions): Promise<InstanceType<C>>;
  static create<C extends typeof MNIST>(this: C, opts: WithRoot<MNISTOptions>): Promise<InstanceType<C>>;
  static async create<C extends typeof MNIST>(this: C, ...args: RootArgs<MNISTOptions>): Promise<InstanceType<C>> {
    const [root, { download, ...rest }] = rootArgs<MNISTOptions>('MNIST.create', args, MNIST_KEYWORDS);
    if (download) await run_async(this.download_steps(expanduser(root)));
    return new this(root, rest) as InstanceType<C>;
  }

  static raw_folder(root: string): string {
    return path.join(root, this.name, 'raw');
  }

  /** The extracted file, its .gz, or a system copy; torchvision's error when none exists. */
  static locate(root: string, file: string): string {
    const found = this.find(root, file);
    if (found) return found;
    throw new TorchError(
      `Dataset not found (${path.join(this.raw_folder(root), file)}). You can use download=True to download it`,
      'RuntimeError',
    );
  }

  private static find(root: string, file: string): string | undefined {
    const raw = path.join(this.raw_folder(root), file);
    const candidates = [raw, raw + '.gz', ...this.system_folders.map((d) => path.join(d, file + '.gz'))];
    return candidates.find((p) => fs.existsSync(p));
  }

  static check_exists(root: string): boolean {
    return this.resources.every(([f]) => this.find(root, f.replace(/\.gz$/, '')) !== undefined);
  }

  /** Downloads and extracts every resource, trying each mirror, blocking until done (torchvision's). */
  static download(root: string): void {
    run_sync(this.download_steps(root));
  }

  /** The download as steps (./_steps.ts): `download` runs them blocking, `create` without blocking. */
  static *download_steps(root: string): DownloadSteps {
    if (this.check_exists(root)) return;
    const rawFolder = this.raw_folder(root);
    fs.mkdirSync(rawFolder, { recursive: true });
    const override = datasetMirror();
    const mirrors = override ? [override] : this.mirrors;
    for (const [filename, md5] of this.resources) {
      let done = false;
      for (const mirror of mirrors) {
        const url = `${mirror}${filename}`;
        try {
          yield* download_and_extract_archive_steps(url, rawFolder, { filename, md5 });
          done = true;
          break;
        } catch (e) {
          // Only network failures move on to the next mirror; a bad checksum is final, as in torchvision.
          if (!(e instanceof URLError)) throw e;
          console.log(`Failed to download (trying next):\n${e.message}`);
        }
      }
      if (!done) throw new TorchError(`Error downloading ${filename}`, 'RuntimeError');
    }
  }

  get classes(): string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  get class_to_idx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  get length(): number {
    return this.targetList.length;
  }

  /** A copy of image `index` (uint8 28×28, PIL mode "L", marked as a PIL image) and its label as a number. */
  protected rawItem(index: number): [Tensor, number] {
    return [markPil(this.data.select(0, index).clone()), this.targetList[index]];
  }

  extra_repr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }
}

export class FashionMNIST extends MNIST {
  static mirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];
  static resources: [string, string][] = [
    ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
    ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
    ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
    ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
  ];
  /** Debian's dataset-fashion-mnist package. */
  static system_folders = ['/usr/share/datasets/fashion-mnist'];
  static classes = [
    ...['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat'],
    ...['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  ];
}
