/**
 * torch.optim.lr_scheduler against Python PyTorch 1.13. Each configuration builds the same
 * scheduler in TypeScript (on a fake optimizer: plain param groups) and in Python (on a real
 * torch.optim optimizer over dummy parameters), steps both 100 times and compares every group's
 * lr, get_last_lr() and momentum/betas[0] after each step to 1e-12, the final state_dict (keys in
 * order, and values), and a state_dict round trip (save mid-way, load into a fresh scheduler and
 * optimizer, continue). Errors compare type and message. All Python runs in one process.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { TorchError } from '../lib/errors';
import * as lr from '../lib/optim/lr_scheduler';

type Group = Record<string, unknown> & { lr: number };
interface FakeOptimizer {
  param_groups: Group[];
  defaults?: object;
}
type Sched = lr.LRScheduler | lr.ReduceLROnPlateau;

interface GroupSpec {
  lr: number;
  momentum?: number;
  betas?: [number, number];
  initial_lr?: number;
}

interface Config {
  name: string;
  optim: 'SGD' | 'Adam' | 'Adagrad';
  groups: GroupSpec[];
  /** Python statements that assign `sched`, with `opt` bound and lr_scheduler's names imported. */
  py: string;
  ts: (opt: FakeOptimizer) => Sched;
  steps?: number;
  /** ReduceLROnPlateau: the metric passed at each step. */
  metrics?: number[];
  /** Pass the metric as a one-element tensor (an object with item() in TS). */
  tensorMetric?: boolean;
  /** step(epoch) at each step; null means step(). */
  epochs?: (number | null)[];
  /** Give the fake optimizer PyTorch's `defaults` (otherwise it has only param_groups). */
  withDefaults?: boolean;
  /** Where the state_dict round trip saves. */
  split?: number;
}

const STEPS = 100;
const TOL = 1e-12;

// ---------------------------------------------------------------------------------------------
// Deterministic inputs (computed once here, sent to Python as JSON so both sides see the same bits)
// ---------------------------------------------------------------------------------------------

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** A noisy, decreasing-then-flat loss curve. */
const lossCurve = range(STEPS).map((i) => Math.round((1 / (1 + 0.1 * i) + 0.02 * ((i * 37) % 11)) * 1e6) / 1e6);
/** An accuracy curve that rises, then plateaus with small wiggles. */
const accCurve = range(STEPS).map(
  (i) => Math.round((Math.min(0.9, 0.3 + 0.02 * i) + 0.003 * ((i * 13) % 7)) * 1e6) / 1e6,
);
/** A curve that keeps improving by tiny steps (threshold decides). */
const slowCurve = range(STEPS).map((i) => 10 - 0.0004 * i);

const SGD_DEFAULTS = { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false };
const ADAM_DEFAULTS = { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false };

function makeOpt(c: Pick<Config, 'optim' | 'groups' | 'withDefaults'>): FakeOptimizer {
  const param_groups = c.groups.map((g) => {
    const group: Group = { params: [], ...g };
    if (g.betas) group.betas = [...g.betas];
    // Python's optimizers fill their defaults into every group.
    if (c.optim === 'SGD' && !('momentum' in group)) group.momentum = 0;
    if (c.optim === 'Adam' && !('betas' in group)) group.betas = [0.9, 0.999];
    return group;
  });
  if (!c.withDefaults) return { param_groups };
  return { param_groups, defaults: c.optim === 'Adam' ? ADAM_DEFAULTS : SGD_DEFAULTS };
}

const sgd = (...lrs: number[]): FakeOptimizer =>
  makeOpt({ optim: 'SGD', groups: lrs.map((x) => ({ lr: x, momentum: 0.9 })) });
const adagrad = (...lrs: number[]): FakeOptimizer => makeOpt({ optim: 'Adagrad', groups: lrs.map((x) => ({ lr: x })) });
const adam = (...lrs: number[]): FakeOptimizer => makeOpt({ optim: 'Adam', groups: lrs.map((x) => ({ lr: x })) });

/** A stand-in for a one-element tensor (ReduceLROnPlateau calls float(metrics)). */
const scalarTensor = (v: number): { item(): number } => ({ item: () => v });

class MyLR extends lr.LRScheduler {
  declare k: number;
  constructor(opt: FakeOptimizer, k: number) {
    super(opt, {}, { k });
  }
  override get_lr(): number[] {
    return this.base_lrs.map((b) => b * this.k ** this.last_epoch);
  }
}
const MY_LR_PY = `
class MyLR(torch.optim.lr_scheduler._LRScheduler):
    def __init__(self, opt, k, last_epoch=-1):
        self.k = k
        super().__init__(opt, last_epoch)
    def get_lr(self):
        return [b * self.k ** self.last_epoch for b in self.base_lrs]
sched = MyLR(opt, 0.97)`;

const two = [{ lr: 0.1 }, { lr: 0.01 }];
const twoMom = [
  { lr: 0.1, momentum: 0.9 },
  { lr: 0.05, momentum: 0.8 },
];
const three = [{ lr: 0.1 }, { lr: 0.05 }, { lr: 0.3 }];
const jumpEpochs = range(STEPS).map((i) => (i % 4 === 3 ? null : (i * 7) % 23));
const mixedEpochs = range(STEPS).map((i) => (i % 10 === 5 ? i + 3 : i % 10 === 9 ? 2 : null));

const configs: Config[] = [
  // StepLR
  {
    name: 'StepLR positional + options',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = StepLR(opt, 7, gamma=0.5)',
    ts: (o) => new lr.StepLR(o, 7, { gamma: 0.5 }),
  },
  {
    name: 'StepLR options only, 2 groups',
    optim: 'SGD',
    groups: two,
    py: 'sched = StepLR(opt, step_size=10)',
    ts: (o) => new lr.StepLR(o, { step_size: 10 }),
  },
  {
    name: 'StepLR resumed (last_epoch, initial_lr)',
    optim: 'SGD',
    groups: [{ lr: 0.02, initial_lr: 0.1 }],
    py: 'sched = StepLR(opt, 5, gamma=0.7, last_epoch=12)',
    ts: (o) => new lr.StepLR(o, 5, { gamma: 0.7, last_epoch: 12 }),
  },
  {
    name: 'StepLR step(epoch) closed form',
    optim: 'SGD',
    groups: two,
    py: 'sched = StepLR(opt, 4, gamma=0.6)',
    ts: (o) => new lr.StepLR(o, 4, { gamma: 0.6 }),
    epochs: jumpEpochs,
  },
  // MultiStepLR
  {
    name: 'MultiStepLR repeated milestone, 3 groups',
    optim: 'SGD',
    groups: three,
    py: 'sched = MultiStepLR(opt, [10, 25, 25, 60], gamma=0.3)',
    ts: (o) => new lr.MultiStepLR(o, [10, 25, 25, 60], { gamma: 0.3 }),
  },
  {
    name: 'MultiStepLR options, Adam',
    optim: 'Adam',
    groups: two,
    py: 'sched = MultiStepLR(opt, milestones=[30, 80])',
    ts: (o) => new lr.MultiStepLR(o, { milestones: [30, 80] }),
  },
  {
    name: 'MultiStepLR step(epoch) closed form',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = MultiStepLR(opt, [3, 9, 9, 15], gamma=0.5)',
    ts: (o) => new lr.MultiStepLR(o, [3, 9, 9, 15], { gamma: 0.5 }),
    epochs: jumpEpochs,
  },
  // ExponentialLR
  {
    name: 'ExponentialLR 2 groups',
    optim: 'SGD',
    groups: two,
    py: 'sched = ExponentialLR(opt, 0.95)',
    ts: (o) => new lr.ExponentialLR(o, 0.95),
  },
  {
    name: 'ExponentialLR resumed, options form',
    optim: 'Adam',
    groups: [{ lr: 0.05, initial_lr: 0.2 }],
    py: 'sched = ExponentialLR(opt, gamma=0.9, last_epoch=4)',
    ts: (o) => new lr.ExponentialLR(o, { gamma: 0.9, last_epoch: 4 }),
  },
  {
    name: 'ExponentialLR mixed step()/step(epoch)',
    optim: 'SGD',
    groups: two,
    py: 'sched = ExponentialLR(opt, 0.97)',
    ts: (o) => new lr.ExponentialLR(o, 0.97),
    epochs: mixedEpochs,
  },
  // CosineAnnealingLR
  {
    name: 'CosineAnnealingLR T_max=10 eta_min (several periods)',
    optim: 'SGD',
    groups: two,
    py: 'sched = CosineAnnealingLR(opt, 10, eta_min=0.001)',
    ts: (o) => new lr.CosineAnnealingLR(o, 10, { eta_min: 0.001 }),
  },
  {
    name: 'CosineAnnealingLR options only',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = CosineAnnealingLR(opt, T_max=25)',
    ts: (o) => new lr.CosineAnnealingLR(o, { T_max: 25 }),
  },
  {
    name: 'CosineAnnealingLR resumed (closed-form first step)',
    optim: 'SGD',
    groups: [
      { lr: 0.07, initial_lr: 0.1 },
      { lr: 0.5, initial_lr: 1.0 },
    ],
    py: 'sched = CosineAnnealingLR(opt, 7, eta_min=0.01, last_epoch=3)',
    ts: (o) => new lr.CosineAnnealingLR(o, 7, { eta_min: 0.01, last_epoch: 3 }),
  },
  {
    name: 'CosineAnnealingLR step(epoch) closed form',
    optim: 'SGD',
    groups: two,
    py: 'sched = CosineAnnealingLR(opt, 12)',
    ts: (o) => new lr.CosineAnnealingLR(o, 12),
    epochs: mixedEpochs,
  },
  // CosineAnnealingWarmRestarts
  {
    name: 'CosineAnnealingWarmRestarts T_0=10',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = CosineAnnealingWarmRestarts(opt, 10)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, 10),
  },
  {
    name: 'CosineAnnealingWarmRestarts T_mult=2 eta_min, 2 groups',
    optim: 'SGD',
    groups: two,
    py: 'sched = CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2, eta_min=1e-4)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, { T_0: 5, T_mult: 2, eta_min: 1e-4 }),
  },
  {
    name: 'CosineAnnealingWarmRestarts fractional step(epoch), T_mult=3',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = CosineAnnealingWarmRestarts(opt, 3, T_mult=3)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, 3, { T_mult: 3 }),
    epochs: range(STEPS).map((i) => i * 0.37),
  },
  {
    name: 'CosineAnnealingWarmRestarts integer epochs on restart boundaries, T_0=1 T_mult=2',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = CosineAnnealingWarmRestarts(opt, 1, T_mult=2)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, 1, { T_mult: 2 }),
    epochs: range(STEPS),
  },
  {
    name: 'CosineAnnealingWarmRestarts boundaries T_0=2 T_mult=3, batches',
    optim: 'SGD',
    groups: two,
    py: 'sched = CosineAnnealingWarmRestarts(opt, 2, T_mult=3, eta_min=0.001)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, 2, { T_mult: 3, eta_min: 0.001 }),
    epochs: range(STEPS).map((i) => (i % 3 === 2 ? null : Math.floor(i / 3) * 2 + (i % 3) / 4)),
  },
  {
    name: 'CosineAnnealingWarmRestarts interleaved step()/step(epoch)',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = CosineAnnealingWarmRestarts(opt, 10, T_mult=1)',
    ts: (o) => new lr.CosineAnnealingWarmRestarts(o, 10),
    epochs: range(STEPS).map((i) => (i === 20 ? 26 : i === 50 ? 3.5 : null)),
  },
  // LinearLR / ConstantLR / PolynomialLR
  {
    name: 'LinearLR defaults',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = LinearLR(opt)',
    ts: (o) => new lr.LinearLR(o),
  },
  {
    name: 'LinearLR decreasing over 30, 2 groups',
    optim: 'SGD',
    groups: two,
    py: 'sched = LinearLR(opt, start_factor=0.5, end_factor=0.1, total_iters=30)',
    ts: (o) => new lr.LinearLR(o, { start_factor: 0.5, end_factor: 0.1, total_iters: 30 }),
  },
  {
    name: 'LinearLR step(epoch)',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = LinearLR(opt, total_iters=8)',
    ts: (o) => new lr.LinearLR(o, { total_iters: 8 }),
    epochs: jumpEpochs,
  },
  {
    name: 'ConstantLR defaults',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = ConstantLR(opt)',
    ts: (o) => new lr.ConstantLR(o),
  },
  {
    name: 'ConstantLR factor 0.5 for 20, 2 groups',
    optim: 'Adam',
    groups: two,
    py: 'sched = ConstantLR(opt, factor=0.5, total_iters=20)',
    ts: (o) => new lr.ConstantLR(o, { factor: 0.5, total_iters: 20 }),
  },
  {
    name: 'ConstantLR step(epoch)',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = ConstantLR(opt, factor=0.25, total_iters=9)',
    ts: (o) => new lr.ConstantLR(o, { factor: 0.25, total_iters: 9 }),
    epochs: jumpEpochs,
  },
  {
    name: 'PolynomialLR power 2 over 30',
    optim: 'SGD',
    groups: two,
    py: 'sched = PolynomialLR(opt, total_iters=30, power=2.0)',
    ts: (o) => new lr.PolynomialLR(o, { total_iters: 30, power: 2.0 }),
  },
  {
    name: 'PolynomialLR step(epoch)',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = PolynomialLR(opt, total_iters=20, power=0.5)',
    ts: (o) => new lr.PolynomialLR(o, { total_iters: 20, power: 0.5 }),
    epochs: jumpEpochs,
  },
  // LambdaLR / MultiplicativeLR
  {
    name: 'LambdaLR one lambda',
    optim: 'SGD',
    groups: two,
    py: 'sched = LambdaLR(opt, lambda e: 0.95 ** e)',
    ts: (o) => new lr.LambdaLR(o, (e) => 0.95 ** e),
  },
  {
    name: 'LambdaLR list of lambdas',
    optim: 'SGD',
    groups: two,
    py: 'sched = LambdaLR(opt, lr_lambda=[lambda e: e // 30, lambda e: 1 / (1 + e)])',
    ts: (o) => new lr.LambdaLR(o, { lr_lambda: [(e) => Math.floor(e / 30), (e) => 1 / (1 + e)] }),
  },
  {
    name: 'MultiplicativeLR constant factor',
    optim: 'SGD',
    groups: two,
    py: 'sched = MultiplicativeLR(opt, lambda e: 0.97)',
    ts: (o) => new lr.MultiplicativeLR(o, () => 0.97),
  },
  {
    name: 'MultiplicativeLR list',
    optim: 'Adam',
    groups: two,
    py: 'sched = MultiplicativeLR(opt, [lambda e: 0.99, lambda e: 0.9 if e % 2 == 0 else 1.05])',
    ts: (o) => new lr.MultiplicativeLR(o, [() => 0.99, (e) => (e % 2 === 0 ? 0.9 : 1.05)]),
  },
  // OneCycleLR
  {
    name: 'OneCycleLR cos, SGD momentum',
    optim: 'SGD',
    groups: [{ lr: 0.1, momentum: 0.9 }],
    py: 'sched = OneCycleLR(opt, 0.1, total_steps=100)',
    ts: (o) => new lr.OneCycleLR(o, 0.1, { total_steps: 100 }),
  },
  {
    name: 'OneCycleLR linear, epochs*steps_per_epoch, max_lr list',
    optim: 'SGD',
    groups: twoMom,
    py: "sched = OneCycleLR(opt, max_lr=[0.1, 0.05], epochs=10, steps_per_epoch=10, anneal_strategy='linear')",
    ts: (o) =>
      new lr.OneCycleLR(o, { max_lr: [0.1, 0.05], epochs: 10, steps_per_epoch: 10, anneal_strategy: 'linear' }),
  },
  {
    name: 'OneCycleLR three_phase, Adam betas',
    optim: 'Adam',
    groups: [{ lr: 0.001, betas: [0.9, 0.99] }, { lr: 0.002 }],
    py: 'sched = OneCycleLR(opt, 0.01, total_steps=100, pct_start=0.25, three_phase=True)',
    ts: (o) => new lr.OneCycleLR(o, 0.01, { total_steps: 100, pct_start: 0.25, three_phase: true }),
  },
  {
    name: 'OneCycleLR no momentum cycling, Adagrad, div factors',
    optim: 'Adagrad',
    groups: two,
    py: 'sched = OneCycleLR(opt, 0.2, total_steps=101, cycle_momentum=False, div_factor=10., final_div_factor=100.)',
    ts: (o) =>
      new lr.OneCycleLR(o, 0.2, { total_steps: 101, cycle_momentum: false, div_factor: 10, final_div_factor: 100 }),
  },
  {
    name: 'OneCycleLR linear three_phase with optimizer defaults, momentum lists',
    optim: 'Adam',
    groups: two,
    withDefaults: true,
    py:
      "sched = OneCycleLR(opt, [0.3, 0.03], total_steps=100, anneal_strategy='linear', three_phase=True, " +
      'base_momentum=[0.8, 0.7], max_momentum=[0.9, 0.95], pct_start=0.4)',
    ts: (o) =>
      new lr.OneCycleLR(o, [0.3, 0.03], {
        total_steps: 100,
        anneal_strategy: 'linear',
        three_phase: true,
        base_momentum: [0.8, 0.7],
        max_momentum: [0.9, 0.95],
        pct_start: 0.4,
      }),
  },
  // CyclicLR
  {
    name: 'CyclicLR triangular, SGD momentum',
    optim: 'SGD',
    groups: [{ lr: 0.1, momentum: 0.9 }],
    py: 'sched = CyclicLR(opt, 0.01, 0.1, step_size_up=7)',
    ts: (o) => new lr.CyclicLR(o, 0.01, 0.1, { step_size_up: 7 }),
  },
  {
    name: 'CyclicLR triangular2 asymmetric, 2 groups',
    optim: 'SGD',
    groups: twoMom,
    py: "sched = CyclicLR(opt, [0.01, 0.001], [0.1, 0.01], step_size_up=6, step_size_down=3, mode='triangular2')",
    ts: (o) =>
      new lr.CyclicLR(o, [0.01, 0.001], [0.1, 0.01], { step_size_up: 6, step_size_down: 3, mode: 'triangular2' }),
  },
  {
    name: 'CyclicLR exp_range, no momentum cycling',
    optim: 'Adam',
    groups: [{ lr: 0.1 }],
    py:
      'sched = CyclicLR(opt, base_lr=0.001, max_lr=0.01, step_size_up=5, ' +
      "mode='exp_range', gamma=0.99, cycle_momentum=False)",
    ts: (o) =>
      new lr.CyclicLR(o, {
        base_lr: 0.001,
        max_lr: 0.01,
        step_size_up: 5,
        mode: 'exp_range',
        gamma: 0.99,
        cycle_momentum: false,
      }),
  },
  // SequentialLR / ChainedScheduler
  {
    name: 'SequentialLR warmup then exponential',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py:
      'sched = SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=10), ExponentialLR(opt, 0.95)], ' +
      'milestones=[10])',
    ts: (o) => {
      const warmup = new lr.LinearLR(o, { start_factor: 0.1, total_iters: 10 });
      return new lr.SequentialLR(o, [warmup, new lr.ExponentialLR(o, 0.95)], { milestones: [10] });
    },
  },
  {
    name: 'SequentialLR three schedulers, two milestones, 2 groups',
    optim: 'SGD',
    groups: two,
    py:
      'sched = SequentialLR(opt, [ConstantLR(opt, factor=0.5, total_iters=5), CosineAnnealingLR(opt, 20), ' +
      'StepLR(opt, 10, gamma=0.5)], [5, 40])',
    ts: (o) =>
      new lr.SequentialLR(
        o,
        [
          new lr.ConstantLR(o, { factor: 0.5, total_iters: 5 }),
          new lr.CosineAnnealingLR(o, 20),
          new lr.StepLR(o, 10, { gamma: 0.5 }),
        ],
        [5, 40],
      ),
  },
  {
    name: 'ChainedScheduler constant + exponential',
    optim: 'SGD',
    groups: two,
    py: 'sched = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, gamma=0.9)])',
    ts: (o) =>
      new lr.ChainedScheduler([
        new lr.ConstantLR(o, { factor: 0.1, total_iters: 2 }),
        new lr.ExponentialLR(o, { gamma: 0.9 }),
      ]),
  },
  // ReduceLROnPlateau
  {
    name: 'ReduceLROnPlateau defaults (min, rel)',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: 'sched = ReduceLROnPlateau(opt)',
    ts: (o) => new lr.ReduceLROnPlateau(o),
    metrics: lossCurve,
  },
  {
    name: 'ReduceLROnPlateau max abs, cooldown, min_lr, 2 groups',
    optim: 'SGD',
    groups: two,
    py:
      "sched = ReduceLROnPlateau(opt, mode='max', patience=3, threshold=0.05, threshold_mode='abs', " +
      'cooldown=2, min_lr=1e-3)',
    ts: (o) =>
      new lr.ReduceLROnPlateau(o, {
        mode: 'max',
        patience: 3,
        threshold: 0.05,
        threshold_mode: 'abs',
        cooldown: 2,
        min_lr: 1e-3,
      }),
    metrics: accCurve,
  },
  {
    name: 'ReduceLROnPlateau min abs, patience 0, min_lr list, eps',
    optim: 'Adam',
    groups: two,
    py: "sched = ReduceLROnPlateau(opt, threshold_mode='abs', factor=0.5, patience=0, min_lr=[0.01, 0.001], eps=1e-3)",
    ts: (o) =>
      new lr.ReduceLROnPlateau(o, {
        threshold_mode: 'abs',
        factor: 0.5,
        patience: 0,
        min_lr: [0.01, 0.001],
        eps: 1e-3,
      }),
    metrics: lossCurve,
  },
  {
    name: 'ReduceLROnPlateau max rel, cooldown 5, tensor metric',
    optim: 'SGD',
    groups: [{ lr: 0.1 }],
    py: "sched = ReduceLROnPlateau(opt, mode='max', factor=0.5, patience=2, cooldown=5)",
    ts: (o) => new lr.ReduceLROnPlateau(o, { mode: 'max', factor: 0.5, patience: 2, cooldown: 5 }),
    metrics: accCurve,
    tensorMetric: true,
  },
  {
    name: 'ReduceLROnPlateau threshold decides improvement (rel 1e-4 vs tiny steps)',
    optim: 'SGD',
    groups: [{ lr: 1.0 }],
    py: 'sched = ReduceLROnPlateau(opt, patience=4, threshold=1e-4)',
    ts: (o) => new lr.ReduceLROnPlateau(o, { patience: 4, threshold: 1e-4 }),
    metrics: slowCurve,
  },
  // A user subclass of the base class
  { name: 'user subclass of _LRScheduler', optim: 'SGD', groups: two, py: MY_LR_PY, ts: (o) => new MyLR(o, 0.97) },
];

// ---------------------------------------------------------------------------------------------
// Error cases: Python's exception type and message (args[0])
// ---------------------------------------------------------------------------------------------

interface ErrorCase {
  name: string;
  /** Python statements that raise; `sgd(*lrs)`, `adam(*lrs)`, `adagrad(*lrs)` build optimizers. */
  py: string;
  ts: () => unknown;
}

const errorCases: ErrorCase[] = [
  {
    name: 'ConstantLR factor > 1',
    py: 'ConstantLR(sgd(0.1), factor=1.5)',
    ts: () => new lr.ConstantLR(sgd(0.1), { factor: 1.5 }),
  },
  {
    name: 'ConstantLR factor < 0',
    py: 'ConstantLR(sgd(0.1), factor=-0.1)',
    ts: () => new lr.ConstantLR(sgd(0.1), { factor: -0.1 }),
  },
  {
    name: 'LinearLR start_factor',
    py: 'LinearLR(sgd(0.1), start_factor=1.5)',
    ts: () => new lr.LinearLR(sgd(0.1), { start_factor: 1.5 }),
  },
  {
    name: 'LinearLR end_factor',
    py: 'LinearLR(sgd(0.1), end_factor=2.0)',
    ts: () => new lr.LinearLR(sgd(0.1), { end_factor: 2.0 }),
  },
  {
    name: 'LambdaLR lambda count',
    py: 'LambdaLR(sgd(0.1, 0.2), [lambda e: 1.0])',
    ts: () => new lr.LambdaLR(sgd(0.1, 0.2), [() => 1.0]),
  },
  {
    name: 'MultiplicativeLR lambda count',
    py: 'MultiplicativeLR(sgd(0.1), [lambda e: 1.0, lambda e: 1.0])',
    ts: () => new lr.MultiplicativeLR(sgd(0.1), [() => 1, () => 1]),
  },
  {
    name: 'SequentialLR scheduler on another optimizer',
    py: 'o = sgd(0.1)\nSequentialLR(o, [StepLR(o, 2), StepLR(sgd(0.1), 2)], [3])',
    ts: () => {
      const o = sgd(0.1);
      return new lr.SequentialLR(o, [new lr.StepLR(o, 2), new lr.StepLR(sgd(0.1), 2)], [3]);
    },
  },
  {
    name: 'SequentialLR milestone count',
    py: 'o = sgd(0.1)\nSequentialLR(o, [StepLR(o, 2), StepLR(o, 2)], [3, 5])',
    ts: () => {
      const o = sgd(0.1);
      return new lr.SequentialLR(o, [new lr.StepLR(o, 2), new lr.StepLR(o, 2)], [3, 5]);
    },
  },
  {
    name: 'ChainedScheduler optimizers differ',
    py: 'o = sgd(0.1)\nChainedScheduler([StepLR(o, 2), StepLR(sgd(0.1), 2)])',
    ts: () => new lr.ChainedScheduler([new lr.StepLR(sgd(0.1), 2), new lr.StepLR(sgd(0.1), 2)]),
  },
  { name: 'OneCycleLR no total', py: 'OneCycleLR(sgd(0.1), 0.1)', ts: () => new lr.OneCycleLR(sgd(0.1), 0.1) },
  {
    name: 'OneCycleLR total_steps 0',
    py: 'OneCycleLR(sgd(0.1), 0.1, total_steps=0)',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 0 }),
  },
  {
    name: 'OneCycleLR total_steps 2.5',
    py: 'OneCycleLR(sgd(0.1), 0.1, total_steps=2.5)',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 2.5 }),
  },
  {
    name: 'OneCycleLR epochs 0',
    py: 'OneCycleLR(sgd(0.1), 0.1, epochs=0, steps_per_epoch=10)',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { epochs: 0, steps_per_epoch: 10 }),
  },
  {
    name: 'OneCycleLR steps_per_epoch -1',
    py: 'OneCycleLR(sgd(0.1), 0.1, epochs=5, steps_per_epoch=-1)',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { epochs: 5, steps_per_epoch: -1 }),
  },
  {
    name: 'OneCycleLR pct_start',
    py: 'OneCycleLR(sgd(0.1), 0.1, total_steps=10, pct_start=1.5)',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 10, pct_start: 1.5 }),
  },
  {
    name: 'OneCycleLR anneal_strategy',
    py: "OneCycleLR(sgd(0.1), 0.1, total_steps=10, anneal_strategy='exp')",
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 10, anneal_strategy: 'exp' as 'cos' }),
  },
  {
    name: 'OneCycleLR max_lr count',
    py: 'OneCycleLR(sgd(0.1), [0.1, 0.2], total_steps=10)',
    ts: () => new lr.OneCycleLR(sgd(0.1), [0.1, 0.2], { total_steps: 10 }),
  },
  {
    name: 'OneCycleLR no momentum',
    py: 'OneCycleLR(adagrad(0.1), 0.1, total_steps=10)',
    ts: () => new lr.OneCycleLR(adagrad(0.1), 0.1, { total_steps: 10 }),
  },
  {
    name: 'OneCycleLR base_momentum count',
    py: 'OneCycleLR(sgd(0.1), 0.1, total_steps=10, base_momentum=[0.8, 0.8])',
    ts: () => new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 10, base_momentum: [0.8, 0.8] }),
  },
  {
    name: 'OneCycleLR stepped past total_steps',
    py: 's = OneCycleLR(sgd(0.1), 0.1, total_steps=10)\nfor _ in range(11): s.step()',
    ts: () => {
      const s = new lr.OneCycleLR(sgd(0.1), 0.1, { total_steps: 10 });
      for (let i = 0; i < 11; i++) s.step();
    },
  },
  {
    name: 'CosineAnnealingWarmRestarts T_0 0',
    py: 'CosineAnnealingWarmRestarts(sgd(0.1), 0)',
    ts: () => new lr.CosineAnnealingWarmRestarts(sgd(0.1), 0),
  },
  {
    name: 'CosineAnnealingWarmRestarts T_0 2.5',
    py: 'CosineAnnealingWarmRestarts(sgd(0.1), 2.5)',
    ts: () => new lr.CosineAnnealingWarmRestarts(sgd(0.1), 2.5),
  },
  {
    name: 'CosineAnnealingWarmRestarts T_mult 0',
    py: 'CosineAnnealingWarmRestarts(sgd(0.1), 5, T_mult=0)',
    ts: () => new lr.CosineAnnealingWarmRestarts(sgd(0.1), 5, { T_mult: 0 }),
  },
  {
    name: 'CosineAnnealingWarmRestarts T_mult 1.5',
    py: 'CosineAnnealingWarmRestarts(sgd(0.1), 5, T_mult=1.5)',
    ts: () => new lr.CosineAnnealingWarmRestarts(sgd(0.1), 5, { T_mult: 1.5 }),
  },
  {
    name: 'CosineAnnealingWarmRestarts step(-1)',
    py: 'CosineAnnealingWarmRestarts(sgd(0.1), 5).step(-1)',
    ts: () => new lr.CosineAnnealingWarmRestarts(sgd(0.1), 5).step(-1),
  },
  {
    name: 'ReduceLROnPlateau factor 1.0',
    py: 'ReduceLROnPlateau(sgd(0.1), factor=1.0)',
    ts: () => new lr.ReduceLROnPlateau(sgd(0.1), { factor: 1.0 }),
  },
  {
    name: 'ReduceLROnPlateau min_lr count',
    py: 'ReduceLROnPlateau(sgd(0.1), min_lr=[0.1, 0.2])',
    ts: () => new lr.ReduceLROnPlateau(sgd(0.1), { min_lr: [0.1, 0.2] }),
  },
  {
    name: 'ReduceLROnPlateau mode',
    py: "ReduceLROnPlateau(sgd(0.1), mode='avg')",
    ts: () => new lr.ReduceLROnPlateau(sgd(0.1), { mode: 'avg' as 'min' }),
  },
  {
    name: 'ReduceLROnPlateau threshold_mode',
    py: "ReduceLROnPlateau(sgd(0.1), threshold_mode='relative')",
    ts: () => new lr.ReduceLROnPlateau(sgd(0.1), { threshold_mode: 'relative' as 'rel' }),
  },
  {
    name: 'resume without initial_lr',
    py: 'StepLR(sgd(0.1), 3, last_epoch=5)',
    ts: () => new lr.StepLR(sgd(0.1), 3, { last_epoch: 5 }),
  },
  {
    name: 'resume without initial_lr in the second group',
    py: "o = sgd(0.1, 0.2)\no.param_groups[0]['initial_lr'] = 0.1\nExponentialLR(o, 0.9, last_epoch=2)",
    ts: () => {
      const o = sgd(0.1, 0.2);
      o.param_groups[0].initial_lr = 0.1;
      return new lr.ExponentialLR(o, 0.9, { last_epoch: 2 });
    },
  },
  {
    name: 'CyclicLR bad mode',
    py: "CyclicLR(sgd(0.1), 0.01, 0.1, mode='sine')",
    ts: () => new lr.CyclicLR(sgd(0.1), 0.01, 0.1, { mode: 'sine' as 'triangular' }),
  },
  {
    name: 'CyclicLR no momentum',
    py: 'CyclicLR(adam(0.1), 0.01, 0.1)',
    ts: () => new lr.CyclicLR(adam(0.1), 0.01, 0.1),
  },
  {
    name: 'StepLR step_size 0 (ZeroDivisionError at the second step)',
    py: 's = StepLR(sgd(0.1), 0)\ns.step()',
    ts: () => new lr.StepLR(sgd(0.1), 0).step(),
  },
  {
    name: 'CosineAnnealingLR T_max 0',
    py: 's = CosineAnnealingLR(sgd(0.1), 0)\ns.step()',
    ts: () => new lr.CosineAnnealingLR(sgd(0.1), 0).step(),
  },
  {
    name: 'ConstantLR factor 0 (1.0 / factor)',
    py: 's = ConstantLR(sgd(0.1), factor=0.0, total_iters=2)\ns.step()\ns.step()',
    ts: () => {
      const s = new lr.ConstantLR(sgd(0.1), { factor: 0.0, total_iters: 2 });
      s.step();
      s.step();
    },
  },
  // Python's own argument binding errors (TypeError), same words
  {
    name: 'missing required argument',
    py: 'StepLR(sgd(0.1))',
    ts: () => new (lr.StepLR as unknown as new (o: FakeOptimizer) => lr.StepLR)(sgd(0.1)),
  },
  {
    name: 'missing two required arguments',
    py: 'SequentialLR(sgd(0.1))',
    ts: () => new (lr.SequentialLR as unknown as new (o: FakeOptimizer) => lr.SequentialLR)(sgd(0.1)),
  },
  {
    name: 'unexpected keyword',
    py: 'StepLR(sgd(0.1), step_size=3, gama=0.5)',
    ts: () => new lr.StepLR(sgd(0.1), { step_size: 3, gama: 0.5 } as lr.StepLROptions & { step_size: number }),
  },
  {
    name: 'multiple values',
    py: 'StepLR(sgd(0.1), 3, step_size=4)',
    ts: () => new lr.StepLR(sgd(0.1), 3, { step_size: 4 } as lr.StepLROptions),
  },
];

// ---------------------------------------------------------------------------------------------
// verbose output (Python's print → console.log)
// ---------------------------------------------------------------------------------------------

interface VerboseCase {
  name: string;
  /** Python statements run with stdout captured. */
  py: string;
  ts: () => void;
}

const verboseCases: VerboseCase[] = [
  {
    name: 'StepLR verbose',
    py: 's = StepLR(sgd(0.1, 0.02), 2, gamma=0.5, verbose=True)\nfor _ in range(4): s.step()\ns.step(7)',
    ts: () => {
      const s = new lr.StepLR(sgd(0.1, 0.02), 2, { gamma: 0.5, verbose: true });
      for (let i = 0; i < 4; i++) s.step();
      s.step(7);
    },
  },
  {
    name: 'CosineAnnealingWarmRestarts verbose, fractional epoch',
    py: 's = CosineAnnealingWarmRestarts(sgd(0.1), 3, verbose=True)\ns.step()\ns.step(2.5)\ns.step()',
    ts: () => {
      const s = new lr.CosineAnnealingWarmRestarts(sgd(0.1), 3, { verbose: true });
      s.step();
      s.step(2.5);
      s.step();
    },
  },
  {
    name: 'ReduceLROnPlateau verbose',
    py: 's = ReduceLROnPlateau(sgd(0.1, 1e-5), patience=1, verbose=True)\nfor m in [1.0] * 5: s.step(m)',
    ts: () => {
      const s = new lr.ReduceLROnPlateau(sgd(0.1, 1e-5), { patience: 1, verbose: true });
      for (let i = 0; i < 5; i++) s.step(1.0);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Python runner
// ---------------------------------------------------------------------------------------------

const PY_DRIVER = String.raw`
import contextlib, io, json, math, sys, warnings
warnings.filterwarnings('ignore')
import torch
from torch.optim.lr_scheduler import *

def make_opt(kind, groups):
    pgs = []
    for g in groups:
        d = {'params': [torch.nn.Parameter(torch.zeros(1))]}
        for k, v in g.items():
            d[k] = tuple(v) if k == 'betas' else v
        pgs.append(d)
    return getattr(torch.optim, kind)(pgs, lr=0.1)

def sgd(*lrs): return make_opt('SGD', [{'lr': x, 'momentum': 0.9} for x in lrs])
def adam(*lrs): return make_opt('Adam', [{'lr': x} for x in lrs])
def adagrad(*lrs): return make_opt('Adagrad', [{'lr': x} for x in lrs])

def env():
    e = {'torch': torch, 'math': math, 'sgd': sgd, 'adam': adam, 'adagrad': adagrad}
    exec('from torch.optim.lr_scheduler import *', e)
    return e

def build(code, opt):
    e = env()
    e['opt'] = opt
    exec(code, e)
    return e['sched']

def enc(v):
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)): return v
    if isinstance(v, float):
        if math.isnan(v): return 'nan'
        if math.isinf(v): return 'inf' if v > 0 else '-inf'
        return v
    if isinstance(v, (list, tuple)): return [enc(x) for x in v]
    if isinstance(v, dict): return {str(k): enc(x) for k, x in v.items()}
    if callable(v): return '<function>'
    return repr(v)

def rec(opt, sched):
    mom = []
    for g in opt.param_groups:
        mom.append(g['betas'][0] if 'betas' in g else g.get('momentum'))
    last = getattr(sched, '_last_lr', None)
    return {'lr': [g['lr'] for g in opt.param_groups], 'last': None if last is None else list(last), 'mom': mom}

def do_step(opt, sched, c, i):
    opt.step()
    if c.get('metrics') is not None:
        m = c['metrics'][i]
        sched.step(torch.tensor(m, dtype=torch.float64) if c.get('tensorMetric') else m)
    elif c.get('epochs') is not None and c['epochs'][i] is not None:
        sched.step(c['epochs'][i])
    else:
        sched.step()

def run_config(c):
    try:
        opt = make_opt(c['optim'], c['groups'])
        sched = build(c['py'], opt)
        seq = [rec(opt, sched)]
        for i in range(c['steps']):
            do_step(opt, sched, c, i)
            seq.append(rec(opt, sched))
        sd = sched.state_dict()
        keys = list(sd.keys())
        sd = enc(sd)
        k = c['split']
        opt_a = make_opt(c['optim'], c['groups'])
        a = build(c['py'], opt_a)
        for i in range(k):
            do_step(opt_a, a, c, i)
        saved = a.state_dict()
        opt_b = make_opt(c['optim'], c['groups'])
        b = build(c['py'], opt_b)
        opt_b.load_state_dict(opt_a.state_dict())
        b.load_state_dict(saved)
        rt = [rec(opt_b, b)]
        for i in range(k, c['steps']):
            do_step(opt_b, b, c, i)
            rt.append(rec(opt_b, b))
        return {'seq': seq, 'keys': keys, 'sd': sd, 'rt': rt}
    except Exception as ex:
        return {'error': type(ex).__name__ + ': ' + str(ex)}

def run_error(code):
    try:
        exec(code, env())
    except Exception as ex:
        return {'type': type(ex).__name__, 'message': ex.args[0] if ex.args else ''}
    return {'type': None, 'message': 'no exception'}

def run_verbose(code):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, env())
    return buf.getvalue().splitlines()

inp = json.load(sys.stdin)
print(json.dumps({
    'configs': [run_config(c) for c in inp['configs']],
    'errors': [run_error(c) for c in inp['errors']],
    'verbose': [run_verbose(c) for c in inp['verbose']],
}))
`;

interface Rec {
  lr: number[];
  last: number[] | null;
  mom: (number | null)[];
}
interface PyConfigResult {
  seq: Rec[];
  keys: string[];
  sd: unknown;
  rt: Rec[];
  error?: string;
}
interface PyOutput {
  configs: PyConfigResult[];
  errors: { type: string | null; message: string }[];
  verbose: string[][];
}

function findPython(): string {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!py || (py.startsWith('/') && !fs.existsSync(py))) continue;
    if (spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return py;
  }
  throw new Error('no Python with torch found: install python3-torch or set TORCHTS_PYTHON');
}

function splitOf(c: Config): number {
  return c.split ?? 40;
}

let py: PyOutput;
const warnings: string[] = [];

beforeAll(() => {
  // Keep the UserWarnings out of the test output, and let tests look at them.
  jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
    warnings.push(typeof w === 'string' ? w : w.message);
  });
  const payload = {
    configs: configs.map((c) => ({
      optim: c.optim,
      groups: c.groups,
      py: c.py,
      steps: c.steps ?? STEPS,
      metrics: c.metrics ?? null,
      tensorMetric: c.tensorMetric ?? false,
      epochs: c.epochs ?? null,
      split: splitOf(c),
    })),
    errors: errorCases.map((e) => e.py),
    verbose: verboseCases.map((v) => v.py),
  };
  const input = JSON.stringify(payload);
  const r = spawnSync(findPython(), ['-c', PY_DRIVER], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  py = JSON.parse(r.stdout) as PyOutput;
});

afterAll(() => {
  jest.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// TS side
// ---------------------------------------------------------------------------------------------

function record(opt: FakeOptimizer, s: Sched): Rec {
  return {
    lr: opt.param_groups.map((g) => g.lr),
    last: [...s.get_last_lr()],
    mom: opt.param_groups.map((g) => {
      if (Array.isArray(g.betas)) return g.betas[0] as number;
      return typeof g.momentum === 'number' ? g.momentum : null;
    }),
  };
}

function doStep(s: Sched, c: Config, i: number): void {
  if (s instanceof lr.ReduceLROnPlateau) {
    const m = (c.metrics as number[])[i];
    s.step(c.tensorMetric ? scalarTensor(m) : m);
  } else if (c.epochs && c.epochs[i] !== null) {
    s.step(c.epochs[i]);
  } else {
    s.step();
  }
}

/** The state dict as Python's test encodes it: functions as a marker, infinities as strings. */
function encode(v: unknown): unknown {
  if (typeof v === 'function') return '<function>';
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

/** Deep comparison with numbers to TOL; returns the first difference. */
function diff(a: unknown, e: unknown, path = ''): string | null {
  const mismatch = `${path}: ${JSON.stringify(a)} != python ${JSON.stringify(e)}`;
  if (typeof e === 'number' && typeof a === 'number') return Math.abs(a - e) <= TOL ? null : mismatch;
  if (Array.isArray(e)) {
    if (!Array.isArray(a) || a.length !== e.length) return mismatch;
    for (let i = 0; i < e.length; i++) {
      const d = diff(a[i], e[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (e !== null && typeof e === 'object') {
    if (a === null || typeof a !== 'object') return `${path}: ${JSON.stringify(a)} != python ${JSON.stringify(e)}`;
    const ek = Object.keys(e).sort();
    const ak = Object.keys(a).sort();
    if (JSON.stringify(ek) !== JSON.stringify(ak)) return `${path}: keys ${ak} != python ${ek}`;
    for (const k of ek) {
      const d = diff((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === e ? null : `${path}: ${JSON.stringify(a)} != python ${JSON.stringify(e)}`;
}

/** Compares TS records with Python's; returns [max abs difference, count of values not bit-identical]. */
function compareSeq(ts: Rec[], pyRecs: Rec[], label: string): [number, number] {
  expect(ts.length).toBe(pyRecs.length);
  let maxDiff = 0;
  let inexact = 0;
  ts.forEach((t, i) => {
    const p = pyRecs[i];
    const pairs: [number | null, number | null][] = [];
    t.lr.forEach((x, j) => pairs.push([x, p.lr[j]]));
    t.mom.forEach((x, j) => pairs.push([x, p.mom[j]]));
    if (p.last !== null) t.last?.forEach((x, j) => pairs.push([x, (p.last as number[])[j]]));
    expect(t.lr.length).toBe(p.lr.length);
    for (const [a, e] of pairs) {
      if (a === null || e === null) {
        if (a !== e) throw new Error(`${label} step ${i}: ${a} != python ${e}`);
        continue;
      }
      const d = Math.abs(a - e);
      if (!(d <= TOL)) throw new Error(`${label} step ${i}: ${a} != python ${e} (|diff| ${d})`);
      if (a !== e) inexact++;
      maxDiff = Math.max(maxDiff, d);
    }
  });
  return [maxDiff, inexact];
}

const summary: { name: string; maxDiff: number; inexact: number }[] = [];

describe('lr sequences match PyTorch (100 steps, 1e-12)', () => {
  test(`at least 30 configurations (${configs.length})`, () => {
    expect(configs.length).toBeGreaterThanOrEqual(30);
  });

  configs.forEach((c, ci) => {
    test(c.name, () => {
      const p = py.configs[ci];
      if (p.error) throw new Error(`python: ${p.error}`);
      const opt = makeOpt(c);
      const s = c.ts(opt);
      const seq = [record(opt, s)];
      for (let i = 0; i < (c.steps ?? STEPS); i++) {
        doStep(s, c, i);
        seq.push(record(opt, s));
      }
      const [maxDiff, inexact] = compareSeq(seq, p.seq, c.name);
      summary.push({ name: c.name, maxDiff, inexact });

      // state_dict: PyTorch's keys (its __dict__ minus the optimizer) in the same order, same values
      const sd = s.state_dict();
      expect(Object.keys(sd)).toEqual(p.keys);
      const d = diff(encode(sd), p.sd);
      if (d) throw new Error(`state_dict${d}`);
    });
  });

  afterAll(() => {
    const exact = summary.filter((r) => r.inexact === 0).length;
    const worst = summary.reduce((m, r) => Math.max(m, r.maxDiff), 0);
    console.log(
      `lr_scheduler: ${summary.length} configurations, ${exact} bit-identical to Python, max |diff| ${worst}\n` +
        summary
          .filter((r) => r.inexact)
          .map((r) => `  ${r.name}: ${r.inexact} values differ in the last bits (max ${r.maxDiff})`)
          .join('\n'),
    );
  });
});

describe('state_dict round trip (save at step 40, JSON, load into a fresh scheduler, continue)', () => {
  configs.forEach((c, ci) => {
    test(c.name, () => {
      const p = py.configs[ci];
      if (p.error) throw new Error(`python: ${p.error}`);
      const k = splitOf(c);
      const steps = c.steps ?? STEPS;
      const optA = makeOpt(c);
      const a = c.ts(optA);
      for (let i = 0; i < k; i++) doStep(a, c, i);
      // JSON drops functions (lr_lambdas are null already; anneal_func stays the fresh one's).
      const saved = JSON.parse(JSON.stringify(a.state_dict())) as lr.SchedulerStateDict;
      const optB = makeOpt(c);
      const b = c.ts(optB);
      // optimizer.load_state_dict: the param group hyper-parameters come back (lr, initial_lr, momentum, ...)
      optB.param_groups.forEach((g, i) => Object.assign(g, JSON.parse(JSON.stringify(optA.param_groups[i])) as Group));
      b.load_state_dict(saved);
      const rtB = [record(optB, b)];
      const rtA = [record(optA, a)];
      for (let i = k; i < steps; i++) {
        doStep(a, c, i);
        doStep(b, c, i);
        rtA.push(record(optA, a));
        rtB.push(record(optB, b));
      }
      expect(rtB).toEqual(rtA); // bit for bit the run that was not interrupted
      compareSeq(rtB, p.rt, `${c.name} (round trip)`);
    });
  });

  test('state_dict is a copy: stepping on does not change a saved dict', () => {
    const s = new lr.MultiStepLR(sgd(0.1), [2, 4]);
    const sd = s.state_dict();
    s.step();
    s.step();
    expect(sd.last_epoch).toBe(0);
    expect(sd._last_lr).toEqual([0.1]);
    expect(sd.milestones).toEqual({ 2: 1, 4: 1 });
    (sd.base_lrs as number[])[0] = 5;
    expect(s.base_lrs).toEqual([0.1]);
  });

  test('LambdaLR saves null for functions and keeps its own on load', () => {
    const f = (e: number): number => 0.5 ** e;
    const s = new lr.LambdaLR(sgd(0.1, 0.2), f);
    expect(s.state_dict().lr_lambdas).toEqual([null, null]);
    const t = new lr.LambdaLR(sgd(0.1, 0.2), f);
    t.load_state_dict({ ...s.state_dict(), lr_lambdas: [{ scale: 2 }, null] });
    expect(t.lr_lambdas[0]).toBe(f);
    expect((f as unknown as { scale: number }).scale).toBe(2); // Python: lr_lambdas[i].__dict__.update(...)
  });

  test('ReduceLROnPlateau load_state_dict re-validates the mode', () => {
    const s = new lr.ReduceLROnPlateau(sgd(0.1));
    expect(() => s.load_state_dict({ ...s.state_dict(), mode: 'avg' })).toThrow('mode avg is unknown!');
  });
});

describe('errors match PyTorch', () => {
  errorCases.forEach((e, i) => {
    test(e.name, () => {
      const p = py.errors[i];
      expect(p.type).not.toBeNull();
      let thrown: unknown = null;
      try {
        e.ts();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(Error);
      const err = thrown as Error;
      if (p.type === 'TypeError') {
        expect(err).toBeInstanceOf(TypeError);
      } else {
        expect(err).toBeInstanceOf(TorchError);
        expect((err as TorchError).python_type).toBe(p.type);
      }
      expect(err.message).toBe(p.message);
    });
  });

  test('wrong JS types are TypeErrors naming the argument', () => {
    const o = sgd(0.1);
    expect(() => new lr.StepLR(o, 'a' as unknown as number)).toThrow(
      new TypeError("StepLR(): argument 'step_size' must be Number, not string"),
    );
    expect(() => new lr.StepLR(o, 3, { gamma: '0.1' as unknown as number })).toThrow(
      "StepLR(): argument 'gamma' must be Number, not string",
    );
    expect(() => new lr.LambdaLR(o, 3 as unknown as lr.LrLambda)).toThrow(TypeError);
    expect(() => new lr.ReduceLROnPlateau(o).step('x' as unknown as number)).toThrow(
      "ReduceLROnPlateau.step(): argument 'metrics' must be Number or Tensor, not string",
    );
    expect(() => new lr.StepLR(o, 3, { verbose: 1 as unknown as boolean })).toThrow(
      "StepLR(): argument 'verbose' must be bool, not number",
    );
    expect(() => new lr.SequentialLR(o, [3 as unknown as lr.LRScheduler], [])).toThrow(
      "SequentialLR(): argument 'schedulers[0]' must be LRScheduler, not number",
    );
  });

  test('not an optimizer', () => {
    expect(() => new lr.StepLR({} as FakeOptimizer, 3)).toThrow(new TypeError('Object is not an Optimizer'));
    expect(() => new lr.ReduceLROnPlateau(null as unknown as FakeOptimizer)).toThrow(
      new TypeError('null is not an Optimizer'),
    );
  });

  test('Python keyword arguments cannot be positional', () => {
    const ctor = lr.StepLR as unknown as new (...a: unknown[]) => lr.StepLR;
    expect(() => new ctor(sgd(0.1), 3, 0.5)).toThrow(TypeError);
    expect(() => new ctor(sgd(0.1), 3, 0.5)).toThrow(
      /keyword arguments \(gamma, last_epoch, verbose\) go in a trailing options object/,
    );
  });

  test('SequentialLR.step() takes no epoch', () => {
    const o = sgd(0.1);
    const s = new lr.SequentialLR(o, [new lr.StepLR(o, 2), new lr.StepLR(o, 3)], [4]);
    expect(() => (s.step as (e: number) => void)(3)).toThrow(
      'SequentialLR.step() takes 1 positional argument but 2 were given',
    );
  });

  test('lr_lambda must return a number', () => {
    expect(() => new lr.LambdaLR(sgd(0.1), () => 'x' as unknown as number)).toThrow(TypeError);
  });
});

describe('API', () => {
  test('_LRScheduler is LRScheduler; every scheduler but ReduceLROnPlateau is one', () => {
    expect(lr._LRScheduler).toBe(lr.LRScheduler);
    const o = sgd(0.1);
    expect(new lr.StepLR(o, 3)).toBeInstanceOf(lr._LRScheduler);
    expect(new lr.ChainedScheduler([new lr.StepLR(o, 3)])).toBeInstanceOf(lr.LRScheduler);
    expect(new lr.ReduceLROnPlateau(o)).not.toBeInstanceOf(lr.LRScheduler);
  });

  test('constructor sets initial_lr; OneCycleLR sets max_lr/min_lr/momentum keys', () => {
    const o = sgd(0.1, 0.2);
    new lr.StepLR(o, 3);
    expect(o.param_groups.map((g) => g.initial_lr)).toEqual([0.1, 0.2]);
    const p = sgd(0.1);
    new lr.OneCycleLR(p, 0.5, { total_steps: 10 });
    expect(p.param_groups[0]).toMatchObject({
      initial_lr: 0.02,
      max_lr: 0.5,
      min_lr: 0.02 / 1e4,
      max_momentum: 0.95,
      base_momentum: 0.85,
      momentum: 0.95,
    });
  });

  test('step({ epoch }) is step(epoch); both warn (once) as deprecated', () => {
    const a = new lr.ExponentialLR(sgd(0.1), 0.5);
    const b = new lr.ExponentialLR(sgd(0.1), 0.5);
    a.step(3);
    b.step({ epoch: 3 });
    expect(a.get_last_lr()).toEqual(b.get_last_lr());
    expect(a.get_last_lr()[0]).toBeCloseTo(0.0125, 15);
    expect(warnings.filter((w) => w.startsWith('The epoch parameter in `scheduler.step()`'))).toHaveLength(1);
  });

  test('get_lr() outside step() warns', () => {
    const s = new lr.StepLR(sgd(0.1), 3);
    s.get_lr();
    expect(warnings).toContain('To get the last learning rate computed by the scheduler, please use `get_last_lr()`.');
  });

  test('ReduceLROnPlateau.get_last_lr() before the first step is the current lr', () => {
    const s = new lr.ReduceLROnPlateau(sgd(0.3));
    expect(s.get_last_lr()).toEqual([0.3]);
    expect('_last_lr' in s.state_dict()).toBe(false); // as PyTorch 1.13's __dict__
  });

  test('works with a class-based optimizer whose ParamGroup is an interface', () => {
    interface ParamGroup {
      params: unknown[];
      lr: number;
      momentum: number;
    }
    class Opt {
      param_groups: ParamGroup[] = [{ params: [], lr: 0.1, momentum: 0.9 }];
      defaults = { lr: 0.1, momentum: 0.9 };
    }
    const o = new Opt();
    const s = new lr.OneCycleLR(o, 1.0, { total_steps: 4 });
    s.step();
    expect(o.param_groups[0].lr).toBeGreaterThan(0.04);
  });

  test('verbose output matches Python', () => {
    verboseCases.forEach((v, i) => {
      const lines: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
        lines.push(a.map(String).join(' '));
      });
      try {
        v.ts();
      } finally {
        spy.mockRestore();
      }
      expect({ name: v.name, lines }).toEqual({ name: v.name, lines: py.verbose[i] });
    });
  });
});
