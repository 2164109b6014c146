/**
 * The datasets `--dataset` names: where each is read from, its shape (channels, classes, native
 * image side) and its transforms per split: resize when the model needs another side, the
 * training augmentation, ToTensor and Normalize with the dataset's usual statistics.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../index';
import { datasets, transforms } from '../vision';
import { UsageError } from './config';

type ImageFn = (img: Tensor) => Tensor;

export interface DatasetInfo {
  channels: number;
  num_classes: number;
  /** Side of every image, or null when images vary (image folders). */
  native_size: number | null;
  mean: number[];
  std: number[];
}

export interface DatasetSpec {
  info(root: string): DatasetInfo;
  load(root: string, train: boolean, transform: ImageFn): datasets.VisionDataset<Tensor, number>;
  /** Random training transforms on the (resized) uint8 image, before ToTensor. */
  augment?(size: number): ImageFn[];
  describe: string;
}

const FASHION_MNIST_STATS = { mean: [0.286], std: [0.353] };
const MNIST_STATS = { mean: [0.1307], std: [0.3081] };
const CIFAR10_STATS = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
const CIFAR100_STATS = { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] };
const IMAGENET_STATS = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The standard CIFAR augmentation: 4-pixel padded random crops and horizontal flips. */
const cifarAugment = (size: number): ImageFn[] => [
  new transforms.RandomCrop(size, { padding: 4 }),
  new transforms.RandomHorizontalFlip(),
];

/** Fake data: 1,000 training and 200 test images of 3x32x32 (the test split uses other seeds). */
const FAKE_TRAIN = 1000;
const FAKE_TEST = 200;

export const DATASETS: Record<string, DatasetSpec> = {
  'fashion-mnist': {
    info: () => ({ channels: 1, num_classes: 10, native_size: 28, ...FASHION_MNIST_STATS }),
    load: (root, train, transform) => new datasets.FashionMNIST(root, { train, transform }),
    describe: "Fashion-MNIST (root/FashionMNIST/raw, or Debian's dataset-fashion-mnist)",
  },
  mnist: {
    info: () => ({ channels: 1, num_classes: 10, native_size: 28, ...MNIST_STATS }),
    load: (root, train, transform) => new datasets.MNIST(root, { train, transform }),
    describe: 'MNIST (root/MNIST/raw)',
  },
  cifar10: {
    info: () => ({ channels: 3, num_classes: 10, native_size: 32, ...CIFAR10_STATS }),
    load: (root, train, transform) => new datasets.CIFAR10(root, { train, transform }),
    augment: cifarAugment,
    describe: 'CIFAR-10 (root/cifar-10-batches-py)',
  },
  cifar100: {
    info: () => ({ channels: 3, num_classes: 100, native_size: 32, ...CIFAR100_STATS }),
    load: (root, train, transform) => new datasets.CIFAR100(root, { train, transform }),
    augment: cifarAugment,
    describe: 'CIFAR-100 (root/cifar-100-python)',
  },
  fake: {
    info: () => ({ channels: 3, num_classes: 10, native_size: 32, mean: [0.5, 0.5, 0.5], std: [0.29, 0.29, 0.29] }),
    load: (_root, train, transform) =>
      new datasets.FakeData({
        size: train ? FAKE_TRAIN : FAKE_TEST,
        image_size: [3, 32, 32],
        num_classes: 10,
        random_offset: train ? 0 : FAKE_TRAIN,
        transform,
      }),
    describe: `torchvision's FakeData (${FAKE_TRAIN} training, ${FAKE_TEST} test images, 3x32x32, 10 classes)`,
  },
};

/** PATH/train and PATH/val (or PATH/test), one sub-folder per class, as torchvision's ImageFolder. */
function imageFolderSpec(dir: string): DatasetSpec {
  const split = (train: boolean): string => {
    const names = train ? ['train'] : ['val', 'test'];
    const found = names.map((n) => path.join(dir, n)).find((p) => fs.existsSync(p));
    if (!found) throw new UsageError(`imagefolder: ${path.join(dir, names.join(' or '))} does not exist`);
    return found;
  };
  return {
    info: () => ({
      channels: 3,
      num_classes: datasets.find_classes(split(true))[0].length,
      native_size: null,
      ...IMAGENET_STATS,
    }),
    load: (_root, train, transform) => new datasets.ImageFolder(split(train), { transform }),
    augment: (size) => [new transforms.RandomResizedCrop(size), new transforms.RandomHorizontalFlip()],
    describe: 'imagefolder:PATH (PATH/train/<class>/*, PATH/val/<class>/*)',
  };
}

export function datasetSpec(name: string): DatasetSpec {
  if (name.startsWith('imagefolder:')) {
    const dir = name.slice('imagefolder:'.length);
    if (!dir) throw new UsageError('imagefolder needs a folder: --dataset imagefolder:PATH');
    return imageFolderSpec(dir);
  }
  const spec = Object.prototype.hasOwnProperty.call(DATASETS, name) ? DATASETS[name] : undefined;
  if (!spec) {
    const names = [...Object.keys(DATASETS), 'imagefolder:PATH'].join(', ');
    throw new UsageError(`unknown dataset '${name}' (choose from ${names})`);
  }
  return spec;
}

/**
 * The transform of one split: images of another side are resized (and, for image folders, the
 * test images are resized by 256/224 then center-cropped, as for ImageNet), training images are
 * augmented where the dataset has an augmentation, then ToTensor and Normalize.
 */
export function splitTransform(spec: DatasetSpec, info: DatasetInfo, size: number, train: boolean): ImageFn {
  const steps: ImageFn[] = [];
  if (info.native_size === null) {
    if (train && spec.augment) steps.push(...spec.augment(size));
    else steps.push(new transforms.Resize(Math.round((size * 256) / 224)), new transforms.CenterCrop(size));
  } else {
    if (info.native_size !== size) steps.push(new transforms.Resize([size, size]));
    if (train && spec.augment) steps.push(...spec.augment(size));
  }
  steps.push(new transforms.ToTensor(), new transforms.Normalize(info.mean, info.std));
  return new transforms.Compose(steps);
}
