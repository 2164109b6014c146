/**
 * torchvision.datasets.DatasetFolder / ImageFolder: `root/<class>/.../<file>`, classes are the
 * sorted sub-folder names, samples are walked in torchvision's order (sorted folders, sorted
 * files). ImageFolder's default loader returns the RGB image as a uint8 H×W×3 tensor.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import { bindArgs, checkPath, Keywords, pyTypeName, RootArgs, rootArgs, WithRoot } from './_args';
import { default_loader } from './image';
import { TRANSFORM_KEYWORDS, transformOptions, TransformOptions, VisionDataset } from './vision';

export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

export function has_file_allowed_extension(filename: string, extensions: string | readonly string[]): boolean {
  const exts = typeof extensions === 'string' ? [extensions] : extensions;
  const lower = filename.toLowerCase();
  return exts.some((e) => lower.endsWith(e));
}

export function is_image_file(filename: string): boolean {
  return has_file_allowed_extension(filename, IMG_EXTENSIONS);
}

/** Python's sorted() on str: code point order (JS's default sort compares UTF-16 units). */
function pySorted(xs: string[]): string[] {
  return [...xs].sort((a, b) => {
    const ca = [...a];
    const cb = [...b];
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
      const d = (ca[i].codePointAt(0) as number) - (cb[i].codePointAt(0) as number);
      if (d !== 0) return d;
    }
    return ca.length - cb.length;
  });
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory(); // follows symlinks, like os.scandir().is_dir()
  } catch {
    return false;
  }
}

export function find_classes(directory: string): [string[], Record<string, number>] {
  const classes = pySorted(fs.readdirSync(directory).filter((n) => isDir(path.join(directory, n))));
  if (classes.length === 0) {
    throw new TorchError(`Couldn't find any class folder in ${directory}.`, 'FileNotFoundError');
  }
  return [classes, Object.fromEntries(classes.map((c, i) => [c, i]))];
}

/** Every folder below `dir` (itself included), as os.walk(followlinks=True) visits them. */
function walkDirs(dir: string, seen = new Set<string>()): string[] {
  const real = fs.realpathSync(dir);
  if (seen.has(real)) return []; // a symlink cycle
  seen.add(real);
  const out = [dir];
  for (const n of fs.readdirSync(dir)) if (isDir(path.join(dir, n))) out.push(...walkDirs(path.join(dir, n), seen));
  return out;
}

export function make_dataset(
  directory: string,
  class_to_idx?: Record<string, number> | null,
  extensions?: string | readonly string[] | null,
  is_valid_file?: ((path: string) => boolean) | null,
): [string, number][] {
  const c2i = class_to_idx ?? find_classes(directory)[1];
  if (Object.keys(c2i).length === 0) {
    throw new TorchError("'class_to_index' must have at least one entry to collect any samples.", 'ValueError');
  }
  if ((extensions == null) === (is_valid_file == null)) {
    throw new TorchError('Both extensions and is_valid_file cannot be None or not None at the same time', 'ValueError');
  }
  const exts = extensions as string | readonly string[];
  const valid = is_valid_file ?? ((p: string) => has_file_allowed_extension(p, exts));
  const instances: [string, number][] = [];
  const available = new Set<string>();
  for (const targetClass of pySorted(Object.keys(c2i))) {
    const targetDir = path.join(directory, targetClass);
    if (!isDir(targetDir)) continue;
    for (const root of pySorted(walkDirs(targetDir))) {
      const files = fs.readdirSync(root).filter((n) => !isDir(path.join(root, n)));
      for (const fname of pySorted(files)) {
        const p = path.join(root, fname);
        if (!valid(p)) continue;
        instances.push([p, c2i[targetClass]]);
        available.add(targetClass);
      }
    }
  }
  const empty = pySorted(Object.keys(c2i).filter((c) => !available.has(c)));
  if (empty.length > 0) {
    let msg = `Found no valid file for the classes ${empty.join(', ')}. `;
    if (extensions != null) {
      msg += `Supported extensions are: ${typeof extensions === 'string' ? extensions : extensions.join(', ')}`;
    }
    throw new TorchError(msg, 'FileNotFoundError');
  }
  return instances;
}

export interface DatasetFolderOptions<S> extends TransformOptions<S, number> {
  extensions?: string | readonly string[] | null;
  is_valid_file?: ((path: string) => boolean) | null;
}

/** DatasetFolder's keywords besides root and loader. */
const FOLDER_KEYWORDS = { ...TRANSFORM_KEYWORDS, extensions: true, is_valid_file: true } satisfies Keywords<
  DatasetFolderOptions<unknown>
>;

/** Options with the loader inside, as in `DatasetFolder(root, loader=...)`. */
export type WithLoader<S, O> = O & { loader: (path: string) => S };

type DatasetFolderArgs<S> =
  | [root: string, loader: (path: string) => S, opts?: DatasetFolderOptions<S>]
  | [root: string, opts: WithLoader<S, DatasetFolderOptions<S>>]
  | [opts: WithRoot<WithLoader<S, DatasetFolderOptions<S>>>];

export class DatasetFolder<S = unknown> extends VisionDataset<S, number> {
  readonly loader: (path: string) => S;
  readonly extensions: string | readonly string[] | null;
  readonly classes: string[];
  readonly class_to_idx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];

  constructor(root: string, loader: (path: string) => S, opts?: DatasetFolderOptions<S>);
  constructor(root: string, opts: WithLoader<S, DatasetFolderOptions<S>>);
  constructor(opts: WithRoot<WithLoader<S, DatasetFolderOptions<S>>>);
  constructor(...args: DatasetFolderArgs<S>) {
    const [[root, loaderArg], kw] = bindArgs('DatasetFolder.__init__', ['root', 'loader'], args, FOLDER_KEYWORDS);
    const opts = kw as DatasetFolderOptions<S>;
    const rootPath = checkPath(root);
    if (typeof loaderArg !== 'function') throw new TypeError(`'${pyTypeName(loaderArg)}' object is not callable`);
    const loader = loaderArg as (path: string) => S;
    super(rootPath, transformOptions(opts));
    [this.classes, this.class_to_idx] = this.find_classes(this.root);
    this.samples = make_dataset(this.root, this.class_to_idx, opts.extensions ?? null, opts.is_valid_file ?? null);
    this.loader = loader;
    this.extensions = opts.extensions ?? null;
    this.targets = this.samples.map((s) => s[1]);
  }

  /** Override to change how classes are found (torchvision's hook). */
  find_classes(directory: string): [string[], Record<string, number>] {
    return find_classes(directory);
  }

  get length(): number {
    return this.samples.length;
  }

  protected rawItem(index: number): [S, number] {
    const [p, target] = this.samples[index];
    return [this.loader(p), target];
  }
}

export interface ImageFolderOptions<S> extends TransformOptions<S, number> {
  /** Defaults to default_loader: RGB uint8 H×W×3 tensors. */
  loader?: (path: string) => S;
  is_valid_file?: ((path: string) => boolean) | null;
}

/** ImageFolder's keywords besides root; no `extensions` (it sets IMG_EXTENSIONS itself), as in torchvision. */
const IMAGE_FOLDER_KEYWORDS = { ...TRANSFORM_KEYWORDS, loader: true, is_valid_file: true } satisfies Keywords<
  ImageFolderOptions<unknown>
>;

export class ImageFolder<S = Tensor> extends DatasetFolder<S> {
  constructor(root: string, opts?: ImageFolderOptions<S>);
  constructor(opts: WithRoot<ImageFolderOptions<S>>);
  constructor(...args: RootArgs<ImageFolderOptions<S>>) {
    const [root, opts] = rootArgs<ImageFolderOptions<S>>('ImageFolder.__init__', args, IMAGE_FOLDER_KEYWORDS);
    const loader = opts.loader ?? (default_loader as unknown as (path: string) => S);
    const { loader: _loader, ...rest } = opts;
    void _loader;
    super(root, loader, { ...rest, extensions: opts.is_valid_file == null ? IMG_EXTENSIONS : null });
  }

  /** torchvision's old name for `samples`. */
  get imgs(): [string, number][] {
    return this.samples;
  }
}
