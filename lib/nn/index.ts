/** torch.nn: Module, Parameter, layers and containers, losses, functional, init, utils. */
export { Module, RemovableHandle, metadataOf } from './modules/module';
export type { StateDict, IncompatibleKeys, ForwardHook, ForwardPreHook, AnyForward } from './modules/module';
export { Parameter } from './parameter';
export { Identity, Linear, Bilinear } from './modules/linear';
export { _ConvNd, Conv1d, Conv2d, _ConvTransposeNd, ConvTranspose2d } from './modules/conv';
export type { PaddingMode } from './modules/conv';
export { _NormBase, _BatchNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d } from './modules/batchnorm';
export { LayerNorm, GroupNorm } from './modules/normalization';
export { _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './modules/instancenorm';
export { _DropoutNd, Dropout, Dropout2d } from './modules/dropout';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from './modules/pooling';
export {
  ReLU,
  ReLU6,
  Hardtanh,
  LeakyReLU,
  ELU,
  GELU,
  SiLU,
  Mish,
  Hardswish,
  Sigmoid,
  Tanh,
  Softmax,
  LogSoftmax,
} from './modules/activation';
export { Flatten, Unflatten } from './modules/flatten';
export { Embedding } from './modules/sparse';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './modules/upsampling';
export { Sequential, ModuleList, ModuleDict, ParameterList } from './modules/container';
export type { ModuleMapping } from './modules/container';
export type { FactoryKwargs } from './modules/utils';
export {
  _Loss,
  _WeightedLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  CrossEntropyLoss,
  SmoothL1Loss,
  HuberLoss,
  BCELoss,
  BCEWithLogitsLoss,
  KLDivLoss,
} from './modules/loss';
export * as functional from './functional';
export * as init from './init';
export * as utils from './utils';
