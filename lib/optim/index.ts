/** torch.optim: optimizers over torchts Tensors, with PyTorch 1.13's math, defaults and state_dict layout. */
export { Optimizer, required } from './optimizer';
export type {
  DefaultsOf,
  Group,
  OptimizerDefaults,
  OptimizerStateDict,
  OptimizerStateDictInput,
  ParamGroup,
  ParamGroupInput,
  ParamsInput,
  Required,
  ZeroGradOptions,
} from './optimizer';
export { SGD } from './sgd';
export type { SGDDefaults, SGDOptions, SGDState } from './sgd';
export { Adam } from './adam';
export type { AdamDefaults, AdamOptions, AdamState } from './adam';
export { AdamW } from './adamw';
export type { AdamWDefaults, AdamWOptions, AdamWState } from './adamw';
export { RMSprop } from './rmsprop';
export type { RMSpropDefaults, RMSpropOptions, RMSpropState } from './rmsprop';
export { Adagrad } from './adagrad';
export type { AdagradDefaults, AdagradOptions, AdagradState } from './adagrad';
export * as lr_scheduler from './lr_scheduler';
