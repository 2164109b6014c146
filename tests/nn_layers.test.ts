/**
 * nn layers, containers, losses and nn.utils against Python PyTorch (same libtorch):
 * same-seed initialisation (bit-identical weights and buffers), forward outputs and gradients of
 * inputs and parameters in train and eval mode (BatchNorm running stats, Dropout masks), repr,
 * state_dict keys and metadata, container behaviour, and Python's errors.
 */
import * as torch from '../lib';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

const { nn } = torch;
type Tensor = torch.Tensor;
type AnyModule = torch.nn.Module;

const exact = { rtol: 0, atol: 0 };
const tol = { rtol: 1e-5, atol: 1e-6 };

const PY_PRELUDE = `import torch.nn as nn
import torch.nn.functional as F
from collections import OrderedDict
`;

// ------------------------------------------------------------------ layer cases

interface LayerCase {
  name: string;
  /** Builds the layer (run after torch.manual_seed(0)). */
  ts: () => AnyModule;
  /** The same constructor in Python (names of `extra` tensors are in scope). */
  py: string;
  /** Inputs of the call; floating ones get requires_grad unless `grads` says otherwise. */
  inputs: Tensor[];
  grads?: boolean[];
  /** Tensors the Python constructor refers to by name (e.g. a loss weight). */
  extra?: Record<string, Tensor>;
  /** Modes to run forward/backward in (default both). */
  modes?: ('train' | 'eval')[];
  /** A call other than `m(...inputs)`. */
  tsCall?: (m: AnyModule, args: Tensor[]) => unknown;
  pyCall?: string;
}

torch.manual_seed(1234);
const x2 = torch.randn(4, 5);
const x2b = torch.randn(5, 4);
const x2c = torch.randn(5, 3);
const x1d = torch.randn(2, 3, 10);
const img = torch.randn(2, 3, 8, 8);
const img4 = torch.randn(2, 4, 9, 9);
const small = torch.randn(2, 4, 5, 5);
const bn1 = torch.randn(4, 5, 3);
const bn2 = torch.randn(4, 3, 5, 5);
const bn3 = torch.randn(2, 2, 3, 3, 3);
const ln = torch.randn(3, 4, 5, 6);
const chw = torch.randn(3, 6);
const act = torch.randn(3, 7).mul(3);
const flat = torch.randn(3, 10);
const up = torch.randn(1, 2, 3, 3);
const idx = torch.tensor([
  [1, 2, 4],
  [4, 3, 9],
]);
const logits = torch.randn(4, 5);
const target = torch.tensor([1, 0, 4, 1]);
const probs = nn.functional.softmax(torch.randn(4, 5), 1);
const logSm = nn.functional.log_softmax(logits, 1);
const reg = torch.randn(3, 4);
const regT = torch.randn(3, 4);
const p01 = torch.rand(3, 4).mul(0.8).add(0.1);
const t01 = torch.rand(3, 4);
const cw = torch.rand(5).add(0.5);
const bw = torch.rand(4).add(0.5);

const cases: LayerCase[] = [
  // linear.py
  { name: 'Linear', ts: () => new nn.Linear(5, 3), py: 'nn.Linear(5, 3)', inputs: [x2] },
  { name: 'Linear without bias', ts: () => new nn.Linear(5, 3, false), py: 'nn.Linear(5, 3, False)', inputs: [x2] },
  {
    name: 'Linear keyword',
    ts: () => new nn.Linear(5, { out_features: 2, bias: true }),
    py: 'nn.Linear(5, out_features=2, bias=True)',
    inputs: [x2],
  },
  { name: 'Bilinear', ts: () => new nn.Bilinear(4, 3, 2), py: 'nn.Bilinear(4, 3, 2)', inputs: [x2b, x2c] },
  { name: 'Identity', ts: () => new nn.Identity(54, { unused: 0.1 }), py: 'nn.Identity(54, unused=0.1)', inputs: [x2] },
  // conv.py
  {
    name: 'Conv1d',
    ts: () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }),
    py: 'nn.Conv1d(3, 4, 3, stride=2, padding=1)',
    inputs: [x1d],
  },
  {
    name: 'Conv1d padding same circular',
    ts: () => new nn.Conv1d(3, 2, 4, { padding: 'same', padding_mode: 'circular' }),
    py: "nn.Conv1d(3, 2, 4, padding='same', padding_mode='circular')",
    inputs: [x1d],
  },
  { name: 'Conv2d', ts: () => new nn.Conv2d(3, 4, 3), py: 'nn.Conv2d(3, 4, 3)', inputs: [img] },
  {
    name: 'Conv2d keyword kernel_size',
    ts: () => new nn.Conv2d(3, 8, { kernel_size: 3, padding: 1 }),
    py: 'nn.Conv2d(3, 8, kernel_size=3, padding=1)',
    inputs: [img],
  },
  {
    name: 'Conv2d strided dilated grouped',
    ts: () =>
      new nn.Conv2d(4, 6, { kernel_size: [3, 2], stride: 2, padding: 1, dilation: [1, 2], groups: 2, bias: false }),
    py: 'nn.Conv2d(4, 6, kernel_size=(3, 2), stride=2, padding=1, dilation=(1, 2), groups=2, bias=False)',
    inputs: [img4],
  },
  {
    name: 'Conv2d positional',
    ts: () => new nn.Conv2d(3, 2, 3, 2, 1, 1, 1, true, 'zeros'),
    py: "nn.Conv2d(3, 2, 3, 2, 1, 1, 1, True, 'zeros')",
    inputs: [img],
  },
  {
    name: 'Conv2d padding same reflect',
    ts: () => new nn.Conv2d(3, 4, 4, { padding: 'same', padding_mode: 'reflect' }),
    py: "nn.Conv2d(3, 4, 4, padding='same', padding_mode='reflect')",
    inputs: [img],
  },
  {
    name: 'Conv2d padding valid',
    ts: () => new nn.Conv2d(3, 4, 3, { padding: 'valid' }),
    py: "nn.Conv2d(3, 4, 3, padding='valid')",
    inputs: [img],
  },
  {
    name: 'Conv2d replicate',
    ts: () => new nn.Conv2d(3, 4, 3, { padding: [1, 2], padding_mode: 'replicate' }),
    py: "nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode='replicate')",
    inputs: [img],
  },
  {
    name: 'ConvTranspose2d',
    ts: () => new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, output_padding: 1 }),
    py: 'nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)',
    inputs: [small],
  },
  {
    name: 'ConvTranspose2d grouped dilated',
    ts: () => new nn.ConvTranspose2d(4, 6, 3, { groups: 2, dilation: 2, bias: false }),
    py: 'nn.ConvTranspose2d(4, 6, 3, groups=2, dilation=2, bias=False)',
    inputs: [small],
  },
  {
    name: 'ConvTranspose2d output_size',
    ts: () => new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1 }),
    py: 'nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1)',
    inputs: [small],
    tsCall: (m, [x]) => (m as torch.nn.ConvTranspose2d)(x, [10, 10]),
    pyCall: 'm(args[0], output_size=[10, 10])',
  },
  // batchnorm.py
  { name: 'BatchNorm1d 2-D', ts: () => new nn.BatchNorm1d(5), py: 'nn.BatchNorm1d(5)', inputs: [x2] },
  { name: 'BatchNorm1d 3-D', ts: () => new nn.BatchNorm1d(5), py: 'nn.BatchNorm1d(5)', inputs: [bn1] },
  { name: 'BatchNorm2d', ts: () => new nn.BatchNorm2d(3), py: 'nn.BatchNorm2d(3)', inputs: [bn2] },
  {
    name: 'BatchNorm2d momentum None',
    ts: () => new nn.BatchNorm2d(3, { momentum: null }),
    py: 'nn.BatchNorm2d(3, momentum=None)',
    inputs: [bn2],
  },
  {
    name: 'BatchNorm2d eps momentum',
    ts: () => new nn.BatchNorm2d(3, 1e-3, 0.3),
    py: 'nn.BatchNorm2d(3, 1e-3, 0.3)',
    inputs: [bn2],
  },
  {
    name: 'BatchNorm2d no affine',
    ts: () => new nn.BatchNorm2d(3, { affine: false }),
    py: 'nn.BatchNorm2d(3, affine=False)',
    inputs: [bn2],
  },
  {
    name: 'BatchNorm2d no running stats',
    ts: () => new nn.BatchNorm2d(3, { track_running_stats: false }),
    py: 'nn.BatchNorm2d(3, track_running_stats=False)',
    inputs: [bn2],
  },
  { name: 'BatchNorm3d', ts: () => new nn.BatchNorm3d(2), py: 'nn.BatchNorm3d(2)', inputs: [bn3] },
  // normalization.py, instancenorm.py
  { name: 'LayerNorm', ts: () => new nn.LayerNorm([5, 6]), py: 'nn.LayerNorm([5, 6])', inputs: [ln] },
  {
    name: 'LayerNorm int no affine',
    ts: () => new nn.LayerNorm(6, { eps: 1e-3, elementwise_affine: false }),
    py: 'nn.LayerNorm(6, eps=1e-3, elementwise_affine=False)',
    inputs: [ln],
  },
  { name: 'GroupNorm', ts: () => new nn.GroupNorm(2, 4), py: 'nn.GroupNorm(2, 4)', inputs: [small] },
  {
    name: 'GroupNorm no affine',
    ts: () => new nn.GroupNorm(4, 4, { affine: false }),
    py: 'nn.GroupNorm(4, 4, affine=False)',
    inputs: [small],
  },
  { name: 'InstanceNorm2d', ts: () => new nn.InstanceNorm2d(3), py: 'nn.InstanceNorm2d(3)', inputs: [bn2] },
  {
    name: 'InstanceNorm2d affine tracking',
    ts: () => new nn.InstanceNorm2d(3, { affine: true, track_running_stats: true }),
    py: 'nn.InstanceNorm2d(3, affine=True, track_running_stats=True)',
    inputs: [bn2],
  },
  { name: 'InstanceNorm1d unbatched', ts: () => new nn.InstanceNorm1d(3), py: 'nn.InstanceNorm1d(3)', inputs: [chw] },
  // dropout.py
  { name: 'Dropout', ts: () => new nn.Dropout(0.3), py: 'nn.Dropout(0.3)', inputs: [flat] },
  { name: 'Dropout inplace', ts: () => new nn.Dropout(0.5, true), py: 'nn.Dropout(0.5, True)', inputs: [flat] },
  { name: 'Dropout2d', ts: () => new nn.Dropout2d(), py: 'nn.Dropout2d()', inputs: [small] },
  // pooling.py
  { name: 'MaxPool2d', ts: () => new nn.MaxPool2d(2, 2), py: 'nn.MaxPool2d(2, 2)', inputs: [img] },
  {
    name: 'MaxPool2d padding ceil_mode',
    ts: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceil_mode: true }),
    py: 'nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)',
    inputs: [img],
  },
  {
    name: 'MaxPool2d return_indices',
    ts: () => new nn.MaxPool2d<true>(2, { return_indices: true }),
    py: 'nn.MaxPool2d(2, return_indices=True)',
    inputs: [img],
  },
  {
    name: 'AvgPool2d',
    ts: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, count_include_pad: false }),
    py: 'nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)',
    inputs: [img],
  },
  {
    name: 'AvgPool2d divisor_override',
    ts: () => new nn.AvgPool2d([2, 3], { ceil_mode: true, divisor_override: 4 }),
    py: 'nn.AvgPool2d((2, 3), ceil_mode=True, divisor_override=4)',
    inputs: [img4],
  },
  {
    name: 'AdaptiveAvgPool2d',
    ts: () => new nn.AdaptiveAvgPool2d([2, 3]),
    py: 'nn.AdaptiveAvgPool2d((2, 3))',
    inputs: [img],
  },
  {
    name: 'AdaptiveAvgPool2d None',
    ts: () => new nn.AdaptiveAvgPool2d([null, 3]),
    py: 'nn.AdaptiveAvgPool2d((None, 3))',
    inputs: [img],
  },
  { name: 'AdaptiveAvgPool2d 1', ts: () => new nn.AdaptiveAvgPool2d(1), py: 'nn.AdaptiveAvgPool2d(1)', inputs: [img] },
  { name: 'AdaptiveMaxPool2d', ts: () => new nn.AdaptiveMaxPool2d(3), py: 'nn.AdaptiveMaxPool2d(3)', inputs: [img] },
  {
    name: 'AdaptiveMaxPool2d return_indices',
    ts: () => new nn.AdaptiveMaxPool2d<true>([2, 4], true),
    py: 'nn.AdaptiveMaxPool2d((2, 4), True)',
    inputs: [img],
  },
  // activation.py
  { name: 'ReLU', ts: () => new nn.ReLU(), py: 'nn.ReLU()', inputs: [act] },
  { name: 'ReLU inplace', ts: () => new nn.ReLU({ inplace: true }), py: 'nn.ReLU(inplace=True)', inputs: [act] },
  { name: 'ReLU6', ts: () => new nn.ReLU6(), py: 'nn.ReLU6()', inputs: [act] },
  { name: 'Hardtanh', ts: () => new nn.Hardtanh(-2, 3), py: 'nn.Hardtanh(-2, 3)', inputs: [act] },
  { name: 'Hardtanh default', ts: () => new nn.Hardtanh(), py: 'nn.Hardtanh()', inputs: [act] },
  { name: 'LeakyReLU', ts: () => new nn.LeakyReLU(0.2), py: 'nn.LeakyReLU(0.2)', inputs: [act] },
  {
    name: 'LeakyReLU default inplace',
    ts: () => new nn.LeakyReLU({ inplace: true }),
    py: 'nn.LeakyReLU(inplace=True)',
    inputs: [act],
  },
  { name: 'ELU', ts: () => new nn.ELU(), py: 'nn.ELU()', inputs: [act] },
  { name: 'ELU alpha', ts: () => new nn.ELU(0.5), py: 'nn.ELU(0.5)', inputs: [act] },
  { name: 'GELU', ts: () => new nn.GELU(), py: 'nn.GELU()', inputs: [act] },
  {
    name: 'GELU tanh',
    ts: () => new nn.GELU({ approximate: 'tanh' }),
    py: "nn.GELU(approximate='tanh')",
    inputs: [act],
  },
  { name: 'SiLU', ts: () => new nn.SiLU(), py: 'nn.SiLU()', inputs: [act] },
  { name: 'Mish', ts: () => new nn.Mish(), py: 'nn.Mish()', inputs: [act] },
  { name: 'Hardswish', ts: () => new nn.Hardswish(), py: 'nn.Hardswish()', inputs: [act] },
  { name: 'Sigmoid', ts: () => new nn.Sigmoid(), py: 'nn.Sigmoid()', inputs: [act] },
  { name: 'Tanh', ts: () => new nn.Tanh(), py: 'nn.Tanh()', inputs: [act] },
  { name: 'Softmax', ts: () => new nn.Softmax(1), py: 'nn.Softmax(1)', inputs: [act] },
  { name: 'Softmax implicit dim', ts: () => new nn.Softmax(), py: 'nn.Softmax()', inputs: [act] },
  { name: 'LogSoftmax', ts: () => new nn.LogSoftmax({ dim: -1 }), py: 'nn.LogSoftmax(dim=-1)', inputs: [act] },
  // flatten.py, sparse.py, upsampling.py
  { name: 'Flatten', ts: () => new nn.Flatten(), py: 'nn.Flatten()', inputs: [img] },
  { name: 'Flatten 0..2', ts: () => new nn.Flatten(0, 2), py: 'nn.Flatten(0, 2)', inputs: [img] },
  { name: 'Unflatten', ts: () => new nn.Unflatten(1, [2, 5]), py: 'nn.Unflatten(1, (2, 5))', inputs: [flat] },
  { name: 'Embedding', ts: () => new nn.Embedding(10, 4), py: 'nn.Embedding(10, 4)', inputs: [idx] },
  {
    name: 'Embedding padding_idx',
    ts: () => new nn.Embedding(10, 4, { padding_idx: 4 }),
    py: 'nn.Embedding(10, 4, padding_idx=4)',
    inputs: [idx],
  },
  {
    name: 'Embedding negative padding_idx',
    ts: () => new nn.Embedding(10, 4, -1),
    py: 'nn.Embedding(10, 4, -1)',
    inputs: [idx],
  },
  {
    name: 'Embedding max_norm',
    ts: () => new nn.Embedding(10, 4, { max_norm: 1.5, norm_type: 3 }),
    py: 'nn.Embedding(10, 4, max_norm=1.5, norm_type=3)',
    inputs: [idx],
  },
  {
    name: 'Upsample nearest',
    ts: () => new nn.Upsample({ scale_factor: 2 }),
    py: 'nn.Upsample(scale_factor=2)',
    inputs: [up],
  },
  {
    name: 'Upsample bilinear size',
    ts: () => new nn.Upsample({ size: [5, 7], mode: 'bilinear', align_corners: false }),
    py: "nn.Upsample(size=(5, 7), mode='bilinear', align_corners=False)",
    inputs: [up],
  },
  {
    name: 'Upsample bicubic scale',
    ts: () => new nn.Upsample(null, 1.5, 'bicubic', true),
    py: "nn.Upsample(None, 1.5, 'bicubic', True)",
    inputs: [up],
  },
  {
    name: 'UpsamplingNearest2d',
    ts: () => new nn.UpsamplingNearest2d({ scale_factor: 2 }),
    py: 'nn.UpsamplingNearest2d(scale_factor=2)',
    inputs: [up],
  },
  {
    name: 'UpsamplingBilinear2d',
    ts: () => new nn.UpsamplingBilinear2d(6),
    py: 'nn.UpsamplingBilinear2d(6)',
    inputs: [up],
  },
  // loss.py
  {
    name: 'CrossEntropyLoss',
    ts: () => new nn.CrossEntropyLoss(),
    py: 'nn.CrossEntropyLoss()',
    inputs: [logits, target],
  },
  {
    name: 'CrossEntropyLoss weight ignore_index label_smoothing',
    ts: () => new nn.CrossEntropyLoss({ weight: cw, ignore_index: 1, label_smoothing: 0.1 }),
    py: 'nn.CrossEntropyLoss(weight=cw, ignore_index=1, label_smoothing=0.1)',
    extra: { cw },
    inputs: [logits, target],
  },
  {
    name: 'CrossEntropyLoss none',
    ts: () => new nn.CrossEntropyLoss({ reduction: 'none' }),
    py: "nn.CrossEntropyLoss(reduction='none')",
    inputs: [logits, target],
  },
  {
    name: 'CrossEntropyLoss probabilities',
    ts: () => new nn.CrossEntropyLoss(),
    py: 'nn.CrossEntropyLoss()',
    inputs: [logits, probs],
    grads: [true, false],
  },
  { name: 'NLLLoss', ts: () => new nn.NLLLoss(), py: 'nn.NLLLoss()', inputs: [logSm, target] },
  {
    name: 'NLLLoss weight sum',
    ts: () => new nn.NLLLoss(cw, null, -100, null, 'sum'),
    py: "nn.NLLLoss(cw, None, -100, None, 'sum')",
    extra: { cw },
    inputs: [logSm, target],
  },
  { name: 'MSELoss', ts: () => new nn.MSELoss(), py: 'nn.MSELoss()', inputs: [reg, regT], grads: [true, false] },
  {
    name: 'MSELoss sum',
    ts: () => new nn.MSELoss({ reduction: 'sum' }),
    py: "nn.MSELoss(reduction='sum')",
    inputs: [reg, regT],
    grads: [true, true],
  },
  {
    name: 'MSELoss legacy size_average',
    ts: () => new nn.MSELoss({ size_average: false }),
    py: 'nn.MSELoss(size_average=False)',
    inputs: [reg, regT],
    grads: [true, false],
  },
  { name: 'L1Loss', ts: () => new nn.L1Loss(), py: 'nn.L1Loss()', inputs: [reg, regT], grads: [true, false] },
  {
    name: 'SmoothL1Loss',
    ts: () => new nn.SmoothL1Loss({ beta: 0.5 }),
    py: 'nn.SmoothL1Loss(beta=0.5)',
    inputs: [reg, regT],
    grads: [true, false],
  },
  {
    name: 'HuberLoss',
    ts: () => new nn.HuberLoss('none', 0.5),
    py: "nn.HuberLoss('none', 0.5)",
    inputs: [reg, regT],
    grads: [true, false],
  },
  { name: 'BCELoss', ts: () => new nn.BCELoss(), py: 'nn.BCELoss()', inputs: [p01, t01], grads: [true, false] },
  {
    name: 'BCELoss weight',
    ts: () => new nn.BCELoss(bw),
    py: 'nn.BCELoss(bw)',
    extra: { bw },
    inputs: [p01, t01],
    grads: [true, false],
  },
  {
    name: 'BCEWithLogitsLoss pos_weight',
    ts: () => new nn.BCEWithLogitsLoss({ pos_weight: bw }),
    py: 'nn.BCEWithLogitsLoss(pos_weight=bw)',
    extra: { bw },
    inputs: [reg, t01],
    grads: [true, false],
  },
  {
    name: 'KLDivLoss batchmean',
    ts: () => new nn.KLDivLoss({ reduction: 'batchmean' }),
    py: "nn.KLDivLoss(reduction='batchmean')",
    inputs: [logSm, probs],
    grads: [true, false],
  },
  {
    name: 'KLDivLoss log_target sum',
    ts: () => new nn.KLDivLoss({ reduction: 'sum', log_target: true }),
    py: "nn.KLDivLoss(reduction='sum', log_target=True)",
    inputs: [logSm, probs.log()],
    grads: [true, false],
  },
  // container.py
  {
    name: 'Sequential',
    ts: () =>
      new nn.Sequential(
        new nn.Linear(5, 8),
        new nn.ReLU(),
        new nn.Dropout(0.2),
        new nn.Linear(8, 3),
        new nn.BatchNorm1d(3),
      ),
    py: 'nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3), nn.BatchNorm1d(3))',
    inputs: [x2],
  },
  {
    name: 'Sequential from an ordered Map',
    ts: () =>
      new nn.Sequential(
        new Map<string, AnyModule>([
          ['fc', new nn.Linear(5, 4)],
          ['act', new nn.Tanh()],
          ['out', new nn.Linear(4, 2)],
        ]),
      ),
    py: "nn.Sequential(OrderedDict([('fc', nn.Linear(5, 4)), ('act', nn.Tanh()), ('out', nn.Linear(4, 2))]))",
    inputs: [x2],
  },
  {
    name: 'Sequential of convolutions',
    ts: () =>
      new nn.Sequential(
        new nn.Conv2d(3, 6, 3, { padding: 1, bias: false }),
        new nn.BatchNorm2d(6),
        new nn.ReLU(true),
        new nn.MaxPool2d(2),
        new nn.Conv2d(6, 4, 3),
        new nn.GroupNorm(2, 4),
        new nn.SiLU(),
        new nn.AdaptiveAvgPool2d(1),
        new nn.Flatten(),
        new nn.Linear(4, 3),
      ),
    py:
      'nn.Sequential(nn.Conv2d(3, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(True), nn.MaxPool2d(2), ' +
      'nn.Conv2d(6, 4, 3), nn.GroupNorm(2, 4), nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))',
    inputs: [img],
  },
];

// ------------------------------------------------------------------ the harness (same steps on both sides)

/** The gradient fed to backward: deterministic and the same on both sides. */
function gradOutput(out: Tensor): Tensor {
  return torch.linspace(-1, 1, out.numel()).reshape(out.shape);
}

function requiresGrad(c: LayerCase, i: number): boolean {
  return c.grads ? c.grads[i] : c.inputs[i].is_floating_point();
}

/** Forward/backward: [...outputs, ...input grads, ...parameter grads, ...buffers]. */
function runTs(c: LayerCase, mode: 'train' | 'eval'): Tensor[] {
  torch.manual_seed(0);
  const m = c.ts();
  if (mode === 'train') m.train();
  else m.eval();
  const ins = c.inputs.map((x, i) => (requiresGrad(c, i) ? x.clone().requires_grad_(true) : x.clone()));
  // `* 1` keeps in-place layers off the leaves, as in the Python below.
  const args = ins.map((x, i) => (requiresGrad(c, i) ? x.mul(1) : x));
  torch.manual_seed(1);
  const out = c.tsCall ? c.tsCall(m, args) : m(...args);
  const outs = (Array.isArray(out) ? [...out] : [out]) as Tensor[];
  if (outs[0].requires_grad) outs[0].mul(gradOutput(outs[0])).sum().backward();
  const grads = ins.filter((_, i) => requiresGrad(c, i)).map((x) => x.grad as Tensor);
  const pgrads = m
    .parameters()
    .map((p) => p.grad)
    .filter((g): g is Tensor => g !== null);
  return [...outs.map((o) => o.detach()), ...grads, ...pgrads, ...m.buffers()];
}

function pyForward(c: LayerCase, mode: 'train' | 'eval'): OracleCase {
  const names = c.inputs.map((_, i) => `x${i}`);
  const flags = c.inputs.map((_, i) => (requiresGrad(c, i) ? 'True' : 'False'));
  const setup = `${PY_PRELUDE}
torch.manual_seed(0)
m = ${c.py}
m.${mode}()
flags = [${flags.join(', ')}]
ins = [x.clone().requires_grad_(True) if f else x.clone() for x, f in zip([${names.join(', ')}], flags)]
args = [x * 1 if f else x for x, f in zip(ins, flags)]
torch.manual_seed(1)
out = ${c.pyCall ?? 'm(*args)'}
outs = list(out) if isinstance(out, tuple) else [out]
if outs[0].requires_grad:
    (outs[0] * torch.linspace(-1, 1, outs[0].numel()).reshape(outs[0].shape)).sum().backward()
res = outs + [x.grad for x, f in zip(ins, flags) if f] + [p.grad for p in m.parameters() if p.grad is not None] + list(m.buffers())
`;
  return {
    setup,
    py: 'res',
    inputs: { ...Object.fromEntries(c.inputs.map((x, i) => [`x${i}`, x])), ...(c.extra ?? {}) },
  };
}

function pyInit(c: LayerCase): OracleCase {
  const setup = `${PY_PRELUDE}\ntorch.manual_seed(0)\nm = ${c.py}\n`;
  return {
    setup,
    py: '[repr(m), list(m.state_dict().keys()), list(m.state_dict().values()), [[k, v.get("version")] for k, v in m.state_dict()._metadata.items()]]',
    inputs: { ...(c.extra ?? {}) },
  };
}

function modesOf(c: LayerCase): ('train' | 'eval')[] {
  return c.modes ?? ['train', 'eval'];
}

// ------------------------------------------------------------------ a model mixing every layer

class Mixed extends nn.Module<(x: Tensor) => Tensor> {
  conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
  conv1 = new nn.Conv1d(2, 2, 3);
  convt = new nn.ConvTranspose2d(4, 2, 2, { stride: 2 });
  bn = new nn.BatchNorm2d(4);
  bn1 = new nn.BatchNorm1d(3, { affine: false });
  ln = new nn.LayerNorm([4, 8, 8]);
  gn = new nn.GroupNorm(2, 4);
  inorm = new nn.InstanceNorm2d(4, { affine: true, track_running_stats: true });
  drop = new nn.Dropout(0.25);
  drop2 = new nn.Dropout2d(0.1);
  pool = new nn.MaxPool2d(2);
  avg = new nn.AvgPool2d(2, { stride: 1 });
  apool = new nn.AdaptiveAvgPool2d([2, 2]);
  amax = new nn.AdaptiveMaxPool2d(1);
  flat = new nn.Flatten();
  unflat = new nn.Unflatten(1, [4, 4]);
  emb = new nn.Embedding(7, 3, { padding_idx: 0 });
  up = new nn.Upsample({ scale_factor: 2, mode: 'bilinear' });
  bil = new nn.Bilinear(3, 2, 4, false);
  id = new nn.Identity();
  acts = new nn.Sequential(
    new nn.ReLU(),
    new nn.ReLU6(true),
    new nn.LeakyReLU(0.1),
    new nn.ELU(),
    new nn.GELU(),
    new nn.SiLU(),
    new nn.Mish(),
    new nn.Hardswish(),
    new nn.Sigmoid(),
    new nn.Tanh(),
    new nn.Softmax(-1),
    new nn.LogSoftmax(1),
  );
  heads = new nn.ModuleList([new nn.Linear(16, 4), new nn.Linear(16, 2, false)]);
  named = new nn.ModuleDict({ fc: new nn.Linear(4, 4), act: new nn.Hardtanh(-2, 2) });
  extra = new nn.ParameterList([new nn.Parameter(torch.zeros(2, 3)), new nn.Parameter(torch.ones(4))]);
  loss = new nn.CrossEntropyLoss({ weight: torch.ones(4) });
  bce = new nn.BCEWithLogitsLoss({ pos_weight: torch.ones(2) });
}

const PY_MIXED = `${PY_PRELUDE}
class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.conv1 = nn.Conv1d(2, 2, 3)
        self.convt = nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.bn = nn.BatchNorm2d(4)
        self.bn1 = nn.BatchNorm1d(3, affine=False)
        self.ln = nn.LayerNorm([4, 8, 8])
        self.gn = nn.GroupNorm(2, 4)
        self.inorm = nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
        self.drop = nn.Dropout(0.25)
        self.drop2 = nn.Dropout2d(0.1)
        self.pool = nn.MaxPool2d(2)
        self.avg = nn.AvgPool2d(2, stride=1)
        self.apool = nn.AdaptiveAvgPool2d((2, 2))
        self.amax = nn.AdaptiveMaxPool2d(1)
        self.flat = nn.Flatten()
        self.unflat = nn.Unflatten(1, (4, 4))
        self.emb = nn.Embedding(7, 3, padding_idx=0)
        self.up = nn.Upsample(scale_factor=2, mode='bilinear')
        self.bil = nn.Bilinear(3, 2, 4, False)
        self.id = nn.Identity()
        self.acts = nn.Sequential(
            nn.ReLU(), nn.ReLU6(True), nn.LeakyReLU(0.1), nn.ELU(), nn.GELU(), nn.SiLU(), nn.Mish(),
            nn.Hardswish(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(-1), nn.LogSoftmax(1))
        self.heads = nn.ModuleList([nn.Linear(16, 4), nn.Linear(16, 2, False)])
        self.named = nn.ModuleDict({'fc': nn.Linear(4, 4), 'act': nn.Hardtanh(-2, 2)})
        self.extra = nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.ones(4))])
        self.loss = nn.CrossEntropyLoss(weight=torch.ones(4))
        self.bce = nn.BCEWithLogitsLoss(pos_weight=torch.ones(2))
torch.manual_seed(0)
mixed = Mixed()
`;

// ------------------------------------------------------------------ errors

interface ErrorCase {
  name: string;
  ts: () => unknown;
  setup?: string;
  py: string;
  inputs?: Record<string, Tensor>;
}

const errorCases: ErrorCase[] = [
  {
    name: 'Conv2d wrong in_channels',
    inputs: { x: img4 },
    ts: () => new nn.Conv2d(3, 8, 3)(img4),
    py: 'nn.Conv2d(3, 8, 3)(x)',
  },
  { name: 'Linear wrong in_features', inputs: { x: x2 }, ts: () => new nn.Linear(4, 3)(x2), py: 'nn.Linear(4, 3)(x)' },
  {
    name: 'BatchNorm2d wrong channels',
    inputs: { x: img4 },
    ts: () => new nn.BatchNorm2d(3)(img4),
    py: 'nn.BatchNorm2d(3)(x)',
  },
  { name: 'BatchNorm2d 2-D input', inputs: { x: x2 }, ts: () => new nn.BatchNorm2d(5)(x2), py: 'nn.BatchNorm2d(5)(x)' },
  {
    name: 'BatchNorm1d 4-D input',
    inputs: { x: img },
    ts: () => new nn.BatchNorm1d(3)(img),
    py: 'nn.BatchNorm1d(3)(x)',
  },
  {
    name: 'InstanceNorm2d 2-D input',
    inputs: { x: x2 },
    ts: () => new nn.InstanceNorm2d(3)(x2),
    py: 'nn.InstanceNorm2d(3)(x)',
  },
  { name: 'Conv2d groups 0', ts: () => new nn.Conv2d(4, 4, 3, { groups: 0 }), py: 'nn.Conv2d(4, 4, 3, groups=0)' },
  {
    name: 'Conv2d in_channels not divisible',
    ts: () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
    py: 'nn.Conv2d(3, 4, 3, groups=2)',
  },
  {
    name: 'Conv2d out_channels not divisible',
    ts: () => new nn.Conv2d(4, 3, 3, { groups: 2 }),
    py: 'nn.Conv2d(4, 3, 3, groups=2)',
  },
  {
    name: "Conv2d padding='same' strided",
    ts: () => new nn.Conv2d(4, 3, 3, { stride: 2, padding: 'same' }),
    py: "nn.Conv2d(4, 3, 3, stride=2, padding='same')",
  },
  {
    name: 'ConvTranspose2d padding_mode',
    ts: () => new nn.ConvTranspose2d(4, 3, 3, { padding_mode: 'reflect' }),
    py: "nn.ConvTranspose2d(4, 3, 3, padding_mode='reflect')",
  },
  {
    name: 'ConvTranspose2d bad output_size',
    inputs: { x: small },
    ts: () => new nn.ConvTranspose2d(4, 3, 3, 2)(small, [20, 20]),
    py: 'nn.ConvTranspose2d(4, 3, 3, 2)(x, [20, 20])',
  },
  {
    name: 'Conv2d missing kernel_size',
    ts: () => new (nn.Conv2d as unknown as new (...a: unknown[]) => unknown)(3, 4),
    py: 'nn.Conv2d(3, 4)',
  },
  {
    name: 'Linear missing two arguments',
    ts: () => new (nn.Linear as unknown as new (...a: unknown[]) => unknown)(),
    py: 'nn.Linear()',
  },
  {
    name: 'Linear unexpected keyword',
    ts: () => new (nn.Linear as unknown as new (...a: unknown[]) => unknown)(3, 4, { bais: false }),
    py: 'nn.Linear(3, 4, bais=False)',
  },
  {
    name: 'Linear multiple values',
    ts: () => new (nn.Linear as unknown as new (...a: unknown[]) => unknown)(3, 4, { in_features: 2 }),
    py: 'nn.Linear(3, 4, in_features=2)',
  },
  {
    name: 'Linear too many positional',
    ts: () => new (nn.Linear as unknown as new (...a: unknown[]) => unknown)(3, 4, true, null, null, 1),
    py: 'nn.Linear(3, 4, True, None, None, 1)',
  },
  { name: 'Dropout p > 1', ts: () => new nn.Dropout(1.5), py: 'nn.Dropout(1.5)' },
  { name: 'Dropout2d p < 0', ts: () => new nn.Dropout2d(-1), py: 'nn.Dropout2d(-1)' },
  { name: 'GroupNorm not divisible', ts: () => new nn.GroupNorm(3, 4), py: 'nn.GroupNorm(3, 4)' },
  { name: 'GroupNorm zero groups', ts: () => new nn.GroupNorm(0, 4), py: 'nn.GroupNorm(0, 4)' },
  { name: 'Embedding padding_idx out of range', ts: () => new nn.Embedding(5, 2, 5), py: 'nn.Embedding(5, 2, 5)' },
  {
    name: 'Embedding index out of range',
    inputs: { i: idx },
    ts: () => new nn.Embedding(5, 2)(idx),
    py: 'nn.Embedding(5, 2)(i)',
  },
  { name: 'Unflatten float size', ts: () => new nn.Unflatten(1, [2, 2.5]), py: 'nn.Unflatten(1, (2, 2.5))' },
  { name: 'MaxPool2d too small input', inputs: { x: up }, ts: () => new nn.MaxPool2d(4)(up), py: 'nn.MaxPool2d(4)(x)' },
  {
    name: 'CrossEntropyLoss bad target',
    inputs: { x: logits },
    ts: () => new nn.CrossEntropyLoss()(logits, torch.tensor([0, 9, 1, 1])),
    py: 'nn.CrossEntropyLoss()(x, torch.tensor([0, 9, 1, 1]))',
  },
  {
    name: 'BCELoss size mismatch',
    inputs: { x: p01 },
    ts: () => new nn.BCELoss()(p01, torch.ones(3)),
    py: 'nn.BCELoss()(x, torch.ones(3))',
  },
  {
    name: 'Sequential index out of range',
    ts: () => new nn.Sequential(new nn.ReLU()).at(2),
    py: 'nn.Sequential(nn.ReLU())[2]',
  },
  {
    name: 'Sequential negative index out of range',
    ts: () => new nn.Sequential(new nn.ReLU()).at(-2),
    py: 'nn.Sequential(nn.ReLU())[-2]',
  },
  {
    name: 'ModuleList index out of range',
    ts: () => new nn.ModuleList([new nn.ReLU()]).at(1),
    py: 'nn.ModuleList([nn.ReLU()])[1]',
  },
  {
    name: 'ModuleList is not callable',
    inputs: { x: x2 },
    ts: () => new nn.ModuleList()(x2),
    py: 'nn.ModuleList()(x)',
  },
  { name: 'ParameterList is not callable', ts: () => new nn.ParameterList()(), py: 'nn.ParameterList()()' },
  {
    name: 'ModuleDict key shadowing a method',
    ts: () => new nn.ModuleDict({ train: new nn.ReLU() }),
    py: "nn.ModuleDict({'train': nn.ReLU()})",
  },
  {
    name: 'Sequential key shadowing a method',
    ts: () => new nn.Sequential({ forward: new nn.ReLU() }),
    py: 'nn.Sequential(OrderedDict(forward=nn.ReLU()))',
  },
  { name: 'ModuleDict missing key', ts: () => new nn.ModuleDict().get('nope'), py: "nn.ModuleDict()['nope']" },
  { name: 'Module missing forward', inputs: { x: x2 }, ts: () => new nn.Module()(x2), py: 'nn.Module()(x)' },
];

// ------------------------------------------------------------------ run Python once

let pyInits: PyResult[];
let pyRuns: PyResult[][];
let pyMixed: PyResult;
let pyErrors: PyResult[];
let pyMisc: PyResult[];

/** Python expressions for the container and nn.utils tests (each evaluated in a fresh env). */
const miscCases: OracleCase[] = [];
function misc(setup: string, py: string, inputs: Record<string, Tensor> = {}): number {
  miscCases.push({ setup: `${PY_PRELUDE}${setup}`, py, inputs });
  return miscCases.length - 1;
}

torch.manual_seed(7);
const gA = torch.randn(3, 5);
const gB = torch.randn(3);
const gC = torch.randn(2, 2);
const PY_GRADS = `
p = [torch.zeros(3, 5, requires_grad=True), torch.zeros(3, requires_grad=True), torch.zeros(2, 2, requires_grad=True)]
for t, g in zip(p, [gA, gB, gC]):
    t.grad = g.clone()
`;
const clipNorm2 = misc(PY_GRADS, '[nn.utils.clip_grad_norm_(p, 1.0)] + [t.grad for t in p]', { gA, gB, gC });
const clipNormInf = misc(PY_GRADS, '[nn.utils.clip_grad_norm_(p, 0.5, float("inf"))] + [t.grad for t in p]', {
  gA,
  gB,
  gC,
});
const clipNorm1 = misc(PY_GRADS, '[nn.utils.clip_grad_norm_(p, 100.0, 1)] + [t.grad for t in p]', { gA, gB, gC });
const clipValue = misc(PY_GRADS, '(nn.utils.clip_grad_value_(p, 0.3), [t.grad for t in p])[1]', { gA, gB, gC });
const clipNonfinite = misc(
  `${PY_GRADS}\np[0].grad[0, 0] = float('nan')\n`,
  'nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)',
  { gA, gB, gC },
);
const p2v = misc(
  'torch.manual_seed(0)\nm = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))\n',
  'nn.utils.parameters_to_vector(m.parameters())',
);
const v2p = misc(
  'torch.manual_seed(0)\nm = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))\nnn.utils.vector_to_parameters(torch.arange(11.), m.parameters())\n',
  'list(m.parameters())',
);
const reprs = misc(
  `pl = nn.ParameterList([nn.Parameter(torch.zeros(3, 4)), nn.Parameter(torch.zeros(2))])
class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.pl = pl
        self.md = nn.ModuleDict({'b': nn.ReLU(), 'a': nn.Linear(2, 3)})
        self.ml = nn.ModuleList([nn.Sequential(nn.ReLU()), nn.Sequential()])
`,
  '[repr(pl), repr(Holder()), list(Holder().state_dict().keys())]',
);
const seqOps = misc(
  `s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.ELU())
s.insert(1, nn.GELU())
del s[0]
s.append(nn.SiLU())
s[-1] = nn.Mish()
t = s[1:4]
`,
  '[repr(s), repr(t), repr(s[::-2]), len(s), repr(s.pop(2)), repr(s)]',
);
const mlOps = misc(
  `l = nn.ModuleList([nn.ReLU(), nn.Tanh()])
l.extend([nn.Sigmoid(), nn.ELU()])
l.insert(1, nn.GELU())
l.append(nn.SiLU())
del l[2]
`,
  '[repr(l), repr(l[-2:]), len(l)]',
);
const mdOps = misc(
  `d = nn.ModuleDict([('x', nn.ReLU()), ('a', nn.Tanh())])
d.update({'b': nn.Sigmoid()})
d['x'] = nn.ELU()
p = d.pop('a')
`,
  '[repr(d), list(d.keys()), len(d), "a" in d, "b" in d, repr(p)]',
);
const versionCases = misc(
  `torch.manual_seed(0)
bn = nn.BatchNorm2d(3)
sd = bn.state_dict()
del sd['num_batches_tracked']
sd._metadata[''] = {'version': 1}
bn2 = nn.BatchNorm2d(3)
bn2.num_batches_tracked.fill_(5)
r = bn2.load_state_dict(sd)
`,
  '[bn2.num_batches_tracked, len(r.missing_keys), len(r.unexpected_keys)]',
);

beforeAll(() => {
  const initCases = cases.map(pyInit);
  const runCases = cases.flatMap((c) => modesOf(c).map((mode) => pyForward(c, mode)));
  const errs = errorCases.map((c) => ({ setup: `${PY_PRELUDE}${c.setup ?? ''}`, py: c.py, inputs: c.inputs ?? {} }));
  const mixedCase: OracleCase = {
    setup: PY_MIXED,
    py: '[repr(mixed), list(mixed.state_dict().keys()), list(mixed.state_dict().values()), [[k, v.get("version")] for k, v in mixed.state_dict()._metadata.items()]]',
  };
  const all = runPython([...initCases, ...runCases, mixedCase, ...errs, ...miscCases]);
  let k = 0;
  pyInits = all.slice(k, (k += initCases.length));
  const runs = all.slice(k, (k += runCases.length));
  pyRuns = [];
  let r = 0;
  for (const c of cases) pyRuns.push(modesOf(c).map(() => runs[r++]));
  pyMixed = all[k++];
  pyErrors = all.slice(k, (k += errs.length));
  pyMisc = all.slice(k);
});

function items(r: PyResult): PyResult[] {
  if (r.kind === 'error') throw new Error(`Python raised ${r.type}: ${r.message}`);
  if (r.kind !== 'list') throw new Error(`expected a list from Python, got ${r.kind}`);
  return r.items;
}

function strings(r: PyResult): string[] {
  return items(r).map((x) => (x as { value: string }).value);
}

function str(r: PyResult): string {
  if (r.kind !== 'scalar') throw new Error(`expected a scalar from Python, got ${JSON.stringify(r).slice(0, 300)}`);
  return r.value as string;
}

/**
 * Module prefix -> version, sorted: the state dict's `_metadata` is a plain object, whose integer-like
 * keys ('0', '1', ...) JS orders first, so only the mapping can be compared with Python's OrderedDict.
 */
function metadataVersions(sd: torch.nn.StateDict): [string, number][] {
  return Object.entries(torch.nn.metadataOf(sd))
    .map(([k, v]): [string, number] => [k, v.version as number])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkInit(m: AnyModule, expected: PyResult): void {
  const [repr, keys, values, versions] = items(expected);
  const sd = m.state_dict();
  expect(String(m)).toBe(str(repr));
  expect(Object.keys(sd)).toEqual(strings(keys));
  expectMatches(Object.values(sd), values, exact, 'state_dict');
  const pyVersions = items(versions).map(
    (kv) => items(kv).map((x) => (x as { value: unknown }).value) as [string, number],
  );
  expect(metadataVersions(sd)).toEqual(pyVersions.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ------------------------------------------------------------------ tests

describe('same-seed initialisation, repr, state_dict keys and metadata match Python', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    torch.manual_seed(0);
    checkInit(cases[i].ts(), pyInits[i]);
  });
});

describe('forward and gradients (inputs, parameters) and buffers match Python', () => {
  const runs = cases.flatMap((c, i) => modesOf(c).map((mode, j) => [`${c.name} (${mode})`, i, j, mode] as const));
  test.each(runs)('%s', (_name, i, j, mode) => {
    const ours = runTs(cases[i], mode);
    const theirs = items(pyRuns[i][j]);
    expect(ours.length).toBe(theirs.length);
    theirs.forEach((e, k) => expectMatches(ours[k], e, tol, `result ${k}`));
  });
});

describe('a model mixing every layer', () => {
  test('same-seed weights and buffers, repr, state_dict keys (num_batches_tracked included) and versions', () => {
    torch.manual_seed(0);
    checkInit(new Mixed(), pyMixed);
  });
  test('the BatchNorm buffers carry version 2 metadata and load old checkpoints', () => {
    torch.manual_seed(0);
    const bn = new nn.BatchNorm2d(3);
    const sd = bn.state_dict();
    delete sd.num_batches_tracked;
    torch.nn.metadataOf(sd)[''] = { version: 1 };
    const bn2 = new nn.BatchNorm2d(3);
    (bn2.num_batches_tracked as Tensor).fill_(5);
    const r = bn2.load_state_dict(sd);
    const [nbt, missing, unexpected] = items(pyMisc[versionCases]);
    expectMatches(bn2.num_batches_tracked, nbt, exact);
    expectMatches(r.missing_keys.length, missing);
    expectMatches(r.unexpected_keys.length, unexpected);
    // A version-2 state dict without the key is an error (missing key), as in Python.
    const sd2 = bn.state_dict();
    delete sd2.num_batches_tracked;
    expect(() => bn2.load_state_dict(sd2)).toThrow('Missing key(s) in state_dict: "num_batches_tracked".');
  });
  test('calls are typed by forward', () => {
    const fc = new nn.Linear(5, 2);
    const y: Tensor = fc(x2);
    const pool = new nn.MaxPool2d<true>(2, { return_indices: true });
    const [v, ind] = pool(img);
    const loss: Tensor = new nn.MSELoss()(y, torch.zeros(4, 2));
    expect(y.shape).toEqual([4, 2]);
    expect(v.shape).toEqual([2, 3, 4, 4]);
    expect(ind.dtype).toBe(torch.int64);
    expect(loss.dim()).toBe(0);
  });
});

describe('containers', () => {
  test('ParameterList, ModuleDict and ModuleList print and register like Python', () => {
    const pl = new nn.ParameterList([new nn.Parameter(torch.zeros(3, 4)), new nn.Parameter(torch.zeros(2))]);
    class Holder extends nn.Module {
      pl = pl;
      md = new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.Linear(2, 3) });
      ml = new nn.ModuleList([new nn.Sequential(new nn.ReLU()), new nn.Sequential()]);
    }
    const [plRepr, holderRepr, keys] = items(pyMisc[reprs]);
    expect(String(pl)).toBe(str(plRepr));
    expect(String(new Holder())).toBe(str(holderRepr));
    expect(Object.keys(new Holder().state_dict())).toEqual(strings(keys));
  });
  test('Sequential: insert, delete (renumbers), append, set, slice, pop', () => {
    const s = new nn.Sequential(new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.ELU());
    s.insert(1, new nn.GELU());
    s.delete(0);
    s.append(new nn.SiLU());
    s.set(-1, new nn.Mish());
    const t = s.slice(1, 4);
    const [sRepr, tRepr, revRepr, len, popped, after] = items(pyMisc[seqOps]);
    expect(String(s)).toBe(str(sRepr));
    expect(String(t)).toBe(str(tRepr));
    expect(String(s.slice(null, null, -2))).toBe(str(revRepr));
    expect(s.length).toBe((len as { value: number }).value);
    expect(s.__len__()).toBe(s.length);
    expect(String(s.pop(2))).toBe(str(popped));
    expect(String(s)).toBe(str(after));
  });
  test('Sequential: numeric fields, at() with negatives, iteration, chaining, shared modules in slices', () => {
    const a = new nn.Linear(5, 4);
    const b = new nn.ReLU();
    const c = new nn.Linear(4, 2);
    const s = new nn.Sequential(a, b, c);
    expect(s[0]).toBe(a);
    expect(s[2]).toBe(c);
    expect(s.at(-1)).toBe(c);
    expect(s.at(-3)).toBe(a);
    expect([...s]).toEqual([a, b, c]);
    expect(s.length).toBe(3);
    const sub = s.slice(1);
    expect(sub).toBeInstanceOf(nn.Sequential);
    expect(sub.at(0)).toBe(b);
    expect([...sub.named_children()].map(([k]) => k)).toEqual(['1', '2']); // Python keeps the keys
    expect(s(x2).allclose(c(b(a(x2))))).toBe(true);
    expect(new nn.Sequential()(x2)).toBe(x2);
    const named = new nn.Sequential({ conv: new nn.Conv2d(3, 2, 1), act: new nn.ReLU() });
    expect([...named.named_children()].map(([k]) => k)).toEqual(['conv', 'act']);
    expect(named.parameters().length).toBe(2);
    const e = new nn.Sequential(new nn.ReLU()).extend(new nn.Sequential(new nn.Tanh(), new nn.Sigmoid()));
    expect(e.length).toBe(3);
  });
  test('ModuleList: extend, insert, append, delete, negative slices', () => {
    const l = new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]);
    l.extend([new nn.Sigmoid(), new nn.ELU()]);
    l.insert(1, new nn.GELU());
    l.append(new nn.SiLU());
    l.delete(2);
    const [lRepr, tail, len] = items(pyMisc[mlOps]);
    expect(String(l)).toBe(str(lRepr));
    expect(String(l.slice(-2))).toBe(str(tail));
    expect(l.length).toBe((len as { value: number }).value);
    expect(l[0]).toBe(l.at(-5));
    const m = new nn.ReLU();
    const twice = new nn.ModuleList([m, m]);
    expect(twice.length).toBe(2); // duplicates count, as in Python
    expect([...twice]).toEqual([m, m]);
    expect(() => l.extend(5 as unknown as AnyModule[])).toThrow(
      'ModuleList.extend should be called with an iterable, but got number',
    );
  });
  test('ModuleDict: update, set, pop, keys, contains, iteration', () => {
    const d = new nn.ModuleDict([
      ['x', new nn.ReLU()],
      ['a', new nn.Tanh()],
    ] as [string, AnyModule][]);
    d.update({ b: new nn.Sigmoid() });
    d.set('x', new nn.ELU());
    const p = d.pop('a');
    const [dRepr, keys, len, hasA, hasB, pRepr] = items(pyMisc[mdOps]);
    expect(String(d)).toBe(str(dRepr));
    expect(d.keys()).toEqual(strings(keys));
    expect([...d]).toEqual(d.keys());
    expect(d.length).toBe((len as { value: number }).value);
    expect(d.has('a')).toBe((hasA as { value: boolean }).value);
    expect(d.has('b')).toBe((hasB as { value: boolean }).value);
    expect(String(p)).toBe(str(pRepr));
    expect(d.get('b')).toBe(d.values()[1]);
    expect(d.items().map(([k]) => k)).toEqual(['x', 'b']);
    expect((d as unknown as Record<string, AnyModule>).b).toBe(d.get('b'));
    d.clear();
    expect(d.length).toBe(0);
    const m = new Map<string, AnyModule>([
      ['z', new nn.ReLU()],
      ['y', new nn.Tanh()],
    ]);
    expect(new nn.ModuleDict(m).keys()).toEqual(['z', 'y']);
  });
  test('ParameterList: append wraps tensors, indexing, iteration, state_dict', () => {
    const pl = new nn.ParameterList();
    pl.append(torch.ones(2));
    pl.extend([new nn.Parameter(torch.zeros(3)), torch.zeros(1, 2)]);
    expect(pl.length).toBe(3);
    expect(pl.at(0)).toBeInstanceOf(nn.Parameter);
    expect(pl.at(-1).shape).toEqual([1, 2]);
    expect(pl[1]).toBe(pl.at(1));
    expect([...pl].length).toBe(3);
    expect(Object.keys(pl.state_dict())).toEqual(['0', '1', '2']);
    expect(pl.parameters().length).toBe(3);
    expect(pl.slice(1).length).toBe(2);
    expect(() => pl.at(3)).toThrow('index 3 is out of range');
  });
  test('train() and eval() reach layers inside containers', () => {
    const s = new nn.Sequential(new nn.Dropout(), new nn.ModuleList([new nn.BatchNorm1d(2)]));
    s.eval();
    expect([...s.modules()].every((m) => !m.training)).toBe(true);
    s.train();
    expect([...s.modules()].every((m) => m.training)).toBe(true);
  });
});

describe('layer behaviour', () => {
  test('Dropout is the identity in eval mode and honours the seed in training', () => {
    const d = new nn.Dropout(0.5);
    d.eval();
    expect(d(flat).equal(flat)).toBe(true);
    d.train();
    torch.manual_seed(3);
    const a = d(flat);
    torch.manual_seed(3);
    const b = d(flat);
    expect(a.equal(b)).toBe(true);
    expect(a.eq(0).any().item()).toBe(true);
  });
  test('BatchNorm: eval uses running stats; momentum=None averages cumulatively', () => {
    const bn = new nn.BatchNorm1d(5, { momentum: null });
    bn(x2);
    bn(x2.mul(2));
    expect((bn.num_batches_tracked as Tensor).item()).toBe(2);
    const mean = x2.mean(0).add(x2.mul(2).mean(0)).div(2);
    expect((bn.running_mean as Tensor).allclose(mean, { atol: 1e-6 })).toBe(true);
    bn.eval();
    const y = bn(x2);
    const expected = x2.sub(bn.running_mean as Tensor).div((bn.running_var as Tensor).add(1e-5).sqrt());
    expect(y.allclose(expected, { atol: 1e-5 })).toBe(true);
    bn.reset_running_stats();
    expect((bn.num_batches_tracked as Tensor).item()).toBe(0);
  });
  test('layers created inside torch.scope keep their parameters and buffers', () => {
    const m = torch.scope(() => new nn.Sequential(new nn.Linear(5, 3), new nn.BatchNorm1d(3)));
    expect(m(x2).shape).toEqual([4, 3]);
    expect(m.state_dict()['1.running_mean'].shape).toEqual([3]);
  });
  test('factory kwargs: dtype and device', () => {
    const fc = new nn.Linear(3, 2, { dtype: torch.float64 });
    expect(fc.weight.dtype).toBe(torch.float64);
    const bn = new nn.BatchNorm2d(2, { dtype: torch.float64 });
    expect((bn.running_mean as Tensor).dtype).toBe(torch.float64);
    expect((bn.num_batches_tracked as Tensor).dtype).toBe(torch.int64);
  });
  test('reset_parameters re-draws like Python', () => {
    torch.manual_seed(0);
    const fc = new nn.Linear(4, 3);
    torch.manual_seed(0);
    fc.reset_parameters();
    torch.manual_seed(0);
    expect(fc.weight.equal(new nn.Linear(4, 3).weight)).toBe(true);
  });
  test('Embedding.from_pretrained shares the weights and freezes them by default', () => {
    const w = torch.randn(4, 3);
    const e = nn.Embedding.from_pretrained(w);
    expect(e.weight.requires_grad).toBe(false);
    expect(e(torch.tensor([2])).equal(w.index([torch.slice(2, 3)]))).toBe(true);
    expect(nn.Embedding.from_pretrained(w, { freeze: false }).weight.requires_grad).toBe(true);
  });
});

describe('nn.utils matches Python', () => {
  const params = () => {
    const p = [
      torch.zeros(3, 5, { requires_grad: true }),
      torch.zeros(3, { requires_grad: true }),
      torch.zeros(2, 2, { requires_grad: true }),
    ];
    [gA, gB, gC].forEach((g, i) => (p[i].grad = g.clone()));
    return p;
  };
  test('clip_grad_norm_ (2-norm)', () => {
    const p = params();
    const n = nn.utils.clip_grad_norm_(p, 1.0);
    expectMatches([n, ...p.map((t) => t.grad)], pyMisc[clipNorm2], tol);
  });
  test('clip_grad_norm_ (inf-norm)', () => {
    const p = params();
    expectMatches([nn.utils.clip_grad_norm_(p, 0.5, Infinity), ...p.map((t) => t.grad)], pyMisc[clipNormInf], tol);
  });
  test('clip_grad_norm_ (1-norm, no clipping needed)', () => {
    const p = params();
    expectMatches([nn.utils.clip_grad_norm_(p, 100.0, 1), ...p.map((t) => t.grad)], pyMisc[clipNorm1], tol);
  });
  test('clip_grad_norm_ error_if_nonfinite', () => {
    const p = params();
    (p[0].grad as Tensor).index_put_([0, 0], NaN);
    const e = pyMisc[clipNonfinite];
    if (e.kind !== 'error') throw new Error('Python did not raise');
    expect(() => nn.utils.clip_grad_norm_(p, 1.0, { error_if_nonfinite: true })).toThrow(e.message);
  });
  test('clip_grad_norm_ without gradients returns 0', () => {
    expect(nn.utils.clip_grad_norm_([torch.zeros(2, { requires_grad: true })], 1.0).item()).toBe(0);
  });
  test('clip_grad_value_', () => {
    const p = params();
    nn.utils.clip_grad_value_(p, 0.3);
    expectMatches(
      p.map((t) => t.grad),
      pyMisc[clipValue],
      exact,
    );
  });
  test('parameters_to_vector and vector_to_parameters', () => {
    torch.manual_seed(0);
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.Linear(2, 1));
    expectMatches(nn.utils.parameters_to_vector(m.parameters()), pyMisc[p2v], exact);
    nn.utils.vector_to_parameters(torch.arange(11).float(), m.parameters());
    expectMatches(m.parameters(), pyMisc[v2p], exact);
    expect(m.parameters()[0]).toBeInstanceOf(nn.Parameter);
    expect(() => nn.utils.vector_to_parameters([1, 2] as unknown as Tensor, m.parameters())).toThrow(
      'expected torch.Tensor, but got: Array',
    );
  });
});

describe('errors match Python (type and message)', () => {
  test.each(errorCases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const expected = pyErrors[i];
    if (expected.kind !== 'error') throw new Error(`Python did not raise for ${name}`);
    let err: unknown;
    try {
      errorCases[i].ts();
    } catch (e) {
      err = e;
    }
    if (err === undefined)
      throw new Error(`torchts did not raise for ${name}; Python raised ${expected.type}: ${expected.message}`);
    const e = err as Error & { python_type?: string };
    expect(`${e.python_type ?? e.name}: ${e.message}`).toBe(`${expected.type}: ${expected.message}`);
  });
});
