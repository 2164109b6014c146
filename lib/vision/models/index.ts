/** torchvision.models: ResNet, VGG, AlexNet with torchvision's names and weights enums, plus the seed's models. */
export { get_dir, Weights, weightsEnum } from './_api';
export type { DownloadOptions, GetStateDictOptions, StateDictRecord, WeightsEnum, WeightsMeta } from './_api';
export type { ImageClassification, ImageClassificationOptions } from './_presets';
export { _IMAGENET_CATEGORIES } from './_meta';
export {
  BasicBlock,
  Bottleneck,
  ResNet,
  conv1x1,
  conv3x3,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  ResNet18_Weights,
  ResNet34_Weights,
  ResNet50_Weights,
  ResNet101_Weights,
  ResNet152_Weights,
} from './resnet';
export type { BlockClass, ModelBuilderOptions, NormLayer, ResNetBuilderOptions, ResNetOptions } from './resnet';
export {
  VGG,
  make_layers,
  cfgs,
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
  VGG11_Weights,
  VGG11_BN_Weights,
  VGG13_Weights,
  VGG13_BN_Weights,
  VGG16_Weights,
  VGG16_BN_Weights,
  VGG19_Weights,
  VGG19_BN_Weights,
} from './vgg';
export type { VGGBuilderOptions, VGGConfig, VGGOptions } from './vgg';
export { AlexNet, alexnet, AlexNet_Weights } from './alexnet';
export type { AlexNetBuilderOptions } from './alexnet';
export { LeNet5 } from './lenet';
export type { LeNet5Options } from './lenet';
/** The seed's CIFAR models; `ResNet` is torchvision's name, so the seed's is `CifarResNet` here. */
export { SimpleCNN, ResidualBlock, ResNet as CifarResNet, ResNet18, ResNet34 } from './cifar';
export type { SimpleCNNOptions } from './cifar';
export {
  freeze,
  unfreeze,
  head_name,
  get_head,
  replace_head,
  trainable_parameters,
  count_parameters,
  param_groups,
  FeatureExtractor,
  extract_features,
} from './transfer';
export type { HeadOptions, ParamGroupsOptions } from './transfer';
