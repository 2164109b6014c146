/** nn.Parameter: a Tensor that a Module registers as a parameter when assigned to a field. */
import { N } from '../native';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';
import { empty } from '../creation';

export class Parameter extends Tensor {
  /** Shares `data`'s memory (a detached alias, as Python's `_make_subclass`) and requires grad by default. */
  constructor(data?: Tensor | null, requires_grad = true) {
    const src = data ?? empty(0);
    if (!(src instanceof Tensor)) throw new TypeError(`Parameter(): argument 'data' must be Tensor, not ${typeof src}`);
    super(N.detach(src._h));
    if (requires_grad && !src.is_floating_point()) {
      throw new TorchError('Only Tensors of floating point and complex dtype can require gradients');
    }
    N.requires_grad_(this._h, requires_grad);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
