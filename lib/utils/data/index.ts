/**
 * torch.utils.data: datasets, samplers, collation and the DataLoader (PyTorch 1.13 semantics;
 * num_workers > 0 loads in worker threads, see ./_multi_worker.ts).
 */
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, random_split } from './dataset';
export type { DatasetLike, Sized } from './dataset';
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
} from './sampler';
export type { RandomSamplerOptions } from './sampler';
export { default_collate, default_convert } from './collate';
export type { Collated } from './collate';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { get_worker_info } from './worker_info';
export type { WorkerInfo } from './worker_info';
export type { WorkerSpec, WorkerBuildable } from './worker_spec';
