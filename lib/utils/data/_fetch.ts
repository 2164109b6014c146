/**
 * torch.utils.data._utils.fetch: turns one index (or a list of indices) into one batch, for a
 * map-style or an iterable dataset. The main thread (num_workers: 0) and each worker thread
 * use the same fetchers.
 */
import { getItem, IterableDataset, DatasetLike } from './dataset';

/** Signals that an iterable dataset has no batch left for this fetch (Python's StopIteration). */
export const STOP = Symbol('StopIteration');

export interface Fetcher {
  /** `index` is a list of indices with automatic batching, else one index (ignored for iterables). */
  fetch(index: number | number[] | null): unknown | typeof STOP;
}

/** `collate` null: return the raw samples (a custom collate_fn then runs elsewhere). */
export type CollateFn = ((batch: unknown) => unknown) | null;

export class MapFetcher implements Fetcher {
  constructor(
    private readonly dataset: DatasetLike<unknown>,
    private readonly autoCollation: boolean,
    private readonly collate: CollateFn,
  ) {}

  fetch(index: number | number[] | null): unknown {
    const data = this.autoCollation
      ? (index as number[]).map((i) => getItem(this.dataset, i))
      : getItem(this.dataset, index as number);
    return this.collate ? this.collate(data) : data;
  }
}

export class IterableFetcher implements Fetcher {
  private readonly it: Iterator<unknown>;
  private ended = false;

  constructor(
    dataset: IterableDataset<unknown>,
    private readonly autoCollation: boolean,
    private readonly collate: CollateFn,
    private readonly batchSize: number,
    private readonly dropLast: boolean,
  ) {
    this.it = dataset[Symbol.iterator]();
  }

  fetch(): unknown {
    if (this.ended) return STOP;
    let data: unknown;
    if (this.autoCollation) {
      const batch: unknown[] = [];
      while (batch.length < this.batchSize) {
        const r = this.it.next();
        if (r.done) {
          this.ended = true;
          break;
        }
        batch.push(r.value);
      }
      if (batch.length === 0 || (this.dropLast && batch.length < this.batchSize)) return STOP;
      data = batch;
    } else {
      const r = this.it.next();
      if (r.done) {
        this.ended = true;
        return STOP;
      }
      data = r.value;
    }
    return this.collate ? this.collate(data) : data;
  }
}
