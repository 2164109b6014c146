/**
 * `torchts train`: seed, build, train epoch by epoch (evaluating on the test split after each),
 * print a summary line per epoch, checkpoint atomically (--save) and rewrite the metrics JSON
 * (--metrics). --resume restores every piece of state a checkpoint holds, so a run continued
 * from epoch k gives the same weights and metrics as one that never stopped (the shuffle order
 * of each epoch is seeded from --seed and the epoch number, so it needs no saved state).
 */
import * as torch from '../index';
import { Generator } from '../index';
import { RESUME_FIXED, TrainConfig, UsageError } from './config';
import { Checkpoint, CHECKPOINT_VERSION, loadCheckpoint, saveCheckpoint, schedulerState } from './checkpoint';
import { CliDataset, makeLoader } from './data';
import { evaluatePass, trainEpoch } from './loop';
import { EpochRecord, epochLine, pct, TrainMetrics, writeJsonAtomic } from './metrics';
import { makeOptimizer, makeScheduler } from './optim';
import { countParameters, setupModel, splitArgs } from './setup';

/** Never taken from the checkpoint: they describe this invocation only. */
const PER_RUN: readonly (keyof TrainConfig)[] = ['resume', 'stop_after', 'progress'];

function flag(key: string): string {
  return '--' + key.replace(/_/g, '-');
}

/** The checkpoint's settings, with what this command line gave explicitly (a conflict is an error). */
export function resumeConfig(saved: TrainConfig, cli: TrainConfig, given: ReadonlySet<keyof TrainConfig>): TrainConfig {
  const merged: Record<string, unknown> = { ...saved };
  for (const key of Object.keys(cli) as (keyof TrainConfig)[]) {
    if (PER_RUN.includes(key)) merged[key] = cli[key];
    else if (given.has(key)) {
      if (RESUME_FIXED.includes(key) && cli[key] !== saved[key]) {
        throw new UsageError(
          `${flag(key)} ${String(cli[key])} differs from the checkpoint's ${String(saved[key])}; ` +
            'a resumed run keeps the settings it started with',
        );
      }
      merged[key] = cli[key];
    }
  }
  return merged as unknown as TrainConfig;
}

function describe(cfg: TrainConfig, trainN: number, testN: number, size: number, params: number): string {
  const withMomentum = cfg.optimizer === 'sgd' || cfg.optimizer === 'rmsprop';
  const opt = `${cfg.optimizer} lr ${cfg.lr}` + (withMomentum ? ` momentum ${cfg.momentum}` : '');
  return (
    `Training ${cfg.model} (${params.toLocaleString('en-US')} parameters) on ${cfg.dataset}: ${trainN} training / ` +
    `${testN} test images of ${size}x${size}, device ${cfg.device}, ${cfg.epochs} epochs, batch ${cfg.batch_size}, ` +
    `${opt}, weight decay ${cfg.weight_decay}, schedule ${cfg.scheduler}, seed ${cfg.seed}` +
    (cfg.amp ? ', amp' : '')
  );
}

export async function train(cli: TrainConfig, given: ReadonlySet<keyof TrainConfig>): Promise<TrainMetrics> {
  const ckpt: Checkpoint | null = cli.resume ? loadCheckpoint(cli.resume) : null;
  const cfg = ckpt ? resumeConfig(ckpt.config, cli, given) : cli;

  torch.manual_seed(cfg.seed);
  const generator = new Generator().manual_seed(cfg.seed);
  const setup = setupModel(cfg);
  const { model, device } = setup;
  const optimizer = makeOptimizer(cfg, model.parameters());
  const trainSet = new CliDataset(splitArgs(cfg, setup, true, cfg.subset));
  const testSet = new CliDataset(splitArgs(cfg, setup, false, cfg.test_subset));
  const trainData = makeLoader(trainSet, { batch_size: cfg.batch_size, workers: cfg.workers, generator });
  const testData = makeLoader(testSet, { batch_size: cfg.batch_size, workers: cfg.workers });
  const schedules = makeScheduler(cfg, optimizer, trainData.length);
  const scheduler = schedules.epoch ?? schedules.batch;
  const scaler = new torch.amp.GradScaler('cuda', { enabled: cfg.amp && device.type === 'cuda' });

  let records: EpochRecord[] = [];
  let start = 0;
  if (ckpt) {
    model.load_state_dict(ckpt.model);
    optimizer.load_state_dict(ckpt.optimizer);
    if (scheduler && ckpt.scheduler) scheduler.load_state_dict(ckpt.scheduler);
    if (ckpt.scaler) scaler.load_state_dict(ckpt.scaler);
    torch.set_rng_state(ckpt.rng_state);
    records = [...ckpt.metrics];
    start = ckpt.epoch;
  }

  console.log(describe(cfg, trainSet.length, testSet.length, setup.image_size, countParameters(model)));
  if (ckpt) console.log(`Resuming from ${cli.resume} after epoch ${start}`);

  const metrics = (): TrainMetrics => ({ command: 'train', config: cfg, epochs: records });
  const last = cfg.stop_after === null ? cfg.epochs : Math.min(cfg.epochs, start + cfg.stop_after);
  for (let epoch = start + 1; epoch <= last; epoch++) {
    // Each epoch's shuffle (and worker seeds) from seed + epoch, as DistributedSampler.set_epoch:
    // the same for any --workers, and a resumed run needs no loader state.
    generator.manual_seed(cfg.seed + epoch);
    const lr = optimizer.param_groups[0].lr;
    const ctx = { model, optimizer, batch_scheduler: schedules.batch, scaler, device, amp: cfg.amp };
    const tr = await trainEpoch(ctx, trainData, `Epoch ${epoch}/${cfg.epochs}`, cfg.progress);
    schedules.epoch?.step();
    const ev = await evaluatePass(ctx, testData, cfg.progress);
    const record: EpochRecord = {
      epoch,
      train_loss: tr.loss,
      train_acc: tr.acc,
      test_loss: ev.loss,
      test_acc: ev.acc,
      lr,
      train_time_s: tr.time_s,
      test_time_s: ev.time_s,
      train_images_per_s: tr.images / tr.time_s,
    };
    records.push(record);
    console.log(epochLine(record, cfg.epochs));
    if (cfg.save) {
      saveCheckpoint(cfg.save, {
        torchts_checkpoint: CHECKPOINT_VERSION,
        epoch,
        config: cfg,
        model: model.state_dict(),
        optimizer: optimizer.state_dict(),
        scheduler: scheduler ? schedulerState(scheduler.state_dict()) : null,
        scaler: scaler.is_enabled() ? (scaler.state_dict() as Checkpoint['scaler']) : null,
        metrics: records,
        rng_state: torch.get_rng_state(),
      });
    }
    if (cfg.metrics) writeJsonAtomic(cfg.metrics, metrics());
  }
  const final = records[records.length - 1];
  if (!final) throw new UsageError(`the checkpoint has no epochs recorded`);
  if (last < cfg.epochs) {
    console.log(`Stopped after epoch ${last} of ${cfg.epochs} (--stop-after); continue with --resume`);
  } else if (start >= cfg.epochs) {
    console.log(`The checkpoint already completed all ${cfg.epochs} epochs`);
  }
  console.log(`Test accuracy: ${pct(final.test_acc)} (test loss ${final.test_loss.toFixed(4)}, epoch ${final.epoch})`);
  return metrics();
}
