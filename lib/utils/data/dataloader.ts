/**
 * torch.utils.data.DataLoader (PyTorch 1.13): options, samplers, length, and iteration.
 *
 *   const loader = new DataLoader(ds, { batch_size: 64, shuffle: true });
 *   for (const [x, y] of loader) ...              // any num_workers
 *   for await (const [x, y] of loader) ...        // the same batches, without blocking the event loop
 *
 * With num_workers > 0 batches are loaded by native threads (./_native_loader.ts: built-in
 * datasets and transforms) or worker threads (./_multi_worker.ts: anything else). The random draws are 1.13's: each iteration first creates the sampler's
 * iterator, then draws a base seed from `generator` (or the global RNG), then the sampler draws.
 */
import { Tensor, TorchError } from '../../index';
import { is_available as cudaIsAvailable } from '../../cuda';
import { Generator, random_int64 } from '../../generator';
import { Collated, default_collate, default_convert, isPlainObject } from './collate';
import { Dataset, DatasetLike, IterableDataset, len } from './dataset';
import { Fetcher, IterableFetcher, MapFetcher, STOP } from './_fetch';
import { BatchSampler, RandomSampler, SequentialSampler } from './sampler';
import { MultiWorkerIter } from './_multi_worker';
import { NativeLoaderIter, NativeSource, nativeSource } from './_native_loader';
import { encodeArg, hasWorkerSpec, WorkerSpec } from './worker_spec';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null turns automatic batching off. */
  batch_size?: number | null;
  shuffle?: boolean | null;
  sampler?: Iterable<number> | null;
  batch_sampler?: Iterable<number[]> | null;
  /** Worker threads loading batches (0: load in this thread). */
  num_workers?: number;
  collate_fn?: ((batch: T[]) => B) | null;
  /** Page-locks the batches' tensors (when CUDA is available), for faster host→GPU copies. */
  pin_memory?: boolean;
  drop_last?: boolean;
  /** Seconds to wait for a worker's batch (0: forever). */
  timeout?: number;
  /** Run in each worker after seeding, with the worker id: a module export, since functions cannot cross threads. */
  worker_init_fn?: { module: string; exportName: string } | null;
  generator?: Generator | null;
  /** Batches loaded in advance per worker (default 2; num_workers > 0 only). */
  prefetch_factor?: number;
  /** Keep the worker threads (and their datasets) from one epoch to the next. */
  persistent_workers?: boolean;
}

/** The keywords DataLoader takes: `satisfies` ties them to DataLoaderOptions, so the two cannot drift. */
const DATALOADER_KEYWORDS = {
  batch_size: true,
  shuffle: true,
  sampler: true,
  batch_sampler: true,
  num_workers: true,
  collate_fn: true,
  pin_memory: true,
  drop_last: true,
  timeout: true,
  worker_init_fn: true,
  generator: true,
  prefetch_factor: true,
  persistent_workers: true,
} satisfies { readonly [K in keyof DataLoaderOptions<unknown, unknown>]-?: true };

/** PyTorch 1.13 keywords torchts does not implement: refused, but not called unknown. */
const UNSUPPORTED_KEYWORDS = ['multiprocessing_context', 'pin_memory_device'];

/** Python's TypeErrors for DataLoader's keyword arguments; `undefined` values count as not given. */
function checkOptions(opts: unknown): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    const got = opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts;
    throw new TypeError(
      `DataLoader options must be an object of keyword arguments (new DataLoader(dataset, { batch_size: 64 })), ` +
        `got ${got}`,
    );
  }
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || Object.hasOwn(DATALOADER_KEYWORDS, k)) continue;
    if (k === 'dataset') throw new TypeError("DataLoader.__init__() got multiple values for argument 'dataset'");
    const why = UNSUPPORTED_KEYWORDS.includes(k) ? ' (PyTorch 1.13 takes it; torchts does not implement it)' : '';
    throw new TypeError(`DataLoader.__init__() got an unexpected keyword argument '${k}'${why}`);
  }
}

function valueError(msg: string): TorchError {
  return new TorchError(msg, 'ValueError');
}

function pyBool(v: unknown): string {
  return v === true ? 'True' : v === false ? 'False' : String(v);
}

function pinTree(v: unknown): unknown {
  if (v instanceof Tensor) return v.pin_memory();
  if (Array.isArray(v)) return v.map(pinTree);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, pinTree(x)]));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pinTree(x)]));
  return v;
}

/** An infinite stream of nulls: the "sampler" of an iterable dataset (1.13's _InfiniteConstantSampler). */
class InfiniteConstantSampler implements Iterable<null> {
  *[Symbol.iterator](): Iterator<null> {
    for (;;) yield null;
  }
}

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly dataset: DatasetLike<T> | IterableDataset<T>;
  readonly batch_size: number | null;
  readonly drop_last: boolean;
  readonly sampler: Iterable<number | null>;
  readonly batch_sampler: Iterable<(number | null)[]> | null;
  readonly num_workers: number;
  readonly collate_fn: (batch: T[]) => B;
  readonly pin_memory: boolean;
  readonly timeout: number;
  readonly worker_init_fn: { module: string; exportName: string } | null;
  readonly generator: Generator | null;
  readonly prefetch_factor: number;
  readonly persistent_workers: boolean;
  /**
   * The dataset as worker threads receive it, encoded when the loader is made (so a dataset that
   * cannot go to workers fails at once) and used by the first workers; later epochs' workers get
   * a fresh encoding, so changes to the dataset between epochs reach them, as with PyTorch's fork.
   */
  private _workerDataset: unknown;
  private readonly _isIterable: boolean;
  private _persistent: MultiWorkerIter<B> | NativeLoaderIter<B> | null = null;

  constructor(dataset: DatasetLike<T> | IterableDataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    checkOptions(opts);
    const num_workers = opts.num_workers ?? 0;
    const timeout = opts.timeout ?? 0;
    const persistent = opts.persistent_workers ?? false;
    if (!Number.isInteger(num_workers) || num_workers < 0) {
      throw valueError('num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.');
    }
    if (timeout < 0) throw valueError('timeout option should be non-negative');
    if (num_workers === 0 && opts.prefetch_factor !== undefined && opts.prefetch_factor !== 2) {
      throw valueError(
        'prefetch_factor option could only be specified in multiprocessing.' +
          'let num_workers > 0 to enable multiprocessing.',
      );
    }
    const prefetch = opts.prefetch_factor ?? 2;
    if (!(Number.isInteger(prefetch) && prefetch > 0))
      throw new TorchError('prefetch_factor must be a positive integer', 'AssertionError');
    if (persistent && num_workers === 0) throw valueError('persistent_workers option needs num_workers > 0');

    this.dataset = dataset;
    this.num_workers = num_workers;
    this.prefetch_factor = prefetch;
    this.pin_memory = opts.pin_memory ?? false;
    this.timeout = timeout;
    this.worker_init_fn = opts.worker_init_fn ?? null;
    this.generator = opts.generator ?? null;
    this.persistent_workers = persistent;
    this._isIterable = dataset instanceof IterableDataset;

    let shuffle = opts.shuffle;
    let sampler: Iterable<number | null> | null = opts.sampler ?? null;
    let batch_sampler: Iterable<(number | null)[]> | null = opts.batch_sampler ?? null;
    let batch_size = opts.batch_size === undefined ? 1 : opts.batch_size;
    let drop_last = opts.drop_last ?? false;
    if (this._isIterable) {
      if (shuffle !== undefined && shuffle !== null && shuffle !== false) {
        throw valueError(
          `DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${pyBool(shuffle)}`,
        );
      }
      if (sampler !== null)
        throw valueError(
          'DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=' + String(sampler),
        );
      if (batch_sampler !== null) {
        throw valueError(
          'DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=' +
            String(batch_sampler),
        );
      }
    } else {
      shuffle = Boolean(shuffle);
    }
    if (sampler !== null && shuffle) throw valueError('sampler option is mutually exclusive with shuffle');
    if (batch_sampler !== null) {
      if (batch_size !== 1 || shuffle || sampler !== null || drop_last) {
        throw valueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last');
      }
      batch_size = null;
      drop_last = false;
    } else if (batch_size === null && drop_last) {
      throw valueError('batch_size=None option disables auto-batching and is mutually exclusive with drop_last');
    }
    if (sampler === null) {
      if (this._isIterable) sampler = new InfiniteConstantSampler();
      else if (shuffle) sampler = new RandomSampler(dataset as DatasetLike<T>, { generator: this.generator });
      else sampler = new SequentialSampler(dataset as DatasetLike<T>);
    }
    if (batch_size !== null && batch_sampler === null) {
      batch_sampler = new BatchSampler(sampler as Iterable<number>, batch_size, drop_last) as Iterable<
        (number | null)[]
      >;
    }
    this.batch_size = batch_size;
    this.drop_last = drop_last;
    this.sampler = sampler;
    this.batch_sampler = batch_sampler;
    const autoCollation = batch_sampler !== null;
    this.collate_fn =
      opts.collate_fn ?? ((autoCollation ? default_collate : default_convert) as unknown as (batch: T[]) => B);
    // Datasets that native threads load need no encoding; if one stops qualifying (its transform
    // is replaced), it is encoded when an epoch needs worker_threads.
    this._workerDataset = num_workers > 0 && nativeSource(dataset) === null ? encodeDataset(dataset) : null;
  }

  /** True when samples are grouped into batches (batch_size or batch_sampler given). */
  get _auto_collation(): boolean {
    return this.batch_sampler !== null;
  }

  /** What the iterator draws indices from: the batch sampler, or the sampler without auto-batching. */
  get _index_sampler(): Iterable<number | null | (number | null)[]> {
    return this._auto_collation ? (this.batch_sampler as Iterable<(number | null)[]>) : this.sampler;
  }

  /** Python's `len(loader)`: batches per epoch (for an iterable dataset, from its length). */
  get length(): number {
    if (this._isIterable) {
      const n = len(this.dataset as unknown as { __len__(): number });
      if (this.batch_size === null) return n;
      return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
    }
    return len(this._index_sampler as unknown as { length: number });
  }

  __len__(): number {
    return this.length;
  }

  /**
   * Synchronous iteration (`for...of`), with or without workers: a step blocks until its batch
   * is there (native threads, or worker_threads read with Atomics.wait + receiveMessageOnPort).
   */
  [Symbol.iterator](): Iterator<B> {
    if (this.num_workers > 0) {
      const native = this._nativeIter();
      return native !== null ? native.syncIterator() : this._workerIter().syncIterator();
    }
    return this._singleProcess();
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.num_workers === 0) {
      const it = this._singleProcess();
      return {
        next: async () => it.next(),
        return: async () => it.return?.() ?? { done: true, value: undefined },
      };
    }
    const native = this._nativeIter();
    return native !== null ? native.iterator() : this._workerIter().iterator();
  }

  /** The worker_threads iterator: Python's persistent workers keep one (and its base seed) and reset it. */
  private _workerIter(): MultiWorkerIter<B> {
    if (!this.persistent_workers) return this._newMultiWorker();
    if (this._persistent === null) this._persistent = this._newMultiWorker();
    else this._persistent.reset();
    return this._persistent as MultiWorkerIter<B>;
  }

  /** Ends persistent workers now (they also end when the process has nothing else to do). */
  async shutdown(): Promise<void> {
    const it = this._persistent;
    this._persistent = null;
    if (it) await it.shutdown();
  }

  /**
   * The native-thread iterator when the dataset describes itself to native workers
   * (./_native_loader.ts) and the loader asks nothing they cannot do (default collate, no
   * worker_init_fn or timeout); null otherwise, for worker_threads.
   */
  private _nativeIter(): NativeLoaderIter<B> | null {
    if (this.persistent_workers && this._persistent !== null) {
      if (!(this._persistent instanceof NativeLoaderIter)) return null;
      this._persistent.reset();
      return this._persistent;
    }
    if (
      this._isIterable ||
      !this._auto_collation ||
      this._workerCollate() !== 'collate' ||
      this.worker_init_fn !== null ||
      this.timeout > 0
    ) {
      return null;
    }
    const source: NativeSource | null = nativeSource(this.dataset);
    if (source === null) return null;
    // 1.13's order: the sampler's iterator (lazy), then the base seed, then the sampler's draws.
    const sampler = this._index_sampler[Symbol.iterator]();
    const baseSeed = random_int64(this.generator);
    const it = new NativeLoaderIter<B>({
      source,
      sampler,
      resetSampler: () => this._index_sampler[Symbol.iterator](),
      baseSeed,
      numWorkers: this.num_workers,
      prefetchFactor: this.prefetch_factor,
      pin: this.pin_memory && cudaIsAvailable() ? (b: B) => pinTree(b) as B : null,
      persistent: this.persistent_workers,
    });
    if (this.persistent_workers) this._persistent = it;
    return it;
  }

  private _newMultiWorker(): MultiWorkerIter<B> {
    const sampler = this._index_sampler[Symbol.iterator]();
    const baseSeed = random_int64(this.generator);
    const dataset = this._workerDataset ?? encodeDataset(this.dataset);
    this._workerDataset = null;
    return new MultiWorkerIter<B>({
      dataset,
      isIterable: this._isIterable,
      sampler,
      resetSampler: () => this._index_sampler[Symbol.iterator](),
      baseSeed,
      numWorkers: this.num_workers,
      prefetchFactor: this.prefetch_factor,
      autoCollation: this._auto_collation,
      batchSize: this.batch_size ?? 1,
      dropLast: this.drop_last,
      collate: this._workerCollate(),
      mainCollate: this._workerCollate() === null ? (this.collate_fn as (b: unknown) => B) : null,
      pin: this.pin_memory && cudaIsAvailable() ? (b: B) => pinTree(b) as B : null,
      persistent: this.persistent_workers,
      timeout: this.timeout,
      workerInit: this.worker_init_fn,
    });
  }

  /** default_collate / default_convert run in the workers; a custom collate_fn runs here. */
  private _workerCollate(): 'collate' | 'convert' | null {
    if (this.collate_fn === (default_collate as unknown)) return 'collate';
    if (this.collate_fn === (default_convert as unknown)) return 'convert';
    return null;
  }

  private *_singleProcess(): IterableIterator<B> {
    const sampler = this._index_sampler[Symbol.iterator]();
    random_int64(this.generator); // the base seed 1.13 draws for workers, even without any
    const collate = this.collate_fn as (b: unknown) => B;
    const fetcher: Fetcher = this._isIterable
      ? new IterableFetcher(
          this.dataset as IterableDataset<T>,
          this._auto_collation,
          collate,
          this.batch_size ?? 1,
          this.drop_last,
        )
      : new MapFetcher(this.dataset as DatasetLike<T>, this._auto_collation, collate);
    const pin = this.pin_memory && cudaIsAvailable();
    for (;;) {
      const r = sampler.next();
      if (r.done) return;
      const batch = fetcher.fetch(r.value as number | number[] | null);
      if (batch === STOP) return;
      yield (pin ? pinTree(batch) : batch) as B;
    }
  }
}

/** The dataset encoded for workers, or a TypeError naming what cannot be sent. */
function encodeDataset(dataset: unknown): unknown {
  if (
    !Array.isArray(dataset) &&
    !hasWorkerSpec(dataset) &&
    (dataset instanceof Dataset || dataset instanceof IterableDataset)
  ) {
    const name = (dataset as object).constructor.name;
    throw new TypeError(
      `${name} has no workerSpec(): DataLoader workers (num_workers > 0) are threads that rebuild the dataset in ` +
        'each worker, so the dataset class must say how: workerSpec() { return { module: __filename, exportName: ' +
        `'${name}', args: [...] } } (module: a file the worker can require). Or use num_workers: 0.`,
    );
  }
  return encodeArg(dataset, 'dataset');
}

export type { WorkerSpec };
