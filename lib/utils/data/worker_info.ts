/**
 * torch.utils.data.get_worker_info(): inside a DataLoader worker thread, which worker this is
 * (to split an IterableDataset's stream between workers); null on the main thread.
 */
import type { Seed } from '../../generator';

export interface WorkerInfo {
  /** This worker's index, 0 ≤ id < num_workers (also which batches it gets: round-robin). */
  readonly id: number;
  readonly num_workers: number;
  /** base_seed + id: what seeds this worker's generator (torch.thread_generator()). */
  readonly seed: Seed;
  /** This worker's copy of the dataset. */
  readonly dataset: unknown;
}

let info: WorkerInfo | null = null;

export function get_worker_info(): WorkerInfo | null {
  return info;
}

/** Called once by the worker entry (./_worker.ts). */
export function _set_worker_info(i: WorkerInfo): void {
  info = Object.freeze({ ...i });
}
