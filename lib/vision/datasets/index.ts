/** torchvision.datasets. Images without a transform are uint8 HWC tensors (see vision.ts). */
export { VisionDataset } from './vision';
export type { Transform, TransformOptions, VisionDatasetOptions } from './vision';
export type { WithRoot, RootArgs, Keywords } from './_args';
export { MNIST, FashionMNIST, read_sn3_pascalvincent_tensor, read_image_file, read_label_file } from './mnist';
export type { MNISTOptions } from './mnist';
export { CIFAR10, CIFAR100 } from './cifar';
export type { CIFAROptions } from './cifar';
export {
  DatasetFolder,
  ImageFolder,
  IMG_EXTENSIONS,
  find_classes,
  make_dataset,
  has_file_allowed_extension,
  is_image_file,
} from './folder';
export type { DatasetFolderOptions, ImageFolderOptions, WithLoader } from './folder';
export { FakeData } from './fakedata';
export type { FakeDataOptions } from './fakedata';
export { default_loader, pil_loader, decodeImage } from './image';
export * as utils from './utils';

// DataLoader workers run these datasets with built-in transforms on native threads.
import { registerNativeSource } from '../../utils/data/_native_loader';
import { nativeVisionSource } from './_native_source';
registerNativeSource(nativeVisionSource);
