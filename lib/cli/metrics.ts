/**
 * The JSON metrics file (`--metrics PATH`): the run's settings and one record per epoch,
 * rewritten atomically after every epoch so a reader never sees half a file. Accuracies are
 * fractions (0..1); times are seconds.
 */
import * as fs from 'fs';
import { writeFileAtomic } from '../serialization/atomic';
import type { EvalConfig, TrainConfig } from './config';

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  /** Learning rate at the start of the epoch. */
  lr: number;
  /** Training time of the epoch (without evaluation). */
  train_time_s: number;
  /** Evaluation time of the epoch. */
  test_time_s: number;
  train_images_per_s: number;
}

export interface TrainMetrics {
  command: 'train';
  config: TrainConfig;
  epochs: EpochRecord[];
}

export interface EvalResult {
  loss: number;
  acc: number;
  correct: number;
  total: number;
  time_s: number;
}

export interface EvalMetrics extends EvalResult {
  command: 'evaluate';
  config: EvalConfig;
}

export function writeJsonAtomic(file: string, value: TrainMetrics | EvalMetrics): void {
  const text = Buffer.from(JSON.stringify(value, null, 2) + '\n');
  writeFileAtomic(file, (fd) => {
    for (let off = 0; off < text.length;) off += fs.writeSync(fd, text, off);
  });
}

/** The epoch's one-line summary, printed whether or not a bar is shown. */
export function epochLine(r: EpochRecord, total_epochs: number): string {
  return (
    `Epoch ${r.epoch}/${total_epochs}: train loss ${r.train_loss.toFixed(4)} acc ${pct(r.train_acc)} | ` +
    `test loss ${r.test_loss.toFixed(4)} acc ${pct(r.test_acc)} | ${r.train_time_s.toFixed(1)}s ` +
    `(${Math.round(r.train_images_per_s)} img/s) + test ${r.test_time_s.toFixed(1)}s | lr ${r.lr.toPrecision(4)}`
  );
}

export function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}
