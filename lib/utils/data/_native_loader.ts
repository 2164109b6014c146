/**
 * DataLoader workers as native threads (native/data_pipeline.cc) for datasets that can describe
 * themselves as uint8 images + labels + a plan of native transform ops: the built-in in-memory
 * vision datasets with built-in transforms (torchts/vision registers the resolver; this package
 * does not import vision). The threads start in microseconds and share the dataset's memory,
 * where worker_threads each boot a JS runtime; loading, augmentation and collation of the next
 * batches overlap the training step on the main thread.
 *
 * Semantics are those of the worker_threads iterator (./_multi_worker.ts) and PyTorch's: batch k
 * goes to worker k mod num_workers, each worker's generator is seeded base_seed + worker_id,
 * prefetch_factor × num_workers batches are requested ahead, batches arrive in sampler order.
 * Because the threads need no JS, iteration is also synchronous (`for...of`).
 *
 * TORCHTS_NATIVE_WORKERS=0 turns the native path off (every dataset then uses worker_threads).
 */
import { Tensor, TorchError, get_default_dtype } from '../../index';
import { N } from '../../native';
import type { Handle } from '../../native';

/** Stored images: uint8 CPU N×H×W or N×H×W×C (the dataset's own storage, not copied) and int64 labels. */
export interface StoredImages {
  data: Tensor;
  targets: Tensor;
}

/** FakeData's images, generated per index (native/data_pipeline.cc Source). */
export interface GeneratedImages {
  image_size: readonly [number, number, number];
  num_classes: number;
  random_offset: number;
}

/** Image files (ImageFolder with the default loader), decoded natively as Pillow decodes them. */
export interface FileImages {
  files: readonly string[];
  targets: readonly number[];
}

/** A dataset as the native workers see it. */
export interface NativeSource {
  /** The dataset's class name, for index errors ("CIFAR10 index 9 is out of range"). */
  name: string;
  length: number;
  images: StoredImages | GeneratedImages | FileImages;
  /** The transform as plan ops: [code, ...numbers] (data_pipeline.cc PlanOp). */
  plan: number[][];
}

type Resolver = (dataset: unknown) => NativeSource | null;
const resolvers: Resolver[] = [];

/** Lets a package (torchts/vision) describe its datasets to the native workers. */
export function registerNativeSource(resolver: Resolver): void {
  if (!resolvers.includes(resolver)) resolvers.push(resolver);
}

/** The native description of `dataset`, or null when it must go to worker_threads. */
export function nativeSource(dataset: unknown): NativeSource | null {
  if (process.env.TORCHTS_NATIVE_WORKERS === '0') return null;
  for (const r of resolvers) {
    const s = r(dataset);
    if (s !== null) return s;
  }
  return null;
}

/** pipeline_new's first two arguments: images and labels, files and labels, or null and FakeData's spec. */
function pipelineSource(s: NativeSource): [Handle | readonly string[] | null, Handle | readonly number[]] {
  const im = s.images;
  if ('data' in im) return [im.data._h, im.targets._h];
  if ('files' in im) return [im.files, im.targets];
  return [null, [s.length, ...im.image_size, im.num_classes, im.random_offset]];
}

export interface NativeLoaderConfig<B> {
  source: NativeSource;
  sampler: Iterator<unknown>;
  resetSampler: () => Iterator<unknown>;
  baseSeed: number | bigint;
  numWorkers: number;
  prefetchFactor: number;
  pin: ((b: B) => B) | null;
  persistent: boolean;
}

/** PyTorch's ExceptionWrapper: the worker's error, named, on the batch it belongs to. */
function reraise(e: unknown, worker: number): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const kind = e instanceof TypeError ? 'TypeError' : e instanceof TorchError ? e.python_type : 'RuntimeError';
  const text = `Caught ${kind} in DataLoader worker ${worker}.\nOriginal ${kind}: ${msg}`;
  return e instanceof TypeError ? new TypeError(text) : new TorchError(text, kind);
}

export class NativeLoaderIter<B> {
  private readonly pipeline: Handle;
  private sampler: Iterator<unknown>;
  private samplerDone = false;
  /** Batch ids are global across epochs (persistent workers keep one pipeline). */
  private sendIdx = 0;
  private rcvdIdx = 0;
  private nextWorker = 0;
  private readonly workerOf = new Map<number, number>();
  /** Batches not sent because an index was bad: their error, raised when the batch is due. */
  private readonly badIndex = new Map<number, Error>();
  private epoch = 0;
  private closed = false;

  constructor(private readonly cfg: NativeLoaderConfig<B>) {
    const seed = typeof cfg.baseSeed === 'bigint' ? BigInt.asIntN(64, cfg.baseSeed) : cfg.baseSeed;
    this.pipeline = N.pipeline_new(
      ...pipelineSource(cfg.source),
      cfg.source.plan,
      cfg.numWorkers,
      seed,
      get_default_dtype().code,
    ) as Handle;
    this.sampler = cfg.sampler;
    this.prime();
  }

  /**
   * A new epoch for persistent workers (Python's _reset): batches still outstanding from a
   * broken-off epoch are finished and dropped first, as Python drains them, so the workers'
   * generators are where Python's would be.
   */
  reset(): void {
    this.drain();
    this.epoch += 1;
    this.sampler = this.cfg.resetSampler();
    this.samplerDone = false;
    this.nextWorker = 0;
    this.prime();
  }

  /** Synchronous iteration: each step blocks until its batch is ready. */
  syncIterator(): Iterator<B> {
    const epoch = this.epoch;
    return {
      next: () => this.step(epoch, () => N.pipeline_take(this.pipeline, this.rcvdIdx) as [Handle, Handle]),
      return: () => {
        this.endEpoch();
        return { done: true, value: undefined };
      },
    };
  }

  iterator(): AsyncIterator<B> {
    const epoch = this.epoch;
    let chain: Promise<unknown> = Promise.resolve();
    return {
      // Calls are serialised: a second next() before the first settles waits its turn.
      next: () => {
        const p = chain.then(() => this.stepAsync(epoch));
        chain = p.catch(() => undefined);
        return p;
      },
      return: async () => {
        this.endEpoch();
        return { done: true, value: undefined };
      },
    };
  }

  async shutdown(): Promise<void> {
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    N.pipeline_close(this.pipeline);
  }

  private prime(): void {
    for (let k = 0; k < this.cfg.prefetchFactor * this.cfg.numWorkers; k++) this.tryPutIndex();
  }

  private tryPutIndex(): void {
    if (this.samplerDone || this.sendIdx - this.rcvdIdx >= this.cfg.prefetchFactor * this.cfg.numWorkers) return;
    const r = this.sampler.next();
    if (r.done) {
      this.samplerDone = true;
      return;
    }
    const worker = this.nextWorker;
    this.nextWorker = (this.nextWorker + 1) % this.cfg.numWorkers;
    const bad = this.checkIndices(r.value);
    if (bad === null) N.pipeline_submit(this.pipeline, worker, this.sendIdx, r.value as number[]);
    else this.badIndex.set(this.sendIdx, bad);
    this.workerOf.set(this.sendIdx, worker);
    this.sendIdx += 1;
  }

  /** VisionDataset.getitem's checks, made before the indices go to a thread. */
  private checkIndices(batch: unknown): Error | null {
    const { name } = this.cfg.source;
    if (!Array.isArray(batch)) return new TypeError(`${name} indices must be integers`);
    const n = this.cfg.source.length;
    for (const i of batch) {
      if (!Number.isInteger(i)) return new TypeError(`${name} indices must be integers`);
      if (i < -n || i >= n) return new TorchError(`${name} index ${i} is out of range`, 'IndexError');
    }
    return null;
  }

  private step(epoch: number, take: () => [Handle, Handle]): IteratorResult<B> {
    if (epoch !== this.epoch || this.closed || this.rcvdIdx >= this.sendIdx) {
      this.endEpoch();
      return { done: true, value: undefined };
    }
    const worker = this.workerOf.get(this.rcvdIdx) ?? 0;
    let pair: [Handle, Handle];
    try {
      const bad = this.badIndex.get(this.rcvdIdx);
      if (bad !== undefined) {
        this.badIndex.delete(this.rcvdIdx);
        throw bad;
      }
      pair = take();
    } catch (e) {
      this.workerOf.delete(this.rcvdIdx);
      this.rcvdIdx += 1;
      this.endEpoch();
      throw reraise(e, worker);
    }
    return this.deliver(pair);
  }

  private async stepAsync(epoch: number): Promise<IteratorResult<B>> {
    if (epoch !== this.epoch || this.closed || this.rcvdIdx >= this.sendIdx) {
      this.endEpoch();
      return { done: true, value: undefined };
    }
    const idx = this.rcvdIdx;
    const worker = this.workerOf.get(idx) ?? 0;
    if (!this.badIndex.has(idx) && !N.pipeline_ready(this.pipeline, idx)) {
      // Not ready: wait off the event loop (a libuv thread), so timers and I/O go on meanwhile.
      let pair: [Handle, Handle];
      try {
        pair = await (N.pipeline_take_async(this.pipeline, idx) as Promise<[Handle, Handle]>);
      } catch (e) {
        this.workerOf.delete(idx);
        this.rcvdIdx += 1;
        this.endEpoch();
        throw reraise(e, worker);
      }
      return this.deliver(pair);
    }
    return this.step(epoch, () => N.pipeline_take(this.pipeline, idx) as [Handle, Handle]);
  }

  private deliver(pair: [Handle, Handle]): IteratorResult<B> {
    this.workerOf.delete(this.rcvdIdx);
    this.rcvdIdx += 1;
    this.tryPutIndex();
    let batch = [new Tensor(pair[0]), new Tensor(pair[1])] as unknown as B;
    if (this.cfg.pin) batch = this.cfg.pin(batch);
    return { done: false, value: batch };
  }

  /** Finishes and drops the batches requested but not delivered. */
  private drain(): void {
    for (; this.rcvdIdx < this.sendIdx; this.rcvdIdx++) {
      this.workerOf.delete(this.rcvdIdx);
      if (this.badIndex.delete(this.rcvdIdx)) continue;
      try {
        const [a, b] = N.pipeline_take(this.pipeline, this.rcvdIdx) as [Handle, Handle];
        new Tensor(a).dispose();
        new Tensor(b).dispose();
      } catch {
        // An error in a batch nobody will see: Python drops it too.
      }
    }
  }

  /** The epoch is over: non-persistent workers end; persistent ones wait for reset(). */
  private endEpoch(): void {
    if (this.cfg.persistent) {
      this.samplerDone = true;
      return;
    }
    this.close();
  }
}
