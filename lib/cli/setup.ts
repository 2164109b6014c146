/**
 * What train and evaluate both build from their settings: the device (checked), the dataset's
 * shape, the image side the model sees, the model on its device, and the split descriptions.
 */
import * as torch from '../index';
import { Tensor, nn } from '../index';
import { DataConfig, UsageError } from './config';
import { SplitArgs } from './data';
import { DatasetInfo, datasetSpec } from './datasets';
import { modelSpec } from './models';

export function resolveDevice(name: string): torch.device {
  const dev = new torch.device(name);
  if (dev.type === 'cuda') {
    if (!torch.cuda.is_available()) {
      throw new UsageError(`--device ${name}: CUDA is not available (this libtorch has no CUDA, or no GPU is visible)`);
    }
    const count = torch.cuda.device_count();
    if ((dev.index ?? 0) >= count) throw new UsageError(`--device ${name}: only ${count} CUDA device(s) are visible`);
  }
  return dev;
}

export interface Setup {
  device: torch.device;
  info: DatasetInfo;
  image_size: number;
  model: nn.Module<(x: Tensor) => Tensor>;
}

/** Builds the model for the dataset (initialised from the current global RNG) and moves it to the device. */
export function setupModel(cfg: Pick<DataConfig, 'model' | 'dataset' | 'data_root' | 'device'>): Setup {
  const device = resolveDevice(cfg.device);
  const mspec = modelSpec(cfg.model);
  const info = datasetSpec(cfg.dataset).info(cfg.data_root);
  const image_size = mspec.fixed_size ?? info.native_size ?? mspec.default_size;
  const built = mspec.build({ num_classes: info.num_classes, in_channels: info.channels, image_size });
  const model = built.to(device) as nn.Module<(x: Tensor) => Tensor>;
  return { device, info, image_size, model };
}

export function splitArgs(cfg: DataConfig, s: Setup, train: boolean, limit: number | null): SplitArgs {
  return { dataset: cfg.dataset, data_root: cfg.data_root, train, image_size: s.image_size, limit };
}

export function countParameters(model: nn.Module): number {
  let n = 0;
  for (const p of model.parameters()) n += p.numel();
  return n;
}
