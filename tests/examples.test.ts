/**
 * The compiled examples (dist/examples/*.js) run end to end in child processes, shortened by their
 * knobs, on data in the real formats and never the internet: CIFAR-10 / CIFAR-100 archives made by
 * tests/helpers/vision_datasets_ref.py (the CIFAR-10 test batch enlarged to 100 images, so a test
 * accuracy of 0% and hence no "best checkpoint" is practically impossible), served over a local
 * HTTP server that `download: true` reaches through TORCHTS_DATASET_MIRROR, and a random-weight
 * torchvision resnet50 checkpoint in a $TORCH_HOME hub cache. The examples must be compiled
 * (`npm run setup` or `npx tsc -p tsconfig.json`).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { findPython } from './helpers/oracle';

const ROOT = path.resolve(__dirname, '..');

const PY_EXTRA = String.raw`
import os, pickle, sys, tarfile
import numpy as np, torch, torchvision
fx, torch_home = sys.argv[1], sys.argv[2]
d10 = os.path.join(fx, 'cifar', 'cifar-10-batches-py')
rs = np.random.RandomState(1)
n = 100
test = {'batch_label': 'testing batch 1 of 1', 'labels': [int(v) for v in rs.randint(0, 10, n)],
        'data': rs.randint(0, 256, (n, 3072)).astype(np.uint8), 'filenames': ['t_%d.png' % i for i in range(n)]}
with open(os.path.join(d10, 'test_batch'), 'wb') as f:
    pickle.dump(test, f, protocol=4)
for folder in ('cifar-10-batches-py', 'cifar-100-python'):
    name = 'cifar-10-python.tar.gz' if folder.startswith('cifar-10-') else 'cifar-100-python.tar.gz'
    with tarfile.open(os.path.join(fx, name), 'w:gz') as t:
        t.add(os.path.join(fx, 'cifar', folder), arcname=folder)
hub = os.path.join(torch_home, 'hub', 'checkpoints')
os.makedirs(hub)
torch.manual_seed(0)
torch.save(torchvision.models.resnet50().state_dict(), os.path.join(hub, 'resnet50-11ad3fa6.pth'))
`;

let tmp: string;
let fixtures: string;
let torchHome: string;
let server: http.Server;
let mirror: string;
const requests: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[]): void {
  const r = spawnSync(findPython(), args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
}

/**
 * Runs a compiled example in a folder of its own (it writes checkpoints there) unless `cwd` is
 * given; async, so this process's HTTP server can answer the example's download.
 */
function runExample(
  name: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = fs.mkdtempSync(path.join(tmp, `${name}-`)),
): Promise<Run & { cwd: string }> {
  const script = path.join(ROOT, 'dist', 'examples', `${name}.js`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--data', path.join(cwd, 'data'), ...args], {
      cwd,
      env: { ...process.env, TORCHTS_DATASET_MIRROR: mirror, TORCH_HOME: torchHome, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, cwd }));
  });
}

function expectOk(r: Run): void {
  if (r.code !== 0) throw new Error(`exit code ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** Every number captured by `re` (global) in the output. */
function numbers(out: string, re: RegExp): number[][] {
  return [...out.matchAll(re)].map((m) => m.slice(1).map(Number));
}

beforeAll(async () => {
  for (const name of ['simple_cnn', 'resnet_cifar10', 'transfer_learning', '_knobs']) {
    const js = path.join(ROOT, 'dist', 'examples', `${name}.js`);
    const ts = path.join(ROOT, 'examples', `${name}.ts`);
    if (!fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(ts).mtimeMs) {
      throw new Error(`${js} is missing or older than ${ts}: run npx tsc -p tsconfig.json (or npm run setup)`);
    }
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-examples-'));
  fixtures = path.join(tmp, 'fixtures');
  torchHome = path.join(tmp, 'torch_home');
  // vision_datasets_ref.py also writes ImageFolder files into folders its TS test creates.
  for (const d of ['b_pal', 'c_jpg']) fs.mkdirSync(path.join(fixtures, 'folder', d), { recursive: true });
  python([path.join(__dirname, 'helpers', 'vision_datasets_ref.py'), fixtures]);
  fs.writeFileSync(path.join(tmp, 'extra.py'), PY_EXTRA);
  python([path.join(tmp, 'extra.py'), fixtures, torchHome]);
  server = http.createServer((req, res) => {
    const name = path.basename(req.url ?? '');
    requests.push(name);
    // Dataset archives, and the (random-weight) checkpoint as a weights mirror would serve it.
    const file = name.endsWith('.pth') ? path.join(torchHome, 'hub', 'checkpoints', name) : path.join(fixtures, name);
    if (!/\.(tar\.gz|pth)$/.test(name) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 120000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('simple_cnn: downloads CIFAR-10 from the mirror, trains, reports finite loss and accuracies', async () => {
  const r = await runExample('simple_cnn', ['--epochs', '2', '--batch-size', '8', '--workers', '0', '--no-verify'], {
    TORCHTS_EXAMPLE_BATCHES: '2',
  });
  expectOk(r);
  expect(r.stdout).toContain(`Downloading ${mirror}cifar-10-python.tar.gz`);
  expect(requests).toContain('cifar-10-python.tar.gz');
  expect(r.stdout).toMatch(/SimpleCNN: 1147914 parameters/);
  const epochs = numbers(r.stdout, /Epoch (\d+)\/2: loss (\S+) \| train acc (\S+)% \| test acc (\S+)% \| lr (\S+)/g);
  expect(epochs.map((e) => e[0])).toEqual([1, 2]);
  for (const [, loss, train, testAcc, lr] of epochs) {
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    for (const acc of [train, testAcc]) expect(acc >= 0 && acc <= 100).toBe(true);
    expect(lr).toBeLessThan(0.1); // the cosine schedule stepped
  }
  const sd = torch.load(path.join(r.cwd, 'simple_cnn.pt')) as Record<string, torch.Tensor>;
  expect(sd['fc2.weight'].shape).toEqual([10, 512]);
  // The seed's checksum is not that of a generated archive: without --no-verify the download is refused.
  const strict = await runExample('simple_cnn', ['--epochs', '1', '--workers', '0']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toMatch(/File not found or corrupted: .*cifar-10-python\.tar\.gz/);
}, 120000);

test('resnet_cifar10: the seed loop with workers, best checkpoint saved, --resume continues', async () => {
  const args = ['--batch-size', '8', '--workers', '2', '--no-verify'];
  const r = await runExample('resnet_cifar10', ['--epochs', '2', ...args], { TORCHTS_EXAMPLE_BATCHES: '2' });
  expectOk(r);
  expect(r.stdout).toContain('==> Preparing data..');
  expect(r.stdout).toMatch(/Epoch: 0\n[\s\S]*Epoch: 1\n/);
  const train = numbers(r.stdout, /\[train\] (\d+)\/3 Loss: (\S+) \| Acc: (\S+)% \((\d+)\/(\d+)\)/g);
  expect(train.map((t) => [t[0], t[4]])).toEqual([
    [2, 16],
    [2, 16],
  ]); // two batches of 8 per epoch
  for (const [, loss, acc] of train) expect(Number.isFinite(loss) && loss > 0 && acc >= 0 && acc <= 100).toBe(true);
  const tests = numbers(r.stdout, /\[test\] (\d+)\/1 Loss: (\S+) \| Acc: (\S+)% \((\d+)\/(\d+)\)/g);
  expect(tests.map((t) => t[4])).toEqual([100, 100]);
  expect(r.stdout).toContain('Saving..');
  const ckpt = torch.load(path.join(r.cwd, 'checkpoint', 'ckpt.pth')) as {
    net: Record<string, torch.Tensor>;
    acc: number;
    epoch: number;
  };
  const best = Math.max(...tests.map((t) => t[2]));
  expect(ckpt.acc).toBeCloseTo(best, 6);
  expect(ckpt.net['linear.weight'].shape).toEqual([10, 512]);
  // Python reads the checkpoint as the seed wrote it.
  const check = spawnSync(
    findPython(),
    [
      '-c',
      [
        'import sys, torch',
        'c = torch.load(sys.argv[1])',
        'print(sorted(c.keys()), len(c["net"]), c["net"]["linear.weight"].shape)',
      ].join('\n'),
      path.join(r.cwd, 'checkpoint', 'ckpt.pth'),
    ],
    { encoding: 'utf8' },
  );
  expect(check.stdout.trim()).toBe("['acc', 'epoch', 'net'] 122 torch.Size([10, 512])");

  // --resume in the same folder starts after the saved epoch.
  const resumed = await runExample(
    'resnet_cifar10',
    ['--epochs', '1', '--resume', ...args],
    {
      TORCHTS_EXAMPLE_BATCHES: '1',
    },
    r.cwd,
  );
  expectOk(resumed);
  expect(resumed.stdout).toContain('==> Resuming from checkpoint..');
  expect(resumed.stdout).toContain('Files already downloaded and verified');
  expect(resumed.stdout).toContain(`Epoch: ${ckpt.epoch + 1}\n`);
}, 180000);

test('transfer_learning: resnet50 from the hub cache, head training then layer4 fine-tuning on CIFAR-100', async () => {
  const r = await runExample(
    'transfer_learning',
    [
      '--epochs',
      '1',
      '--finetune-epochs',
      '1',
      '--batch-size',
      '4',
      '--image-size',
      '32',
      '--workers',
      '0',
      '--no-verify',
    ],
    { TORCHTS_EXAMPLE_BATCHES: '2' },
  );
  expectOk(r);
  const hub = path.join(torchHome, 'hub', 'checkpoints');
  expect(r.stdout).toContain(`Weights: ResNet50_Weights.IMAGENET1K_V2 from ${hub}`);
  expect(r.stdout).toContain(`Downloading ${mirror}cifar-100-python.tar.gz`);
  // fc: 2048 x 100 + 100; resnet50 with a 100-class head: 25,557,032 - 2,049,000 + 204,900.
  expect(r.stdout).toContain('== feature extraction: 204900 of 23712932 parameters trainable');
  expect(r.stdout).toContain('== fine-tuning layer4 + fc: 15169636 of 23712932 parameters trainable');
  const phases = numbers(r.stdout, /\[(?:head|finetune) 1\/1\] loss (\S+) \| train acc (\S+)% \((\d+)\/(\d+)\)/g);
  expect(phases.map((p) => p[3])).toEqual([6, 6]); // CIFAR-100 fixture: 6 training images
  for (const [loss] of phases) expect(Number.isFinite(loss) && loss > 0).toBe(true);
  expect(numbers(r.stdout, /\[val\] acc (\S+)% \((\d+)\/(\d+)\)/g).map((v) => v[2])).toEqual([2, 2]);
  expect(r.stdout).toContain('features: [2,2048]');

  // An ImageFolder (train/ and val/, 2 classes, PIL-written palette PNG and RGB/grey JPEGs of different sizes),
  // weights from a file named by TORCHTS_RESNET50_WEIGHTS. (la.png is left out: 4 pixels tall, torchts'
  // transforms take it for a CHW tensor.)
  const folder = path.join(tmp, 'imagefolder');
  const classes = { a: ['b_pal/p.png', 'c_jpg/gray.JPEG'], b: ['c_jpg/rgb420.jpg', 'c_jpg/rgb444.jpg'] };
  for (const split of ['train', 'val']) {
    for (const [cls, files] of Object.entries(classes)) {
      fs.mkdirSync(path.join(folder, split, cls), { recursive: true });
      for (const f of files) {
        fs.copyFileSync(path.join(fixtures, 'folder', f), path.join(folder, split, cls, path.basename(f)));
      }
    }
  }
  const file = path.join(hub, 'resnet50-11ad3fa6.pth');
  const f = await runExample(
    'transfer_learning',
    [
      '--image-folder',
      folder,
      '--epochs',
      '1',
      '--finetune-epochs',
      '1',
      '--batch-size',
      '4',
      '--image-size',
      '32',
      '--workers',
      '0',
    ],
    { TORCHTS_RESNET50_WEIGHTS: file, TORCH_HOME: path.join(tmp, 'empty_home') },
  );
  expectOk(f);
  expect(f.stdout).toContain(`Weights: ${file}\n`);
  expect(f.stdout).toContain('== feature extraction: 4098 of 23512130 parameters trainable'); // 2048 x 2 + 2
  expect(numbers(f.stdout, /\[val\] acc (\S+)% \((\d+)\/(\d+)\)/g).map((v) => v[2])).toEqual([4, 4]);

  // No weights anywhere: a clear message naming the URL and where to put the file.
  const missing = await runExample('transfer_learning', ['--workers', '0', '--no-verify'], {
    TORCH_HOME: path.join(tmp, 'empty_home'),
  });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('https://download.pytorch.org/models/resnet50-11ad3fa6.pth');
  expect(missing.stderr).toContain(path.join(tmp, 'empty_home', 'hub', 'checkpoints', 'resnet50-11ad3fa6.pth'));
  expect(missing.stderr).toContain('--download');

  // --download fetches through Weights.download() (here from the test server), which checks torch.hub's
  // sha256 prefix: a random-weight file under the real name is refused and never enters the cache.
  const fetched = await runExample('transfer_learning', ['--download', '--workers', '0', '--no-verify'], {
    TORCH_HOME: path.join(tmp, 'download_home'),
    TORCHTS_WEIGHTS_MIRROR: mirror,
  });
  expect(fetched.code).toBe(1);
  expect(fetched.stdout).toContain('Downloading ResNet50_Weights.IMAGENET1K_V2 into');
  expect(requests).toContain('resnet50-11ad3fa6.pth');
  expect(fetched.stderr).toMatch(/invalid hash value \(expected "11ad3fa6"/);
  expect(fs.existsSync(path.join(tmp, 'download_home', 'hub', 'checkpoints', 'resnet50-11ad3fa6.pth'))).toBe(false);
}, 180000);
