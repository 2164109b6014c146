/**
 * torch.utils.data.sampler (PyTorch 1.13). Samplers are iterables of indices with a `length`;
 * the random ones draw exactly what 1.13 draws (same ops, same generator, same order), so a
 * seed gives Python's index order.
 */
import { Tensor, TorchError, float64, tensor } from '../../index';
import { Generator, multinomial, randint, random_int64, randperm } from '../../generator';
import { len, Sized } from './dataset';

function toInts(t: { toTypedArray(): ArrayLike<number | bigint> }): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/** Python's repr of a tuple of ints: (3,) or (1, 2). */
function pyTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Python's str() of a value in an error message. */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return String(v);
}

/** torch.utils.data.Sampler: the base class (iterate indices; `length` if known). */
export abstract class Sampler<T = number> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;

  /** Python's `__iter__`. */
  __iter__(): Iterator<T> {
    return this[Symbol.iterator]();
  }

  get length(): number {
    throw new TypeError(`object of type '${this.constructor.name}' has no len()`);
  }

  __len__(): number {
    return this.length;
  }
}

/** SequentialSampler(data_source): 0, 1, ..., len - 1. */
export class SequentialSampler extends Sampler<number> {
  constructor(readonly data_source: Sized) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = len(this.data_source);
    for (let i = 0; i < n; i++) yield i;
  }

  override get length(): number {
    return len(this.data_source);
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  num_samples?: number | null;
  generator?: Generator | null;
}

/**
 * RandomSampler(data_source, { replacement, num_samples, generator }). Without a generator each
 * iteration seeds a fresh one from the global RNG (`random_()` on an int64), as 1.13.
 */
export class RandomSampler extends Sampler<number> {
  readonly replacement: boolean;
  readonly generator: Generator | null;
  private readonly _num_samples: number | null;

  constructor(
    readonly data_source: Sized,
    opts: RandomSamplerOptions = {},
  ) {
    super();
    this.replacement = opts.replacement ?? false;
    this._num_samples = opts.num_samples ?? null;
    this.generator = opts.generator ?? null;
    if (typeof this.replacement !== 'boolean') {
      throw new TypeError(`replacement should be a boolean value, but got replacement=${pyStr(this.replacement)}`);
    }
    if (!isPositiveInt(this.num_samples)) {
      throw new TorchError(
        `num_samples should be a positive integer value, but got num_samples=${pyStr(this.num_samples)}`,
        'ValueError',
      );
    }
  }

  get num_samples(): number {
    return this._num_samples ?? len(this.data_source);
  }

  *[Symbol.iterator](): Iterator<number> {
    const n = len(this.data_source);
    let generator = this.generator;
    if (generator === null) {
      const seed = random_int64(null);
      generator = new Generator().manual_seed(seed);
    }
    const num = this.num_samples;
    if (this.replacement) {
      for (let k = 0; k < Math.floor(num / 32); k++) yield* toInts(randint(0, n, [32], generator));
      yield* toInts(randint(0, n, [num % 32], generator));
    } else {
      for (let k = 0; k < Math.floor(num / n); k++) yield* toInts(randperm(n, generator));
      yield* toInts(randperm(n, generator)).slice(0, num % n);
    }
  }

  override get length(): number {
    return this.num_samples;
  }
}

/** SubsetRandomSampler(indices, generator): the indices in a random order. */
export class SubsetRandomSampler extends Sampler<number> {
  constructor(
    readonly indices: readonly number[],
    readonly generator: Generator | null = null,
  ) {
    super();
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const i of toInts(randperm(this.indices.length, this.generator))) yield this.indices[i];
  }

  override get length(): number {
    return this.indices.length;
  }
}

/** WeightedRandomSampler(weights, num_samples, { replacement = true, generator }). */
export class WeightedRandomSampler extends Sampler<number> {
  readonly weights: Tensor;
  readonly replacement: boolean;
  readonly generator: Generator | null;

  constructor(
    weights: readonly number[],
    readonly num_samples: number,
    opts: { replacement?: boolean; generator?: Generator | null } = {},
  ) {
    super();
    const replacement = opts.replacement ?? true;
    if (!isPositiveInt(num_samples)) {
      throw new TorchError(
        `num_samples should be a positive integer value, but got num_samples=${pyStr(num_samples)}`,
        'ValueError',
      );
    }
    if (typeof replacement !== 'boolean') {
      throw new TorchError(
        `replacement should be a boolean value, but got replacement=${pyStr(replacement)}`,
        'ValueError',
      );
    }
    const w = tensor(weights as number[], { dtype: float64 });
    if (w.dim() !== 1) {
      throw new TorchError(
        `weights should be a 1d sequence but given weights have shape ${pyTuple(w.shape)}`,
        'ValueError',
      );
    }
    this.weights = w;
    this.replacement = replacement;
    this.generator = opts.generator ?? null;
  }

  *[Symbol.iterator](): Iterator<number> {
    yield* toInts(multinomial(this.weights, this.num_samples, this.replacement, this.generator));
  }

  override get length(): number {
    return this.num_samples;
  }
}

/** BatchSampler(sampler, batch_size, drop_last): lists of indices. */
export class BatchSampler extends Sampler<number[]> {
  constructor(
    readonly sampler: Iterable<number>,
    readonly batch_size: number,
    readonly drop_last: boolean,
  ) {
    super();
    if (!isPositiveInt(batch_size)) {
      throw new TorchError(
        `batch_size should be a positive integer value, but got batch_size=${pyStr(batch_size)}`,
        'ValueError',
      );
    }
    if (typeof drop_last !== 'boolean') {
      throw new TorchError(`drop_last should be a boolean value, but got drop_last=${pyStr(drop_last)}`, 'ValueError');
    }
  }

  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const idx of this.sampler) {
      batch.push(idx);
      if (batch.length === this.batch_size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.drop_last) yield batch;
  }

  override get length(): number {
    const n = len(this.sampler as unknown as Sized);
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }
}
