/**
 * The seed's models against Python PyTorch: parameter counts, same-seed initialisation, and five
 * SGD training steps from the same weights and data giving the same losses and weights.
 * Both sides draw from the same libtorch RNG stream (same seeds, same call order), so weights and
 * data are compared through per-tensor checksums and strided samples instead of shipping
 * millions of floats between processes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { runPython } from './helpers/oracle';
import { ResNet18, SimpleCNN } from '../lib/vision/models/cifar';

type Checksums = Record<string, number[]>;

/** sum, sum of |x|, and every 997th element (at most 16) of each state_dict entry, as float64. */
function checksums(model: torch.nn.Module): Checksums {
  const out: Checksums = {};
  for (const [k, v] of Object.entries(model.state_dict())) {
    const x = v.double().flatten();
    const samples = x
      .index(torch.slice(null, null, 997))
      .index(':16')
      .tolist() as number[];
    out[k] = [x.sum().item() as number, x.abs().sum().item() as number, ...samples];
  }
  return out;
}

const PY_CHECKSUMS = `
def checksums(model):
    out = {}
    for k, v in model.state_dict().items():
        x = v.double().flatten()
        out[k] = [x.sum().item(), x.abs().sum().item()] + x[::997][:16].tolist()
    return out
`;

function pySetup(): string {
  const dir = path.resolve(__dirname, 'helpers');
  return `import sys, json\nsys.path.insert(0, ${JSON.stringify(dir)})\nfrom seed_models import SimpleCNN, ResNet18\n${PY_CHECKSUMS}`;
}

/** Five SGD steps of the seed's training loop; returns the losses. */
function train5(model: torch.nn.Module, batch: number): number[] {
  torch.manual_seed(1);
  const inputs = torch.randn(batch, 3, 32, 32);
  const targets = torch.randint(0, 10, [batch]);
  torch.manual_seed(2);
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weight_decay: 5e-4 });
  model.train();
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    optimizer.zero_grad();
    const loss = criterion(model(inputs), targets);
    loss.backward();
    optimizer.step();
    losses.push(loss.item() as number);
  }
  return losses;
}

const PY_TRAIN = `
def train5(model, batch):
    torch.manual_seed(1)
    inputs = torch.randn(batch, 3, 32, 32)
    targets = torch.randint(0, 10, (batch,))
    torch.manual_seed(2)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    model.train()
    losses = []
    for step in range(5):
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
`;

function compareChecksums(ts: Checksums, py: Checksums, rtol: number, atol: number): void {
  expect(Object.keys(ts)).toEqual(Object.keys(py));
  for (const k of Object.keys(py)) {
    ts[k].forEach((v, i) => {
      const e = py[k][i];
      if (Math.abs(v - e) > atol + rtol * Math.abs(e)) throw new Error(`${k}[${i}]: ${v} != python ${e}`);
    });
  }
}

let py: {
  cnnInit: Checksums;
  cnnLosses: number[];
  cnnTrained: Checksums;
  resInit: Checksums;
  resLosses: number[];
  resTrained: Checksums;
  cnnCount: number;
  resCount: number;
};

beforeAll(() => {
  const r = runPython([
    {
      setup: `${pySetup()}\n${PY_TRAIN}
torch.manual_seed(0)
cnn = SimpleCNN()
cnn_init = checksums(cnn)
cnn_losses = train5(cnn, 8)
torch.manual_seed(0)
res = ResNet18()
res_init = checksums(res)
res_losses = train5(res, 4)
result = json.dumps({'cnnInit': cnn_init, 'cnnLosses': cnn_losses, 'cnnTrained': checksums(cnn),
  'resInit': res_init, 'resLosses': res_losses, 'resTrained': checksums(res),
  'cnnCount': sum(p.numel() for p in cnn.parameters()), 'resCount': sum(p.numel() for p in res.parameters())})`,
      py: 'result',
    },
  ]);
  if (r[0].kind !== 'scalar') throw new Error(`python failed: ${JSON.stringify(r[0])}`);
  py = JSON.parse(r[0].value as string);
}, 300_000);

const count = (m: torch.nn.Module) => m.parameters().reduce((n, p) => n + p.numel(), 0);

describe('SimpleCNN', () => {
  test('has 1,147,914 parameters, as in Python', () => {
    expect(count(new SimpleCNN())).toBe(1_147_914);
    expect(py.cnnCount).toBe(1_147_914);
  });
  test('manual_seed(0) initialisation equals Python', () => {
    torch.manual_seed(0);
    compareChecksums(checksums(new SimpleCNN()), py.cnnInit, 1e-7, 1e-7);
  });
  test("five SGD steps give Python's losses and weights (<= 1e-4)", () => {
    torch.manual_seed(0);
    const model = new SimpleCNN();
    const losses = train5(model, 8);
    losses.forEach((l, i) => expect(Math.abs(l - py.cnnLosses[i])).toBeLessThan(1e-4));
    compareChecksums(checksums(model), py.cnnTrained, 1e-4, 1e-4);
  });
});

describe('ResNet18 (CIFAR)', () => {
  test('has 11,173,962 parameters, as in Python', () => {
    expect(count(ResNet18())).toBe(11_173_962);
    expect(py.resCount).toBe(11_173_962);
  });
  test('manual_seed(0) initialisation equals Python', () => {
    torch.manual_seed(0);
    compareChecksums(checksums(ResNet18()), py.resInit, 1e-7, 1e-6);
  });
  test("five SGD steps give Python's losses and weights (<= 1e-4)", () => {
    torch.manual_seed(0);
    const model = ResNet18();
    const losses = train5(model, 4);
    losses.forEach((l, i) => expect(Math.abs(l - py.resLosses[i])).toBeLessThan(1e-4));
    compareChecksums(checksums(model), py.resTrained, 1e-4, 1e-4);
  }, 120_000);
});

describe('checkpoints both ways', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-ckpt-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("Python torch.save(state_dict) -> torchts load_state_dict gives Python's outputs", () => {
    const file = path.join(dir, 'py_cnn.pt');
    torch.manual_seed(21);
    const x = torch.randn(2, 3, 32, 32);
    const r = runPython([
      {
        setup: `${pySetup()}
torch.manual_seed(3)
m = SimpleCNN()
m.train()
m(torch.randn(4, 3, 32, 32))  # move the BatchNorm running statistics off their initial values
m.eval()
torch.save(m.state_dict(), ${JSON.stringify(file)})
out = m(x)`,
        py: 'out',
        inputs: { x },
      },
    ]);
    const model = new SimpleCNN();
    model.load_state_dict(torch.load(file) as Record<string, torch.Tensor>);
    model.eval();
    const out = torch.no_grad(() => model(x));
    if (r[0].kind !== 'tensor') throw new Error(JSON.stringify(r[0]));
    const expected = torch.tensor(r[0].data as number[], { dtype: torch.float32 }).view(r[0].shape);
    expect(out.allclose(expected, { rtol: 1e-5, atol: 1e-5 })).toBe(true);
  });

  test("torchts torch.save(state_dict) -> Python torch.load(weights_only=True) gives torchts's outputs", () => {
    const file = path.join(dir, 'ts_cnn.pt');
    torch.manual_seed(4);
    const model = new SimpleCNN();
    model.train();
    model(torch.randn(4, 3, 32, 32));
    model.eval();
    torch.save(model.state_dict(), file);
    const x = torch.randn(2, 3, 32, 32);
    const out = torch.no_grad(() => model(x));
    const r = runPython([
      {
        setup: `${pySetup()}
m = SimpleCNN()
m.load_state_dict(torch.load(${JSON.stringify(file)}, weights_only=True))
m.eval()
with torch.no_grad():
    out = m(x)`,
        py: 'out',
        inputs: { x },
      },
    ]);
    if (r[0].kind !== 'tensor') throw new Error(JSON.stringify(r[0]));
    const expected = torch.tensor(r[0].data as number[], { dtype: torch.float32 }).view(r[0].shape);
    expect(out.allclose(expected, { rtol: 1e-5, atol: 1e-5 })).toBe(true);
  });
});
