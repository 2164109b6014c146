/**
 * The num_workers > 0 iterator: a port of 1.13's _MultiProcessingDataLoaderIter onto
 * worker_threads.
 *
 * - Batch k goes to worker k mod num_workers (round-robin over the active workers), as in
 *   PyTorch, so a worker's seeded random draws see the same samples as in Python.
 * - At most prefetch_factor × num_workers batches are requested ahead; each delivered batch
 *   requests one more. Batches are delivered in sampler order whatever order they arrive in.
 * - A worker's exception is re-thrown when its batch is due, as PyTorch's ExceptionWrapper:
 *   "Caught RangeError in DataLoader worker 1.\nOriginal RangeError: ...".
 * - Workers are `unref`'d except while the main thread waits on them, so an idle, prefetching
 *   or abandoned loader never keeps the process alive; they are terminated at the end of the
 *   epoch, on `break` (the iterator's return()) and on error, unless persistent.
 * - Iteration is asynchronous (`for await`: results arrive as 'message' events) or synchronous
 *   (`for...of`): each worker posts its results on a MessagePort of its own and bumps a shared
 *   counter, so the main thread can block in Atomics.wait and read the ports with
 *   receiveMessageOnPort while its event loop does not run.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { TorchError } from '../../errors';
import { compiledWorkerFile } from '../_worker_file';
import { decodeBatch } from './worker_spec';

/** workerData for ./_worker.ts. */
export interface WorkerInit {
  dataset: unknown;
  isIterable: boolean;
  autoCollation: boolean;
  batchSize: number;
  dropLast: boolean;
  collate: 'collate' | 'convert' | null;
  baseSeed: number | bigint;
  workerId: number;
  numWorkers: number;
  workerInit: { module: string; exportName: string } | null;
  /**
   * Int32Array over it: [0] the epoch the main thread currently wants batches for, [1] results
   * posted (bumped and notified after each post), [2 + worker id] 1 once that worker has exited.
   */
  shared: SharedArrayBuffer;
  /** Where the worker posts its ToMain messages. */
  results: MessagePort;
}

/** Slots of WorkerInit.shared. */
export const EPOCH = 0;
export const POSTED = 1;
export const EXITED = 2;

export type ToWorker =
  | { type: 'fetch'; epoch: number; idx: number; index: number | number[] | null }
  | { type: 'reset'; epoch: number }
  | { type: 'exit' };

export type ToMain =
  | { type: 'data'; epoch: number; idx: number; data: unknown }
  | { type: 'stop'; epoch: number; idx: number }
  | {
      type: 'error';
      epoch: number;
      idx: number;
      name: string;
      message: string;
      stack: string;
      python_type: string | null;
    };

export interface MultiWorkerConfig<B> {
  dataset: unknown;
  isIterable: boolean;
  sampler: Iterator<unknown>;
  resetSampler: () => Iterator<unknown>;
  baseSeed: number | bigint;
  numWorkers: number;
  prefetchFactor: number;
  autoCollation: boolean;
  batchSize: number;
  dropLast: boolean;
  collate: 'collate' | 'convert' | null;
  /** A custom collate_fn, run on this thread on the samples a worker sends. */
  mainCollate: ((samples: unknown) => B) | null;
  pin: ((b: B) => B) | null;
  persistent: boolean;
  timeout: number;
  workerInit: { module: string; exportName: string } | null;
}

const ERROR_TYPES: Record<string, new (msg: string) => Error> = {
  Error,
  RangeError,
  TypeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** PyTorch's ExceptionWrapper.reraise: same kind of error, the worker's trace in the message. */
function reraise(m: ToMain & { type: 'error' }, workerId: number): Error {
  const msg = `Caught ${m.name} in DataLoader worker ${workerId}.\nOriginal ${m.stack}`;
  if (m.python_type) return new TorchError(msg, m.python_type);
  const Ctor = ERROR_TYPES[m.name];
  if (Ctor) return new Ctor(msg);
  const e = new Error(msg);
  e.name = m.name;
  return e;
}

interface Task {
  worker: number;
  result?: ToMain;
}

export class MultiWorkerIter<B> {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly shared: Int32Array;
  private readonly active: boolean[];
  private epoch = 0;
  private sampler: Iterator<unknown>;
  private samplerDone = false;
  private sendIdx = 0;
  private rcvdIdx = 0;
  private tasks = new Map<number, Task>();
  private outstanding = 0;
  private nextWorker = 0;
  /** Resolves the wait in next() when a message (or a worker failure) arrives. */
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly cfg: MultiWorkerConfig<B>) {
    this.sampler = cfg.sampler;
    this.active = new Array<boolean>(cfg.numWorkers).fill(true);
    this.shared = new Int32Array(new SharedArrayBuffer(4 * (EXITED + cfg.numWorkers)));
    // Workers cannot run TypeScript sources (ts-jest, ts-node): the compiled entry.
    const script = compiledWorkerFile(__filename, '_worker', 'DataLoader workers');
    for (let id = 0; id < cfg.numWorkers; id++) {
      const workerData: WorkerInit = {
        dataset: cfg.dataset,
        isIterable: cfg.isIterable,
        autoCollation: cfg.autoCollation,
        batchSize: cfg.batchSize,
        dropLast: cfg.dropLast,
        collate: cfg.collate,
        baseSeed: cfg.baseSeed,
        workerId: id,
        numWorkers: cfg.numWorkers,
        workerInit: cfg.workerInit,
        shared: this.shared.buffer as SharedArrayBuffer,
        results: null as unknown as MessagePort,
      };
      const { port1, port2 } = new MessageChannel();
      workerData.results = port2;
      const w = new Worker(script, { workerData, transferList: [port2] });
      w.unref();
      port1.on('message', (m: ToMain) => this.onMessage(id, m));
      port1.unref();
      this.ports.push(port1);
      w.on('error', (e: Error) => this.fail(new TorchError(`DataLoader worker ${id} failed: ${e.stack ?? e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed)
          this.fail(new TorchError(`DataLoader worker ${id} exited unexpectedly with exit code ${code}`));
      });
      this.workers.push(w);
    }
    this.prime();
  }

  /** A new epoch for persistent workers (Python's _reset): fresh sampler iterator, all workers active. */
  reset(): void {
    this.epoch += 1;
    Atomics.store(this.shared, EPOCH, this.epoch);
    this.sampler = this.cfg.resetSampler();
    this.samplerDone = false;
    this.sendIdx = 0;
    this.rcvdIdx = 0;
    this.tasks = new Map();
    this.outstanding = 0;
    this.nextWorker = 0;
    this.active.fill(true);
    for (const w of this.workers) w.postMessage({ type: 'reset', epoch: this.epoch } satisfies ToWorker);
    this.prime();
  }

  iterator(): AsyncIterator<B> {
    const epoch = this.epoch;
    return {
      // Calls are serialised: a second next() before the first settles waits its turn.
      next: () => {
        const p = this.chain.then(() => this.next(epoch));
        this.chain = p.catch(() => undefined);
        return p;
      },
      return: async () => {
        this.endEpoch();
        return { done: true, value: undefined };
      },
    };
  }

  /** Synchronous iteration: each step blocks (Atomics.wait) until its batch has arrived. */
  syncIterator(): Iterator<B> {
    const epoch = this.epoch;
    return {
      next: () => this.nextSync(epoch),
      return: () => {
        this.endEpoch();
        return { done: true, value: undefined };
      },
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const p of this.ports) p.close();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private prime(): void {
    for (let k = 0; k < this.cfg.prefetchFactor * this.cfg.numWorkers; k++) this.tryPutIndex();
  }

  /** Python's _try_put_index: the next sampler index to the next active worker, round-robin. */
  private tryPutIndex(): void {
    if (this.samplerDone || this.outstanding >= this.cfg.prefetchFactor * this.cfg.numWorkers) return;
    const r = this.sampler.next();
    if (r.done) {
      this.samplerDone = true;
      return;
    }
    let worker = -1;
    for (let k = 0; k < this.cfg.numWorkers; k++) {
      const w = this.nextWorker;
      this.nextWorker = (this.nextWorker + 1) % this.cfg.numWorkers;
      if (this.active[w]) {
        worker = w;
        break;
      }
    }
    if (worker < 0) return;
    const msg: ToWorker = {
      type: 'fetch',
      epoch: this.epoch,
      idx: this.sendIdx,
      index: r.value as number | number[] | null,
    };
    this.workers[worker].postMessage(msg);
    this.tasks.set(this.sendIdx, { worker });
    this.outstanding += 1;
    this.sendIdx += 1;
  }

  private onMessage(worker: number, m: ToMain): void {
    if (m.epoch !== this.epoch) return; // a batch from an epoch that was reset
    this.outstanding -= 1;
    if (m.type === 'stop') {
      // An iterable dataset ran out in this worker: it gets no more requests this epoch.
      this.active[worker] = false;
      this.tryPutIndex();
    } else {
      const task = this.tasks.get(m.idx);
      if (task) task.result = m;
    }
    this.wakeUp();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failure ??= e;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Waits (keeping the process alive only meanwhile) for the next worker message. */
  private async waitForMessage(): Promise<void> {
    for (const w of this.workers) w.ref();
    for (const p of this.ports) p.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        if (this.cfg.timeout > 0) {
          const t = setTimeout(() => {
            this.wake = null;
            reject(new TorchError(`DataLoader timed out after ${this.cfg.timeout} seconds`));
          }, this.cfg.timeout * 1000);
          const done = this.wake;
          this.wake = () => {
            clearTimeout(t);
            done();
          };
        }
      });
    } finally {
      for (const w of this.workers) w.unref();
      for (const p of this.ports) p.unref();
    }
  }

  /**
   * waitForMessage for synchronous iteration: takes every result already posted, and otherwise
   * blocks until a worker posts one (or exits: its 'exit' event cannot run while this thread
   * blocks, so workers flag it in shared memory). Honours `timeout` as the async wait does.
   */
  private waitSync(): void {
    const deadline = this.cfg.timeout > 0 ? Date.now() + this.cfg.timeout * 1000 : Infinity;
    for (;;) {
      const posted = Atomics.load(this.shared, POSTED);
      let got = false;
      this.ports.forEach((port, id) => {
        for (let r = receiveMessageOnPort(port); r !== undefined; r = receiveMessageOnPort(port)) {
          this.onMessage(id, r.message as ToMain);
          got = true;
        }
      });
      if (got) return;
      const due = this.tasks.get(this.rcvdIdx);
      if (due && Atomics.load(this.shared, EXITED + due.worker) === 1) {
        this.fail(new TorchError(`DataLoader worker ${due.worker} exited unexpectedly`));
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TorchError(`DataLoader timed out after ${this.cfg.timeout} seconds`);
      Atomics.wait(this.shared, POSTED, posted, Math.min(left, 1000));
    }
  }

  private async next(epoch: number): Promise<IteratorResult<B>> {
    for (;;) {
      const r = this.advance(epoch);
      if (r !== null) return r;
      try {
        await this.waitForMessage();
      } catch (e) {
        this.endEpoch();
        throw e;
      }
    }
  }

  private nextSync(epoch: number): IteratorResult<B> {
    for (;;) {
      const r = this.advance(epoch);
      if (r !== null) return r;
      try {
        this.waitSync();
      } catch (e) {
        this.endEpoch();
        throw e;
      }
    }
  }

  /** One step of the iterator, or null while the batch that is due has not arrived. */
  private advance(epoch: number): IteratorResult<B> | null {
    if (epoch !== this.epoch || this.closed) return { done: true, value: undefined };
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        while (this.rcvdIdx < this.sendIdx) {
          const t = this.tasks.get(this.rcvdIdx)!;
          if (t.result || this.active[t.worker]) break;
          this.tasks.delete(this.rcvdIdx); // its worker ran out before producing it
          this.rcvdIdx += 1;
        }
        if (this.rcvdIdx >= this.sendIdx) {
          this.endEpoch();
          return { done: true, value: undefined };
        }
        const task = this.tasks.get(this.rcvdIdx)!;
        if (!task.result) return null;
        this.tasks.delete(this.rcvdIdx);
        this.rcvdIdx += 1;
        this.tryPutIndex();
        const m = task.result;
        if (m.type === 'error') throw reraise(m, task.worker);
        if (m.type !== 'data') continue;
        let batch = decodeBatch(m.data) as B;
        if (this.cfg.mainCollate) batch = this.cfg.mainCollate(batch);
        if (this.cfg.pin) batch = this.cfg.pin(batch);
        return { done: false, value: batch };
      }
    } catch (e) {
      this.endEpoch();
      throw e;
    }
  }

  /** The epoch is over (exhausted, broken off or failed): stop its work; end non-persistent workers. */
  private endEpoch(): void {
    if (this.cfg.persistent) {
      // Outstanding requests of this epoch are skipped by the workers from now on.
      Atomics.store(this.shared, EPOCH, -1);
      this.samplerDone = true;
      this.rcvdIdx = this.sendIdx;
      return;
    }
    if (!this.closed) void this.shutdown();
  }
}
