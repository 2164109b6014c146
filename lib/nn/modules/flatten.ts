/** torch/nn/modules/flatten.py: Flatten, Unflatten. */
import { Tensor } from '../../tensor';
import { Module } from './module';
import { bindArgs, PyArgs, pyStr, REQUIRED } from './utils';

/** Flattens dimensions start_dim..end_dim (by default all but the batch dimension). */
export class Flatten extends Module<(input: Tensor) => Tensor> {
  declare start_dim: number;
  declare end_dim: number;

  constructor(...args: PyArgs<{ start_dim?: number; end_dim?: number }, ['start_dim', 'end_dim']>) {
    super();
    const spec = [
      ['start_dim', 1],
      ['end_dim', -1],
    ] as const;
    const o = bindArgs<{ start_dim: number; end_dim: number }>('Flatten.__init__', spec, args);
    this.start_dim = o.start_dim;
    this.end_dim = o.end_dim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${pyStr(this.start_dim)}, end_dim=${pyStr(this.end_dim)}`;
  }
}

/** Expands dimension `dim` into `unflattened_size`. */
export class Unflatten extends Module<(input: Tensor) => Tensor> {
  declare dim: number;
  declare unflattened_size: number[];

  constructor(...args: PyArgs<{ dim: number; unflattened_size: readonly number[] }, ['dim', 'unflattened_size']>) {
    super();
    const o = bindArgs<{ dim: number; unflattened_size: readonly number[] }>(
      'Unflatten.__init__',
      [
        ['dim', REQUIRED],
        ['unflattened_size', REQUIRED],
      ],
      args,
    );
    // Named dimensions (a str dim) are not supported: torchts has no named tensors.
    if (typeof o.dim !== 'number') throw new TypeError('invalid argument type for dim parameter');
    this._require_tuple_int(o.unflattened_size);
    this.dim = o.dim;
    this.unflattened_size = [...o.unflattened_size];
  }

  _require_tuple_int(input: unknown): void {
    if (Array.isArray(input)) {
      input.forEach((elem: unknown, idx) => {
        if (typeof elem !== 'number' || !Number.isInteger(elem)) {
          const type = typeof elem === 'number' ? 'float' : typeof elem;
          throw new TypeError(
            `unflattened_size must be tuple of ints, but found element of type ${type} at pos ${idx}`,
          );
        }
      });
      return;
    }
    const type = typeof input === 'number' ? (Number.isInteger(input) ? 'int' : 'float') : typeof input;
    throw new TypeError(`unflattened_size must be a tuple of ints, but found type ${type}`);
  }

  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattened_size);
  }

  override extra_repr(): string {
    return `dim=${pyStr(this.dim)}, unflattened_size=${pyStr(this.unflattened_size)}`;
  }
}
