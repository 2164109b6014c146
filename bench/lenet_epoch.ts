/**
 * bench/lenet_epoch: the time of one training epoch of LeNet-5 (61,706 parameters) on the real
 * Fashion-MNIST training set (60,000 images, Debian's dataset-fashion-mnist), torchts and Python
 * PyTorch in one run with the same settings: ToTensor + Normalize, DataLoader(batch 64, shuffle,
 * num_workers 0), SGD(lr 0.01, momentum 0.9), cross-entropy, CPU, same seed. It also times the
 * same loader iterated without training ("data"), which splits the epoch into input pipeline and
 * training steps. With 1 intra-op thread and libtorch's default (plus all cores when the default
 * is 1). Each setting runs REPEATS times (default 3), torchts and Python alternating so load from
 * other processes hits both alike; the table shows the best wall time and the best process CPU
 * time (user + system, all threads), which a busy machine disturbs less.
 * `npm run bench:lenet`; BATCHES=n limits each pass to n batches, THREADS=1,4 picks the settings.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import * as torch from 'torchts';
import { datasets, models, transforms } from 'torchts/vision';

const MAX_BATCHES = Number(process.env.BATCHES ?? 0);
const REPEATS = Number(process.env.REPEATS ?? 3);
const SEED = 0;
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

interface Result {
  params: number;
  epoch_s: number;
  epoch_cpu_s: number;
  data_s: number;
  data_cpu_s: number;
  batches: number;
  mean_loss: number;
}

/** torchvision wants the files extracted under ROOT/FashionMNIST/raw: done once, in the temp dir. */
function prepareRoot(): string {
  const root = path.join(os.tmpdir(), 'torchts-bench-fashion-mnist');
  const raw = path.join(root, 'FashionMNIST', 'raw');
  fs.mkdirSync(raw, { recursive: true });
  for (const f of FILES) {
    const dest = path.join(raw, f);
    if (fs.existsSync(dest)) continue;
    const src = path.join(DEBIAN, `${f}.gz`);
    if (!fs.existsSync(src)) throw new Error(`${src} not found: install dataset-fashion-mnist (npm run setup does)`);
    fs.writeFileSync(`${dest}.part`, zlib.gunzipSync(fs.readFileSync(src)));
    fs.renameSync(`${dest}.part`, dest);
  }
  return root;
}

function findPython(): string | null {
  for (const py of [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(py, ['-c', 'import torch, torchvision']).status === 0) return py;
  }
  return null;
}

/**
 * The epoch as a PyTorch user writes it (or with each step in torch.scope, which frees the step's
 * temporaries at once as Python's refcounting does), then the loader alone.
 */
async function measure(root: string, threads: number, scoped: boolean): Promise<Result> {
  torch.set_num_threads(threads);
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.286], [0.353])]);
  const trainset = new datasets.FashionMNIST(root, { train: true, transform });
  torch.manual_seed(SEED);
  const model = new models.LeNet5();
  const params = model.parameters().reduce((n, p) => n + p.numel(), 0);
  const loader = new torch.utils.data.DataLoader(trainset, { batch_size: 64, shuffle: true, num_workers: 0 });
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });

  model.train();
  let total = 0;
  let batches = 0;
  let [c0, t0] = [cpuSeconds(), process.hrtime.bigint()];
  for await (const [inputs, targets] of loader) {
    if (MAX_BATCHES && batches >= MAX_BATCHES) break;
    const step = () => {
      optimizer.zero_grad();
      const loss = criterion(model(inputs as torch.Tensor), targets as torch.Tensor);
      loss.backward();
      optimizer.step();
      return loss.item() as number;
    };
    total += scoped ? torch.scope(step) : step();
    batches++;
  }
  const epoch_s = Number(process.hrtime.bigint() - t0) / 1e9;
  const epoch_cpu_s = cpuSeconds() - c0;

  let n = 0;
  [c0, t0] = [cpuSeconds(), process.hrtime.bigint()];
  for await (const batch of loader) {
    if (MAX_BATCHES && n >= MAX_BATCHES) break;
    void batch;
    n++;
  }
  const data_s = Number(process.hrtime.bigint() - t0) / 1e9;
  const data_cpu_s = cpuSeconds() - c0;
  return { params, epoch_s, epoch_cpu_s, data_s, data_cpu_s, batches, mean_loss: total / batches };
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The best (smallest) of each timing over the repeats; params and loss of the first. */
function best(rs: Result[]): Result {
  const min = (k: 'epoch_s' | 'epoch_cpu_s' | 'data_s' | 'data_cpu_s') => Math.min(...rs.map((r) => r[k]));
  return {
    ...rs[0],
    epoch_s: min('epoch_s'),
    epoch_cpu_s: min('epoch_cpu_s'),
    data_s: min('data_s'),
    data_cpu_s: min('data_cpu_s'),
  };
}

function python(py: string, root: string, threads: number): Result | null {
  const script = path.resolve(__dirname, '..', '..', 'bench', 'lenet_epoch.py');
  const r = spawnSync(py, [script, root, String(threads), String(MAX_BATCHES), String(SEED)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`python benchmark failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout) as Result;
}

async function main(): Promise<void> {
  const root = prepareRoot();
  const defaultThreads = torch.get_num_threads();
  const settings = process.env.THREADS
    ? process.env.THREADS.split(',').map(Number)
    : [...new Set([1, defaultThreads, ...(defaultThreads === 1 ? [os.cpus().length] : [])])];
  const py = findPython();
  if (!py) console.error('no Python with torch and torchvision: only torchts is measured');
  const what = MAX_BATCHES ? `first ${MAX_BATCHES} batches` : 'one epoch (938 batches)';
  const head = `LeNet-5 on Fashion-MNIST, ${what}, batch 64, CPU, best of ${REPEATS}`;
  console.log(`${head}; libtorch default threads: ${defaultThreads}`);
  console.log(
    '| threads | time | PyTorch epoch (s) | torchts epoch (s) | ratio | torchts, scoped step (s) | ratio ' +
      '| PyTorch data (s) | torchts data (s) | ratio |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const losses: string[] = [];
  for (const threads of settings) {
    const ours: Result[] = [];
    const oursScoped: Result[] = [];
    const theirs: Result[] = [];
    for (let rep = 0; rep < REPEATS; rep++) {
      ours.push(await measure(root, threads, false));
      oursScoped.push(await measure(root, threads, true));
      const r = py ? python(py, root, threads) : null;
      if (r) theirs.push(r);
    }
    const [t, ts, p] = [best(ours), best(oursScoped), theirs.length ? best(theirs) : null];
    if (t.params !== 61706 || (p && p.params !== t.params)) {
      throw new Error(`parameter counts differ: torchts ${t.params}, Python ${p?.params}`);
    }
    const f = (x?: number) => (x === undefined ? 'n/a' : x.toFixed(2));
    const ratio = (a: number, b?: number) => (b ? (a / b).toFixed(3) : 'n/a');
    for (const [label, e, d] of [
      ['wall', 'epoch_s', 'data_s'],
      ['CPU', 'epoch_cpu_s', 'data_cpu_s'],
    ] as const) {
      console.log(
        `| ${threads} | ${label} | ${f(p?.[e])} | ${f(t[e])} | ${ratio(t[e], p?.[e])} | ${f(ts[e])} ` +
          `| ${ratio(ts[e], p?.[e])} | ${f(p?.[d])} | ${f(t[d])} | ${ratio(t[d], p?.[d])} |`,
      );
    }
    const l = (r?: Result | null) => r?.mean_loss.toFixed(4);
    losses.push(`${threads} thread(s): torchts ${l(t)} (scoped ${l(ts)}), PyTorch ${l(p)}`);
  }
  console.log(`mean training loss over the epoch (same seed): ${losses.join('; ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
