/**
 * torch.nn.functional against Python PyTorch (same libtorch): forward values, the autograd node
 * of the output and the gradients w.r.t. every floating-point input (backward of a random
 * weighting of the output, the same weights on both sides), for each functional and its option
 * variants; errors with Python's message and exception type; dropout's RNG stream and statistics.
 * All Python evaluations run in one process.
 */
import * as torch from '../lib';
import * as F from '../lib/nn/functional';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

type T = torch.Tensor;
type Inputs = Record<string, T>;

interface Case {
  name: string;
  /** Tensors shared with Python under these names. */
  inputs: Inputs;
  /** Inputs to differentiate; default: every floating-point input. */
  grad?: string[];
  /** The TS call; differentiated inputs arrive as fresh leaves that require grad. */
  ts: (t: Inputs) => T | T[];
  /** The same call in Python (`F` is torch.nn.functional). */
  py: string;
  /** torch.manual_seed(seed) right before the call, on both sides. */
  seed?: number;
}

interface TsRun {
  out: T | T[];
  gradFn: string;
  grads: (T | null)[];
}

const tol = { rtol: 1e-5, atol: 1e-6 };

torch.manual_seed(2024);
const randn = (...shape: number[]): T => torch.randn(shape);
const labels = (n: number[], classes: number): T => torch.randint(0, classes, n);

// Shared inputs.
const x4 = randn(2, 4, 7, 7);
const w4 = randn(6, 4, 3, 3);
const b6 = randn(6);
const wg = randn(6, 2, 3, 3); // groups=2
const we = randn(3, 4, 2, 2); // even kernel
const x3 = randn(2, 4, 10);
const w3 = randn(5, 4, 3);
const b5 = randn(5);
const xt = randn(2, 4, 5, 5);
const wt = randn(4, 3, 3, 3);
const bt = randn(3);
const wt2 = randn(4, 2, 3, 3);
const bt4 = randn(4);
const xl = randn(3, 5);
const wl = randn(4, 5);
const bl = randn(4);
const xl3 = randn(2, 3, 5);
const xb1 = randn(3, 4);
const xb2 = randn(3, 5);
const wb = randn(2, 4, 5);
const bb = randn(2);
const act = randn(3, 4, 5).mul(3);
const act2 = randn(4, 6).mul(3);
const pool = randn(2, 3, 9, 9);
const bnx = randn(4, 3, 5, 5);
const bn2 = randn(8, 3);
const rm = randn(3).mul(0.1);
const rv = torch.rand([3]).add(0.5);
const gamma = randn(3);
const beta = randn(3);
const lnx = randn(2, 3, 4, 5);
const lnw = randn(4, 5);
const lnb = randn(4, 5);
const gnx = randn(2, 6, 4, 4);
const gnw = randn(6);
const gnb = randn(6);
const up = randn(1, 2, 4, 5);
const up3 = randn(2, 3, 6);
const up5 = randn(1, 2, 3, 4, 3);
const idx = torch.tensor([
  [1, 2, 4],
  [4, 3, 0],
]);
const emb = randn(5, 3);
const cs1 = randn(4, 6);
const cs2 = randn(4, 6);
const csb = randn(6);
const logits = randn(4, 5);
const target = torch.tensor([1, 0, 4, 1]);
const targetIgn = torch.tensor([1, -100, 4, 2]);
const cw = torch.rand([5]).add(0.5);
const probs = F.softmax(randn(4, 5), 1);
const logitsK = randn(2, 5, 3, 3);
const targetK = labels([2, 3, 3], 5);
const logp = F.log_softmax(randn(4, 5), 1);
const reg = randn(3, 5);
const regT = randn(3, 5);
const regRow = randn(5);
const bceIn = randn(3, 5).sigmoid();
const bceT = torch.rand([3, 5]);
const bceW = torch.rand([5]);
const bceW2 = torch.rand([3, 5]);
const posW = torch.rand([5]).add(0.5);
const klIn = F.log_softmax(randn(4, 5), 1);
const klT = F.softmax(randn(4, 5), 1);
const klTlog = F.log_softmax(randn(4, 5), 1);

const cases: Case[] = [
  // convolution and linear maps
  { name: 'conv2d', inputs: { x: x4, w: w4, b: b6 }, ts: (t) => F.conv2d(t.x, t.w, t.b), py: 'F.conv2d(x, w, b)' },
  { name: 'conv2d no bias', inputs: { x: x4, w: w4 }, ts: (t) => F.conv2d(t.x, t.w), py: 'F.conv2d(x, w)' },
  {
    name: 'conv2d stride, padding positional',
    inputs: { x: x4, w: w4, b: b6 },
    ts: (t) => F.conv2d(t.x, t.w, t.b, 2, 1),
    py: 'F.conv2d(x, w, b, 2, 1)',
  },
  {
    name: 'conv2d tuple stride/padding, dilation',
    inputs: { x: x4, w: w4, b: b6 },
    ts: (t) => F.conv2d(t.x, t.w, t.b, { stride: [2, 1], padding: [1, 2], dilation: 2 }),
    py: 'F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=2)',
  },
  {
    name: 'conv2d groups',
    inputs: { x: x4, w: wg, b: b6 },
    ts: (t) => F.conv2d(t.x, t.w, t.b, { padding: 1, groups: 2 }),
    py: 'F.conv2d(x, w, b, padding=1, groups=2)',
  },
  {
    name: "conv2d padding='same' dilated",
    inputs: { x: x4, w: w4, b: b6 },
    ts: (t) => F.conv2d(t.x, t.w, t.b, { padding: 'same', dilation: 2 }),
    py: "F.conv2d(x, w, b, padding='same', dilation=2)",
  },
  {
    name: "conv2d padding='same' even kernel",
    inputs: { x: x4, w: we },
    ts: (t) => F.conv2d(t.x, t.w, null, 1, 'same'),
    py: "F.conv2d(x, w, None, 1, 'same')",
  },
  {
    name: "conv2d padding='valid'",
    inputs: { x: x4, w: w4 },
    ts: (t) => F.conv2d(t.x, t.w, null, { padding: 'valid' }),
    py: "F.conv2d(x, w, padding='valid')",
  },
  { name: 'conv1d', inputs: { x: x3, w: w3, b: b5 }, ts: (t) => F.conv1d(t.x, t.w, t.b), py: 'F.conv1d(x, w, b)' },
  {
    name: 'conv1d stride padding dilation',
    inputs: { x: x3, w: w3, b: b5 },
    ts: (t) => F.conv1d(t.x, t.w, t.b, 2, 2, 2),
    py: 'F.conv1d(x, w, b, 2, 2, 2)',
  },
  {
    name: "conv1d padding='same'",
    inputs: { x: x3, w: w3 },
    ts: (t) => F.conv1d(t.x, t.w, null, { padding: 'same' }),
    py: "F.conv1d(x, w, padding='same')",
  },
  {
    name: 'conv_transpose2d',
    inputs: { x: xt, w: wt, b: bt },
    ts: (t) => F.conv_transpose2d(t.x, t.w, t.b),
    py: 'F.conv_transpose2d(x, w, b)',
  },
  {
    name: 'conv_transpose2d stride padding output_padding',
    inputs: { x: xt, w: wt, b: bt },
    ts: (t) => F.conv_transpose2d(t.x, t.w, t.b, 2, 1, 1),
    py: 'F.conv_transpose2d(x, w, b, 2, 1, 1)',
  },
  {
    name: 'conv_transpose2d groups dilation',
    inputs: { x: xt, w: wt2, b: bt4 },
    ts: (t) => F.conv_transpose2d(t.x, t.w, t.b, { stride: [1, 2], groups: 2, dilation: 2 }),
    py: 'F.conv_transpose2d(x, w, b, stride=(1, 2), groups=2, dilation=2)',
  },
  { name: 'linear', inputs: { x: xl, w: wl, b: bl }, ts: (t) => F.linear(t.x, t.w, t.b), py: 'F.linear(x, w, b)' },
  { name: 'linear no bias 3-D', inputs: { x: xl3, w: wl }, ts: (t) => F.linear(t.x, t.w), py: 'F.linear(x, w)' },
  {
    name: 'linear bias keyword',
    inputs: { x: xl, w: wl, b: bl },
    ts: (t) => F.linear(t.x, t.w, { bias: t.b }),
    py: 'F.linear(x, w, bias=b)',
  },
  {
    name: 'bilinear',
    inputs: { x1: xb1, x2: xb2, w: wb, b: bb },
    ts: (t) => F.bilinear(t.x1, t.x2, t.w, t.b),
    py: 'F.bilinear(x1, x2, w, b)',
  },
  {
    name: 'bilinear no bias',
    inputs: { x1: xb1, x2: xb2, w: wb },
    ts: (t) => F.bilinear(t.x1, t.x2, t.w),
    py: 'F.bilinear(x1, x2, w)',
  },

  // activations
  { name: 'relu', inputs: { x: act }, ts: (t) => F.relu(t.x), py: 'F.relu(x)' },
  { name: 'relu inplace', inputs: { x: act }, ts: (t) => F.relu(t.x.clone(), true), py: 'F.relu(x.clone(), True)' },
  { name: 'relu_', inputs: { x: act }, ts: (t) => F.relu_(t.x.clone()), py: 'F.relu_(x.clone())' },
  { name: 'relu6', inputs: { x: act }, ts: (t) => F.relu6(t.x), py: 'F.relu6(x)' },
  {
    name: 'relu6 inplace',
    inputs: { x: act },
    ts: (t) => F.relu6(t.x.clone(), { inplace: true }),
    py: 'F.relu6(x.clone(), inplace=True)',
  },
  { name: 'leaky_relu', inputs: { x: act }, ts: (t) => F.leaky_relu(t.x), py: 'F.leaky_relu(x)' },
  { name: 'leaky_relu slope', inputs: { x: act }, ts: (t) => F.leaky_relu(t.x, 0.2), py: 'F.leaky_relu(x, 0.2)' },
  {
    name: 'leaky_relu inplace',
    inputs: { x: act },
    ts: (t) => F.leaky_relu(t.x.clone(), { negative_slope: 0.3, inplace: true }),
    py: 'F.leaky_relu(x.clone(), negative_slope=0.3, inplace=True)',
  },
  { name: 'elu', inputs: { x: act }, ts: (t) => F.elu(t.x), py: 'F.elu(x)' },
  { name: 'elu alpha', inputs: { x: act }, ts: (t) => F.elu(t.x, 0.5), py: 'F.elu(x, 0.5)' },
  {
    name: 'elu inplace',
    inputs: { x: act },
    ts: (t) => F.elu(t.x.clone(), { alpha: 1.5, inplace: true }),
    py: 'F.elu(x.clone(), alpha=1.5, inplace=True)',
  },
  { name: 'gelu', inputs: { x: act }, ts: (t) => F.gelu(t.x), py: 'F.gelu(x)' },
  {
    name: "gelu approximate='tanh'",
    inputs: { x: act },
    ts: (t) => F.gelu(t.x, { approximate: 'tanh' }),
    py: "F.gelu(x, approximate='tanh')",
  },
  { name: 'silu', inputs: { x: act }, ts: (t) => F.silu(t.x), py: 'F.silu(x)' },
  { name: 'silu inplace', inputs: { x: act }, ts: (t) => F.silu(t.x.clone(), true), py: 'F.silu(x.clone(), True)' },
  { name: 'mish', inputs: { x: act }, ts: (t) => F.mish(t.x), py: 'F.mish(x)' },
  { name: 'mish inplace', inputs: { x: act }, ts: (t) => F.mish(t.x.clone(), true), py: 'F.mish(x.clone(), True)' },
  { name: 'hardswish', inputs: { x: act }, ts: (t) => F.hardswish(t.x), py: 'F.hardswish(x)' },
  {
    name: 'hardswish inplace',
    inputs: { x: act },
    ts: (t) => F.hardswish(t.x.clone(), true),
    py: 'F.hardswish(x.clone(), True)',
  },
  { name: 'hardtanh', inputs: { x: act }, ts: (t) => F.hardtanh(t.x), py: 'F.hardtanh(x)' },
  { name: 'hardtanh bounds', inputs: { x: act }, ts: (t) => F.hardtanh(t.x, -0.5, 2), py: 'F.hardtanh(x, -0.5, 2.)' },
  {
    name: 'hardtanh inplace',
    inputs: { x: act },
    ts: (t) => F.hardtanh(t.x.clone(), { min_val: -2, max_val: 1.5, inplace: true }),
    py: 'F.hardtanh(x.clone(), min_val=-2., max_val=1.5, inplace=True)',
  },
  { name: 'sigmoid', inputs: { x: act }, ts: (t) => F.sigmoid(t.x), py: 'F.sigmoid(x)' },
  { name: 'tanh', inputs: { x: act }, ts: (t) => F.tanh(t.x), py: 'F.tanh(x)' },
  { name: 'softmax dim 1', inputs: { x: act }, ts: (t) => F.softmax(t.x, 1), py: 'F.softmax(x, 1)' },
  {
    name: 'softmax dim -1 dtype float64',
    inputs: { x: act },
    ts: (t) => F.softmax(t.x, { dim: -1, dtype: torch.float64 }),
    py: 'F.softmax(x, dim=-1, dtype=torch.float64)',
  },
  { name: 'softmax implicit dim 3-D', inputs: { x: act }, ts: (t) => F.softmax(t.x), py: 'F.softmax(x)' },
  { name: 'softmax implicit dim 2-D', inputs: { x: act2 }, ts: (t) => F.softmax(t.x), py: 'F.softmax(x)' },
  {
    name: 'softmax positional dtype',
    inputs: { x: act2 },
    ts: (t) => F.softmax(t.x, 0, 3, torch.float64),
    py: 'F.softmax(x, 0, 3, torch.float64)',
  },
  { name: 'log_softmax dim 2', inputs: { x: act }, ts: (t) => F.log_softmax(t.x, 2), py: 'F.log_softmax(x, 2)' },
  { name: 'log_softmax implicit dim', inputs: { x: act2 }, ts: (t) => F.log_softmax(t.x), py: 'F.log_softmax(x)' },
  {
    name: 'log_softmax dtype',
    inputs: { x: act2 },
    ts: (t) => F.log_softmax(t.x, { dim: 1, dtype: torch.float64 }),
    py: 'F.log_softmax(x, dim=1, dtype=torch.float64)',
  },

  // pooling
  { name: 'max_pool2d', inputs: { x: pool }, ts: (t) => F.max_pool2d(t.x, 3), py: 'F.max_pool2d(x, 3)' },
  {
    name: 'max_pool2d stride padding',
    inputs: { x: pool },
    ts: (t) => F.max_pool2d(t.x, 3, 2, 1),
    py: 'F.max_pool2d(x, 3, 2, 1)',
  },
  {
    name: 'max_pool2d tuple kernel, dilation',
    inputs: { x: pool },
    ts: (t) => F.max_pool2d(t.x, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: 2 }),
    py: 'F.max_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2)',
  },
  {
    name: 'max_pool2d ceil_mode',
    inputs: { x: pool },
    ts: (t) => F.max_pool2d(t.x, 2, { ceil_mode: true }),
    py: 'F.max_pool2d(x, 2, ceil_mode=True)',
  },
  {
    name: 'max_pool2d return_indices',
    inputs: { x: pool },
    ts: (t) => F.max_pool2d(t.x, 3, 2, { return_indices: true }),
    py: 'F.max_pool2d(x, 3, 2, return_indices=True)',
  },
  {
    name: 'max_pool2d return_indices positional',
    inputs: { x: pool },
    ts: (t) => F.max_pool2d(t.x, 2, null, 0, 1, true, true),
    py: 'F.max_pool2d(x, 2, None, 0, 1, True, True)',
  },
  { name: 'avg_pool2d', inputs: { x: pool }, ts: (t) => F.avg_pool2d(t.x, 3), py: 'F.avg_pool2d(x, 3)' },
  {
    name: 'avg_pool2d padding count_include_pad',
    inputs: { x: pool },
    ts: (t) => F.avg_pool2d(t.x, 3, 2, 1),
    py: 'F.avg_pool2d(x, 3, 2, 1)',
  },
  {
    name: 'avg_pool2d count_include_pad=False',
    inputs: { x: pool },
    ts: (t) => F.avg_pool2d(t.x, 3, { stride: 2, padding: 1, count_include_pad: false }),
    py: 'F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)',
  },
  {
    name: 'avg_pool2d ceil_mode',
    inputs: { x: pool },
    ts: (t) => F.avg_pool2d(t.x, 2, null, 0, true),
    py: 'F.avg_pool2d(x, 2, None, 0, True)',
  },
  {
    name: 'avg_pool2d divisor_override',
    inputs: { x: pool },
    ts: (t) => F.avg_pool2d(t.x, [2, 3], { divisor_override: 2 }),
    py: 'F.avg_pool2d(x, (2, 3), divisor_override=2)',
  },
  {
    name: 'adaptive_avg_pool2d',
    inputs: { x: pool },
    ts: (t) => F.adaptive_avg_pool2d(t.x, 4),
    py: 'F.adaptive_avg_pool2d(x, 4)',
  },
  {
    name: 'adaptive_avg_pool2d None entry',
    inputs: { x: pool },
    ts: (t) => F.adaptive_avg_pool2d(t.x, [3, null]),
    py: 'F.adaptive_avg_pool2d(x, (3, None))',
  },
  {
    name: 'adaptive_max_pool2d',
    inputs: { x: pool },
    ts: (t) => F.adaptive_max_pool2d(t.x, [4, 5]),
    py: 'F.adaptive_max_pool2d(x, (4, 5))',
  },
  {
    name: 'adaptive_max_pool2d return_indices',
    inputs: { x: pool },
    ts: (t) => F.adaptive_max_pool2d(t.x, 4, true),
    py: 'F.adaptive_max_pool2d(x, 4, True)',
  },

  // normalization
  {
    name: 'batch_norm training updates running stats',
    inputs: { x: bnx, rm, rv, w: gamma, b: beta },
    grad: ['x', 'w', 'b'],
    ts: (t) => {
      const m = t.rm.clone();
      const v = t.rv.clone();
      return [F.batch_norm(t.x, m, v, t.w, t.b, true, 0.2), m, v];
    },
    py: '(lambda m, v: [F.batch_norm(x, m, v, w, b, True, 0.2), m, v])(rm.clone(), rv.clone())',
  },
  {
    name: 'batch_norm eval',
    inputs: { x: bnx, rm, rv, w: gamma, b: beta },
    grad: ['x', 'w', 'b'],
    ts: (t) => F.batch_norm(t.x, t.rm, t.rv, t.w, t.b),
    py: 'F.batch_norm(x, rm, rv, w, b)',
  },
  {
    name: 'batch_norm training without running stats',
    inputs: { x: bnx },
    ts: (t) => F.batch_norm(t.x, null, null, { training: true, eps: 1e-3 }),
    py: 'F.batch_norm(x, None, None, training=True, eps=1e-3)',
  },
  {
    name: 'batch_norm 2-D input',
    inputs: { x: bn2, w: gamma, b: beta },
    ts: (t) => F.batch_norm(t.x, null, null, t.w, t.b, true),
    py: 'F.batch_norm(x, None, None, w, b, True)',
  },
  { name: 'instance_norm', inputs: { x: bnx }, ts: (t) => F.instance_norm(t.x), py: 'F.instance_norm(x)' },
  {
    name: 'instance_norm affine',
    inputs: { x: bnx, w: gamma, b: beta },
    ts: (t) => F.instance_norm(t.x, { weight: t.w, bias: t.b, eps: 1e-3 }),
    py: 'F.instance_norm(x, weight=w, bias=b, eps=1e-3)',
  },
  {
    name: 'instance_norm running stats',
    inputs: { x: bnx, rm, rv },
    grad: ['x'],
    ts: (t) => {
      const m = t.rm.clone();
      const v = t.rv.clone();
      return [F.instance_norm(t.x, m, v, null, null, true, 0.3), m, v];
    },
    py: '(lambda m, v: [F.instance_norm(x, m, v, None, None, True, 0.3), m, v])(rm.clone(), rv.clone())',
  },
  {
    name: 'instance_norm use_input_stats=False',
    inputs: { x: bnx, rm, rv },
    grad: ['x'],
    ts: (t) => F.instance_norm(t.x, t.rm, t.rv, { use_input_stats: false }),
    py: 'F.instance_norm(x, rm, rv, use_input_stats=False)',
  },
  {
    name: 'layer_norm affine',
    inputs: { x: lnx, w: lnw, b: lnb },
    ts: (t) => F.layer_norm(t.x, [4, 5], t.w, t.b),
    py: 'F.layer_norm(x, (4, 5), w, b)',
  },
  {
    name: 'layer_norm last dim eps',
    inputs: { x: lnx },
    ts: (t) => F.layer_norm(t.x, [5], { eps: 1e-2 }),
    py: 'F.layer_norm(x, [5], eps=1e-2)',
  },
  {
    name: 'group_norm',
    inputs: { x: gnx, w: gnw, b: gnb },
    ts: (t) => F.group_norm(t.x, 3, t.w, t.b),
    py: 'F.group_norm(x, 3, w, b)',
  },
  {
    name: 'group_norm no affine',
    inputs: { x: gnx },
    ts: (t) => F.group_norm(t.x, 2, { eps: 1e-3 }),
    py: 'F.group_norm(x, 2, eps=1e-3)',
  },
  { name: 'normalize', inputs: { x: cs1 }, ts: (t) => F.normalize(t.x), py: 'F.normalize(x)' },
  { name: 'normalize p=1 dim=0', inputs: { x: cs1 }, ts: (t) => F.normalize(t.x, 1, 0), py: 'F.normalize(x, 1., 0)' },
  {
    name: 'normalize eps keyword',
    inputs: { x: lnx },
    ts: (t) => F.normalize(t.x, { p: 3, dim: -1, eps: 0.5 }),
    py: 'F.normalize(x, p=3., dim=-1, eps=0.5)',
  },

  // dropout: the same seed gives the same mask (same libtorch, same RNG stream)
  { name: 'dropout seeded', inputs: { x: lnx }, seed: 7, ts: (t) => F.dropout(t.x, 0.3), py: 'F.dropout(x, 0.3)' },
  { name: 'dropout default p seeded', inputs: { x: lnx }, seed: 8, ts: (t) => F.dropout(t.x), py: 'F.dropout(x)' },
  {
    name: 'dropout inplace seeded',
    inputs: { x: lnx },
    seed: 9,
    ts: (t) => F.dropout(t.x.mul(1), { p: 0.6, inplace: true }),
    py: 'F.dropout(x * 1, p=0.6, inplace=True)',
  },
  {
    name: 'dropout training=False',
    inputs: { x: lnx },
    ts: (t) => F.dropout(t.x, 0.5, false),
    py: 'F.dropout(x, 0.5, False)',
  },
  {
    name: 'dropout2d seeded',
    inputs: { x: gnx },
    seed: 11,
    ts: (t) => F.dropout2d(t.x, 0.5),
    py: 'F.dropout2d(x, 0.5)',
  },
  {
    name: 'dropout2d 3-D seeded',
    inputs: { x: up3 },
    seed: 12,
    ts: (t) => F.dropout2d(t.x, { p: 0.4 }),
    py: 'F.dropout2d(x, p=0.4)',
  },

  // padding
  { name: 'pad constant', inputs: { x: up }, ts: (t) => F.pad(t.x, [1, 2]), py: 'F.pad(x, (1, 2))' },
  {
    name: 'pad constant value',
    inputs: { x: up },
    ts: (t) => F.pad(t.x, [1, 1, 2, 0], 'constant', 0.5),
    py: "F.pad(x, (1, 1, 2, 0), 'constant', 0.5)",
  },
  { name: 'pad negative', inputs: { x: up }, ts: (t) => F.pad(t.x, [-1, 2, 0, -2]), py: 'F.pad(x, (-1, 2, 0, -2))' },
  {
    name: 'pad reflect',
    inputs: { x: up },
    ts: (t) => F.pad(t.x, [2, 2, 1, 3], { mode: 'reflect' }),
    py: "F.pad(x, (2, 2, 1, 3), mode='reflect')",
  },
  {
    name: 'pad replicate',
    inputs: { x: up },
    ts: (t) => F.pad(t.x, [3, 1, 2, 2], 'replicate'),
    py: "F.pad(x, (3, 1, 2, 2), 'replicate')",
  },
  {
    name: 'pad circular',
    inputs: { x: up },
    ts: (t) => F.pad(t.x, [1, 2, 2, 1], 'circular'),
    py: "F.pad(x, (1, 2, 2, 1), 'circular')",
  },
  {
    name: 'pad reflect 3-D',
    inputs: { x: up3 },
    ts: (t) => F.pad(t.x, [2, 3], 'reflect'),
    py: "F.pad(x, (2, 3), 'reflect')",
  },

  // interpolate
  {
    name: 'interpolate nearest size',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, [7, 9]),
    py: 'F.interpolate(x, (7, 9))',
  },
  {
    name: 'interpolate nearest scale',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 2 }),
    py: 'F.interpolate(x, scale_factor=2)',
  },
  {
    name: 'interpolate nearest-exact',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 1.7, mode: 'nearest-exact' }),
    py: "F.interpolate(x, scale_factor=1.7, mode='nearest-exact')",
  },
  {
    name: 'interpolate bilinear',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, [7, 8], null, 'bilinear'),
    py: "F.interpolate(x, (7, 8), None, 'bilinear')",
  },
  {
    name: 'interpolate bilinear align_corners',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { size: [7, 8], mode: 'bilinear', align_corners: true }),
    py: "F.interpolate(x, size=(7, 8), mode='bilinear', align_corners=True)",
  },
  {
    name: 'interpolate bilinear scale tuple',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: [1.5, 2.5], mode: 'bilinear' }),
    py: "F.interpolate(x, scale_factor=(1.5, 2.5), mode='bilinear')",
  },
  {
    name: 'interpolate bicubic',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 1.5, mode: 'bicubic' }),
    py: "F.interpolate(x, scale_factor=1.5, mode='bicubic')",
  },
  {
    name: 'interpolate bicubic align_corners',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { size: 6, mode: 'bicubic', align_corners: true }),
    py: "F.interpolate(x, size=6, mode='bicubic', align_corners=True)",
  },
  {
    name: 'interpolate bilinear antialias',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { size: [2, 3], mode: 'bilinear', antialias: true }),
    py: "F.interpolate(x, size=(2, 3), mode='bilinear', antialias=True)",
  },
  {
    name: 'interpolate bicubic antialias',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 0.6, mode: 'bicubic', antialias: true }),
    py: "F.interpolate(x, scale_factor=0.6, mode='bicubic', antialias=True)",
  },
  {
    name: 'interpolate area size',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { size: [2, 3], mode: 'area' }),
    py: "F.interpolate(x, size=(2, 3), mode='area')",
  },
  {
    name: 'interpolate area scale',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 0.5, mode: 'area' }),
    py: "F.interpolate(x, scale_factor=0.5, mode='area')",
  },
  {
    name: 'interpolate recompute_scale_factor',
    inputs: { x: up },
    ts: (t) => F.interpolate(t.x, { scale_factor: 1.7, mode: 'bilinear', recompute_scale_factor: true }),
    py: "F.interpolate(x, scale_factor=1.7, mode='bilinear', recompute_scale_factor=True)",
  },
  {
    name: 'interpolate linear 3-D',
    inputs: { x: up3 },
    ts: (t) => F.interpolate(t.x, { size: 11, mode: 'linear' }),
    py: "F.interpolate(x, size=11, mode='linear')",
  },
  {
    name: 'interpolate nearest 3-D',
    inputs: { x: up3 },
    ts: (t) => F.interpolate(t.x, { scale_factor: 2.5 }),
    py: 'F.interpolate(x, scale_factor=2.5)',
  },
  {
    name: 'interpolate trilinear 5-D',
    inputs: { x: up5 },
    ts: (t) => F.interpolate(t.x, { scale_factor: 2, mode: 'trilinear', align_corners: true }),
    py: "F.interpolate(x, scale_factor=2, mode='trilinear', align_corners=True)",
  },
  {
    name: 'interpolate nearest 5-D',
    inputs: { x: up5 },
    ts: (t) => F.interpolate(t.x, [4, 5, 6]),
    py: 'F.interpolate(x, (4, 5, 6))',
  },

  // embeddings, shapes, distances
  { name: 'one_hot', inputs: { i: idx }, ts: (t) => F.one_hot(t.i), py: 'F.one_hot(i)' },
  { name: 'one_hot num_classes', inputs: { i: idx }, ts: (t) => F.one_hot(t.i, 7), py: 'F.one_hot(i, 7)' },
  { name: 'embedding', inputs: { i: idx, w: emb }, ts: (t) => F.embedding(t.i, t.w), py: 'F.embedding(i, w)' },
  {
    name: 'embedding padding_idx',
    inputs: { i: idx, w: emb },
    ts: (t) => F.embedding(t.i, t.w, 4),
    py: 'F.embedding(i, w, 4)',
  },
  {
    name: 'embedding negative padding_idx',
    inputs: { i: idx, w: emb },
    ts: (t) => F.embedding(t.i, t.w, { padding_idx: -1 }),
    py: 'F.embedding(i, w, padding_idx=-1)',
  },
  {
    name: 'embedding scale_grad_by_freq',
    inputs: { i: torch.tensor([1, 1, 2, 1]), w: emb },
    ts: (t) => F.embedding(t.i, t.w, { scale_grad_by_freq: true }),
    py: 'F.embedding(i, w, scale_grad_by_freq=True)',
  },
  {
    name: 'embedding max_norm renormalizes the weight',
    inputs: { i: idx, w: emb },
    grad: [],
    ts: (t) => {
      const w = t.w.clone();
      return [F.embedding(t.i, w, { max_norm: 1.0, norm_type: 1.5 }), w];
    },
    py: '(lambda w: [F.embedding(i, w, max_norm=1.0, norm_type=1.5), w])(w.clone())',
  },
  { name: 'flatten (torch.flatten)', inputs: { x: lnx }, ts: (t) => F.flatten(t.x, 1), py: 'torch.flatten(x, 1)' },
  {
    name: 'flatten range',
    inputs: { x: lnx },
    ts: (t) => F.flatten(t.x, { start_dim: 1, end_dim: 2 }),
    py: 'torch.flatten(x, start_dim=1, end_dim=2)',
  },
  {
    name: 'cosine_similarity',
    inputs: { a: cs1, b: cs2 },
    ts: (t) => F.cosine_similarity(t.a, t.b),
    py: 'F.cosine_similarity(a, b)',
  },
  {
    name: 'cosine_similarity broadcast dim -1',
    inputs: { a: cs1, b: csb },
    ts: (t) => F.cosine_similarity(t.a, t.b, -1, 1e-6),
    py: 'F.cosine_similarity(a, b, -1, 1e-6)',
  },
  {
    name: 'pairwise_distance',
    inputs: { a: cs1, b: cs2 },
    ts: (t) => F.pairwise_distance(t.a, t.b),
    py: 'F.pairwise_distance(a, b)',
  },
  {
    name: 'pairwise_distance p=1 keepdim',
    inputs: { a: cs1, b: cs2 },
    ts: (t) => F.pairwise_distance(t.a, t.b, { p: 1, keepdim: true }),
    py: 'F.pairwise_distance(a, b, p=1., keepdim=True)',
  },
  {
    name: 'pairwise_distance p=3 eps',
    inputs: { a: cs1, b: csb },
    ts: (t) => F.pairwise_distance(t.a, t.b, 3, 0.1),
    py: 'F.pairwise_distance(a, b, 3., 0.1)',
  },

  // losses
  {
    name: 'cross_entropy',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t),
    py: 'F.cross_entropy(x, t)',
  },
  {
    name: 'cross_entropy sum',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t, { reduction: 'sum' }),
    py: "F.cross_entropy(x, t, reduction='sum')",
  },
  {
    name: 'cross_entropy none',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t, { reduction: 'none' }),
    py: "F.cross_entropy(x, t, reduction='none')",
  },
  {
    name: 'cross_entropy weight',
    inputs: { x: logits, t: target, w: cw },
    grad: ['x'],
    ts: (t) => F.cross_entropy(t.x, t.t, t.w),
    py: 'F.cross_entropy(x, t, w)',
  },
  {
    name: 'cross_entropy ignore_index default -100',
    inputs: { x: logits, t: targetIgn },
    ts: (t) => F.cross_entropy(t.x, t.t),
    py: 'F.cross_entropy(x, t)',
  },
  {
    name: 'cross_entropy ignore_index',
    inputs: { x: logits, t: target, w: cw },
    grad: ['x'],
    ts: (t) => F.cross_entropy(t.x, t.t, t.w, { ignore_index: 1 }),
    py: 'F.cross_entropy(x, t, w, ignore_index=1)',
  },
  {
    name: 'cross_entropy label_smoothing',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t, { label_smoothing: 0.1 }),
    py: 'F.cross_entropy(x, t, label_smoothing=0.1)',
  },
  {
    name: 'cross_entropy label_smoothing weight ignore',
    inputs: { x: logits, t: targetIgn, w: cw },
    grad: ['x'],
    ts: (t) => F.cross_entropy(t.x, t.t, t.w, { label_smoothing: 0.2, reduction: 'sum' }),
    py: "F.cross_entropy(x, t, w, label_smoothing=0.2, reduction='sum')",
  },
  {
    name: 'cross_entropy class probabilities',
    inputs: { x: logits, p: probs },
    ts: (t) => F.cross_entropy(t.x, t.p),
    py: 'F.cross_entropy(x, p)',
  },
  {
    name: 'cross_entropy class probabilities weight smoothing',
    inputs: { x: logits, p: probs, w: cw },
    grad: ['x'],
    ts: (t) => F.cross_entropy(t.x, t.p, t.w, { label_smoothing: 0.15 }),
    py: 'F.cross_entropy(x, p, w, label_smoothing=0.15)',
  },
  {
    name: 'cross_entropy class probabilities none',
    inputs: { x: logits, p: probs },
    ts: (t) => F.cross_entropy(t.x, t.p, { reduction: 'none' }),
    py: "F.cross_entropy(x, p, reduction='none')",
  },
  {
    name: 'cross_entropy K-dim',
    inputs: { x: logitsK, t: targetK },
    ts: (t) => F.cross_entropy(t.x, t.t),
    py: 'F.cross_entropy(x, t)',
  },
  {
    name: 'cross_entropy legacy size_average=False',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t, null, false),
    py: 'F.cross_entropy(x, t, None, False)',
  },
  {
    name: 'cross_entropy legacy reduce=False',
    inputs: { x: logits, t: target },
    ts: (t) => F.cross_entropy(t.x, t.t, { reduce: false }),
    py: 'F.cross_entropy(x, t, reduce=False)',
  },
  { name: 'nll_loss', inputs: { x: logp, t: target }, ts: (t) => F.nll_loss(t.x, t.t), py: 'F.nll_loss(x, t)' },
  {
    name: 'nll_loss weight ignore_index',
    inputs: { x: logp, t: target, w: cw },
    grad: ['x'],
    ts: (t) => F.nll_loss(t.x, t.t, t.w, null, 0),
    py: 'F.nll_loss(x, t, w, None, 0)',
  },
  {
    name: 'nll_loss sum',
    inputs: { x: logp, t: targetIgn },
    ts: (t) => F.nll_loss(t.x, t.t, { reduction: 'sum' }),
    py: "F.nll_loss(x, t, reduction='sum')",
  },
  {
    name: 'nll_loss none',
    inputs: { x: logp, t: target, w: cw },
    grad: ['x'],
    ts: (t) => F.nll_loss(t.x, t.t, { weight: t.w, reduction: 'none' }),
    py: "F.nll_loss(x, t, weight=w, reduction='none')",
  },
  {
    name: 'nll_loss K-dim',
    inputs: { x: logitsK, t: targetK },
    ts: (t) => F.nll_loss(t.x, t.t),
    py: 'F.nll_loss(x, t)',
  },
  { name: 'mse_loss', inputs: { x: reg, y: regT }, ts: (t) => F.mse_loss(t.x, t.y), py: 'F.mse_loss(x, y)' },
  {
    name: 'mse_loss sum',
    inputs: { x: reg, y: regT },
    ts: (t) => F.mse_loss(t.x, t.y, { reduction: 'sum' }),
    py: "F.mse_loss(x, y, reduction='sum')",
  },
  {
    name: 'mse_loss none',
    inputs: { x: reg, y: regT },
    ts: (t) => F.mse_loss(t.x, t.y, null, null, 'none'),
    py: "F.mse_loss(x, y, None, None, 'none')",
  },
  {
    name: 'mse_loss broadcast target',
    inputs: { x: reg, y: regRow },
    ts: (t) => F.mse_loss(t.x, t.y),
    py: 'F.mse_loss(x, y)',
  },
  { name: 'l1_loss', inputs: { x: reg, y: regT }, ts: (t) => F.l1_loss(t.x, t.y), py: 'F.l1_loss(x, y)' },
  {
    name: 'l1_loss sum',
    inputs: { x: reg, y: regT },
    ts: (t) => F.l1_loss(t.x, t.y, { reduction: 'sum' }),
    py: "F.l1_loss(x, y, reduction='sum')",
  },
  {
    name: 'l1_loss none',
    inputs: { x: reg, y: regT },
    ts: (t) => F.l1_loss(t.x, t.y, { reduction: 'none' }),
    py: "F.l1_loss(x, y, reduction='none')",
  },
  {
    name: 'smooth_l1_loss',
    inputs: { x: reg, y: regT },
    ts: (t) => F.smooth_l1_loss(t.x, t.y),
    py: 'F.smooth_l1_loss(x, y)',
  },
  {
    name: 'smooth_l1_loss beta',
    inputs: { x: reg, y: regT },
    ts: (t) => F.smooth_l1_loss(t.x, t.y, { beta: 0.5, reduction: 'sum' }),
    py: "F.smooth_l1_loss(x, y, beta=0.5, reduction='sum')",
  },
  {
    name: 'smooth_l1_loss none',
    inputs: { x: reg, y: regT },
    ts: (t) => F.smooth_l1_loss(t.x, t.y, null, null, 'none', 2),
    py: "F.smooth_l1_loss(x, y, None, None, 'none', 2.)",
  },
  { name: 'huber_loss', inputs: { x: reg, y: regT }, ts: (t) => F.huber_loss(t.x, t.y), py: 'F.huber_loss(x, y)' },
  {
    name: 'huber_loss delta',
    inputs: { x: reg, y: regT },
    ts: (t) => F.huber_loss(t.x, t.y, 'sum', 0.5),
    py: "F.huber_loss(x, y, 'sum', 0.5)",
  },
  {
    name: 'huber_loss none',
    inputs: { x: reg, y: regT },
    ts: (t) => F.huber_loss(t.x, t.y, { reduction: 'none', delta: 2 }),
    py: "F.huber_loss(x, y, reduction='none', delta=2.)",
  },
  {
    name: 'binary_cross_entropy',
    inputs: { x: bceIn, y: bceT },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy(t.x, t.y),
    py: 'F.binary_cross_entropy(x, y)',
  },
  {
    name: 'binary_cross_entropy broadcast weight',
    inputs: { x: bceIn, y: bceT, w: bceW },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy(t.x, t.y, t.w),
    py: 'F.binary_cross_entropy(x, y, w)',
  },
  {
    name: 'binary_cross_entropy weight sum',
    inputs: { x: bceIn, y: bceT, w: bceW2 },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy(t.x, t.y, { weight: t.w, reduction: 'sum' }),
    py: "F.binary_cross_entropy(x, y, weight=w, reduction='sum')",
  },
  {
    name: 'binary_cross_entropy none',
    inputs: { x: bceIn, y: bceT },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy(t.x, t.y, { reduction: 'none' }),
    py: "F.binary_cross_entropy(x, y, reduction='none')",
  },
  {
    name: 'binary_cross_entropy_with_logits',
    inputs: { x: reg, y: bceT },
    ts: (t) => F.binary_cross_entropy_with_logits(t.x, t.y),
    py: 'F.binary_cross_entropy_with_logits(x, y)',
  },
  {
    name: 'binary_cross_entropy_with_logits weight pos_weight',
    inputs: { x: reg, y: bceT, w: bceW, pw: posW },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy_with_logits(t.x, t.y, { weight: t.w, pos_weight: t.pw }),
    py: 'F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw)',
  },
  {
    name: 'binary_cross_entropy_with_logits sum',
    inputs: { x: reg, y: bceT, pw: posW },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy_with_logits(t.x, t.y, null, null, null, 'sum', t.pw),
    py: "F.binary_cross_entropy_with_logits(x, y, None, None, None, 'sum', pw)",
  },
  {
    name: 'binary_cross_entropy_with_logits none',
    inputs: { x: reg, y: bceT, w: bceW2 },
    grad: ['x'],
    ts: (t) => F.binary_cross_entropy_with_logits(t.x, t.y, t.w, { reduction: 'none' }),
    py: "F.binary_cross_entropy_with_logits(x, y, w, reduction='none')",
  },
  { name: 'kl_div mean', inputs: { x: klIn, y: klT }, ts: (t) => F.kl_div(t.x, t.y), py: 'F.kl_div(x, y)' },
  {
    name: 'kl_div batchmean',
    inputs: { x: klIn, y: klT },
    ts: (t) => F.kl_div(t.x, t.y, { reduction: 'batchmean' }),
    py: "F.kl_div(x, y, reduction='batchmean')",
  },
  {
    name: 'kl_div sum',
    inputs: { x: klIn, y: klT },
    ts: (t) => F.kl_div(t.x, t.y, { reduction: 'sum' }),
    py: "F.kl_div(x, y, reduction='sum')",
  },
  {
    name: 'kl_div none',
    inputs: { x: klIn, y: klT },
    ts: (t) => F.kl_div(t.x, t.y, null, null, 'none'),
    py: "F.kl_div(x, y, None, None, 'none')",
  },
  {
    name: 'kl_div log_target batchmean',
    inputs: { x: klIn, y: klTlog },
    ts: (t) => F.kl_div(t.x, t.y, { reduction: 'batchmean', log_target: true }),
    py: "F.kl_div(x, y, reduction='batchmean', log_target=True)",
  },
];

// ------------------------------------------------------------------ running both sides

/** Differentiated inputs: the case's list, or every floating-point input. */
function gradNames(c: Case): string[] {
  return c.grad ?? Object.keys(c.inputs).filter((k) => c.inputs[k].is_floating_point());
}

/** The tensor backward runs from: the output, or the first of a tuple. */
function primary(out: T | T[]): T {
  return Array.isArray(out) ? out[0] : out;
}

/** Runs the TS side; returns the weighting of the output used for backward (shared with Python). */
function runTs(c: Case): { run: TsRun; weights: T | null } {
  const names = gradNames(c);
  const leaves: Inputs = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    leaves[k] = names.includes(k) ? v.detach().clone().requires_grad_() : v;
  }
  if (c.seed !== undefined) torch.manual_seed(c.seed);
  const out = c.ts(leaves);
  const p = primary(out);
  let weights: T | null = null;
  if (names.length > 0) {
    weights = torch.randn(p.shape, { dtype: p.dtype });
    p.mul(weights).sum().backward();
  }
  return { run: { out, gradFn: p.grad_fn?.name() ?? '', grads: names.map((n) => leaves[n].grad) }, weights };
}

/** The same steps in Python: requires_grad_, seed, call, backward of the same weighting. */
function pyCase(c: Case, weights: T | null): OracleCase {
  const names = gradNames(c);
  const setup = [
    'import torch.nn.functional as F',
    ...names.map((n) => `${n}.requires_grad_()`),
    c.seed !== undefined ? `torch.manual_seed(${c.seed})` : '',
    `__out = ${c.py}`,
    '__p = __out[0] if isinstance(__out, (tuple, list)) else __out',
    weights ? '(__p * __g).sum().backward()' : '',
  ].join('\n');
  const inputs = weights ? { ...c.inputs, __g: weights } : c.inputs;
  const grads = names.map((n) => `${n}.grad`).join(', ');
  return { inputs, setup, py: `[__out, __p.grad_fn.name() if __p.grad_fn else '', [${grads}]]` };
}

const tsRuns: (TsRun | Error)[] = [];
const pyCases: OracleCase[] = [];
for (const c of cases) {
  try {
    const { run, weights } = runTs(c);
    tsRuns.push(run);
    pyCases.push(pyCase(c, weights));
  } catch (e) {
    tsRuns.push(e as Error);
    pyCases.push({ py: 'None' });
  }
}

// ------------------------------------------------------------------ errors checked against Python

interface ErrCase extends OracleCase {
  name: string;
  ts: () => unknown;
}

const i32Target = target.int();
const errorCases: ErrCase[] = [
  {
    name: 'conv2d wrong in_channels',
    inputs: { x: x4, w: w4 },
    ts: () => F.conv2d(x4, w4.narrow(1, 0, 3)),
    py: 'F.conv2d(x, w[:, :3])',
  },
  {
    name: "conv2d padding='same' with stride",
    inputs: { x: x4, w: w4 },
    ts: () => F.conv2d(x4, w4, null, 2, 'same'),
    py: "F.conv2d(x, w, None, 2, 'same')",
  },
  {
    name: 'conv2d invalid padding string',
    inputs: { x: x4, w: w4 },
    ts: () => F.conv2d(x4, w4, null, 1, 'full' as 'same'),
    py: "F.conv2d(x, w, None, 1, 'full')",
  },
  {
    name: 'conv2d groups not dividing channels',
    inputs: { x: x4, w: w4 },
    ts: () => F.conv2d(x4, w4, null, { groups: 3 }),
    py: 'F.conv2d(x, w, groups=3)',
  },
  { name: 'conv1d 2-D weight', inputs: { x: x3, w: wl }, ts: () => F.conv1d(x3, wl), py: 'F.conv1d(x, w)' },
  {
    name: 'linear shape mismatch',
    inputs: { x: xl, w: w3.view(5, 12) },
    ts: () => F.linear(xl, w3.view(5, 12)),
    py: 'F.linear(x, w)',
  },
  {
    name: 'cross_entropy int32 target',
    inputs: { x: logits, t: i32Target },
    ts: () => F.cross_entropy(logits, i32Target),
    py: 'F.cross_entropy(x, t)',
  },
  {
    name: 'cross_entropy float target of wrong shape',
    inputs: { x: logits, t: target.float() },
    ts: () => F.cross_entropy(logits, target.float()),
    py: 'F.cross_entropy(x, t)',
  },
  {
    name: 'cross_entropy target out of bounds',
    inputs: { x: logits },
    ts: () => F.cross_entropy(logits, torch.tensor([1, 7, 0, 0])),
    py: 'F.cross_entropy(x, torch.tensor([1, 7, 0, 0]))',
  },
  {
    name: 'cross_entropy bad reduction',
    inputs: { x: logits, t: target },
    ts: () => F.cross_entropy(logits, target, { reduction: 'avg' as 'mean' }),
    py: "F.cross_entropy(x, t, reduction='avg')",
  },
  {
    name: 'mse_loss batchmean is not a reduction',
    inputs: { x: reg, y: regT },
    ts: () => F.mse_loss(reg, regT, { reduction: 'batchmean' as 'mean' }),
    py: "F.mse_loss(x, y, reduction='batchmean')",
  },
  {
    name: 'nll_loss weight size',
    inputs: { x: logp, t: target },
    ts: () => F.nll_loss(logp, target, torch.ones(3)),
    py: 'F.nll_loss(x, t, torch.ones(3))',
  },
  {
    name: 'mse_loss not broadcastable',
    inputs: { x: reg },
    ts: () => F.mse_loss(reg, torch.ones(4)),
    py: 'F.mse_loss(x, torch.ones(4))',
  },
  {
    name: 'binary_cross_entropy size mismatch',
    inputs: { x: bceIn },
    ts: () => F.binary_cross_entropy(bceIn, torch.ones(5)),
    py: 'F.binary_cross_entropy(x, torch.ones(5))',
  },
  {
    name: 'binary_cross_entropy weight not broadcastable',
    inputs: { x: bceIn, y: bceT },
    ts: () => F.binary_cross_entropy(bceIn, bceT, torch.ones(4)),
    py: 'F.binary_cross_entropy(x, y, torch.ones(4))',
  },
  {
    name: 'binary_cross_entropy_with_logits size mismatch',
    inputs: { x: reg },
    ts: () => F.binary_cross_entropy_with_logits(reg, torch.ones(3, 1)),
    py: 'F.binary_cross_entropy_with_logits(x, torch.ones(3, 1))',
  },
  { name: 'dropout p > 1', inputs: { x: reg }, ts: () => F.dropout(reg, 1.5), py: 'F.dropout(x, 1.5)' },
  { name: 'dropout2d p < 0', inputs: { x: reg }, ts: () => F.dropout2d(reg, -0.25), py: 'F.dropout2d(x, -0.25)' },
  {
    name: 'batch_norm training with one value per channel',
    inputs: {},
    ts: () => F.batch_norm(torch.ones(1, 3), null, null, { training: true }),
    py: 'F.batch_norm(torch.ones(1, 3), None, None, training=True)',
  },
  {
    name: 'batch_norm running_mean size',
    inputs: { x: bnx },
    ts: () => F.batch_norm(bnx, torch.zeros(4), torch.ones(4)),
    py: 'F.batch_norm(x, torch.zeros(4), torch.ones(4))',
  },
  {
    name: 'instance_norm one spatial element',
    inputs: {},
    ts: () => F.instance_norm(torch.ones(2, 3, 1)),
    py: 'F.instance_norm(torch.ones(2, 3, 1))',
  },
  {
    name: 'group_norm one value per group',
    inputs: {},
    ts: () => F.group_norm(torch.ones(1, 2), 2),
    py: 'F.group_norm(torch.ones(1, 2), 2)',
  },
  {
    name: 'group_norm groups not dividing channels',
    inputs: { x: gnx },
    ts: () => F.group_norm(gnx, 4),
    py: 'F.group_norm(x, 4)',
  },
  {
    name: 'layer_norm shape mismatch',
    inputs: { x: lnx },
    ts: () => F.layer_norm(lnx, [3, 5]),
    py: 'F.layer_norm(x, (3, 5))',
  },
  {
    name: 'max_pool2d padding over half the kernel',
    inputs: { x: pool },
    ts: () => F.max_pool2d(pool, 3, 1, 2),
    py: 'F.max_pool2d(x, 3, 1, 2)',
  },
  { name: 'avg_pool2d 2-D input', inputs: { x: reg }, ts: () => F.avg_pool2d(reg, 2), py: 'F.avg_pool2d(x, 2)' },
  {
    name: 'adaptive_avg_pool2d None on a short input',
    inputs: {},
    ts: () => F.adaptive_avg_pool2d(torch.ones(4), [2, null]),
    py: 'F.adaptive_avg_pool2d(torch.ones(4), (2, None))',
  },
  {
    name: 'pad reflect too wide',
    inputs: { x: up },
    ts: () => F.pad(up, [5, 5], 'reflect'),
    py: "F.pad(x, (5, 5), 'reflect')",
  },
  { name: 'pad odd length', inputs: { x: up }, ts: () => F.pad(up, [1, 2, 3]), py: 'F.pad(x, (1, 2, 3))' },
  {
    name: 'pad unknown mode',
    inputs: { x: up },
    ts: () => F.pad(up, [1, 1], 'wrap' as 'reflect'),
    py: "F.pad(x, (1, 1), 'wrap')",
  },
  {
    name: 'interpolate size and scale_factor',
    inputs: { x: up },
    ts: () => F.interpolate(up, 4, 2),
    py: 'F.interpolate(x, 4, 2)',
  },
  {
    name: 'interpolate neither size nor scale_factor',
    inputs: { x: up },
    ts: () => F.interpolate(up),
    py: 'F.interpolate(x)',
  },
  {
    name: 'interpolate align_corners with nearest',
    inputs: { x: up },
    ts: () => F.interpolate(up, { size: 4, align_corners: true }),
    py: 'F.interpolate(x, size=4, align_corners=True)',
  },
  {
    name: 'interpolate size length',
    inputs: { x: up },
    ts: () => F.interpolate(up, [4, 5, 6]),
    py: 'F.interpolate(x, [4, 5, 6])',
  },
  {
    name: 'interpolate scale_factor length',
    inputs: { x: up },
    ts: () => F.interpolate(up, { scale_factor: [2.5] }),
    py: 'F.interpolate(x, scale_factor=[2.5])',
  },
  {
    name: 'interpolate bilinear on 3-D',
    inputs: { x: up3 },
    ts: () => F.interpolate(up3, { scale_factor: 2, mode: 'bilinear' }),
    py: "F.interpolate(x, scale_factor=2, mode='bilinear')",
  },
  {
    name: 'interpolate linear on 4-D',
    inputs: { x: up },
    ts: () => F.interpolate(up, { scale_factor: 2, mode: 'linear' }),
    py: "F.interpolate(x, scale_factor=2, mode='linear')",
  },
  {
    name: 'interpolate 2-D input',
    inputs: { x: reg },
    ts: () => F.interpolate(reg, { size: [] }),
    py: 'F.interpolate(x, size=[])',
  },
  {
    name: 'interpolate antialias with nearest',
    inputs: { x: up },
    ts: () => F.interpolate(up, { size: 2, antialias: true }),
    py: 'F.interpolate(x, size=2, antialias=True)',
  },
  {
    name: 'interpolate recompute with size',
    inputs: { x: up },
    ts: () => F.interpolate(up, { size: 2, recompute_scale_factor: true }),
    py: 'F.interpolate(x, size=2, recompute_scale_factor=True)',
  },
  {
    name: 'embedding padding_idx out of range',
    inputs: { i: idx, w: emb },
    ts: () => F.embedding(idx, emb, 5),
    py: 'F.embedding(i, w, 5)',
  },
  {
    name: 'embedding negative padding_idx out of range',
    inputs: { i: idx, w: emb },
    ts: () => F.embedding(idx, emb, -6),
    py: 'F.embedding(i, w, -6)',
  },
  { name: 'one_hot float input', inputs: {}, ts: () => F.one_hot(torch.ones(2)), py: 'F.one_hot(torch.ones(2))' },
  { name: 'one_hot class too large', inputs: { i: idx }, ts: () => F.one_hot(idx, 3), py: 'F.one_hot(i, 3)' },
  {
    name: 'kl_div bad reduction',
    inputs: { x: klIn, y: klT },
    ts: () => F.kl_div(klIn, klT, { reduction: 'batch' as 'sum' }),
    py: "F.kl_div(x, y, reduction='batch')",
  },
  { name: 'softmax dim out of range', inputs: { x: act2 }, ts: () => F.softmax(act2, 2), py: 'F.softmax(x, 2)' },
  {
    name: 'relu inplace on a leaf that requires grad',
    inputs: { x: reg },
    ts: () => F.relu(reg.clone().requires_grad_(), true),
    py: 'F.relu(x.clone().requires_grad_(), True)',
  },
];

let pyResults: PyResult[];
let pyErrors: PyResult[];
beforeAll(() => {
  const withF = errorCases.map((c) => ({ ...c, setup: `import torch.nn.functional as F\n${c.setup ?? ''}` }));
  const all = runPython([...pyCases, ...withF]);
  pyResults = all.slice(0, pyCases.length);
  pyErrors = all.slice(pyCases.length);
});

describe('nn.functional matches Python: values, grad_fn and gradients', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const run = tsRuns[i];
    if (run instanceof Error) throw run;
    const expected = pyResults[i];
    if (expected.kind !== 'list') throw new Error(`python failed for ${name}: ${JSON.stringify(expected)}`);
    const [out, gradFn, grads] = expected.items;
    expectMatches(run.out, out, tol, 'output');
    expectMatches(run.gradFn, gradFn, tol, 'grad_fn');
    if (grads.kind !== 'list') throw new Error('expected a list of gradients');
    const names = gradNames(cases[i]);
    expect(run.grads.length).toBe(grads.items.length);
    grads.items.forEach((g, k) => expectMatches(run.grads[k], g, tol, `${names[k]}.grad`));
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('errors have Python message and exception type', () => {
  test.each(errorCases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const expected = pyErrors[i];
    if (expected.kind !== 'error') throw new Error(`python did not raise for ${name}`);
    const e = thrown(errorCases[i].ts);
    expect(e).toBeInstanceOf(torch.TorchError);
    const err = e as torch.TorchError;
    expect({ message: err.message, type: err.python_type }).toEqual({ message: expected.message, type: expected.type });
  });
});

describe('argument binding', () => {
  test('positional and keyword forms agree', () => {
    const a = F.conv2d(x4, w4, b6, 2, 1, 1, 1);
    const b = F.conv2d(x4, w4, b6, { stride: 2, padding: 1, dilation: 1, groups: 1 });
    const c = F.conv2d(x4, w4, b6, 2, { padding: 1 });
    expect(a.equal(b)).toBe(true);
    expect(a.equal(c)).toBe(true);
    expect(F.conv2d(x4, w4, undefined, 1).equal(F.conv2d(x4, w4))).toBe(true);
  });
  test('wrong argument types are TypeErrors in PyTorch wording', () => {
    const cases: [() => unknown, string][] = [
      [() => F.conv2d('x' as never, w4), "conv2d(): argument 'input' must be Tensor, not string"],
      [() => F.conv2d(x4, w4, 3 as never), "conv2d(): argument 'bias' must be Tensor, not number"],
      [() => F.conv2d(x4, w4, null, 'a' as never), "conv2d(): argument 'stride' must be tuple of ints, not string"],
      [() => F.conv2d(x4, w4, null, [1.5, 1]), "conv2d(): argument 'stride' must be tuple of ints, not Array"],
      [
        () => F.max_pool2d(pool, 2, { ceil_mode: 1 as never }),
        "max_pool2d(): argument 'ceil_mode' must be bool, not number",
      ],
      [() => F.softmax(act2, 1.5), "softmax(): argument 'dim' must be int, not number"],
      [
        () => F.softmax(act2, { dim: 1, dtype: 'float64' as never }),
        "softmax(): argument 'dtype' must be torch.dtype, not string",
      ],
      [() => F.dropout(reg, '0.5' as never), "dropout(): argument 'p' must be float, not string"],
      [() => F.cross_entropy(logits, [1, 2] as never), "cross_entropy(): argument 'target' must be Tensor, not Array"],
      [() => F.conv2d(x4, w4, { strides: 1 } as never), "conv2d() got an unexpected keyword argument 'strides'"],
      [() => F.conv2d(x4, w4, null, 1, { stride: 2 }), "conv2d() got multiple values for argument 'stride'"],
      [() => F.relu(reg, true, true as never), 'relu() takes from 1 to 2 positional arguments but 3 were given'],
      [() => F.gelu(reg, 'tanh' as never), 'gelu() takes 1 positional argument but 2 were given'],
      // torch.layer_norm's normalized_shape is int[] (no size): Python rejects an int too
      [
        () => F.layer_norm(lnx, 5 as never),
        "layer_norm(): argument 'normalized_shape' must be tuple of ints, not number",
      ],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toBe(message);
    }
  });
});

describe('semantics beyond values', () => {
  test('inplace variants return their input', () => {
    const x = reg.clone();
    expect(F.relu(x, { inplace: true })).toBe(x);
    expect(F.relu_(x)).toBe(x);
    expect(F.leaky_relu(x, 0.1, true)).toBe(x);
    expect(F.hardtanh(x, { inplace: true })).toBe(x);
    expect(F.dropout(x, { inplace: true })).toBe(x);
    expect(F.dropout2d(gnx.clone(), { inplace: true, training: false })).toBeInstanceOf(torch.Tensor);
  });
  test('dropout keeps a fraction 1 - p of the elements, scaled by 1 / (1 - p)', () => {
    const p = 0.3;
    const y = F.dropout(torch.ones(200000), p);
    const kept = y.ne(0).float().mean().item() as number;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.01);
    const scale = Math.fround(1 / (1 - p));
    expect(y.masked_select(y.ne(0)).sub(scale).abs().max().item()).toBeLessThan(1e-6);
  });
  test('dropout with p=1 zeroes everything, p=0 or training=False is the identity', () => {
    expect(F.dropout(reg, 1).abs().sum().item()).toBe(0);
    expect(F.dropout(reg, 0).equal(reg)).toBe(true);
    expect(F.dropout(reg, 0.9, false).equal(reg)).toBe(true);
  });
  test('dropout2d zeroes whole channels', () => {
    const p = 0.5;
    const y = F.dropout2d(torch.ones(16, 64, 3, 3), p);
    const perChannel = y.ne(0).float().mean([2, 3]);
    // each channel is all kept or all dropped
    expect(perChannel.eq(0).logical_or(perChannel.eq(1)).all().item()).toBe(true);
    const kept = perChannel.mean().item() as number;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.05);
    expect(y.max().item()).toBeCloseTo(2, 6);
  });
  test('dropout consumes the same RNG stream as Python across several calls', () => {
    // covered value-by-value by the seeded oracle cases; here: two draws differ, reseeding repeats them
    torch.manual_seed(3);
    const a = F.dropout(torch.ones(64));
    const b = F.dropout(torch.ones(64));
    torch.manual_seed(3);
    expect(F.dropout(torch.ones(64)).equal(a)).toBe(true);
    expect(a.equal(b)).toBe(false);
  });
  test('return_indices gives [out, indices] with .values / .indices', () => {
    const r = F.max_pool2d(pool, 3, { return_indices: true });
    const [out, indices] = r;
    expect(r.values).toBe(out);
    expect(r.indices).toBe(indices);
    expect(indices.dtype).toBe(torch.int64);
    expect(F.max_pool2d(pool, 3)).toBeInstanceOf(torch.Tensor);
  });
  test('embedding padding_idx rows get no gradient', () => {
    const w = emb.clone().requires_grad_();
    F.embedding(idx, w, 4).sum().backward();
    expect(w.grad?.index(4).abs().sum().item()).toBe(0);
    expect(w.grad?.index(1).abs().sum().item()).toBeGreaterThan(0);
  });
});
