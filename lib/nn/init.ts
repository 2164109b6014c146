/**
 * torch.nn.init, ported line for line from torch/nn/init.py (1.13): the same arithmetic in double
 * precision and the same in-place ATen calls in the same order, so that after `torch.manual_seed(s)`
 * every function fills a tensor with exactly the numbers Python's does. All run under no_grad.
 *
 *   nn.init.kaiming_uniform_(w, { a: Math.sqrt(5) });
 *   nn.init.kaiming_normal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
 */
import { no_grad } from '../autograd';
import { empty, eye, randperm } from '../creation';
import { argError, TorchError } from '../errors';
import { Handle, N } from '../native';
import { Tensor } from '../tensor';
import { bindArgs, PyArgs, pyRepr, pyStr, REQUIRED } from './modules/utils';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

function checkTensor(fn: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, 'tensor', 'Tensor', t);
  return t;
}

function warn(message: string): void {
  process.emitWarning(message, 'UserWarning');
}

function _no_grad_uniform_(tensor: Tensor, a: number, b: number): Tensor {
  return no_grad(() => tensor.uniform_(a, b));
}

function _no_grad_normal_(tensor: Tensor, mean: number, std: number): Tensor {
  return no_grad(() => tensor.normal_(mean, std));
}

function _no_grad_trunc_normal_(tensor: Tensor, mean: number, std: number, a: number, b: number): Tensor {
  // Python's math.erf is the C library's; the addon calls the same function.
  const norm_cdf = (x: number): number => (1 + (N.erf_double(x / Math.sqrt(2)) as number)) / 2;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  return no_grad(() => {
    const l = norm_cdf((a - mean) / std);
    const u = norm_cdf((b - mean) / std);
    tensor.uniform_(2 * l - 1, 2 * u - 1);
    N.erfinv_(tensor._h);
    tensor.mul_(std * Math.sqrt(2));
    tensor.add_(mean);
    tensor.clamp_(a, b);
    return tensor;
  });
}

/** The recommended gain for a nonlinearity (`param` is leaky_relu's negative slope). */
export function calculate_gain(nonlinearity: Nonlinearity, param: number | null = null): number {
  const linear_fns = [
    'linear',
    'conv1d',
    'conv2d',
    'conv3d',
    'conv_transpose1d',
    'conv_transpose2d',
    'conv_transpose3d',
  ];
  if (linear_fns.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let negative_slope: number;
    if (param === null || param === undefined) negative_slope = 0.01;
    else if (typeof param === 'number') negative_slope = param;
    else throw new TorchError(`negative_slope ${pyRepr(param)} not a valid number`, 'ValueError');
    return Math.sqrt(2.0 / (1 + negative_slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new TorchError(`Unsupported nonlinearity ${pyStr(nonlinearity)}`, 'ValueError');
}

/** Fills with U(a, b). */
export function uniform_(...args: PyArgs<{ tensor: Tensor; a?: number; b?: number }, ['tensor', 'a', 'b']>): Tensor {
  const spec = [
    ['tensor', REQUIRED],
    ['a', 0],
    ['b', 1],
  ] as const;
  const o = bindArgs<{ tensor: Tensor; a: number; b: number }>('uniform_', spec, args);
  return _no_grad_uniform_(checkTensor('uniform_', o.tensor), o.a, o.b);
}

/** Fills with N(mean, std^2). */
export function normal_(
  ...args: PyArgs<{ tensor: Tensor; mean?: number; std?: number }, ['tensor', 'mean', 'std']>
): Tensor {
  const spec = [
    ['tensor', REQUIRED],
    ['mean', 0],
    ['std', 1],
  ] as const;
  const o = bindArgs<{ tensor: Tensor; mean: number; std: number }>('normal_', spec, args);
  return _no_grad_normal_(checkTensor('normal_', o.tensor), o.mean, o.std);
}

type TruncNormalArgs = { tensor: Tensor; mean?: number; std?: number; a?: number; b?: number };

/** Fills with N(mean, std^2) truncated to [a, b] (inverse-CDF method, as PyTorch). */
export function trunc_normal_(...args: PyArgs<TruncNormalArgs, ['tensor', 'mean', 'std', 'a', 'b']>): Tensor {
  const o = bindArgs<Required<TruncNormalArgs>>(
    'trunc_normal_',
    [
      ['tensor', REQUIRED],
      ['mean', 0],
      ['std', 1],
      ['a', -2],
      ['b', 2],
    ],
    args,
  );
  return _no_grad_trunc_normal_(checkTensor('trunc_normal_', o.tensor), o.mean, o.std, o.a, o.b);
}

/** Fills with `val`. */
export function constant_(...args: PyArgs<{ tensor: Tensor; val: number }, ['tensor', 'val']>): Tensor {
  const o = bindArgs<{ tensor: Tensor; val: number }>(
    'constant_',
    [
      ['tensor', REQUIRED],
      ['val', REQUIRED],
    ],
    args,
  );
  const t = checkTensor('constant_', o.tensor);
  return no_grad(() => t.fill_(o.val));
}

export function ones_(tensor: Tensor): Tensor {
  const t = checkTensor('ones_', tensor);
  return no_grad(() => t.fill_(1.0));
}

export function zeros_(tensor: Tensor): Tensor {
  const t = checkTensor('zeros_', tensor);
  return no_grad(() => t.zero_());
}

/** Fills a 2-D tensor with the identity matrix. */
export function eye_(tensor: Tensor): Tensor {
  const t = checkTensor('eye_', tensor);
  if (t.dim() !== 2) throw new TorchError('Only tensors with 2 dimensions are supported', 'ValueError');
  // torch.eye(*shape, out=tensor): the same values written into the tensor's own memory.
  no_grad(() => t.copy_(eye(t.size(0), t.size(1), { dtype: t.dtype, device: t.device })));
  return t;
}

/** Fills a {3,4,5}-D conv weight with the Dirac delta (identity convolution), per group. */
export function dirac_(...args: PyArgs<{ tensor: Tensor; groups?: number }, ['tensor', 'groups']>): Tensor {
  const o = bindArgs<{ tensor: Tensor; groups: number }>(
    'dirac_',
    [
      ['tensor', REQUIRED],
      ['groups', 1],
    ],
    args,
  );
  const tensor = checkTensor('dirac_', o.tensor);
  const dimensions = tensor.dim();
  if (![3, 4, 5].includes(dimensions)) {
    throw new TorchError('Only tensors with 3, 4, or 5 dimensions are supported', 'ValueError');
  }
  const sizes = tensor.size();
  if (sizes[0] % o.groups !== 0) throw new TorchError('dim 0 must be divisible by groups', 'ValueError');
  const out_chans_per_grp = Math.floor(sizes[0] / o.groups);
  const min_dim = Math.min(out_chans_per_grp, sizes[1]);
  no_grad(() => {
    tensor.zero_();
    const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
    for (let g = 0; g < o.groups; g++) {
      for (let d = 0; d < min_dim; d++) tensor.index_put_([g * out_chans_per_grp + d, d, ...centre], 1);
    }
  });
  return tensor;
}

/** `[fan_in, fan_out]` of a weight: in/out feature maps times the receptive field size. */
export function _calculate_fan_in_and_fan_out(tensor: Tensor): [number, number] {
  const dimensions = tensor.dim();
  if (dimensions < 2) {
    throw new TorchError(
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
      'ValueError',
    );
  }
  const num_input_fmaps = tensor.size(1);
  const num_output_fmaps = tensor.size(0);
  let receptive_field_size = 1;
  if (tensor.dim() > 2) for (const s of tensor.shape.slice(2)) receptive_field_size *= s;
  return [num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size];
}

/** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavier_uniform_(...args: PyArgs<{ tensor: Tensor; gain?: number }, ['tensor', 'gain']>): Tensor {
  const o = bindArgs<{ tensor: Tensor; gain: number }>(
    'xavier_uniform_',
    [
      ['tensor', REQUIRED],
      ['gain', 1],
    ],
    args,
  );
  const [fan_in, fan_out] = _calculate_fan_in_and_fan_out(checkTensor('xavier_uniform_', o.tensor));
  const std = o.gain * Math.sqrt(2.0 / (fan_in + fan_out));
  const a = Math.sqrt(3.0) * std;
  return _no_grad_uniform_(o.tensor, -a, a);
}

/** Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavier_normal_(...args: PyArgs<{ tensor: Tensor; gain?: number }, ['tensor', 'gain']>): Tensor {
  const o = bindArgs<{ tensor: Tensor; gain: number }>(
    'xavier_normal_',
    [
      ['tensor', REQUIRED],
      ['gain', 1],
    ],
    args,
  );
  const [fan_in, fan_out] = _calculate_fan_in_and_fan_out(checkTensor('xavier_normal_', o.tensor));
  const std = o.gain * Math.sqrt(2.0 / (fan_in + fan_out));
  return _no_grad_normal_(o.tensor, 0, std);
}

function _calculate_correct_fan(tensor: Tensor, mode: string): number {
  mode = mode.toLowerCase();
  const valid_modes = ['fan_in', 'fan_out'];
  if (!valid_modes.includes(mode)) {
    throw new TorchError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`, 'ValueError');
  }
  const [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  return mode === 'fan_in' ? fan_in : fan_out;
}

interface KaimingArgs {
  tensor: Tensor;
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}
type KaimingNames = ['tensor', 'a', 'mode', 'nonlinearity'];
const KAIMING_SPEC = [
  ['tensor', REQUIRED],
  ['a', 0],
  ['mode', 'fan_in'],
  ['nonlinearity', 'leaky_relu'],
] as const;

/** He uniform: U(-bound, bound), bound = gain * sqrt(3 / fan). */
export function kaiming_uniform_(...args: PyArgs<KaimingArgs, KaimingNames>): Tensor {
  const o = bindArgs<Required<KaimingArgs>>('kaiming_uniform_', KAIMING_SPEC, args);
  const tensor = checkTensor('kaiming_uniform_', o.tensor);
  if (tensor.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return tensor;
  }
  const fan = _calculate_correct_fan(tensor, o.mode);
  const gain = calculate_gain(o.nonlinearity, o.a);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return no_grad(() => tensor.uniform_(-bound, bound));
}

/** He normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaiming_normal_(...args: PyArgs<KaimingArgs, KaimingNames>): Tensor {
  const o = bindArgs<Required<KaimingArgs>>('kaiming_normal_', KAIMING_SPEC, args);
  const tensor = checkTensor('kaiming_normal_', o.tensor);
  if (tensor.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return tensor;
  }
  const fan = _calculate_correct_fan(tensor, o.mode);
  const gain = calculate_gain(o.nonlinearity, o.a);
  const std = gain / Math.sqrt(fan);
  return no_grad(() => tensor.normal_(0, std));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal sample, times gain. */
export function orthogonal_(...args: PyArgs<{ tensor: Tensor; gain?: number }, ['tensor', 'gain']>): Tensor {
  const o = bindArgs<{ tensor: Tensor; gain: number }>(
    'orthogonal_',
    [
      ['tensor', REQUIRED],
      ['gain', 1],
    ],
    args,
  );
  const tensor = checkTensor('orthogonal_', o.tensor);
  if (tensor.dim() < 2) throw new TorchError('Only tensors with 2 or more dimensions are supported', 'ValueError');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.size(0);
  const cols = Math.floor(tensor.numel() / rows);
  // Python runs this part with grad mode as it is; nothing here requires grad.
  // tensor.new(rows, cols).normal_(0, 1)
  const flattened = empty([rows, cols], { dtype: tensor.dtype, device: tensor.device }).normal_(0, 1);
  if (rows < cols) flattened.t_();
  const [qh, rh] = N.linalg_qr(flattened._h, 'reduced') as [Handle, Handle];
  let q = new Tensor(qh);
  const d = new Tensor(N.diag(rh, 0));
  const ph = d.sign();
  q = q.mul_(ph);
  if (rows < cols) q.t_();
  no_grad(() => {
    tensor.view_as(q).copy_(q);
    tensor.mul_(o.gain);
  });
  return tensor;
}

/** Sparse init: N(0, std^2), then a fraction `sparsity` of each column set to zero. */
export function sparse_(
  ...args: PyArgs<{ tensor: Tensor; sparsity: number; std?: number }, ['tensor', 'sparsity', 'std']>
): Tensor {
  const o = bindArgs<{ tensor: Tensor; sparsity: number; std: number }>(
    'sparse_',
    [
      ['tensor', REQUIRED],
      ['sparsity', REQUIRED],
      ['std', 0.01],
    ],
    args,
  );
  const tensor = checkTensor('sparse_', o.tensor);
  if (tensor.dim() !== 2) throw new TorchError('Only tensors with 2 dimensions are supported', 'ValueError');
  const [rows, cols] = tensor.shape;
  const num_zeros = Math.ceil(o.sparsity * rows);
  no_grad(() => {
    tensor.normal_(0, o.std);
    for (let col_idx = 0; col_idx < cols; col_idx++) {
      const row_indices = randperm(rows);
      const zero_indices = row_indices.index(`:${num_zeros}`);
      tensor.index_put_([zero_indices, col_idx], 0);
    }
  });
  return tensor;
}
