/**
 * torch.Generator (CPU) and the generator-taking random functions torch.utils.data needs.
 *
 *   const g = new torch.Generator().manual_seed(42);
 *   torch.utils.data.random_split(ds, [0.8, 0.2], { generator: g });
 *
 * The state is an at::Generator held natively (native/ops_data.cc), so the numbers are PyTorch's
 * for the same seed.
 */
import { N, Handle } from './native';
import { argError, TorchError } from './errors';
import { FactoryOptions, packOptions } from './options';
import { get_default_dtype, int64, uint8 } from './dtype';
import { Tensor } from './tensor';

/** Seeds are uint64 in PyTorch; JS numbers are exact to 2^53, beyond that pass a BigInt. */
export type Seed = number | bigint;

const U64 = 1n << 64n;

/** PyTorch accepts seeds in [-2^63, 2^64); the native side takes the same 64 bits as an int64. */
function seedBits(fn: string, seed: Seed): bigint | number {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw argError(fn, 'seed', 'int', seed);
    if (Number.isSafeInteger(seed) && seed >= 0) return seed;
    seed = BigInt(seed);
  }
  if (typeof seed !== 'bigint') throw argError(fn, 'seed', 'int', seed);
  if (seed < -(1n << 63n) || seed >= U64) {
    throw new TorchError('Overflow when unpacking long', 'RuntimeError');
  }
  return BigInt.asIntN(64, seed);
}

/** The native int64 back as PyTorch's uint64 seed: a number when exact, else a BigInt. */
function seedValue(raw: number | bigint): Seed {
  if (typeof raw === 'number' && raw >= 0) return raw;
  const u = BigInt.asUintN(64, BigInt(raw));
  return u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
}

export class Generator {
  /** The native at::Generator handle. */
  readonly _g: Handle;

  constructor(device: string = 'cpu', handle?: Handle) {
    if (device !== 'cpu') throw new TorchError(`torchts: torch.Generator supports device 'cpu' only, got '${device}'`);
    this._g = handle ?? N.generator_new();
  }

  get device(): string {
    return 'cpu';
  }

  /** Sets the seed; returns this generator, as Python's `manual_seed`. */
  manual_seed(seed: Seed): this {
    N.generator_manual_seed(this._g, seedBits('manual_seed', seed));
    return this;
  }

  initial_seed(): Seed {
    return seedValue(N.generator_initial_seed(this._g));
  }

  /** Seeds from a non-deterministic source and returns that seed. */
  seed(): Seed {
    return seedValue(N.generator_seed(this._g));
  }

  /** The RNG state as a uint8 tensor (a copy). */
  get_state(): Tensor {
    return new Tensor(N.generator_get_state(this._g));
  }

  set_state(state: Tensor): this {
    if (!(state instanceof Tensor)) throw argError('set_state', 'new_state', 'torch.ByteTensor', state);
    if (state.dtype !== uint8) {
      throw new TypeError(`expected a torch.ByteTensor, but got a tensor of dtype torch.${state.dtype.name}`);
    }
    N.generator_set_state(this._g, state._h);
    return this;
  }
}

/** torch.default_generator: the CPU generator behind torch.manual_seed and every op without `generator`. */
export const default_generator: Generator = new Generator('cpu', N.generator_default());

/** torch.get_rng_state(): the default CPU generator's state as a uint8 tensor. */
export function get_rng_state(): Tensor {
  return default_generator.get_state();
}

/** torch.set_rng_state(state): restores a state from get_rng_state(). */
export function set_rng_state(new_state: Tensor): void {
  default_generator.set_state(new_state);
}

function genHandle(fn: string, g: Generator | null | undefined): Handle | null {
  if (g == null) return null;
  if (!(g instanceof Generator)) throw argError(fn, 'generator', 'torch.Generator', g);
  return g._g;
}

/** torch.randperm(n, generator=g): int64 by default. */
export function randperm(n: number, generator?: Generator | null, opts?: FactoryOptions): Tensor {
  if (!Number.isInteger(n)) throw argError('randperm', 'n', 'int', n);
  return new Tensor(N.randperm_g(n, genHandle('randperm', generator), packOptions('randperm', opts, int64)));
}

/** torch.randint(low, high, size, generator=g): int64 by default. */
export function randint(
  low: number,
  high: number,
  size: readonly number[],
  generator?: Generator | null,
  opts?: FactoryOptions,
): Tensor {
  return new Tensor(N.randint_g(low, high, size, genHandle('randint', generator), packOptions('randint', opts, int64)));
}

/** torch.rand(size, generator=g) in the default dtype unless `opts.dtype`. */
export function rand(size: readonly number[], generator?: Generator | null, opts?: FactoryOptions): Tensor {
  return new Tensor(N.rand_g(size, genHandle('rand', generator), packOptions('rand', opts, get_default_dtype())));
}

/** torch.multinomial(input, num_samples, replacement, generator=g). */
export function multinomial(
  input: Tensor,
  num_samples: number,
  replacement = false,
  generator?: Generator | null,
): Tensor {
  if (!(input instanceof Tensor)) throw argError('multinomial', 'input', 'Tensor', input);
  return new Tensor(N.multinomial_g(input._h, num_samples, replacement, genHandle('multinomial', generator)));
}

/**
 * `int(torch.empty((), dtype=torch.int64).random_(generator=g).item())`: the seed draw that
 * RandomSampler and DataLoader iterators make. A BigInt when beyond 2^53.
 */
export function random_int64(generator?: Generator | null): number | bigint {
  return N.random_int64_g(genHandle('random_', generator));
}

/** torch.randn(size, generator=g) in the default dtype unless `opts.dtype`. */
export function randn(size: readonly number[], generator?: Generator | null, opts?: FactoryOptions): Tensor {
  return new Tensor(N.randn_g(size, genHandle('randn', generator), packOptions('randn', opts, get_default_dtype())));
}

/** `t.uniform_(from, to, generator=g)`: in place, returns `t`. */
export function uniform_(t: Tensor, from = 0, to = 1, generator?: Generator | null): Tensor {
  if (!(t instanceof Tensor)) throw argError('uniform_', 'self', 'Tensor', t);
  N.uniform_g_(t._h, from, to, genHandle('uniform_', generator));
  return t;
}

/** `t.normal_(mean, std, generator=g)`: in place, returns `t`. */
export function normal_(t: Tensor, mean = 0, std = 1, generator?: Generator | null): Tensor {
  if (!(t instanceof Tensor)) throw argError('normal_', 'self', 'Tensor', t);
  N.normal_g_(t._h, mean, std, genHandle('normal_', generator));
  return t;
}

export { thread_generator, _set_thread_generator } from './_thread_generator';
