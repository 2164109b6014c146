/**
 * A synchronous fetchTo for `download: true` in dataset constructors (torchvision downloads
 * inside `__init__`, and Node has no synchronous HTTP): the async fetch runs in a worker_thread
 * while this thread blocks in Atomics.wait on a SharedArrayBuffer; the outcome comes back over a
 * MessageChannel read with receiveMessageOnPort (this thread's event loop never runs meanwhile).
 * Works on the main thread and in worker threads (a DataLoader worker building a dataset).
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { compiledWorkerFile } from '../../utils/_worker_file';
import { URLError } from './_fetch';

/** workerData of ./_fetch_worker.ts. */
export interface FetchJob {
  url: string;
  dest: string;
  hops: number;
  /** Int32 [done flag, heartbeat counter]. */
  signal: SharedArrayBuffer;
  port: MessagePort;
}

export type FetchOutcome = { ok: true } | { ok: false; name: string; message: string };

/** A worker whose heartbeat stops for this long is dead (its thread crashed or never started). */
const STALL_MS = 60_000;

/** fetchTo(url, dest, hops), blocking until the file is written; errors keep their kind (URLError). */
export function fetchToSync(url: string, dest: string, hops: number): void {
  const script = compiledWorkerFile(__filename, '_fetch_worker', 'synchronous dataset downloads');
  const signal = new SharedArrayBuffer(8);
  const flags = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const job: FetchJob = { url, dest, hops, signal, port: port2 };
  const worker = new Worker(script, { workerData: job, transferList: [port2] });
  worker.unref();
  try {
    let seen = Atomics.load(flags, 1);
    let quietSince = Date.now();
    while (Atomics.wait(flags, 0, 0, 1000) === 'timed-out') {
      const now = Atomics.load(flags, 1);
      if (now !== seen) {
        seen = now;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > STALL_MS) {
        throw new URLError(`download of ${url} failed: the download thread stopped responding`);
      }
    }
    const outcome = receiveMessageOnPort(port1)?.message as FetchOutcome | undefined;
    if (!outcome) throw new URLError(`download of ${url} failed: the download thread sent no result`);
    if (!outcome.ok) {
      if (outcome.name === 'URLError') throw new URLError(outcome.message);
      const e = new Error(outcome.message);
      e.name = outcome.name;
      throw e;
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}
