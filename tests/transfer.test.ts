/**
 * Transfer-learning helpers (lib/vision/models/transfer.ts) and the plain PyTorch idioms they
 * stand for, against torchvision 0.14 in one /usr/bin/python3 run: penultimate features from a
 * random-weight resnet18 checkpoint, AlexNet's and the seed models' features, trainable parameter
 * counts after freezing all but layer4, and one SGD step with two parameter groups. Large tensors
 * travel as torch.save files in a temp folder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import * as models from '../lib/vision/models';
import { findPython } from './helpers/oracle';

type Tensor = torch.Tensor;
const { nn } = torch;

interface Ref {
  counts: Record<string, [number, number]>;
  loss: number;
  fc_sum: number;
}

const PY = String.raw`
import sys, json, os, torch, torchvision
from torch import nn
from torchvision import models as M
d = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from seed_models import SimpleCNN, ResNet18
out = {}
save = lambda obj, name: torch.save(obj, os.path.join(d, name))
torch.manual_seed(0)
m = M.resnet18()
for mod in m.modules():  # non-trivial BN statistics, so eval mode matters
    if isinstance(mod, nn.BatchNorm2d):
        mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)
        mod.weight.data.uniform_(0.5, 1.5); mod.bias.data.uniform_(-0.1, 0.1)
save(m.state_dict(), 'resnet18.pth')
torch.manual_seed(1)
x = torch.randn(2, 3, 64, 64)
save(x, 'x.pt')
feats = {}
with torch.no_grad():
    m.eval()
    fc = m.fc
    m.fc = nn.Identity()
    feats['resnet18'] = m(x)
    m.fc = fc
    torch.manual_seed(2)
    a = M.alexnet().eval()
    xa = torch.randn(1, 3, 96, 96)
    save(xa, 'xa.pt')
    a.classifier = a.classifier[:-1]
    feats['alexnet'] = a(xa)
    del a
    torch.manual_seed(3)
    r = ResNet18().eval()
    r.linear = nn.Identity()
    xc = torch.randn(2, 3, 32, 32)
    save(xc, 'xc.pt')
    feats['cifar_resnet18'] = r(xc)
    torch.manual_seed(4)
    s = SimpleCNN().eval()
    s.fc2 = nn.Identity()
    feats['simplecnn'] = s(xc)
save(feats, 'feats.pt')

# Freeze everything, unfreeze layer4, new head: (total, trainable) counts.
def counts(name, classes):
    net = getattr(M, name)()
    for p in net.parameters():
        p.requires_grad = False
    for p in net.layer4.parameters():
        p.requires_grad = True
    net.fc = nn.Linear(net.fc.in_features, classes)
    return [sum(p.numel() for p in net.parameters()), sum(p.numel() for p in net.parameters() if p.requires_grad)]
out['counts'] = {'resnet18': counts('resnet18', 10), 'resnet50': counts('resnet50', 100)}

# One SGD step, two param groups (layer4 at 0.01, the new fc at 0.1), BN in train mode.
m.train()
for p in m.parameters():
    p.requires_grad = False
for p in m.layer4.parameters():
    p.requires_grad = True
torch.manual_seed(5)
m.fc = nn.Linear(512, 10)
out['fc_sum'] = m.fc.weight.double().sum().item()
opt = torch.optim.SGD([{'params': m.layer4.parameters(), 'lr': 0.01}, {'params': m.fc.parameters(), 'lr': 0.1}],
                      lr=0.05, momentum=0.9, weight_decay=5e-4)
y = torch.tensor([1, 3])
opt.zero_grad()
loss = nn.CrossEntropyLoss()(m(x), y)
loss.backward()
opt.step()
out['loss'] = loss.item()
save(m.state_dict(), 'stepped.pth')
print(json.dumps(out))
`;

let dir: string;
let ref: Ref;
let feats: Record<string, Tensor>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-transfer-'));
  const script = path.join(dir, 'ref.py');
  fs.writeFileSync(script, PY);
  const r = spawnSync(findPython(), [script, dir, path.join(__dirname, 'helpers')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  ref = JSON.parse(r.stdout) as Ref;
  feats = torch.load(path.join(dir, 'feats.pt')) as Record<string, Tensor>;
}, 300000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const load = (name: string): Tensor => torch.load(path.join(dir, name)) as Tensor;
/** Same tensor objects in the same order (Jest's toEqual would iterate the tensors). */
const sameTensors = (a: Tensor[], b: Tensor[]): boolean => a.length === b.length && a.every((t, i) => t === b[i]);
const maxDiff = (a: Tensor, b: Tensor): number => a.detach().double().sub(b.double()).abs().max().item() as number;

/** resnet18 with the Python checkpoint's weights. */
function checkpointResnet18(): models.ResNet {
  const m = models.resnet18();
  m.load_state_dict(torch.load(path.join(dir, 'resnet18.pth')) as Record<string, Tensor>);
  return m;
}

describe('head detection and replacement', () => {
  test('the head is fc / classifier.6 / linear / fc2 / fc3', () => {
    expect(models.head_name(models.resnet18())).toBe('fc');
    expect(models.head_name(models.alexnet())).toBe('classifier.6');
    expect(models.head_name(models.ResNet18())).toBe('linear');
    expect(models.head_name(new models.SimpleCNN())).toBe('fc2');
    expect(models.head_name(new models.LeNet5())).toBe('fc3');
    const r = models.resnet18();
    expect(models.get_head(r)).toBe(r.fc);
    expect(models.head_name(r, { head: 'layer4' })).toBe('layer4');
  });

  test('replace_head: ResNet fc, VGG/AlexNet classifier[6], the CIFAR models; returns the model', () => {
    const r = models.resnet50();
    expect(models.replace_head(r, 100)).toBe(r);
    expect([r.fc.in_features, r.fc.out_features]).toEqual([2048, 100]);
    expect(Object.keys(r.state_dict()).slice(-2)).toEqual(['fc.weight', 'fc.bias']);
    expect(r.eval()(torch.randn(1, 3, 32, 32)).shape).toEqual([1, 100]);

    const v = models.vgg11();
    models.replace_head(v, 10);
    const v6 = v.classifier.at(6) as torch.nn.Linear;
    expect([v6.in_features, v6.out_features]).toEqual([4096, 10]);
    expect(v.classifier[6]).toBe(v6);
    expect(v.state_dict()['classifier.6.weight'].shape).toEqual([10, 4096]);

    const c = models.replace_head(models.ResNet18(), 100);
    expect(c.linear.out_features).toBe(100);
    expect(models.replace_head(new models.SimpleCNN(), 3).fc2.out_features).toBe(3);
  });

  test('replace_head keeps the dtype and mode, and draws the weights Python draws', () => {
    const m = models.resnet18().double().eval();
    models.replace_head(m, 7);
    expect(m.fc.weight.dtype).toBe(torch.float64);
    expect(m.fc.training).toBe(false);
    expect(m.fc.weight.requires_grad).toBe(true);
    const f = models.resnet18();
    torch.manual_seed(5);
    models.replace_head(f, 10);
    expect(f.fc.weight.double().sum().item() as number).toBeCloseTo(ref.fc_sum, 10);
  });

  test('clear errors', () => {
    expect(() => models.head_name(new nn.Sequential(new nn.ReLU()))).toThrow(/has no nn.Linear head/);
    expect(() => models.head_name(models.resnet18(), { head: 'nope' })).toThrow(/has no attribute `nope`/);
    expect(() => models.replace_head(models.resnet18(), 2.5)).toThrow(TypeError);
    expect(() => models.replace_head(models.resnet18(), 5, { head: 'layer4' })).toThrow(/layer4 is a Sequential/);
    expect(() => models.freeze({} as never)).toThrow("freeze(): argument 'module' must be nn.Module, not Object");
  });
});

describe('freezing and counting', () => {
  test('freeze / unfreeze return the module and set requires_grad on all its parameters', () => {
    const m = models.resnet18();
    expect(models.freeze(m)).toBe(m);
    expect(m.parameters().every((p) => !p.requires_grad)).toBe(true);
    expect(models.count_parameters(m, { trainable_only: true })).toBe(0);
    expect(models.unfreeze(m.layer4)).toBe(m.layer4);
    expect(sameTensors(models.trainable_parameters(m), m.layer4.parameters())).toBe(true);
    expect(models.count_parameters(m)).toBe(11689512);
  });

  test.each([
    ['resnet18', 10],
    ['resnet50', 100],
  ] as const)('%s: counts after freezing all but layer4 + a new fc equal Python', (name, classes) => {
    const m = name === 'resnet18' ? models.resnet18() : models.resnet50();
    models.freeze(m);
    models.unfreeze(m.layer4);
    models.replace_head(m, classes);
    const counts = [models.count_parameters(m), models.count_parameters(m, { trainable_only: true })];
    expect(counts).toEqual(ref.counts[name]);
    // The plain idioms give the same numbers.
    const p = name === 'resnet18' ? models.resnet18() : models.resnet50();
    for (const param of p.parameters()) param.requires_grad = false;
    for (const param of p.layer4.parameters()) param.requires_grad = true;
    p.fc = new nn.Linear(p.fc.in_features, classes);
    const trainable = p
      .parameters()
      .filter((x) => x.requires_grad)
      .reduce((n, x) => n + x.numel(), 0);
    expect(trainable).toBe(ref.counts[name][1]);
  });
});

describe('features', () => {
  test('resnet18 from a torchvision checkpoint: features equal torchvision (fc = Identity)', () => {
    const m = checkpointResnet18().eval();
    const x = load('x.pt');
    const f = torch.no_grad(() => models.extract_features(m, x));
    expect(f.shape).toEqual([2, 512]);
    expect(maxDiff(f, feats.resnet18)).toBeLessThanOrEqual(1e-4);
    // The model is unchanged: it still gives logits, and the extractor follows a replaced head.
    expect(torch.no_grad(() => m(x)).shape).toEqual([2, 1000]);
    const fx = new models.FeatureExtractor(m);
    models.replace_head(m, 10);
    expect(
      maxDiff(
        torch.no_grad(() => fx(x)),
        feats.resnet18,
      ),
    ).toBeLessThanOrEqual(1e-4);
    expect(String(fx)).toMatch(/^FeatureExtractor\(\n {2}head=fc\n {2}\(model\): ResNet\(/);
  });

  test('resnet50 gives 2048 features; gradients flow into a trainable backbone', () => {
    const m = models.resnet50().eval();
    const f = models.extract_features(m, torch.randn(1, 3, 32, 32));
    expect(f.shape).toEqual([1, 2048]);
    f.sum().backward();
    expect(m.layer4.parameters()[0].grad).not.toBeNull();
    expect(m.fc.weight.grad).toBeNull();
  });

  test('AlexNet (classifier up to the last Linear) and the seed models equal Python', () => {
    torch.no_grad(() => {
      torch.manual_seed(2);
      const a = models.alexnet().eval();
      expect(maxDiff(models.extract_features(a, load('xa.pt')), feats.alexnet)).toBeLessThanOrEqual(1e-4);
      const xc = load('xc.pt');
      torch.manual_seed(3);
      const r = models.ResNet18().eval();
      expect(maxDiff(models.extract_features(r, xc), feats.cifar_resnet18)).toBeLessThanOrEqual(1e-4);
      torch.manual_seed(4);
      const s = new models.SimpleCNN().eval();
      const fs_ = models.extract_features(s, xc);
      expect(fs_.shape).toEqual([2, 512]);
      expect(maxDiff(fs_, feats.simplecnn)).toBeLessThanOrEqual(1e-4);
    });
  });
});

describe('one SGD step with two parameter groups', () => {
  /** The checkpoint model, all frozen but layer4, new fc (seed 5), trained one step with `groups`. */
  function step(
    build: (m: models.ResNet) => torch.optim.ParamGroupInput[],
    prepare: (m: models.ResNet) => void,
  ): [models.ResNet, number] {
    const m = checkpointResnet18().train();
    prepare(m);
    const opt = new torch.optim.SGD(build(m), { lr: 0.05, momentum: 0.9, weight_decay: 5e-4 });
    opt.zero_grad();
    const loss = new nn.CrossEntropyLoss()(m(load('x.pt')), torch.tensor([1, 3]));
    loss.backward();
    opt.step();
    return [m, loss.item() as number];
  }

  function expectPythonStep(m: models.ResNet, loss: number): void {
    expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(1e-5);
    const expected = torch.load(path.join(dir, 'stepped.pth')) as Record<string, Tensor>;
    const before = torch.load(path.join(dir, 'resnet18.pth')) as Record<string, Tensor>;
    const sd = m.state_dict();
    expect(Object.keys(sd)).toEqual(Object.keys(expected));
    const trainable = new Set([...m.named_parameters()].filter(([, p]) => p.requires_grad).map(([k]) => k));
    // Collected per key, so a failure names the tensors that differ.
    const off: string[] = [];
    const frozenMoved: string[] = [];
    const trainableStill: string[] = [];
    for (const [k, v] of Object.entries(sd)) {
      if (!(maxDiff(v, expected[k]) <= 1e-5)) off.push(k);
      const isParam = !k.includes('running_') && !k.endsWith('num_batches_tracked');
      // Frozen parameters are bit-identical to the checkpoint; trainable ones moved.
      if (isParam && !trainable.has(k) && !torch.equal(v, before[k])) frozenMoved.push(k);
      if (trainable.has(k) && k in before && torch.equal(v, before[k])) trainableStill.push(k);
    }
    expect(off).toEqual([]);
    expect(frozenMoved).toEqual([]);
    expect(trainableStill).toEqual([]);
    expect(trainable.size).toBe(17); // layer4: 2 blocks x 6 + downsample 3; fc: 2
  }

  test('with the helpers: freeze, unfreeze(layer4), replace_head, param_groups', () => {
    const [m, loss] = step(
      (net) => {
        const groups = models.param_groups(net, { backbone_lr: 0.01, head_lr: 0.1 });
        expect(groups.map((g) => [g.lr, (g.params as Tensor[]).length])).toEqual([
          [0.01, 15],
          [0.1, 2],
        ]);
        return groups;
      },
      (net) => {
        models.freeze(net);
        models.unfreeze(net.layer4);
        torch.manual_seed(5);
        models.replace_head(net, 10);
      },
    );
    expect(m.layer3.parameters().every((p) => p.grad === null)).toBe(true);
    expectPythonStep(m, loss);
  });

  test('with the plain PyTorch idioms', () => {
    const [m, loss] = step(
      (net) => [
        { params: net.layer4.parameters(), lr: 0.01 },
        { params: net.fc.parameters(), lr: 0.1 },
      ],
      (net) => {
        for (const p of net.parameters()) p.requires_grad = false;
        for (const p of net.layer4.parameters()) p.requires_grad = true;
        torch.manual_seed(5);
        net.fc = new nn.Linear(512, 10);
      },
    );
    expectPythonStep(m, loss);
  });

  test('param_groups: a frozen backbone gives one group; no lr means the optimizer default', () => {
    const m = models.freeze(models.resnet18());
    models.replace_head(m, 4);
    const groups = models.param_groups(m);
    expect(groups.length).toBe(1);
    expect(Object.keys(groups[0])).toEqual(['params']);
    expect(sameTensors(groups[0].params as Tensor[], m.fc.parameters())).toBe(true);
    const opt = new torch.optim.SGD(groups, { lr: 0.3 });
    expect(opt.param_groups.map((g) => g.lr)).toEqual([0.3]);
  });
});
