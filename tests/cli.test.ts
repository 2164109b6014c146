/**
 * The `torchts` command line, run as users run it: the compiled dist/bin/torchts.js in child
 * processes (`npm run setup` builds it), on the real Fashion-MNIST (Debian's dataset-fashion-mnist).
 * Covers usage errors (exit 2), a short training run, the metrics file, atomic checkpoints (also
 * read by Python), --resume matching an uninterrupted run, and evaluate reproducing the accuracy.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import type { EvalMetrics, TrainMetrics } from '../lib/cli/metrics';
import { epochBar } from '../lib/cli/progress';
import { findPython } from './helpers/oracle';

const root = path.resolve(__dirname, '..');
const CLI = path.join(root, 'dist', 'bin', 'torchts.js');
let dir: string;

function run(args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
}

/** A small real run: LeNet-5, 3,000 training and 2,000 test images, 2 epochs (the preset otherwise). */
const SMALL = [
  'train',
  '--model',
  'lenet5',
  '--dataset',
  'fashion-mnist',
  '--subset',
  '3000',
  '--test-subset',
  '2000',
  '--epochs',
  '2',
  '--seed',
  '7',
];

/**
 * SMALL in Python: torchvision's FashionMNIST (files extracted into argv[1]), ToTensor + Normalize,
 * the first 3,000 / 2,000 images, DataLoader shuffled by a generator seeded with seed + epoch,
 * Adam and cosine annealing, the loop of lib/cli/loop.ts. Prints the per-epoch records as JSON.
 */
const PY_SAME_RUN = `
import gzip, json, os, sys, torch
import torch.nn as nn, torch.nn.functional as F
from torchvision import datasets, transforms
root = sys.argv[1]
raw = os.path.join(root, 'FashionMNIST', 'raw')
os.makedirs(raw, exist_ok=True)
src = '/usr/share/datasets/fashion-mnist'
for f in os.listdir(src):
    with gzip.open(os.path.join(src, f)) as gz, open(os.path.join(raw, f[:-3]), 'wb') as out:
        out.write(gz.read())
tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.286,), (0.353,))])
train = torch.utils.data.Subset(datasets.FashionMNIST(root, train=True, transform=tf), range(3000))
test = torch.utils.data.Subset(datasets.FashionMNIST(root, train=False, transform=tf), range(2000))

class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.pool = nn.MaxPool2d(2, 2)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

seed, epochs = 7, 2
torch.manual_seed(seed)
g = torch.Generator()
model = LeNet5()
opt = torch.optim.Adam(model.parameters(), lr=0.002, weight_decay=0)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
train_loader = torch.utils.data.DataLoader(train, batch_size=64, shuffle=True, generator=g)
test_loader = torch.utils.data.DataLoader(test, batch_size=64)
records = []
for epoch in range(1, epochs + 1):
    g.manual_seed(seed + epoch)
    model.train()
    loss_sum, correct, seen = 0.0, 0, 0
    for x, y in train_loader:
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        opt.step()
        loss_sum += loss.item() * x.size(0)
        correct += (out.argmax(1) == y).sum().item()
        seen += x.size(0)
    sched.step()
    model.eval()
    test_loss, test_correct = 0.0, 0
    with torch.no_grad():
        for x, y in test_loader:
            out = model(x)
            test_loss += F.cross_entropy(out, y, reduction='sum').item()
            test_correct += (out.argmax(1) == y).sum().item()
    records.append(dict(train_loss=loss_sum / seen, train_acc=correct / seen,
                        test_loss=test_loss / len(test), test_acc=test_correct / len(test)))
print(json.dumps(records))
`;

beforeAll(() => {
  expect(fs.existsSync(CLI)).toBe(true); // built by `npm run setup` (npm test runs it first)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-cli-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('usage errors: a clear message on stderr and exit status 2', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--epochs', '0'], /option '--epochs <n>' argument '0' is invalid\. Expected an integer >= 1\./],
    [['train', '--batch-size', 'many'], /option '--batch-size <n>' argument 'many' is invalid/],
    [['train', '--lr', '-0.1'], /option '--lr <x>' argument '-0.1' is invalid\. Expected a positive number\./],
    [['train', '--model', 'lenet6'], /argument 'lenet6' is invalid\. Allowed choices are lenet5, simplecnn/],
    [['train', '--dataset', 'svhn'], /choices are fashion-mnist, mnist, cifar10, cifar100, fake, imagefolder:PATH/],
    [['train', '--optimizer', 'lbfgs'], /Allowed choices are sgd, adam, adamw, rmsprop/],
    [['train', '--scheduler', 'linear'], /Allowed choices are cosine, step, onecycle, none/],
    [['train', '--device', 'tpu'], /Expected cpu, cuda or cuda:N/],
    [['train', '--bogus'], /unknown option '--bogus'/],
    [['evaluate'], /required option '--checkpoint <path>' not specified/],
    [['fly'], /unknown command 'fly'/],
    [['train', '--resume', 'missing.pt'], /cannot read checkpoint missing\.pt: no such file/],
    [['train', '--dataset', 'imagefolder:nowhere'], /imagefolder: nowhere\/train does not exist/],
  ];
  test.each(cases)('%j', (args, message) => {
    const r = run(args);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });

  test('--help lists the models with their presets and exits 0', () => {
    const r = run(['train', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--optimizer <name>/);
    expect(r.stdout).toMatch(/lenet5 +LeNet-5[^\n]*\n +preset: 5 epochs, batch 64, adam/);
  });
});

describe('training LeNet-5 on real Fashion-MNIST', () => {
  let full: SpawnSyncReturns<string>;
  let part: SpawnSyncReturns<string>;
  let resumed: SpawnSyncReturns<string>;

  beforeAll(() => {
    full = run([...SMALL, '--save', 'full.pt', '--metrics', 'full.json']);
    // The checkpoint path already exists with a second hard link: an atomic save (temporary file +
    // rename) gives the path a new file and leaves the linked old one untouched; writing in place would not.
    fs.writeFileSync(path.join(dir, 'part.pt'), 'previous');
    fs.linkSync(path.join(dir, 'part.pt'), path.join(dir, 'part.old'));
    part = run([...SMALL, '--save', 'part.pt', '--metrics', 'part.json', '--stop-after', '1']);
    // Continued with 2 loader workers: the epoch's batches depend only on --seed and the epoch.
    resumed = run(['train', '--resume', 'part.pt', '--workers', '2']);
  });

  test('per-epoch lines without a bar when stdout is not a terminal; accuracy well above chance', () => {
    expect(full.stderr).toBe('');
    expect(full.status).toBe(0);
    const lines = full.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Training lenet5 \(61,706 parameters\) on fashion-mnist: 3000 training \/ 2000 test /);
    const stats = /train loss \d\.\d{4} acc \d+\.\d\d% \| test loss \d\.\d{4} acc \d+\.\d\d% \| /;
    expect(lines[1]).toMatch(new RegExp('^Epoch 1/2: ' + stats.source));
    expect(lines[2]).toMatch(/^Epoch 2\/2: .* \(\d+ img\/s\) \+ test \d+\.\ds \| lr /);
    expect(lines[3]).toMatch(/^Test accuracy: \d+\.\d\d% /);
    expect(lines).toHaveLength(4);
    expect(full.stdout).not.toMatch(/\x1b|\r/); // no cursor control: clean CI logs
    const m = readJson<TrainMetrics>('full.json');
    const acc = m.epochs[1].test_acc;
    expect(acc).toBeGreaterThan(0.6); // chance is 0.1
    expect(lines[3]).toContain(`Test accuracy: ${(100 * acc).toFixed(2)}%`);
  });

  test('Python PyTorch running the same recipe gets the same losses and accuracies', () => {
    const py = spawnSync(findPython(), ['-c', PY_SAME_RUN, dir], { encoding: 'utf8', timeout: 120_000 });
    expect(py.status).toBe(0);
    const want = JSON.parse(py.stdout) as Record<string, number>[];
    const got = readJson<TrainMetrics>('full.json').epochs;
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => {
      expect(got[i].train_acc).toBe(w.train_acc);
      expect(got[i].test_acc).toBe(w.test_acc);
      expect(got[i].train_loss).toBeCloseTo(w.train_loss, 6);
      expect(got[i].test_loss).toBeCloseTo(w.test_loss, 6);
    });
  });

  test('the metrics file holds the settings and one record per epoch', () => {
    const m = readJson<TrainMetrics>('full.json');
    expect(m.command).toBe('train');
    expect(m.config).toMatchObject({
      model: 'lenet5',
      dataset: 'fashion-mnist',
      epochs: 2,
      batch_size: 64,
      optimizer: 'adam',
      lr: 0.002,
      scheduler: 'cosine',
      seed: 7,
      subset: 3000,
      test_subset: 2000,
      save: 'full.pt',
      metrics: 'full.json',
    });
    expect(m.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // Cosine annealing over 2 epochs: the second epoch starts at half the rate.
    expect(m.epochs.map((e) => e.lr)).toEqual([0.002, 0.001]);
    for (const e of m.epochs) {
      for (const k of ['train_loss', 'test_loss', 'train_time_s', 'test_time_s', 'train_images_per_s'] as const) {
        expect(e[k]).toBeGreaterThan(0);
      }
      for (const k of ['train_acc', 'test_acc'] as const) expect(e[k] > 0.1 && e[k] <= 1).toBe(true);
      // Accuracies are whole counts of 3,000 training / 2,000 test images.
      expect(Math.abs(e.test_acc * 2000 - Math.round(e.test_acc * 2000))).toBeLessThan(1e-6);
    }
    expect(m.epochs[1].train_loss).toBeLessThan(m.epochs[0].train_loss);
  });

  test('checkpoints are replaced atomically and load in torchts and in Python', () => {
    expect(part.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'part.old'), 'utf8')).toBe('previous');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const ck = torch.load(path.join(dir, 'full.pt')) as Record<string, unknown>;
    expect(Object.keys(ck)).toEqual([
      'torchts_checkpoint',
      'epoch',
      'config',
      'model',
      'optimizer',
      'scheduler',
      'scaler',
      'metrics',
      'rng_state',
    ]);
    expect(ck.epoch).toBe(2);
    expect(Object.keys(ck.model as object)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
      'fc3.weight',
      'fc3.bias',
    ]);
    const code = [
      'import sys, torch',
      'c = torch.load(sys.argv[1])',
      "print(c['epoch'], c['config']['model'], sorted(c['optimizer']['state'])[:2], c['model']['fc3.weight'].shape)",
    ].join('\n');
    const py = spawnSync(findPython(), ['-c', code, path.join(dir, 'full.pt')], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.stdout.trim()).toBe('2 lenet5 [0, 1] torch.Size([10, 84])');
  });

  test("Python's weights_only unpickler: the float entries are all it rejects, as in Python's own checkpoint", () => {
    // PyTorch 1.13's restricted unpickler has no BINFLOAT, so it refuses any pickle with a float in it,
    // Python's torch.save of this same checkpoint included. Bridged (tests/helpers/weights_only.py), that
    // same unpickler reads the checkpoint, allow-lists and all, with every value torchts wrote.
    const code = String.raw`
import json, math, sys, torch
sys.path.insert(0, sys.argv[2])
from weights_only import WO_OPCODES, wo_audit, wo_load_binfloat
ck, resaved = sys.argv[1], sys.argv[3]
plain = torch.load(ck)
torch.save(plain, resaved)
def same(a, b):
    if type(a) is not type(b): return False
    if isinstance(a, torch.Tensor):
        return (a.dtype, a.shape, a.stride()) == (b.dtype, b.shape, b.stride()) and torch.equal(a, b)
    if isinstance(a, dict):
        meta = getattr(a, '_metadata', None), getattr(b, '_metadata', None)
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a) and same(*meta)
    if isinstance(a, (list, tuple)): return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float): return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b
def floats(o):
    if isinstance(o, float): return 1
    if isinstance(o, dict): return sum(floats(k) + floats(v) for k, v in o.items())
    return sum(map(floats, o)) if isinstance(o, (list, tuple)) else 0
def error(path):
    try:
        torch.load(path, weights_only=True)
        return None
    except Exception as e:
        return str(e).splitlines()[-1]
bridged = wo_load_binfloat(ck)
print(json.dumps({'lacks_binfloat': 'BINFLOAT' not in WO_OPCODES, 'floats': floats(plain), 'rejects': wo_audit(ck),
                  'python_rejects': wo_audit(resaved), 'error': error(ck), 'python_error': error(resaved),
                  'same': same(bridged, plain), 'metrics': bridged['metrics'], 'config': bridged['config'],
                  'param_groups': bridged['optimizer']['param_groups'], 'scheduler': bridged['scheduler']}))
`;
    const files = [path.join(dir, 'full.pt'), path.join(__dirname, 'helpers'), path.join(dir, 'py_resaved.pt')];
    const py = spawnSync(findPython(), ['-c', code, ...files], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const r = JSON.parse(py.stdout) as {
      lacks_binfloat: boolean;
      floats: number;
      rejects: Record<string, number>;
      python_rejects: Record<string, number>;
      error: string | null;
      python_error: string | null;
      same: boolean;
    } & Record<'metrics' | 'config' | 'param_groups' | 'scheduler', unknown>;
    expect(r.rejects).toEqual(r.python_rejects);
    expect(r.python_error).toBe(r.error);
    if (r.lacks_binfloat) {
      expect(r.floats).toBeGreaterThan(0);
      expect(r.rejects).toEqual({ BINFLOAT: r.floats });
      expect(r.error).toMatch(/Unsupported operand 71$/);
    } else {
      expect(r.rejects).toEqual({});
      expect(r.error).toBeNull();
    }
    expect(r.same).toBe(true);
    const ck = torch.load(path.join(dir, 'full.pt')) as Record<string, Record<string, unknown>>;
    expect(r.metrics).toEqual(ck.metrics);
    expect(r.config).toEqual(ck.config);
    expect(r.param_groups).toEqual(ck.optimizer.param_groups);
    expect(r.scheduler).toEqual(ck.scheduler);
  });

  test('--resume gives the same weights, optimizer state and metrics as the uninterrupted run', () => {
    expect(part.stdout).toMatch(/Stopped after epoch 1 of 2 \(--stop-after\); continue with --resume/);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming from part\.pt after epoch 1\nEpoch 2\/2: /);
    const a = torch.load(path.join(dir, 'full.pt')) as Record<string, Record<string, torch.Tensor>>;
    const b = torch.load(path.join(dir, 'part.pt')) as Record<string, Record<string, torch.Tensor>>;
    expect(b.epoch).toBe(2);
    for (const k of Object.keys(a.model)) expect(torch.equal(a.model[k], b.model[k])).toBe(true);
    const stateA = a.optimizer.state as unknown as Map<number, Record<string, torch.Tensor>>;
    const stateB = b.optimizer.state as unknown as Map<number, Record<string, torch.Tensor>>;
    expect([...stateB.keys()]).toEqual([...stateA.keys()]);
    for (const [i, s] of stateA) {
      for (const k of ['exp_avg', 'exp_avg_sq']) expect(torch.equal(s[k], stateB.get(i)![k])).toBe(true);
    }
    const untimed = (m: TrainMetrics) =>
      m.epochs.map((e) => {
        const { train_time_s: _a, test_time_s: _b, train_images_per_s: _c, ...r } = e;
        return r;
      });
    expect(untimed(readJson<TrainMetrics>('part.json'))).toEqual(untimed(readJson<TrainMetrics>('full.json')));
  });

  test('--resume refuses settings that differ from the checkpoint', () => {
    const r = run(['train', '--resume', 'full.pt', '--lr', '0.1']);
    expect(r.stderr).toMatch(/--lr 0\.1 differs from the checkpoint's 0\.002; a resumed run keeps the settings/);
    expect(r.status).toBe(2);
  });

  test('evaluate reproduces the final test accuracy and loss', () => {
    const r = run(['evaluate', '--checkpoint', 'full.pt', '--test-subset', '2000', '--metrics', 'eval.json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const train = readJson<TrainMetrics>('full.json').epochs[1];
    const ev = readJson<EvalMetrics>('eval.json');
    expect(ev.total).toBe(2000);
    expect(ev.acc).toBe(train.test_acc);
    expect(ev.correct).toBe(Math.round(train.test_acc * 2000));
    expect(ev.loss).toBeCloseTo(train.test_loss, 10);
    expect(r.stdout).toContain(`Test accuracy: ${(100 * ev.acc).toFixed(2)}% (${ev.correct}/2000)`);
  });

  test('evaluate takes a state_dict saved by Python', () => {
    const code = "import sys, torch\ntorch.save(torch.load(sys.argv[1])['model'], sys.argv[2])";
    const files = [path.join(dir, 'full.pt'), path.join(dir, 'py_sd.pt')];
    const py = spawnSync(findPython(), ['-c', code, ...files], { encoding: 'utf8' });
    expect(py.status).toBe(0);
    const r = run([
      'evaluate',
      '--checkpoint',
      'py_sd.pt',
      '--model',
      'lenet5',
      '--test-subset',
      '2000',
      '--metrics',
      'py.json',
    ]);
    expect(r.status).toBe(0);
    expect(readJson<EvalMetrics>('py.json').acc).toBe(readJson<TrainMetrics>('full.json').epochs[1].test_acc);
  });
});

describe('progress bar', () => {
  const stdout = process.stdout as NodeJS.WriteStream & { isTTY: boolean };
  const wasTTY = stdout.isTTY;
  afterEach(() => {
    stdout.isTTY = wasTTY;
    jest.restoreAllMocks();
  });

  async function capture(tty: boolean): Promise<string> {
    stdout.isTTY = tty;
    let out = '';
    const write = (chunk: string | Uint8Array): boolean => {
      out += String(chunk);
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
    const bar = epochBar('Epoch 3/9', 10, true);
    // cli-progress redraws on update at most every 200 ms (its throttle): let that pass.
    await new Promise((resolve) => setTimeout(resolve, 250));
    bar.update(5, { loss: 0.51234, acc: 0.875, images_per_s: 4321.4 });
    bar.update(10, { loss: 0.5, acc: 0.9, images_per_s: 4400 });
    bar.stop();
    return out;
  }

  test('on a terminal: batches, loss, accuracy, images/s and ETA', async () => {
    const out = await capture(true);
    expect(out).toMatch(/Epoch 3\/9 \|[^|]+\| 50% 5\/10 \| loss 0\.5123 acc 87\.50% \| 4321 img\/s \| ETA /);
    expect(out).toMatch(/100% 10\/10 \| loss 0\.5000 acc 90\.00% \| 4400 img\/s/);
  });

  test('not a terminal: draws nothing (the per-epoch lines are the log)', async () => {
    expect(await capture(false)).toBe('');
  });
});
