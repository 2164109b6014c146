/**
 * `--optimizer` and `--scheduler` as torch.optim objects. Epoch schedules (cosine, step) step
 * once per epoch; onecycle steps once per batch, peaking at --lr, as PyTorch's docs use them.
 */
import { Tensor, optim } from '../index';
import type { TrainConfig } from './config';

type LRScheduler = optim.lr_scheduler.LRScheduler;

export function makeOptimizer(cfg: TrainConfig, params: Iterable<Tensor>): optim.Optimizer {
  const { lr, momentum, weight_decay } = cfg;
  switch (cfg.optimizer) {
    case 'sgd':
      return new optim.SGD(params, { lr, momentum, weight_decay });
    case 'adam':
      return new optim.Adam(params, { lr, weight_decay });
    case 'adamw':
      return new optim.AdamW(params, { lr, weight_decay });
    case 'rmsprop':
      return new optim.RMSprop(params, { lr, momentum, weight_decay });
  }
}

export interface Schedules {
  /** Stepped after each epoch. */
  epoch: LRScheduler | null;
  /** Stepped after each batch. */
  batch: LRScheduler | null;
}

export function makeScheduler(cfg: TrainConfig, optimizer: optim.Optimizer, steps_per_epoch: number): Schedules {
  const { lr_scheduler } = optim;
  switch (cfg.scheduler) {
    case 'cosine':
      return { epoch: new lr_scheduler.CosineAnnealingLR(optimizer, cfg.epochs), batch: null };
    case 'step': {
      // Divide by 10 at a third and two thirds of the run (at least one epoch apart).
      const step_size = Math.max(1, Math.floor(cfg.epochs / 3));
      return { epoch: new lr_scheduler.StepLR(optimizer, step_size, { gamma: 0.1 }), batch: null };
    }
    case 'onecycle': {
      // Momentum is cycled where the optimizer has it: Adam's beta1, or a non-zero SGD/RMSprop momentum.
      const cycle_momentum = cfg.optimizer === 'adam' || cfg.optimizer === 'adamw' || cfg.momentum > 0;
      const s = new lr_scheduler.OneCycleLR(optimizer, cfg.lr, { epochs: cfg.epochs, steps_per_epoch, cycle_momentum });
      return { epoch: null, batch: s };
    }
    case 'none':
      return { epoch: null, batch: null };
  }
}
