/**
 * The generator a DataLoader worker thread draws from. Python's DataLoader workers are processes,
 * each with its own default generator seeded base_seed + worker_id. torchts' workers are threads
 * of one process and libtorch's default generator is process-wide, so a worker gets its own
 * Generator here instead, and every random op without an explicit `generator` (torch.rand,
 * randint, randperm, normal, Tensor.uniform_/normal_, manual_seed, the random transforms) uses it.
 * On the main thread it is null: the default generator. A module without runtime imports, so the
 * Tensor class can consult it without an import cycle.
 */
import type { Generator } from './generator';

let threadGenerator: Generator | null = null;

/** This thread's data-pipeline generator: a DataLoader worker's own, else null (the default). */
export function thread_generator(): Generator | null {
  return threadGenerator;
}

/** Set by the DataLoader worker at start-up (lib/utils/data/_worker.ts). */
export function _set_thread_generator(g: Generator | null): void {
  threadGenerator = g;
}
