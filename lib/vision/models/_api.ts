/**
 * torchvision/models/_api.py: `Weights` (url, transforms preset, meta) and weights enums, plus the
 * checkpoint lookup of torch.hub.load_state_dict_from_url ($TORCH_HOME/hub/checkpoints/<file>).
 *
 * Model builders are synchronous (`resnet50({ weights })`, as in Python) and never touch the
 * network: a missing checkpoint is an error that names the file, the folder it is looked up in, the
 * URL, and `await weights.download()`, which fetches it into the cache with torch.hub's sha256
 * check (Node has no synchronous HTTP, so the download is its own async step).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { load, Tensor, TorchError } from '../../index';
import type { MapLocation } from '../../index';
import { DownloadSteps, run_async } from '../datasets/utils';
import { imageClassification, ImageClassification, ImageClassificationOptions } from './_presets';

export interface WeightsMeta {
  /** Class names in output order; null where the weights are not a classifier (VGG16 features). */
  categories: readonly string[] | null;
  num_params: number;
  min_size: readonly [number, number];
  recipe: string;
  _metrics: Record<string, Record<string, number>>;
  _docs: string;
}

export interface GetStateDictOptions {
  /** Accepted for torchvision's signature; nothing is downloaded, so there is no progress bar. */
  progress?: boolean;
  /** Folder holding checkpoints; default `$TORCH_HOME/hub/checkpoints` (torch.hub's). */
  model_dir?: string;
  /** An explicit checkpoint path: used as is, `model_dir` and the URL's file name are ignored. */
  file?: string;
  /** File name inside `model_dir` instead of the URL's (torch.hub's `file_name`). */
  file_name?: string;
  /**
   * Verify the sha256 prefix in the file name (`name-<hex>.pth`), as torch.hub does with
   * `check_hash=True`. Off by default: torchvision's `get_state_dict` never checks a cached file.
   */
  check_hash?: boolean;
  map_location?: MapLocation;
}

export interface DownloadOptions {
  /** Folder to save into; default `$TORCH_HOME/hub/checkpoints`. */
  model_dir?: string;
  /** File name inside `model_dir` instead of the URL's. */
  file_name?: string;
  /** Verify the sha256 prefix in the file name (torch.hub's `check_hash`); on by default here. */
  check_hash?: boolean;
}

export type StateDictRecord = Record<string, Tensor>;

/**
 * Base URL replacing download.pytorch.org/models/ for checkpoint downloads (a local mirror or a
 * test server): `TORCHTS_WEIGHTS_MIRROR=http://127.0.0.1:8000/` fetches `<mirror>resnet50-11ad3fa6.pth`.
 */
function weightsMirror(): string | undefined {
  const m = process.env.TORCHTS_WEIGHTS_MIRROR;
  if (!m) return undefined;
  return m.endsWith('/') ? m : m + '/';
}

/** The sha256 prefix torch.hub expects from a checkpoint's name; throws when the file differs. */
function checkHashPrefix(file: string, name: string = path.basename(file), label: string = file): void {
  const prefix = HASH_REGEX.exec(name)?.[1];
  if (!prefix) return; // as torch.hub: a name without a `-<hex>.` part has no prefix to check
  const digest = sha256File(file);
  if (digest.slice(0, prefix.length) !== prefix) {
    throw new TorchError(`invalid hash value (expected "${prefix}", got "${digest}") for ${label}`, 'RuntimeError');
  }
}

/** torch.hub.get_dir(): `$TORCH_HOME/hub`, TORCH_HOME defaulting to `$XDG_CACHE_HOME/torch` or `~/.cache/torch`. */
export function get_dir(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const home = process.env.TORCH_HOME ?? path.join(cache, 'torch');
  return path.join(home.startsWith('~') ? path.join(os.homedir(), home.slice(1)) : home, 'hub');
}

/** torch.hub's HASH_REGEX: the hex run after the last-but-extension dash (`resnet18-f37072fd.pth`). */
const HASH_REGEX = /-([a-f0-9]*)\./;

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A single fetch of `url` into `dest` (redirects followed as the dataset downloads follow them). */
function* fetchInto(url: string, dest: string): DownloadSteps {
  yield { url, dest, hops: 3 };
}

/** One pretrained checkpoint: Python's `Weights` dataclass plus its enum member name. */
export class Weights {
  constructor(
    /** The enum class name, e.g. `ResNet50_Weights`. */
    readonly enum_name: string,
    /** The member name, e.g. `IMAGENET1K_V2` (Python's `_name_`). */
    readonly name: string,
    readonly url: string,
    private readonly preset: ImageClassificationOptions,
    readonly meta: WeightsMeta,
  ) {
    Object.freeze(this);
  }

  /** The inference preset (torchvision's `ImageClassification`): a callable on CHW / BCHW tensors. */
  transforms(): ImageClassification {
    return imageClassification(this.preset);
  }

  /** The checkpoint's file name, as torch.hub derives it from the URL. */
  get filename(): string {
    return path.posix.basename(new URL(this.url).pathname);
  }

  /** Where `get_state_dict` looks for the checkpoint with these options. */
  checkpoint_path(opts: Pick<GetStateDictOptions, 'model_dir' | 'file' | 'file_name'> = {}): string {
    if (opts.file !== undefined) return opts.file;
    return path.join(opts.model_dir ?? path.join(get_dir(), 'checkpoints'), opts.file_name ?? this.filename);
  }

  /** Reads the checkpoint (torch.load) from the hub cache or an explicit path. */
  get_state_dict(opts: GetStateDictOptions = {}): StateDictRecord {
    const file = this.checkpoint_path(opts);
    if (!fs.existsSync(file)) {
      throw new TorchError(
        `${this.toString()}: checkpoint not found at ${file}. Fetch it first with ` +
          `\`await ${this.toString()}.download()\`, or download ${this.url} and save it as ${file} ` +
          `(or pass { file } / set TORCH_HOME).`,
        'RuntimeError',
      );
    }
    if (opts.check_hash) checkHashPrefix(file);
    const sd = load(file, { map_location: opts.map_location ?? null });
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Map) {
      throw new TorchError(`${file} does not hold a state_dict (a dict of tensor names to tensors)`, 'RuntimeError');
    }
    return sd as StateDictRecord;
  }

  /**
   * torch.hub.load_state_dict_from_url's download step: fetches the checkpoint into the cache
   * (`$TORCH_HOME/hub/checkpoints/<file>`) unless it is already there, verifying the sha256 prefix
   * in its name. The bytes land in a temporary file renamed only after the check, so a failed or
   * corrupt download never leaves a file the builders would load; the message names the final
   * path, word for word torch.hub's (on stderr). Returns the checkpoint's path.
   */
  async download(opts: DownloadOptions = {}): Promise<string> {
    const file = this.checkpoint_path(opts);
    if (fs.existsSync(file)) return file;
    const mirror = weightsMirror();
    const url = mirror ? mirror + this.filename : this.url;
    const dir = path.dirname(file);
    const tmp = path.join(dir, `${path.basename(file)}.${process.pid}.${Date.now()}.download`);
    fs.mkdirSync(dir, { recursive: true });
    console.error(`Downloading: "${url}" to ${file}`);
    try {
      await run_async(fetchInto(url, tmp));
      if (opts.check_hash ?? true) checkHashPrefix(tmp, this.filename, url);
      fs.renameSync(tmp, file);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return file;
  }

  toString(): string {
    return `${this.enum_name}.${this.name}`;
  }
}

/** A weights enum: its members, `DEFAULT`, and Python's `verify` (member, `'NAME'`, `'Enum.NAME'` or null). */
export type WeightsEnum<K extends string> = Readonly<Record<K | 'DEFAULT', Weights>> & {
  readonly enum_name: string;
  members(): Weights[];
  verify(obj: Weights | string | null | undefined): Weights | null;
};

/** Builds a frozen enum from its members; `DEFAULT` aliases one of them, as in Python. */
export function weightsEnum<M extends Record<string, (enum_name: string, name: string) => Weights>>(
  enum_name: string,
  members: M,
  defaultKey: keyof M & string,
): WeightsEnum<keyof M & string> {
  type K = keyof M & string;
  const table = {} as Record<K | 'DEFAULT', Weights>;
  for (const k of Object.keys(members) as K[]) table[k] = members[k](enum_name, k);
  table.DEFAULT = table[defaultKey];
  const names = Object.keys(members) as K[];
  const verify = (obj: Weights | string | null | undefined): Weights | null => {
    if (obj === null || obj === undefined) return null;
    if (typeof obj === 'string') {
      const key = obj.startsWith(`${enum_name}.`) ? obj.slice(enum_name.length + 1) : obj;
      const w = (table as Record<string, Weights>)[key];
      if (!w) {
        const msg = `Invalid value ${key} for ${enum_name}: expected one of ${names.join(', ')}`;
        throw new TorchError(msg, 'ValueError');
      }
      return w;
    }
    if (!(obj instanceof Weights) || obj.enum_name !== enum_name) {
      const msg = `Invalid Weight class provided; expected ${enum_name} but received ${String(obj)}.`;
      throw new TorchError(msg, 'TypeError');
    }
    return obj;
  };
  return Object.freeze({ ...table, enum_name, members: () => names.map((k) => table[k]), verify });
}

/** torchvision's `_ovewrite_named_param`: weights fix num_classes; a different explicit value is an error. */
export function _ovewrite_named_param(value: number | undefined, name: string, expected: number): number {
  if (value !== undefined && value !== expected) {
    throw new TorchError(`The parameter '${name}' expected value ${expected} but got ${value} instead.`, 'ValueError');
  }
  return expected;
}
