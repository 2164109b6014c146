/**
 * One training epoch and one evaluation pass, in PyTorch's idioms: model.train() / eval(),
 * optimizer.zero_grad(), F.cross_entropy, backward, step, torch.no_grad for evaluation, and
 * autocast + GradScaler under --amp. Each step runs in a torch.scope and the batch is disposed
 * after it, so memory stays flat however long the run.
 */
import * as torch from '../index';
import { Tensor, nn, optim } from '../index';
import type { DataLoader } from '../utils/data';
import type { Sample } from './data';
import type { EvalResult } from './metrics';
import { epochBar } from './progress';

const F = nn.functional;

export interface StepContext {
  model: nn.Module<(x: Tensor) => Tensor>;
  optimizer: optim.Optimizer;
  /** Stepped after every batch (OneCycleLR), or null when the schedule is per epoch. */
  batch_scheduler: optim.lr_scheduler.LRScheduler | null;
  scaler: torch.amp.GradScaler;
  device: torch.device;
  amp: boolean;
}

export interface TrainResult {
  loss: number;
  acc: number;
  images: number;
  time_s: number;
}

/** The model's output under autocast when --amp is on (float16 on CUDA, bfloat16 on CPU). */
function forward(ctx: Pick<StepContext, 'model' | 'device' | 'amp'>, x: Tensor): Tensor {
  if (!ctx.amp) return ctx.model(x);
  return torch.autocast(ctx.device.type === 'cuda' ? 'cuda' : 'cpu', () => ctx.model(x));
}

function release(batch: Tensor[]): void {
  for (const t of batch) t.dispose();
}

/** Running loss (summed over images), accuracy and throughput of a pass, shown on its bar. */
class RunningStats {
  lossSum = 0;
  correct = 0;
  seen = 0;
  private batches = 0;
  private readonly t0 = performance.now();

  constructor(private readonly bar: ReturnType<typeof epochBar>) {}

  add(lossSum: number, correct: number, images: number): void {
    this.lossSum += lossSum;
    this.correct += correct;
    this.seen += images;
    this.batches += 1;
    const images_per_s = this.seen / this.elapsed();
    this.bar.update(this.batches, { loss: this.lossSum / this.seen, acc: this.correct / this.seen, images_per_s });
  }

  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }
}

export async function trainEpoch(
  ctx: StepContext,
  loader: DataLoader<Sample>,
  label: string,
  progress: boolean,
): Promise<TrainResult> {
  const { model, optimizer, scaler, device } = ctx;
  model.train();
  const bar = epochBar(label, loader.length, progress);
  const stats = new RunningStats(bar);
  try {
    for await (const [x, y] of loader) {
      const n = x.size(0);
      const [loss, right] = torch.scope((): [number, number] => {
        const inputs = x.to(device);
        const targets = y.to(device);
        optimizer.zero_grad();
        const outputs = forward(ctx, inputs);
        const l = F.cross_entropy(outputs.float(), targets);
        scaler.scale(l).backward();
        scaler.step(optimizer);
        scaler.update();
        ctx.batch_scheduler?.step();
        return [l.item() as number, outputs.argmax(1).eq(targets).sum().item() as number];
      });
      release([x, y]);
      stats.add(loss * n, right, n);
    }
  } finally {
    bar.stop();
  }
  const { lossSum, correct, seen } = stats;
  return { loss: lossSum / seen, acc: correct / seen, images: seen, time_s: stats.elapsed() };
}

export async function evaluatePass(
  ctx: Pick<StepContext, 'model' | 'device' | 'amp'>,
  loader: DataLoader<Sample>,
  progress: boolean,
): Promise<EvalResult> {
  ctx.model.eval();
  const bar = epochBar('  test', loader.length, progress);
  const stats = new RunningStats(bar);
  try {
    for await (const [x, y] of loader) {
      const [loss, right] = torch.scope(() =>
        torch.no_grad((): [number, number] => {
          const targets = y.to(ctx.device);
          const outputs = forward(ctx, x.to(ctx.device)).float();
          const l = F.cross_entropy(outputs, targets, { reduction: 'sum' });
          return [l.item() as number, outputs.argmax(1).eq(targets).sum().item() as number];
        }),
      );
      const n = x.size(0);
      release([x, y]);
      stats.add(loss, right, n);
    }
  } finally {
    bar.stop();
  }
  const { lossSum, correct, seen } = stats;
  return { loss: lossSum / seen, acc: correct / seen, correct, total: seen, time_s: stats.elapsed() };
}
