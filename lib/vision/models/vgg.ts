/**
 * torchvision/models/vgg.py (0.14): VGG, make_layers, cfgs and vgg11..vgg19(_bn), with torchvision's
 * module names (`features.N`, `classifier.N`) and initialisation.
 */
import { flatten, nn, Tensor } from '../../index';
import { _ovewrite_named_param, Weights, weightsEnum, WeightsMeta } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import type { ModelBuilderOptions } from './resnet';

export interface VGGOptions {
  num_classes?: number;
  /** torchvision's init (kaiming_normal_ fan_out convs, N(0, 0.01) linears); off when weights are loaded. */
  init_weights?: boolean;
  dropout?: number;
}

export class VGG extends nn.Module<(x: Tensor) => Tensor> {
  features: nn.Module<(x: Tensor) => Tensor>;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(features: nn.Module<(x: Tensor) => Tensor>, opts: VGGOptions = {}) {
    super();
    const { num_classes = 1000, init_weights = true, dropout = 0.5 } = opts;
    this.features = features;
    this.avgpool = new nn.AdaptiveAvgPool2d([7, 7]);
    this.classifier = new nn.Sequential(
      new nn.Linear(512 * 7 * 7, 4096),
      new nn.ReLU(true),
      new nn.Dropout({ p: dropout }),
      new nn.Linear(4096, 4096),
      new nn.ReLU(true),
      new nn.Dropout({ p: dropout }),
      new nn.Linear(4096, num_classes),
    );
    if (init_weights) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) {
          nn.init.kaiming_normal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
          if (m.bias !== null) nn.init.constant_(m.bias, 0);
        } else if (m instanceof nn.BatchNorm2d) {
          const p = m as unknown as { weight: Tensor; bias: Tensor };
          nn.init.constant_(p.weight, 1);
          nn.init.constant_(p.bias, 0);
        } else if (m instanceof nn.Linear) {
          nn.init.normal_(m.weight, 0, 0.01);
          if (m.bias !== null) nn.init.constant_(m.bias, 0);
        }
      }
    }
  }

  forward(x: Tensor): Tensor {
    x = this.avgpool(this.features(x));
    return this.classifier(flatten(x, 1));
  }
}

export type VGGConfig = readonly (number | 'M')[];

export function make_layers(cfg: VGGConfig, batch_norm = false): nn.Sequential {
  const layers: nn.Module[] = [];
  let in_channels = 3;
  for (const v of cfg) {
    if (v === 'M') {
      layers.push(new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    } else {
      const conv2d = new nn.Conv2d(in_channels, v, { kernel_size: 3, padding: 1 });
      if (batch_norm) layers.push(conv2d, new nn.BatchNorm2d(v), new nn.ReLU({ inplace: true }));
      else layers.push(conv2d, new nn.ReLU({ inplace: true }));
      in_channels = v;
    }
  }
  return new nn.Sequential(...layers);
}

export const cfgs: Readonly<Record<'A' | 'B' | 'D' | 'E', VGGConfig>> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

// ------------------------------------------------------------------ weights

const COMMON_META = {
  min_size: [32, 32] as const,
  categories: _IMAGENET_CATEGORIES,
  recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
  _docs: 'These weights were trained from scratch by using a simplified training recipe.',
};

function imagenet(file: string, num_params: number, acc1: number, acc5: number) {
  const _metrics = { 'ImageNet-1K': { 'acc@1': acc1, 'acc@5': acc5 } };
  const meta: WeightsMeta = { ...COMMON_META, num_params, _metrics };
  const url = `https://download.pytorch.org/models/${file}`;
  return (enum_name: string, name: string) => new Weights(enum_name, name, url, { crop_size: 224 }, meta);
}

/** An enum with one member, IMAGENET1K_V1, which is also DEFAULT. */
function single(enum_name: string, file: string, num_params: number, acc1: number, acc5: number) {
  return weightsEnum(enum_name, { IMAGENET1K_V1: imagenet(file, num_params, acc1, acc5) }, 'IMAGENET1K_V1');
}

export const VGG11_Weights = single('VGG11_Weights', 'vgg11-8a719046.pth', 132863336, 69.02, 88.628);
export const VGG11_BN_Weights = single('VGG11_BN_Weights', 'vgg11_bn-6002323d.pth', 132868840, 70.37, 89.81);
export const VGG13_Weights = single('VGG13_Weights', 'vgg13-19584684.pth', 133047848, 69.928, 89.246);
export const VGG13_BN_Weights = single('VGG13_BN_Weights', 'vgg13_bn-abd245e5.pth', 133053736, 71.586, 90.374);
export const VGG16_Weights = weightsEnum(
  'VGG16_Weights',
  {
    IMAGENET1K_V1: imagenet('vgg16-397923af.pth', 138357544, 71.592, 90.382),
    // Feature-extractor weights ported from amdegroot/ssd.pytorch: the classifier is not usable.
    IMAGENET1K_FEATURES: (enum_name: string, name: string) =>
      new Weights(
        enum_name,
        name,
        'https://download.pytorch.org/models/vgg16_features-amdegroot-88682ab5.pth',
        { crop_size: 224, mean: [0.48235, 0.45882, 0.40784], std: [1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0] },
        {
          ...COMMON_META,
          num_params: 138357544,
          categories: null,
          recipe: 'https://github.com/amdegroot/ssd.pytorch#training-ssd',
          _metrics: { 'ImageNet-1K': { 'acc@1': NaN, 'acc@5': NaN } },
          _docs:
            "These weights can't be used for classification because they are missing values in the `classifier` " +
            'module. Only the `features` module has valid values and can be used for feature extraction.',
        },
      ),
  },
  'IMAGENET1K_V1',
);
export const VGG16_BN_Weights = single('VGG16_BN_Weights', 'vgg16_bn-6c64b313.pth', 138365992, 73.36, 91.516);
export const VGG19_Weights = single('VGG19_Weights', 'vgg19-dcbb9e9d.pth', 143667240, 72.376, 90.876);
export const VGG19_BN_Weights = single('VGG19_BN_Weights', 'vgg19_bn-c79401a0.pth', 143678248, 74.218, 91.842);

// ------------------------------------------------------------------ builders

export type VGGBuilderOptions = ModelBuilderOptions & VGGOptions;

function _vgg(
  cfg: keyof typeof cfgs,
  batch_norm: boolean,
  weightsEnumObj: { verify(w: Weights | string | null | undefined): Weights | null },
  opts: VGGBuilderOptions,
): VGG {
  const { weights: w, progress = true, model_dir, ...kwargs } = opts;
  const weights = weightsEnumObj.verify(w);
  if (weights !== null) {
    kwargs.init_weights = false;
    if (weights.meta.categories !== null) {
      kwargs.num_classes = _ovewrite_named_param(kwargs.num_classes, 'num_classes', weights.meta.categories.length);
    }
  }
  const model = new VGG(make_layers(cfgs[cfg], batch_norm), kwargs);
  if (weights !== null) model.load_state_dict(weights.get_state_dict({ progress, model_dir }));
  return model;
}

export const vgg11 = (opts: VGGBuilderOptions = {}): VGG => _vgg('A', false, VGG11_Weights, opts);
export const vgg11_bn = (opts: VGGBuilderOptions = {}): VGG => _vgg('A', true, VGG11_BN_Weights, opts);
export const vgg13 = (opts: VGGBuilderOptions = {}): VGG => _vgg('B', false, VGG13_Weights, opts);
export const vgg13_bn = (opts: VGGBuilderOptions = {}): VGG => _vgg('B', true, VGG13_BN_Weights, opts);
export const vgg16 = (opts: VGGBuilderOptions = {}): VGG => _vgg('D', false, VGG16_Weights, opts);
export const vgg16_bn = (opts: VGGBuilderOptions = {}): VGG => _vgg('D', true, VGG16_BN_Weights, opts);
export const vgg19 = (opts: VGGBuilderOptions = {}): VGG => _vgg('E', false, VGG19_Weights, opts);
export const vgg19_bn = (opts: VGGBuilderOptions = {}): VGG => _vgg('E', true, VGG19_BN_Weights, opts);
