/**
 * torch.nn.utils: gradient clipping (clip_grad.py) and flattening parameters into one vector
 * (convert_parameters.py), ported from PyTorch 1.13.
 */
import { no_grad } from '../autograd';
import { tensor } from '../creation';
import { TorchError, typeName } from '../errors';
import { cat, stack } from '../functions';
import { N } from '../native';
import { Tensor } from '../tensor';
import { bindArgs, PyArgs, pyFloat, REQUIRED } from './modules/utils';

function tensorsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  return parameters instanceof Tensor ? [parameters] : [...parameters];
}

interface ClipGradNormArgs {
  parameters: Tensor | Iterable<Tensor>;
  max_norm: number;
  norm_type?: number;
  error_if_nonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint `norm_type` norm is at most `max_norm`;
 * returns the norm before clipping (a 0-d tensor). `norm_type` may be Infinity.
 *
 *   nn.utils.clip_grad_norm_(model.parameters(), 1.0);
 *   nn.utils.clip_grad_norm_(model.parameters(), 1.0, { norm_type: Infinity, error_if_nonfinite: true });
 */
export function clip_grad_norm_(
  ...args: PyArgs<ClipGradNormArgs, ['parameters', 'max_norm', 'norm_type', 'error_if_nonfinite']>
): Tensor {
  const o = bindArgs<Required<ClipGradNormArgs>>(
    'clip_grad_norm_',
    [
      ['parameters', REQUIRED],
      ['max_norm', REQUIRED],
      ['norm_type', 2.0],
      ['error_if_nonfinite', false],
    ],
    args,
  );
  const { parameters, error_if_nonfinite } = o;
  const grads = tensorsOf(parameters)
    .map((p) => p.grad)
    .filter((g): g is Tensor => g !== null);
  const max_norm = Number(o.max_norm);
  const norm_type = Number(o.norm_type);
  if (grads.length === 0) return tensor(0.0);
  const device = grads[0].device;
  let total_norm: Tensor;
  if (norm_type === Infinity) {
    const norms = grads.map((g) => g.detach().abs().max().to(device));
    total_norm = norms.length === 1 ? norms[0] : stack(norms).max();
  } else {
    total_norm = stack(grads.map((g) => g.detach().norm(norm_type).to(device))).norm(norm_type);
  }
  if (error_if_nonfinite && total_norm.isnan().logical_or(total_norm.isinf()).item()) {
    throw new TorchError(
      `The total norm of order ${pyFloat(norm_type)} for gradients from ` +
        '`parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the ' +
        'non-finite norm anyway, set `error_if_nonfinite=False`',
    );
  }
  // Python's `max_norm / tensor` is `tensor.reciprocal() * max_norm`.
  const clip_coef = total_norm.add(1e-6).reciprocal().mul(max_norm);
  const clip_coef_clamped = clip_coef.clamp(null, 1.0);
  for (const g of grads) g.detach().mul_(clip_coef_clamped.to(g.device));
  return total_norm;
}

/** Clamps every gradient to [-clip_value, clip_value] in place. */
export function clip_grad_value_(parameters: Tensor | Iterable<Tensor>, clip_value: number): void {
  clip_value = Number(clip_value);
  for (const p of tensorsOf(parameters)) {
    const g = p.grad;
    if (g !== null) no_grad(() => g.detach().clamp_(-clip_value, clip_value));
  }
}

/** Python's _check_param_device: all parameters on one device (-1 for CPU, else the CUDA index). */
function _check_param_device(param: Tensor, old_param_device: number | null): number {
  const here = param.is_cuda ? (param.device.index ?? 0) : -1;
  if (old_param_device === null) return here;
  if (here !== old_param_device) {
    throw new TypeError('Found two parameters on different devices, this is currently not supported.');
  }
  return old_param_device;
}

/** All parameters flattened and concatenated into one vector. */
export function parameters_to_vector(parameters: Iterable<Tensor>): Tensor {
  let param_device: number | null = null;
  const vec: Tensor[] = [];
  for (const param of parameters) {
    param_device = _check_param_device(param, param_device);
    vec.push(param.view(-1));
  }
  return cat(vec);
}

/** Points each parameter's data at its slice of `vec` (the inverse of parameters_to_vector). */
export function vector_to_parameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typeName(vec)}`);
  let param_device: number | null = null;
  let pointer = 0;
  for (const param of parameters) {
    param_device = _check_param_device(param, param_device);
    const num_param = param.numel();
    // param.data = vec[pointer:pointer + num_param].view_as(param).data
    N.set_data(param._h, vec.narrow(0, pointer, num_param).view_as(param).detach()._h);
    pointer += num_param;
  }
}
