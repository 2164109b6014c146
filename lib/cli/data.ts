/**
 * The CLI's datasets as torch.utils.data datasets, and their DataLoaders. A split is described
 * by plain data (SplitArgs), so DataLoader worker threads (--workers N) rebuild the same dataset
 * from it: `workerSpec()` names this module and the class.
 */
import { Generator, Tensor } from '../index';
import { DataLoader, Dataset } from '../utils/data';
import { datasets } from '../vision';
import { datasetSpec, splitTransform } from './datasets';

export interface SplitArgs {
  dataset: string;
  data_root: string;
  train: boolean;
  /** The side the model sees (images of another side are resized). */
  image_size: number;
  /** Only the first N images (null: all). */
  limit: number | null;
}

export type Sample = [Tensor, number];

/** One split of a registry dataset with its transforms (lib/cli/datasets.ts). */
export class CliDataset extends Dataset<Sample> {
  readonly args: SplitArgs;
  private readonly ds: datasets.VisionDataset<Tensor, number>;

  constructor(args: SplitArgs) {
    super();
    this.args = args;
    const spec = datasetSpec(args.dataset);
    const transform = splitTransform(spec, spec.info(args.data_root), args.image_size, args.train);
    this.ds = spec.load(args.data_root, args.train, transform);
  }

  override get length(): number {
    const n = this.ds.length;
    return this.args.limit === null ? n : Math.min(n, this.args.limit);
  }

  override __getitem__(index: number): Sample {
    return this.ds.getitem(index) as Sample;
  }

  /** Workers load this compiled module and construct the class with the same arguments. */
  workerSpec(): { module: string; exportName: string; args: unknown[] } {
    return { module: __filename, exportName: 'CliDataset', args: [this.args] };
  }
}

export interface LoaderOptions {
  batch_size: number;
  workers: number;
  /** Shuffle with this generator (training); none: keep the dataset's order (evaluation). */
  generator?: Generator;
}

export function makeLoader(ds: CliDataset, o: LoaderOptions): DataLoader<Sample> {
  const shuffle = o.generator !== undefined;
  // Workers are not persistent: each epoch's workers are seeded from `generator` as that epoch
  // starts, so an epoch's batches and augmentations depend only on the generator's seed then.
  return new DataLoader(ds, { batch_size: o.batch_size, shuffle, num_workers: o.workers, generator: o.generator });
}
