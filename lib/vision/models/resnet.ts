/**
 * torchvision/models/resnet.py (0.14): BasicBlock, Bottleneck, ResNet and resnet18..152 with the
 * same attribute names (so state_dict keys are torchvision's), the same construction order and the
 * same initialisation (so `torch.manual_seed` gives the same weights as Python).
 */
import { flatten, nn, Tensor, TorchError } from '../../index';
import { _ovewrite_named_param, Weights, weightsEnum, WeightsMeta } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';

type Module = nn.Module<(x: Tensor) => Tensor>;
/** torchvision's `norm_layer`: a factory called with the channel count (default BatchNorm2d). */
export type NormLayer = (num_features: number) => Module;

const batchNorm: NormLayer = (n) => new nn.BatchNorm2d(n);

/** 3x3 convolution with padding. */
export function conv3x3(in_planes: number, out_planes: number, stride = 1, groups = 1, dilation = 1): nn.Conv2d {
  const opts = { kernel_size: 3, stride, padding: dilation, groups, bias: false, dilation };
  return new nn.Conv2d(in_planes, out_planes, opts);
}

/** 1x1 convolution. */
export function conv1x1(in_planes: number, out_planes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(in_planes, out_planes, { kernel_size: 1, stride, bias: false });
}

/** What ResNet needs of a block class (BasicBlock or Bottleneck). */
export interface BlockClass {
  readonly expansion: number;
  new (
    inplanes: number,
    planes: number,
    stride?: number,
    downsample?: Module | null,
    groups?: number,
    base_width?: number,
    dilation?: number,
    norm_layer?: NormLayer | null,
  ): Module;
}

export class BasicBlock extends nn.Module<(x: Tensor) => Tensor> {
  static expansion = 1;
  conv1: nn.Conv2d;
  bn1: Module;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: Module;
  downsample: Module | null;
  stride: number;

  constructor(
    inplanes: number,
    planes: number,
    stride = 1,
    downsample: Module | null = null,
    groups = 1,
    base_width = 64,
    dilation = 1,
    norm_layer: NormLayer | null = null,
  ) {
    super();
    const norm = norm_layer ?? batchNorm;
    if (groups !== 1 || base_width !== 64) {
      throw new TorchError('BasicBlock only supports groups=1 and base_width=64', 'ValueError');
    }
    if (dilation > 1) throw new TorchError('Dilation > 1 not supported in BasicBlock', 'NotImplementedError');
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = norm(planes);
    this.relu = new nn.ReLU({ inplace: true });
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = norm(planes);
    this.downsample = downsample;
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    const identity = this.downsample !== null ? this.downsample(x) : x;
    out = out.add_(identity);
    return this.relu(out);
  }
}

/** The v1.5 bottleneck: the stride sits on the 3x3 convolution (conv2), as in torchvision. */
export class Bottleneck extends nn.Module<(x: Tensor) => Tensor> {
  static expansion = 4;
  conv1: nn.Conv2d;
  bn1: Module;
  conv2: nn.Conv2d;
  bn2: Module;
  conv3: nn.Conv2d;
  bn3: Module;
  relu: nn.ReLU;
  downsample: Module | null;
  stride: number;

  constructor(
    inplanes: number,
    planes: number,
    stride = 1,
    downsample: Module | null = null,
    groups = 1,
    base_width = 64,
    dilation = 1,
    norm_layer: NormLayer | null = null,
  ) {
    super();
    const norm = norm_layer ?? batchNorm;
    const width = Math.trunc(planes * (base_width / 64.0)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = norm(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = norm(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = norm(planes * Bottleneck.expansion);
    this.relu = new nn.ReLU({ inplace: true });
    this.downsample = downsample;
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu(this.bn1(this.conv1(x)));
    out = this.relu(this.bn2(this.conv2(out)));
    out = this.bn3(this.conv3(out));
    const identity = this.downsample !== null ? this.downsample(x) : x;
    out = out.add_(identity);
    return this.relu(out);
  }
}

export interface ResNetOptions {
  num_classes?: number;
  /** Zero the last BN of each residual branch so every block starts as the identity. */
  zero_init_residual?: boolean;
  groups?: number;
  width_per_group?: number;
  replace_stride_with_dilation?: readonly [boolean, boolean, boolean] | null;
  norm_layer?: NormLayer | null;
}

export class ResNet extends nn.Module<(x: Tensor) => Tensor> {
  _norm_layer: NormLayer;
  inplanes = 64;
  dilation = 1;
  groups: number;
  base_width: number;
  conv1: nn.Conv2d;
  bn1: Module;
  relu: nn.ReLU;
  maxpool: nn.MaxPool2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(block: BlockClass, layers: readonly number[], opts: ResNetOptions = {}) {
    super();
    const num_classes = opts.num_classes ?? 1000;
    this._norm_layer = opts.norm_layer ?? batchNorm;
    const dilate = opts.replace_stride_with_dilation ?? [false, false, false];
    if (dilate.length !== 3) {
      throw new TorchError(
        `replace_stride_with_dilation should be None or a 3-element tuple, got ${JSON.stringify(dilate)}`,
        'ValueError',
      );
    }
    this.groups = opts.groups ?? 1;
    this.base_width = opts.width_per_group ?? 64;
    this.conv1 = new nn.Conv2d(3, this.inplanes, { kernel_size: 7, stride: 2, padding: 3, bias: false });
    this.bn1 = this._norm_layer(this.inplanes);
    this.relu = new nn.ReLU({ inplace: true });
    this.maxpool = new nn.MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 });
    this.layer1 = this._make_layer(block, 64, layers[0]);
    this.layer2 = this._make_layer(block, 128, layers[1], 2, dilate[0]);
    this.layer3 = this._make_layer(block, 256, layers[2], 2, dilate[1]);
    this.layer4 = this._make_layer(block, 512, layers[3], 2, dilate[2]);
    this.avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
    this.fc = new nn.Linear(512 * block.expansion, num_classes);

    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) {
        nn.init.kaiming_normal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      } else if (m instanceof nn.BatchNorm2d || m instanceof nn.GroupNorm) {
        const p = m as unknown as { weight: Tensor; bias: Tensor };
        nn.init.constant_(p.weight, 1);
        nn.init.constant_(p.bias, 0);
      }
    }
    if (opts.zero_init_residual) {
      for (const m of this.modules()) {
        const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
        const weight = (last as { weight?: Tensor | null } | null)?.weight;
        if (weight) nn.init.constant_(weight, 0);
      }
    }
  }

  _make_layer(block: BlockClass, planes: number, blocks: number, stride = 1, dilate = false): nn.Sequential {
    const norm_layer = this._norm_layer;
    let downsample: Module | null = null;
    const previous_dilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    // Built before the block, as in Python, so the RNG is drawn in the same order.
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      const out = planes * block.expansion;
      downsample = new nn.Sequential(conv1x1(this.inplanes, out, stride), norm_layer(out));
    }
    const layers: Module[] = [
      new block(this.inplanes, planes, stride, downsample, this.groups, this.base_width, previous_dilation, norm_layer),
    ];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) {
      layers.push(new block(this.inplanes, planes, 1, null, this.groups, this.base_width, this.dilation, norm_layer));
    }
    return new nn.Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    x = this.maxpool(this.relu(this.bn1(this.conv1(x))));
    x = this.layer4(this.layer3(this.layer2(this.layer1(x))));
    x = flatten(this.avgpool(x), 1);
    return this.fc(x);
  }
}

// ------------------------------------------------------------------ weights

const COMMON_META = { min_size: [1, 1] as const, categories: _IMAGENET_CATEGORIES };
const RECIPE_V1 = 'https://github.com/pytorch/vision/tree/main/references/classification#resnet';
const DOCS_V1 = 'These weights reproduce closely the results of the paper using a simple training recipe.';
const DOCS_V2 =
  "These weights improve upon the results of the original paper by using TorchVision's new training recipe " +
  '(https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/).';

function imagenet(url: string, num_params: number, acc1: number, acc5: number, v2: string | null = null) {
  const meta: WeightsMeta = {
    ...COMMON_META,
    num_params,
    recipe: v2 ?? RECIPE_V1,
    _metrics: { 'ImageNet-1K': { 'acc@1': acc1, 'acc@5': acc5 } },
    _docs: v2 ? DOCS_V2 : DOCS_V1,
  };
  const preset = v2 ? { crop_size: 224, resize_size: 232 } : { crop_size: 224 };
  return (enum_name: string, name: string) => new Weights(enum_name, name, url, preset, meta);
}

const MODELS = 'https://download.pytorch.org/models';
const V2_RECIPE = 'https://github.com/pytorch/vision/issues/3995#new-recipe';

export const ResNet18_Weights = weightsEnum(
  'ResNet18_Weights',
  { IMAGENET1K_V1: imagenet(`${MODELS}/resnet18-f37072fd.pth`, 11689512, 69.758, 89.078) },
  'IMAGENET1K_V1',
);
export const ResNet34_Weights = weightsEnum(
  'ResNet34_Weights',
  { IMAGENET1K_V1: imagenet(`${MODELS}/resnet34-b627a593.pth`, 21797672, 73.314, 91.42) },
  'IMAGENET1K_V1',
);
export const ResNet50_Weights = weightsEnum(
  'ResNet50_Weights',
  {
    IMAGENET1K_V1: imagenet(`${MODELS}/resnet50-0676ba61.pth`, 25557032, 76.13, 92.862),
    IMAGENET1K_V2: imagenet(
      `${MODELS}/resnet50-11ad3fa6.pth`,
      25557032,
      80.858,
      95.434,
      'https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621',
    ),
  },
  'IMAGENET1K_V2',
);
export const ResNet101_Weights = weightsEnum(
  'ResNet101_Weights',
  {
    IMAGENET1K_V1: imagenet(`${MODELS}/resnet101-63fe2227.pth`, 44549160, 77.374, 93.546),
    IMAGENET1K_V2: imagenet(`${MODELS}/resnet101-cd907fc2.pth`, 44549160, 81.886, 95.78, V2_RECIPE),
  },
  'IMAGENET1K_V2',
);
export const ResNet152_Weights = weightsEnum(
  'ResNet152_Weights',
  {
    IMAGENET1K_V1: imagenet(`${MODELS}/resnet152-394f9c45.pth`, 60192808, 78.312, 94.046),
    IMAGENET1K_V2: imagenet(`${MODELS}/resnet152-f82ba261.pth`, 60192808, 82.284, 96.002, V2_RECIPE),
  },
  'IMAGENET1K_V2',
);

// ------------------------------------------------------------------ builders

export interface ModelBuilderOptions {
  /** A member of the model's weights enum, its name (`'IMAGENET1K_V1'`, `'DEFAULT'`), or null for random weights. */
  weights?: Weights | string | null;
  progress?: boolean;
  /** Where get_state_dict looks for the checkpoint (default `$TORCH_HOME/hub/checkpoints`). */
  model_dir?: string;
}

export type ResNetBuilderOptions = ModelBuilderOptions & ResNetOptions;

function _resnet(
  block: BlockClass,
  layers: readonly number[],
  weightsEnumObj: { verify(w: Weights | string | null | undefined): Weights | null },
  opts: ResNetBuilderOptions,
): ResNet {
  const { weights: w, progress = true, model_dir, ...kwargs } = opts;
  const weights = weightsEnumObj.verify(w);
  if (weights !== null && weights.meta.categories !== null) {
    kwargs.num_classes = _ovewrite_named_param(kwargs.num_classes, 'num_classes', weights.meta.categories.length);
  }
  const model = new ResNet(block, layers, kwargs);
  if (weights !== null) model.load_state_dict(weights.get_state_dict({ progress, model_dir }));
  return model;
}

export function resnet18(opts: ResNetBuilderOptions = {}): ResNet {
  return _resnet(BasicBlock, [2, 2, 2, 2], ResNet18_Weights, opts);
}
export function resnet34(opts: ResNetBuilderOptions = {}): ResNet {
  return _resnet(BasicBlock, [3, 4, 6, 3], ResNet34_Weights, opts);
}
export function resnet50(opts: ResNetBuilderOptions = {}): ResNet {
  return _resnet(Bottleneck, [3, 4, 6, 3], ResNet50_Weights, opts);
}
export function resnet101(opts: ResNetBuilderOptions = {}): ResNet {
  return _resnet(Bottleneck, [3, 4, 23, 3], ResNet101_Weights, opts);
}
export function resnet152(opts: ResNetBuilderOptions = {}): ResNet {
  return _resnet(Bottleneck, [3, 8, 36, 3], ResNet152_Weights, opts);
}
