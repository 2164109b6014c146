/**
 * The models `--model` names, how each is built for a dataset's channels, image size and class
 * count, and each model's preset: the hyper-parameters used when the command line leaves them
 * out (tuned for LeNet-5 and SimpleCNN on Fashion-MNIST, see docs/benchmarks.md).
 */
import { nn } from '../index';
import { models } from '../vision';
import { Hyper, UsageError } from './config';

export interface ModelShape {
  num_classes: number;
  in_channels: number;
  /** Square side of the images the model will see. */
  image_size: number;
}

export interface ModelSpec {
  build(shape: ModelShape): nn.Module;
  /** The only image side the architecture accepts (images are resized to it), if it has one. */
  fixed_size?: number;
  /** The side used for datasets whose images vary in size (image folders). */
  default_size: number;
  preset: Hyper;
  describe: string;
}

/** Standard CIFAR recipe (SGD, momentum 0.9, weight decay 5e-4, cosine), with fewer epochs. */
const SGD_COSINE: Hyper = {
  epochs: 10,
  batch_size: 128,
  lr: 0.1,
  optimizer: 'sgd',
  momentum: 0.9,
  weight_decay: 5e-4,
  scheduler: 'cosine',
};

/** torchvision's ResNets take RGB; a different channel count gets a matching first convolution. */
function torchvisionResNet(builder: (o: { num_classes: number }) => models.ResNet) {
  return ({ num_classes, in_channels }: ModelShape): nn.Module => {
    const m = builder({ num_classes });
    if (in_channels !== 3) {
      m.conv1 = new nn.Conv2d(in_channels, 64, { kernel_size: 7, stride: 2, padding: 3, bias: false });
    }
    return m;
  };
}

/** The seed's CIFAR ResNet: 3x3 stem, fixed 32x32 geometry (avg_pool2d(4) after three stride-2 stages). */
function cifarResNet(builder: (num_classes: number) => models.CifarResNet) {
  return ({ num_classes, in_channels }: ModelShape): nn.Module => {
    const m = builder(num_classes);
    if (in_channels !== 3) {
      m.conv1 = new nn.Conv2d(in_channels, 64, { kernel_size: 3, stride: 1, padding: 1, bias: false });
    }
    return m;
  };
}

export const MODELS: Record<string, ModelSpec> = {
  lenet5: {
    build: ({ num_classes, in_channels }) => new models.LeNet5(num_classes, { in_channels }),
    fixed_size: 28,
    default_size: 28,
    preset: {
      epochs: 5,
      batch_size: 64,
      lr: 0.002,
      optimizer: 'adam',
      momentum: 0.9,
      weight_decay: 0,
      scheduler: 'cosine',
    },
    describe: 'LeNet-5 (61.7k parameters), 28x28 input',
  },
  simplecnn: {
    build: ({ num_classes, in_channels, image_size }) =>
      new models.SimpleCNN(num_classes, { in_channels, input_size: image_size }),
    default_size: 32,
    preset: {
      epochs: 5,
      batch_size: 128,
      lr: 0.002,
      optimizer: 'adam',
      momentum: 0.9,
      weight_decay: 0,
      scheduler: 'onecycle',
    },
    describe: "the seed's SimpleCNN (3 conv+BN blocks, dropout), any input side",
  },
  cifar_resnet18: {
    build: cifarResNet(models.ResNet18),
    fixed_size: 32,
    default_size: 32,
    preset: SGD_COSINE,
    describe: "the seed's CIFAR ResNet-18 (11.2M parameters), 32x32 input",
  },
  cifar_resnet34: {
    build: cifarResNet(models.ResNet34),
    fixed_size: 32,
    default_size: 32,
    preset: SGD_COSINE,
    describe: "the seed's CIFAR ResNet-34 (21.3M parameters), 32x32 input",
  },
  resnet18: {
    build: torchvisionResNet(models.resnet18),
    default_size: 224,
    preset: SGD_COSINE,
    describe: "torchvision's ResNet-18 (ImageNet stem), any input side >= 32",
  },
  resnet34: {
    build: torchvisionResNet(models.resnet34),
    default_size: 224,
    preset: SGD_COSINE,
    describe: "torchvision's ResNet-34",
  },
  resnet50: {
    build: torchvisionResNet(models.resnet50),
    default_size: 224,
    preset: SGD_COSINE,
    describe: "torchvision's ResNet-50",
  },
};

export function modelSpec(name: string): ModelSpec {
  const spec = Object.prototype.hasOwnProperty.call(MODELS, name) ? MODELS[name] : undefined;
  if (!spec) throw new UsageError(`unknown model '${name}' (choose from ${Object.keys(MODELS).join(', ')})`);
  return spec;
}
