/**
 * Describes the built-in in-memory datasets (MNIST, FashionMNIST, CIFAR10, CIFAR100: stored uint8
 * images and labels), FakeData (images generated per index) and ImageFolder with the default
 * loader (JPEG/PNG files decoded natively) to the DataLoader's native worker threads (torch.utils.data _native_loader.ts), with their transform compiled to native ops. A dataset qualifies when its items are
 * made by the built-in code (a subclass that only names other files does; one that overrides
 * getitem or rawItem does not) and it has no target_transform or joint transforms; anything
 * else loads through worker_threads.
 */
import { int64, tensor } from '../../index';
import type { Tensor } from '../../index';
import type { NativeSource } from '../../utils/data/_native_loader';
import { nativePlan } from '../transforms/_native_plan';
import { CIFAR10 } from './cifar';
import { FakeData } from './fakedata';
import { DatasetFolder } from './folder';
import { default_loader, nativeImageDecoders, pil_loader } from './image';
import { MNIST } from './mnist';

/** The built-in item path: VisionDataset.getitem over the class's own rawItem. */
interface ItemPath {
  getitem: unknown;
  __getitem__: unknown;
  rawItem: unknown;
}

function builtinItems(
  ds: object,
  base: typeof MNIST | typeof CIFAR10 | typeof FakeData | typeof DatasetFolder,
): boolean {
  const own = ds as unknown as ItemPath;
  const proto = base.prototype as unknown as ItemPath;
  return own.getitem === proto.getitem && own.__getitem__ === proto.__getitem__ && own.rawItem === proto.rawItem;
}

/** FakeData: images made per index from its seed, ToPILImage's H×W(×C) uint8 layout. */
function fakeSource(ds: FakeData): NativeSource | null {
  const [c, h, w] = ds.image_size;
  const plan = nativePlan(ds.transform, c === 1 ? [h, w] : [h, w, c]);
  if (plan === null) return null;
  const images = { image_size: ds.image_size, num_classes: ds.num_classes, random_offset: ds.random_offset };
  return { name: ds.constructor.name, length: ds.length, images, plan };
}

/** File types the native decoder reads (by name; its content is sniffed again when decoded). */
const NATIVE_FILES = /\.(jpe?g|png)$/i;

/**
 * DatasetFolder / ImageFolder whose loader is the default (Pillow-exact decoding, natively when
 * this build has libjpeg and libpng): the files are decoded in the worker threads.
 */
function folderSource(ds: DatasetFolder): NativeSource | null {
  if (ds.loader !== (default_loader as unknown) && ds.loader !== (pil_loader as unknown)) return null;
  if (!nativeImageDecoders.jpeg || !nativeImageDecoders.png) return null;
  if (!ds.samples.every(([file]) => NATIVE_FILES.test(file))) return null;
  const plan = nativePlan(ds.transform, [NaN, NaN, 3]);
  if (plan === null) return null;
  const images = { files: ds.samples.map(([f]) => f), targets: ds.samples.map(([, t]) => t) };
  return { name: ds.constructor.name, length: ds.length, images, plan };
}

export function nativeVisionSource(dataset: unknown): NativeSource | null {
  if (dataset === null || typeof dataset !== 'object') return null;
  if (dataset instanceof DatasetFolder) {
    const ok = builtinItems(dataset, DatasetFolder) && dataset.target_transform === null && dataset.transforms === null;
    return ok ? folderSource(dataset) : null;
  }
  if (dataset instanceof FakeData) {
    const ok = builtinItems(dataset, FakeData) && dataset.target_transform === null && dataset.transforms === null;
    return ok ? fakeSource(dataset) : null;
  }
  const base = dataset instanceof MNIST ? MNIST : dataset instanceof CIFAR10 ? CIFAR10 : null;
  if (base === null || !builtinItems(dataset, base)) return null;
  const ds = dataset as MNIST | CIFAR10;
  if (ds.target_transform !== null || ds.transforms !== null) return null;
  const data = ds.data;
  if (data.dtype.name !== 'uint8' || data.is_cuda || data.shape[0] !== ds.length) return null;
  const plan = nativePlan(ds.transform, data.shape.slice(1));
  if (plan === null) return null;
  // Read each epoch, as the worker_threads path re-reads the dataset: labels may be edited.
  const t = ds.targets;
  const targets = Array.isArray(t) ? tensor(t, { dtype: int64 }) : (t as Tensor).to(int64);
  if (targets.shape.length !== 1 || targets.shape[0] !== ds.length) return null;
  return { name: ds.constructor.name, length: ds.length, images: { data, targets }, plan };
}
