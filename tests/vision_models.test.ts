/**
 * torchts/vision models and utils against torchvision 0.14 (one /usr/bin/python3 run for the file):
 * state_dict keys and parameter counts, same-seed initialisation, torchvision checkpoints giving
 * torchvision's logits, the weights enums' hub-cache lookup, the ImageNet preset, make_grid and
 * save_image. Large tensors travel as torch.save files in a temp folder, not as JSON.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as torch from '../lib';
import * as models from '../lib/vision/models';
import { make_grid, save_image } from '../lib/vision/utils';
import { findPython } from './helpers/oracle';

type Tensor = torch.Tensor;
type Builder = (opts?: Record<string, unknown>) => torch.nn.Module<(x: Tensor) => Tensor>;

interface Ref {
  keys: Record<string, string[]>;
  counts: Record<string, number>;
  init: Record<string, Record<string, [number, number]>>;
  logits: Record<string, number[]>;
  grids: number[][];
  grid_shapes: number[][];
  grey_grid: number[];
  grey_shape: number[];
  png_pixels: number[];
  png_size: [number, number];
  png_raw_pixels: number[];
  preset: { v1_u8: number[]; v2_f: number[]; v1_shape: number[]; v2_shape: number[] };
}

const PY = String.raw`
import sys, json, os, torch, torchvision
from torchvision import models as M
from torchvision.utils import make_grid, save_image
from PIL import Image
d = sys.argv[1]
out = {'keys': {}, 'counts': {}}
torch.set_grad_enabled(False)
for name in ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'vgg11', 'vgg11_bn', 'vgg13',
             'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn', 'alexnet']:
    m = getattr(M, name)()
    out['keys'][name] = list(m.state_dict().keys())
    out['counts'][name] = sum(p.numel() for p in m.parameters())
    del m
# same-seed initialisation
out['init'] = {}
for name in ['resnet18', 'resnet50', 'vgg11_bn', 'alexnet']:
    torch.manual_seed(0)
    kw = {'zero_init_residual': True} if name == 'resnet50' else {}
    m = getattr(M, name)(**kw)
    out['init'][name] = {k: [v.double().sum().item(), v.double().abs().sum().item()] for k, v in m.state_dict().items()}
# checkpoints and logits
torch.manual_seed(1)
x = torch.randn(2, 3, 64, 64)
torch.save(x, os.path.join(d, 'x.pt'))
out['logits'] = {}
for name in ['resnet18', 'resnet50', 'alexnet']:
    torch.manual_seed(2)
    m = getattr(M, name)()
    for mod in m.modules():  # non-trivial BN statistics, so eval mode is really exercised
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)
            mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.1, 0.1)
    m.eval()
    torch.save(m.state_dict(), os.path.join(d, name + '.pth'))
    xin = torch.randn(1, 3, 224, 224) if name == 'alexnet' else x
    if name == 'alexnet':
        torch.save(xin, os.path.join(d, 'x_alexnet.pt'))
    out['logits'][name] = m(xin).flatten().tolist()
# a hub cache holding resnet18's checkpoint under torchvision's file name
hub = os.path.join(d, 'torch_home', 'hub', 'checkpoints')
os.makedirs(hub)
os.link(os.path.join(d, 'resnet18.pth'), os.path.join(hub, 'resnet18-f37072fd.pth'))
# make_grid / save_image
torch.manual_seed(3)
b = torch.rand(5, 3, 6, 7) * 3 - 1
torch.save(b, os.path.join(d, 'batch.pt'))
g1 = torch.rand(3, 1, 4, 5)
torch.save(g1, os.path.join(d, 'grey.pt'))
cases = [dict(), dict(nrow=2, padding=1), dict(normalize=True), dict(normalize=True, value_range=(-0.5, 1.5)),
         dict(normalize=True, scale_each=True, nrow=3, pad_value=0.25), dict(padding=0, nrow=5)]
out['grids'] = [make_grid(b, **c).flatten().tolist() for c in cases]
out['grid_shapes'] = [list(make_grid(b, **c).shape) for c in cases]
out['grey_grid'] = make_grid(g1, nrow=2).flatten().tolist()
out['grey_shape'] = list(make_grid(g1, nrow=2).shape)
save_image(b, os.path.join(d, 'py.png'), nrow=3, normalize=True)
im = Image.open(os.path.join(d, 'py.png'))
out['png_pixels'] = list(im.convert('RGB').tobytes())
out['png_size'] = list(im.size)
save_image(b[0].clamp(0, 1), os.path.join(d, 'py_raw.png'))
out['png_raw_pixels'] = list(Image.open(os.path.join(d, 'py_raw.png')).convert('RGB').tobytes())
# the ImageNet preset on a uint8 image and a float image
torch.manual_seed(4)
img = torch.randint(0, 256, (3, 250, 300), dtype=torch.uint8)
fimg = torch.rand(3, 300, 241)
torch.save({'u8': img, 'f': fimg}, os.path.join(d, 'imgs.pt'))
t1 = M.ResNet18_Weights.IMAGENET1K_V1.transforms()
t2 = M.ResNet50_Weights.IMAGENET1K_V2.transforms()
out['preset'] = {'v1_u8': t1(img).flatten().tolist(), 'v2_f': t2(fimg).flatten().tolist(),
                 'v1_shape': list(t1(img).shape), 'v2_shape': list(t2(fimg).shape)}
print(json.dumps(out))
`;

let dir: string;
let ref: Ref;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-vision-models-'));
  const script = path.join(dir, 'ref.py');
  fs.writeFileSync(script, PY);
  const r = spawnSync(findPython(), [script, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  ref = JSON.parse(r.stdout) as Ref;
}, 300000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const BUILDERS: Record<string, Builder> = {
  resnet18: models.resnet18,
  resnet34: models.resnet34,
  resnet50: models.resnet50,
  resnet101: models.resnet101,
  resnet152: models.resnet152,
  vgg11: models.vgg11,
  vgg11_bn: models.vgg11_bn,
  vgg13: models.vgg13,
  vgg16: models.vgg16,
  vgg16_bn: models.vgg16_bn,
  vgg19: models.vgg19,
  vgg19_bn: models.vgg19_bn,
  alexnet: models.alexnet,
};

const EXPECTED_COUNTS: Record<string, number> = {
  resnet18: 11689512,
  resnet34: 21797672,
  resnet50: 25557032,
  resnet101: 44549160,
  resnet152: 60192808,
  vgg16: 138357544,
  alexnet: 61100840,
};

function numParams(m: torch.nn.Module): number {
  return m.parameters().reduce((n, p) => n + p.numel(), 0);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The RGB bytes of a decoded PNG (pngjs always decodes to RGBA). */
function rgbOf(png: PNG): number[] {
  const rgb: number[] = [];
  for (let i = 0; i < png.width * png.height; i++) rgb.push(png.data[4 * i], png.data[4 * i + 1], png.data[4 * i + 2]);
  return rgb;
}

function loadTensor(file: string): Tensor {
  return torch.load(path.join(dir, file)) as Tensor;
}

function expectClose(actual: Tensor, expected: number[], atol: number): void {
  const a = Array.from(actual.detach().double().flatten().toTypedArray() as Float64Array);
  expect(a.length).toBe(expected.length);
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('torchvision architectures', () => {
  test.each(Object.keys(BUILDERS))('%s: state_dict keys and parameter count equal torchvision', (name) => {
    torch.scope(() => {
      const m = BUILDERS[name]();
      expect(Object.keys(m.state_dict())).toEqual(ref.keys[name]);
      expect(numParams(m)).toBe(ref.counts[name]);
      if (EXPECTED_COUNTS[name]) expect(numParams(m)).toBe(EXPECTED_COUNTS[name]);
    });
  });

  test.each([
    ['resnet18', {}],
    ['resnet50', { zero_init_residual: true }],
    ['vgg11_bn', {}],
    ['alexnet', {}],
  ] as [string, Record<string, unknown>][])('%s: same seed, same initial weights as torchvision', (name, opts) => {
    torch.manual_seed(0);
    const m = BUILDERS[name](opts);
    const expected = ref.init[name];
    for (const [k, v] of Object.entries(m.state_dict())) {
      const x = v.double();
      const [sum, abs] = expected[k];
      expect(Math.abs((x.sum().item() as number) - sum)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(abs)));
      expect(Math.abs((x.abs().sum().item() as number) - abs)).toBeLessThanOrEqual(1e-6 * Math.max(1, abs));
    }
  });

  test.each(['resnet18', 'resnet50', 'alexnet'])('%s: a torchvision checkpoint gives torchvision logits', (name) => {
    const m = BUILDERS[name]();
    const result = m.load_state_dict(torch.load(path.join(dir, `${name}.pth`)) as Record<string, Tensor>);
    expect(result.missing_keys).toEqual([]);
    expect(result.unexpected_keys).toEqual([]);
    m.eval();
    const x = loadTensor(name === 'alexnet' ? 'x_alexnet.pt' : 'x.pt');
    torch.no_grad(() => expectClose(m(x), ref.logits[name], 1e-4));
  });

  test('num_classes, zero_init_residual and a BasicBlock/Bottleneck forward', () => {
    const m = models.resnet18({ num_classes: 7, zero_init_residual: true });
    expect(m.fc.out_features).toBe(7);
    const block = m.layer1.at(0) as models.BasicBlock;
    expect((block.bn2 as unknown as { weight: Tensor }).weight.abs().sum().item()).toBe(0);
    m.eval();
    expect(torch.no_grad(() => m(torch.randn(2, 3, 32, 32))).shape).toEqual([2, 7]);
    expect(models.Bottleneck.expansion).toBe(4);
  });
});

describe('weights enums', () => {
  test('url, meta and DEFAULT', () => {
    const w = models.ResNet50_Weights.IMAGENET1K_V2;
    expect(models.ResNet50_Weights.DEFAULT).toBe(w);
    expect(models.ResNet18_Weights.DEFAULT).toBe(models.ResNet18_Weights.IMAGENET1K_V1);
    expect(w.url).toBe('https://download.pytorch.org/models/resnet50-11ad3fa6.pth');
    expect(w.meta.num_params).toBe(25557032);
    expect(w.meta.categories?.length).toBe(1000);
    expect(w.meta.categories?.[0]).toBe('tench');
    expect(w.meta.categories?.[999]).toBe('toilet tissue');
    expect(String(w)).toBe('ResNet50_Weights.IMAGENET1K_V2');
    const R50 = models.ResNet50_Weights;
    expect(R50.verify('ResNet50_Weights.IMAGENET1K_V1')).toBe(R50.IMAGENET1K_V1);
    expect(() => R50.verify(models.ResNet18_Weights.IMAGENET1K_V1)).toThrow(/expected ResNet50_Weights/);
    expect(models.VGG16_Weights.IMAGENET1K_V1.meta.num_params).toBe(138357544);
    expect(models.AlexNet_Weights.IMAGENET1K_V1.filename).toBe('alexnet-owt-7be5be79.pth');
  });

  test("a checkpoint in $TORCH_HOME/hub/checkpoints is found under torchvision's file name", () => {
    const saved = process.env.TORCH_HOME;
    process.env.TORCH_HOME = path.join(dir, 'torch_home');
    try {
      const w = models.ResNet18_Weights.IMAGENET1K_V1;
      expect(w.checkpoint_path()).toBe(path.join(dir, 'torch_home', 'hub', 'checkpoints', 'resnet18-f37072fd.pth'));
      const m = models.resnet18({ weights: w }).eval();
      const x = loadTensor('x.pt');
      torch.no_grad(() => expectClose(m(x), ref.logits.resnet18, 1e-4));
      // By name, as torchvision accepts it, and with an explicit file.
      expect(Object.keys(w.get_state_dict({ file: path.join(dir, 'resnet18.pth') })).length).toBe(122);
      expect(models.resnet18({ weights: 'DEFAULT' }).fc.out_features).toBe(1000);
      // Weights fix num_classes: another value is torchvision's ValueError.
      expect(() => models.resnet18({ weights: w, num_classes: 10 })).toThrow(
        "The parameter 'num_classes' expected value 1000 but got 10 instead.",
      );
      // check_hash (off by default, as torchvision) compares the sha256 prefix in the name.
      expect(() => w.get_state_dict({ check_hash: true })).toThrow(/invalid hash value \(expected "f37072fd"/);
    } finally {
      if (saved === undefined) delete process.env.TORCH_HOME;
      else process.env.TORCH_HOME = saved;
    }
  });

  test('a missing checkpoint is a clear error naming the file, the folder and the url', () => {
    const model_dir = path.join(dir, 'empty');
    const expected = path.join(model_dir, 'resnet50-11ad3fa6.pth');
    expect(() => models.resnet50({ weights: models.ResNet50_Weights.DEFAULT, model_dir })).toThrow(
      new RegExp(`checkpoint not found at ${escape(expected)}.*${escape(models.ResNet50_Weights.DEFAULT.url)}`),
    );
  });

  test("download(): fetches into the hub cache with torch.hub's sha256 check, never leaving a bad file", async () => {
    const ckpt = fs.readFileSync(path.join(dir, 'resnet18.pth'));
    const digest = crypto.createHash('sha256').update(ckpt).digest('hex');
    const served: string[] = [];
    const server = http.createServer((req, res) => {
      served.push(req.url ?? '');
      if (req.url === '/resnet18-f37072fd.pth' || req.url === `/tiny-${digest.slice(0, 8)}.pth`) res.end(ckpt);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const saved = process.env.TORCHTS_WEIGHTS_MIRROR;
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // Our random-weight checkpoint under torchvision's name fails the name's sha256 prefix.
      process.env.TORCHTS_WEIGHTS_MIRROR = base;
      const model_dir = path.join(dir, 'hub-download');
      const w = models.ResNet18_Weights.IMAGENET1K_V1;
      await expect(w.download({ model_dir })).rejects.toThrow(/invalid hash value \(expected "f37072fd"/);
      expect(fs.existsSync(model_dir) ? fs.readdirSync(model_dir) : []).toEqual([]);
      // Without the check it is saved under the URL's name and the builder loads it.
      const file = await w.download({ model_dir, check_hash: false });
      expect(file).toBe(path.join(model_dir, 'resnet18-f37072fd.pth'));
      // torch.hub's line on stderr names the final path, not the temporary file the bytes land in.
      expect(stderr).toHaveBeenLastCalledWith(`Downloading: "${base}resnet18-f37072fd.pth" to ${file}`);
      const m = models.resnet18({ weights: w, model_dir }).eval();
      torch.no_grad(() => expectClose(m(loadTensor('x.pt')), ref.logits.resnet18, 1e-4));
      // A name whose prefix matches passes the check; a cached file is not fetched again.
      delete process.env.TORCHTS_WEIGHTS_MIRROR;
      const preset = { crop_size: 224 };
      const meta = { ...w.meta };
      const tiny = new models.Weights('Tiny_Weights', 'V1', `${base}tiny-${digest.slice(0, 8)}.pth`, preset, meta);
      const tinyFile = await tiny.download({ model_dir });
      expect(crypto.createHash('sha256').update(fs.readFileSync(tinyFile)).digest('hex')).toBe(digest);
      const before = served.length;
      expect(await tiny.download({ model_dir })).toBe(tinyFile);
      expect(served.length).toBe(before);
      // An unreachable file is a URLError naming the URL.
      const missing = new models.Weights('Tiny_Weights', 'V2', `${base}absent-00000000.pth`, preset, meta);
      await expect(missing.download({ model_dir })).rejects.toThrow(/HTTP Error 404.*absent-00000000\.pth/);
    } finally {
      if (saved === undefined) delete process.env.TORCHTS_WEIGHTS_MIRROR;
      else process.env.TORCHTS_WEIGHTS_MIRROR = saved;
      stderr.mockRestore();
      server.close();
    }
  });

  test('transforms(): the ImageClassification preset equals torchvision', () => {
    const imgs = torch.load(path.join(dir, 'imgs.pt')) as { u8: Tensor; f: Tensor };
    const t1 = models.ResNet18_Weights.IMAGENET1K_V1.transforms();
    const t2 = models.ResNet50_Weights.IMAGENET1K_V2.transforms();
    expect(t2.resize_size).toEqual([232]);
    expect(t1.crop_size).toEqual([224]);
    const a = t1(imgs.u8);
    expect(a.shape).toEqual(ref.preset.v1_shape);
    expectClose(a, ref.preset.v1_u8, 1e-5);
    const b = t2(imgs.f);
    expect(b.shape).toEqual(ref.preset.v2_shape);
    expectClose(b, ref.preset.v2_f, 1e-4);
  });
});

describe('seed models', () => {
  test('parameter counts', () => {
    expect(numParams(new models.LeNet5())).toBe(61706);
    expect(numParams(new models.LeNet5(10, { pool: 'avg' }))).toBe(61706);
    expect(numParams(new models.SimpleCNN())).toBe(1147914);
    expect(numParams(models.ResNet18())).toBe(11173962);
    expect(numParams(models.ResNet34())).toBe(21282122);
  });

  test('forward shapes, including the 1x28x28 Fashion-MNIST SimpleCNN', () => {
    torch.no_grad(() => {
      expect(new models.LeNet5().eval()(torch.randn(2, 1, 28, 28)).shape).toEqual([2, 10]);
      const fm = new models.SimpleCNN(10, { in_channels: 1, input_size: 28 }).eval();
      expect(fm.fc1.in_features).toBe(128 * 3 * 3);
      expect(fm(torch.randn(2, 1, 28, 28)).shape).toEqual([2, 10]);
      expect(new models.SimpleCNN().eval()(torch.randn(2, 3, 32, 32)).shape).toEqual([2, 10]);
    });
  });
});

describe('utils', () => {
  const CASES = [
    {},
    { nrow: 2, padding: 1 },
    { normalize: true },
    { normalize: true, value_range: [-0.5, 1.5] as [number, number] },
    { normalize: true, scale_each: true, nrow: 3, pad_value: 0.25 },
    { padding: 0, nrow: 5 },
  ];

  test('make_grid equals torchvision.utils.make_grid', () => {
    const b = loadTensor('batch.pt');
    const before = b.clone();
    CASES.forEach((c, i) => {
      const g = make_grid(b, c);
      expect(g.shape).toEqual(ref.grid_shapes[i]);
      expectClose(g, ref.grids[i], 1e-6);
    });
    expect(torch.equal(b, before)).toBe(true); // normalize works on a copy
    const grey = make_grid(loadTensor('grey.pt'), { nrow: 2 });
    expect(grey.shape).toEqual(ref.grey_shape);
    expectClose(grey, ref.grey_grid, 1e-6);
    const list = make_grid([b.select(0, 0), b.select(0, 1)], { padding: 0 });
    expect(list.shape).toEqual([3, 6, 14]);
  });

  test('save_image writes the PNG torchvision writes (same pixels)', () => {
    const b = loadTensor('batch.pt');
    const file = path.join(dir, 'ts.png');
    save_image(b, file, { nrow: 3, normalize: true });
    const png = PNG.sync.read(fs.readFileSync(file));
    expect([png.width, png.height]).toEqual(ref.png_size);
    expect(rgbOf(png)).toEqual(ref.png_pixels);
    const raw = path.join(dir, 'ts_raw.png');
    save_image(b.select(0, 0).clamp(0, 1), raw);
    expect(rgbOf(PNG.sync.read(fs.readFileSync(raw)))).toEqual(ref.png_raw_pixels);
    expect(() => save_image(b, path.join(dir, 'x.jpg'))).toThrow(/only PNG/);
  });
});
