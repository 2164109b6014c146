/** torchvision/models/alexnet.py (0.14): AlexNet (PyTorch's default layer init, no custom pass). */
import { flatten, nn, Tensor } from '../../index';
import { _ovewrite_named_param, Weights, weightsEnum } from './_api';
import { _IMAGENET_CATEGORIES } from './_meta';
import type { ModelBuilderOptions } from './resnet';

export class AlexNet extends nn.Module<(x: Tensor) => Tensor> {
  features: nn.Sequential;
  avgpool: nn.AdaptiveAvgPool2d;
  classifier: nn.Sequential;

  constructor(num_classes = 1000, dropout = 0.5) {
    super();
    this.features = new nn.Sequential(
      new nn.Conv2d(3, 64, { kernel_size: 11, stride: 4, padding: 2 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d({ kernel_size: 3, stride: 2 }),
      new nn.Conv2d(64, 192, { kernel_size: 5, padding: 2 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d({ kernel_size: 3, stride: 2 }),
      new nn.Conv2d(192, 384, { kernel_size: 3, padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(384, 256, { kernel_size: 3, padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.Conv2d(256, 256, { kernel_size: 3, padding: 1 }),
      new nn.ReLU({ inplace: true }),
      new nn.MaxPool2d({ kernel_size: 3, stride: 2 }),
    );
    this.avgpool = new nn.AdaptiveAvgPool2d([6, 6]);
    this.classifier = new nn.Sequential(
      new nn.Dropout({ p: dropout }),
      new nn.Linear(256 * 6 * 6, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout({ p: dropout }),
      new nn.Linear(4096, 4096),
      new nn.ReLU({ inplace: true }),
      new nn.Linear(4096, num_classes),
    );
  }

  forward(x: Tensor): Tensor {
    x = this.avgpool(this.features(x));
    return this.classifier(flatten(x, 1));
  }
}

export const AlexNet_Weights = weightsEnum(
  'AlexNet_Weights',
  {
    IMAGENET1K_V1: (enum_name: string, name: string) =>
      new Weights(
        enum_name,
        name,
        'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth',
        { crop_size: 224 },
        {
          num_params: 61100840,
          min_size: [63, 63],
          categories: _IMAGENET_CATEGORIES,
          recipe: 'https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg',
          _metrics: { 'ImageNet-1K': { 'acc@1': 56.522, 'acc@5': 79.066 } },
          _docs: 'These weights reproduce closely the results of the paper using a simplified training recipe.',
        },
      ),
  },
  'IMAGENET1K_V1',
);

export type AlexNetBuilderOptions = ModelBuilderOptions & { num_classes?: number; dropout?: number };

export function alexnet(opts: AlexNetBuilderOptions = {}): AlexNet {
  const { weights: w, progress = true, model_dir, dropout } = opts;
  let { num_classes } = opts;
  const weights = AlexNet_Weights.verify(w);
  if (weights !== null && weights.meta.categories !== null) {
    num_classes = _ovewrite_named_param(num_classes, 'num_classes', weights.meta.categories.length);
  }
  const model = new AlexNet(num_classes, dropout);
  if (weights !== null) model.load_state_dict(weights.get_state_dict({ progress, model_dir }));
  return model;
}
