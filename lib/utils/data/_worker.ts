/**
 * The DataLoader worker thread (started by ./_multi_worker.ts with this compiled file).
 *
 * Rebuilds the dataset from its spec, seeds this thread's generator with base_seed + worker_id
 * (PyTorch seeds each worker process's global RNG the same way), then answers fetch requests:
 * one batch per message, collated here and sent back with its tensors' memory transferred.
 * Requests from an epoch the main thread has moved past (a `break`, a persistent reset) are
 * skipped by checking a shared epoch counter.
 */
import * as path from 'path';
import { parentPort, workerData } from 'worker_threads';
import { Generator, _set_thread_generator } from '../../generator';
import { TorchError } from '../../errors';
import { default_collate, default_convert } from './collate';
import { IterableDataset, DatasetLike } from './dataset';
import { CollateFn, Fetcher, IterableFetcher, MapFetcher, STOP } from './_fetch';
import { _set_worker_info } from './worker_info';
import { decodeArg, encodeBatch } from './worker_spec';
import { EPOCH, EXITED, POSTED } from './_multi_worker';
import type { ToMain, ToWorker, WorkerInit } from './_multi_worker';

const init = workerData as WorkerInit;
const port = parentPort!;
const shared = new Int32Array(init.shared);

/** Posts a result and wakes a main thread blocked in synchronous iteration. */
function send(msg: ToMain, transfer: ArrayBuffer[] = []): void {
  init.results.postMessage(msg, transfer);
  Atomics.add(shared, POSTED, 1);
  Atomics.notify(shared, POSTED);
}

// However this thread ends (an uncaught error included), a blocked main thread must learn it.
process.on('exit', () => {
  Atomics.store(shared, EXITED + init.workerId, 1);
  Atomics.add(shared, POSTED, 1);
  Atomics.notify(shared, POSTED);
});
const libRoot = path.resolve(__dirname, '..', '..');

/** `torchts:<path>` is torchts' own module, in the copy this worker runs; anything else is required as is. */
function load(module: string): Record<string, unknown> {
  const file = module.startsWith('torchts:') ? path.join(libRoot, module.slice('torchts:'.length)) : module;

  return require(file) as Record<string, unknown>;
}

function errorPayload(e: unknown): ToMain & { type: 'error' } {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    type: 'error',
    epoch: -1,
    idx: -1,
    name: err.name === 'TorchError' ? ((err as TorchError).python_type ?? 'RuntimeError') : err.name,
    message: err.message,
    stack: err.stack ?? `${err.name}: ${err.message}`,
    python_type: err instanceof TorchError ? err.python_type : null,
  };
}

let dataset: unknown;
let fetcher: Fetcher | null = null;
let initError: ToMain | null = null;

const collate = (
  init.collate === 'collate' ? default_collate : init.collate === 'convert' ? default_convert : null
) as CollateFn;

function makeFetcher(): Fetcher {
  return init.isIterable
    ? new IterableFetcher(
        dataset as IterableDataset<unknown>,
        init.autoCollation,
        collate,
        init.batchSize,
        init.dropLast,
      )
    : new MapFetcher(dataset as DatasetLike<unknown>, init.autoCollation, collate);
}

try {
  const seed = BigInt(init.baseSeed) + BigInt(init.workerId);
  _set_thread_generator(new Generator().manual_seed(seed));
  dataset = decodeArg(init.dataset, load);
  _set_worker_info({
    id: init.workerId,
    num_workers: init.numWorkers,
    seed: seed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed,
    dataset,
  });
  if (init.workerInit)
    (load(init.workerInit.module)[init.workerInit.exportName] as (id: number) => void)(init.workerId);
  fetcher = makeFetcher();
} catch (e) {
  initError = errorPayload(e);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'reset') {
    if (!initError && init.isIterable) fetcher = makeFetcher();
    return;
  }
  if (msg.type === 'exit') {
    port.close();
    init.results.close();
    return;
  }
  if (msg.epoch !== Atomics.load(shared, EPOCH)) return; // the main thread no longer wants it
  if (initError) {
    send({ ...initError, epoch: msg.epoch, idx: msg.idx });
    return;
  }
  try {
    const data = fetcher!.fetch(msg.index);
    if (data === STOP) {
      send({ type: 'stop', epoch: msg.epoch, idx: msg.idx });
      return;
    }
    const transfer: ArrayBuffer[] = [];
    const encoded = encodeBatch(data, transfer);
    send({ type: 'data', epoch: msg.epoch, idx: msg.idx, data: encoded }, transfer);
  } catch (e) {
    send({ ...errorPayload(e), epoch: msg.epoch, idx: msg.idx });
  }
});
