/**
 * bench/train_step: one training step (zero_grad, forward, loss, backward, SGD step) of the
 * seed's SimpleCNN at batch 1, 32 and 128 on CPU, in torchts and Python PyTorch in one run.
 * Prints the median ms per step and the ratio torchts/Python. `node dist/bench/train_step.js`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from 'torchts';
import { SimpleCNN } from '../lib/vision/models/cifar';

const BATCHES = (process.env.BATCHES ?? '1,32,128').split(',').map(Number);
const STEPS = Number(process.env.STEPS ?? 15);

function findPython(): string | null {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torch']).status === 0) return py;
  }
  return null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** ms per step; `scoped` wraps each step in torch.scope (temporaries freed at once). */
function timeSteps(batch: number, scoped: boolean): number {
  torch.manual_seed(0);
  const model = new SimpleCNN();
  model.train();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weight_decay: 5e-4 });
  const criterion = new torch.nn.CrossEntropyLoss();
  const inputs = torch.randn(batch, 3, 32, 32);
  const targets = torch.randint(0, 10, [batch]);
  const step = () => {
    optimizer.zero_grad();
    const loss = criterion(model(inputs), targets);
    loss.backward();
    optimizer.step();
    return loss.item();
  };
  const run = scoped ? () => torch.scope(step) : step;
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function main(): void {
  const threads = torch.get_num_threads();
  const ours = BATCHES.map((b) => [timeSteps(b, false), timeSteps(b, true)]);
  const py = findPython();
  let theirs: Record<string, number> = {};
  if (py) {
    const script = path.resolve(__dirname, '..', '..', 'bench', 'train_step.py');
    const r = spawnSync(py, [script, String(threads), BATCHES.join(','), String(STEPS)], { encoding: 'utf8' });
    if (r.status === 0) theirs = JSON.parse(r.stdout);
    else console.error(`python benchmark failed: ${r.stderr}`);
  }
  console.log(`SimpleCNN training step, CPU, ${threads} thread(s), median of ${STEPS} steps`);
  console.log('| batch | PyTorch (ms) | torchts (ms) | ratio | torchts, scoped (ms) | ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  BATCHES.forEach((b, i) => {
    const p = theirs[String(b)];
    const [t, s] = ours[i];
    const ratio = (x: number) => (p ? (x / p).toFixed(3) : 'n/a');
    console.log(
      `| ${b} | ${p ? p.toFixed(2) : 'n/a'} | ${t.toFixed(2)} | ${ratio(t)} | ${s.toFixed(2)} | ${ratio(s)} |`,
    );
  });
}

main();
