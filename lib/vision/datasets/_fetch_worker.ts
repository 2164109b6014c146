/**
 * The worker_thread behind fetchToSync (./_fetch_sync.ts): runs the async fetch, posts the outcome
 * on the job's port, then wakes the blocked caller through the shared flag. A heartbeat counter
 * lets the caller tell a slow download from a dead thread.
 */
import { workerData } from 'worker_threads';
import { fetchTo } from './_fetch';
import type { FetchJob, FetchOutcome } from './_fetch_sync';

const job = workerData as FetchJob;
const flags = new Int32Array(job.signal);
const beat = setInterval(() => Atomics.add(flags, 1, 1), 250);

function finish(outcome: FetchOutcome): void {
  clearInterval(beat);
  // The message is queued on the port before the caller wakes, so receiveMessageOnPort finds it.
  job.port.postMessage(outcome);
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
}

fetchTo(job.url, job.dest, job.hops).then(
  () => finish({ ok: true }),
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    finish({ ok: false, name: err.name, message: err.message });
  },
);
