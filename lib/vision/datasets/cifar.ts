/**
 * torchvision.datasets.CIFAR10 / CIFAR100 from the "python version" archives
 * (`root/cifar-10-batches-py/data_batch_1..5`, `test_batch`, `batches.meta`): pickled dicts of
 * numpy arrays, read with an allow-listed unpickler (numpy_pickle.ts) that never runs code.
 *
 * `data` is a uint8 tensor N×32×32×3 (HWC, like torchvision's numpy array), `targets` a number[].
 * Each file's MD5 is checked as torchvision does; the lists are static so a subclass can name
 * other files or checksums. `new CIFAR10({ root, download: true })` downloads first, blocking
 * as torchvision does; `await CIFAR10.create(...)` (same arguments) downloads without blocking.
 */
import * as fs from 'fs';
import * as path from 'path';
import { frombuffer } from '../../creation';
import { uint8 } from '../../dtype';
import { cat } from '../../functions';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import { markPil } from '../transforms/_image';
import { loadNumpyPickle, NdArray, NpValue } from './numpy_pickle';
import { Keywords, RootArgs, rootArgs, WithRoot } from './_args';
import { DownloadSteps, run_async, run_sync } from './_steps';
import { check_integrity, datasetMirror, download_and_extract_archive_steps } from './utils';
import { expanduser, TRANSFORM_KEYWORDS, transformOptions, TransformOptions, VisionDataset } from './vision';

export interface CIFAROptions extends TransformOptions<Tensor, number> {
  train?: boolean;
  /** Fetch and extract the archive into root first unless it is there (blocks until done). */
  download?: boolean;
}

const CIFAR_KEYWORDS = { ...TRANSFORM_KEYWORDS, train: true, download: true } satisfies Keywords<CIFAROptions>;

function field(entry: NpValue, key: string, file: string): NpValue {
  if (!(entry instanceof Map) || !entry.has(key)) {
    throw new TorchError(`${file} is not a CIFAR batch: it has no '${key}' entry`, 'RuntimeError');
  }
  return entry.get(key) as NpValue;
}

function numbers(v: NpValue, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new TorchError(`${what} must be a list of ints`, 'RuntimeError');
  }
  return v as number[];
}

export class CIFAR10 extends VisionDataset<Tensor, number> {
  static base_folder = 'cifar-10-batches-py';
  static url = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz';
  static filename = 'cifar-10-python.tar.gz';
  static tgz_md5: string | null = 'c58f30108f718f92721af3b95e74349a';
  static train_list: [string, string | null][] = [
    ['data_batch_1', 'c99cafc152244af753f735de768cd75f'],
    ['data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'],
    ['data_batch_3', '54ebc095f3ab1f0389bbae665268c751'],
    ['data_batch_4', '634d18415352ddfa80567beed471001a'],
    ['data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'],
  ];
  static test_list: [string, string | null][] = [['test_batch', '40351d587109b95175f43aff81a1287e']];
  static meta: { filename: string; key: string; md5: string | null } = {
    filename: 'batches.meta',
    key: 'label_names',
    md5: '5ff9c542aee3614f3951f8cda6e48888',
  };

  readonly train: boolean;
  /** uint8 N×32×32×3. */
  readonly data: Tensor;
  readonly targets: number[] = [];
  readonly classes: string[];
  readonly class_to_idx: Record<string, number>;

  constructor(root: string, opts?: CIFAROptions);
  constructor(opts: WithRoot<CIFAROptions>);
  constructor(...args: RootArgs<CIFAROptions>) {
    // CIFAR100 inherits this __init__, so Python's messages name CIFAR10 for both.
    const [root, opts] = rootArgs<CIFAROptions>('CIFAR10.__init__', args, CIFAR_KEYWORDS);
    super(root, transformOptions(opts));
    const cls = this.constructor as typeof CIFAR10;
    this.train = opts.train ?? true;
    if (opts.download) cls.download(this.root);
    if (!cls.check_integrity(this.root)) {
      throw new TorchError('Dataset not found or corrupted. You can use download=True to download it', 'RuntimeError');
    }
    const chunks: Tensor[] = [];
    for (const [name] of this.train ? cls.train_list : cls.test_list) {
      const file = path.join(this.root, cls.base_folder, name);
      const entry = loadNumpyPickle(fs.readFileSync(file));
      const data = field(entry, 'data', file);
      if (!(data instanceof NdArray) || data.dtype.descr !== 'u1' || data.fortran) {
        throw new TorchError(`${file}: 'data' must be a C-ordered uint8 numpy array`, 'RuntimeError');
      }
      chunks.push(frombuffer(data.data, { dtype: uint8 }));
      const hasLabels = entry instanceof Map && entry.has('labels');
      const labels = hasLabels ? field(entry, 'labels', file) : field(entry, 'fine_labels', file);
      for (const l of numbers(labels, `${file}: labels`)) this.targets.push(l);
    }
    // np.vstack(...).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1)), made contiguous.
    this.data = cat(chunks).view(-1, 3, 32, 32).permute(0, 2, 3, 1).contiguous();
    if (this.data.shape[0] !== this.targets.length) {
      throw new TorchError(`CIFAR: ${this.data.shape[0]} images but ${this.targets.length} labels`, 'RuntimeError');
    }
    const metaPath = path.join(this.root, cls.base_folder, cls.meta.filename);
    if (!check_integrity(metaPath, cls.meta.md5)) {
      throw new TorchError('Dataset metadata file not found or corrupted. You can use download=True to download it');
    }
    const names = field(loadNumpyPickle(fs.readFileSync(metaPath)), cls.meta.key, metaPath);
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new TorchError(`${metaPath}: '${cls.meta.key}' must be a list of str`, 'RuntimeError');
    }
    this.classes = names as string[];
    this.class_to_idx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** `new Cls(root, opts)`, downloading first without blocking the thread if `download` is true. */
  static create<C extends typeof CIFAR10>(this: C, root: string, opts?: CIFAROptions): Promise<InstanceType<C>>;
  static create<C extends typeof CIFAR10>(this: C, opts: WithRoot<CIFAROptions>): Promise<InstanceType<C>>;
  static async create<C extends typeof CIFAR10>(this: C, ...args: RootArgs<CIFAROptions>): Promise<InstanceType<C>> {
    const [root, { download, ...rest }] = rootArgs<CIFAROptions>('CIFAR10.create', args, CIFAR_KEYWORDS);
    if (download) await run_async(this.download_steps(expanduser(root)));
    return new this(root, rest) as InstanceType<C>;
  }

  static check_integrity(root: string): boolean {
    const files = [...this.train_list, ...this.test_list];
    return files.every(([f, md5]) => check_integrity(path.join(root, this.base_folder, f), md5));
  }

  /** Fetches and unpacks the archive unless every batch is present and valid, blocking until done. */
  static download(root: string): void {
    run_sync(this.download_steps(root));
  }

  /** The download as steps (./_steps.ts): `download` runs them blocking, `create` without blocking. */
  static *download_steps(root: string): DownloadSteps {
    if (this.check_integrity(root)) {
      console.log('Files already downloaded and verified');
      return;
    }
    const mirror = datasetMirror();
    const url = mirror ? mirror + this.filename : this.url;
    yield* download_and_extract_archive_steps(url, root, { filename: this.filename, md5: this.tgz_md5 });
  }

  get length(): number {
    return this.targets.length;
  }

  /** A copy of image `index` (uint8 32×32×3, PIL mode "RGB", marked as a PIL image) and its label. */
  protected rawItem(index: number): [Tensor, number] {
    return [markPil(this.data.select(0, index).clone()), this.targets[index]];
  }

  extra_repr(): string {
    return `Split: ${this.train ? 'Train' : 'Test'}`;
  }
}

export class CIFAR100 extends CIFAR10 {
  static base_folder = 'cifar-100-python';
  static url = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz';
  static filename = 'cifar-100-python.tar.gz';
  static tgz_md5: string | null = 'eb9058c3a382ffc7106e4002c42a8d85';
  static train_list: [string, string | null][] = [['train', '16019d7e3df5f24257cddd939b257f8d']];
  static test_list: [string, string | null][] = [['test', 'f0ef6b0ae62326f3e7ffdfab6717acfc']];
  static meta: { filename: string; key: string; md5: string | null } = {
    filename: 'meta',
    key: 'fine_label_names',
    md5: '7973b15100ade9c7d40fb424638fde48',
  };
}
