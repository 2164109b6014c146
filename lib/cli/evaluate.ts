/**
 * `torchts evaluate --checkpoint PATH`: loads the weights (a `train --save` checkpoint, or any
 * saved state_dict, Python's included) into the model and reports loss and accuracy on the test
 * split. Model, dataset, data root and batch size default to the checkpoint's when it records them.
 */
import { EvalConfig } from './config';
import { loadWeights } from './checkpoint';
import { CliDataset, makeLoader } from './data';
import { evaluatePass } from './loop';
import { EvalMetrics, pct, writeJsonAtomic } from './metrics';
import { modelSpec } from './models';
import { setupModel, splitArgs } from './setup';

const FROM_CHECKPOINT = ['model', 'dataset', 'data_root'] as const;

export async function evaluate(cli: EvalConfig, given: ReadonlySet<keyof EvalConfig>): Promise<EvalMetrics> {
  const { state_dict, config: saved } = loadWeights(cli.checkpoint);
  const cfg: EvalConfig = { ...cli };
  if (saved) for (const key of FROM_CHECKPOINT) if (!given.has(key)) cfg[key] = saved[key];
  // The batch size training evaluated with, so the loss sums in the same order and matches to the digit.
  if (!given.has('batch_size')) cfg.batch_size = saved?.batch_size ?? modelSpec(cfg.model).preset.batch_size;

  const setup = setupModel(cfg);
  setup.model.load_state_dict(state_dict);
  const testSet = new CliDataset(splitArgs(cfg, setup, false, cfg.test_subset));
  const loader = makeLoader(testSet, { batch_size: cfg.batch_size, workers: cfg.workers });
  console.log(`Evaluating ${cfg.model} from ${cfg.checkpoint} on ${cfg.dataset} (${testSet.length} test images)`);
  const r = await evaluatePass({ model: setup.model, device: setup.device, amp: cfg.amp }, loader, cfg.progress);
  console.log(
    `Test accuracy: ${pct(r.acc)} (${r.correct}/${r.total}), test loss ${r.loss.toFixed(4)}, ${r.time_s.toFixed(1)}s`,
  );
  const metrics: EvalMetrics = { command: 'evaluate', config: cfg, ...r };
  if (cfg.metrics) writeJsonAtomic(cfg.metrics, metrics);
  return metrics;
}
