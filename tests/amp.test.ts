/** Mixed precision: torch.autocast against Python (CPU bfloat16) and the GradScaler algorithm. */
import * as torch from '../lib';
import { expectMatches, PyResult, runPython } from './helpers/oracle';

torch.manual_seed(11);
const a = torch.randn([8, 16]);
const b = torch.randn([16, 4]);

let py: PyResult[];
beforeAll(() => {
  py = runPython([
    { py: 'r', setup: "with torch.autocast('cpu'):\n    r = a @ b", inputs: { a, b } },
    {
      py: 'r',
      setup: "with torch.autocast('cpu'):\n    r = torch.nn.functional.linear(a, b.t()).relu().sum(1)",
      inputs: { a, b },
    },
    { py: 'r', setup: "with torch.autocast('cpu', enabled=False):\n    r = a @ b", inputs: { a, b } },
  ]);
});

describe('autocast', () => {
  test('CPU autocast runs matmul in bfloat16 like Python', () => {
    const r = torch.autocast('cpu', () => a.matmul(b));
    expect(r.dtype).toBe(torch.bfloat16);
    expectMatches(r, py[0], { rtol: 1e-2, atol: 1e-2 });
    expectMatches(
      r.float(),
      { ...(py[0] as { kind: 'tensor'; shape: number[]; dtype: string; data: number[] }), dtype: 'float32' },
      { rtol: 0, atol: 0 },
    );
  });
  test('a chain under autocast matches Python', () => {
    const r = torch.autocast('cpu', () => torch.nn.functional.linear(a, b.t()).relu().sum(1));
    expectMatches(r, py[1], { rtol: 1e-2, atol: 1e-2 });
  });
  test('enabled: false and restoring the previous state', () => {
    expectMatches(
      torch.autocast('cpu', { enabled: false }, () => a.matmul(b)),
      py[2],
    );
    expect(torch.is_autocast_enabled('cpu')).toBe(false);
    torch.autocast('cpu', () => {
      expect(torch.is_autocast_enabled('cpu')).toBe(true);
      torch.autocast('cpu', { enabled: false }, () => expect(torch.is_autocast_enabled('cpu')).toBe(false));
      expect(torch.is_autocast_enabled('cpu')).toBe(true);
    });
    expect(() =>
      torch.autocast('cpu', () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(torch.is_autocast_enabled('cpu')).toBe(false);
  });
  test('CUDA autocast without CUDA warns and does nothing', () => {
    if (torch.cuda.is_available()) {
      const r = torch.autocast('cuda', () => a.cuda().matmul(b.cuda()));
      expect(r.dtype).toBe(torch.float16);
    } else {
      const r = torch.autocast('cuda', () => a.matmul(b));
      expect(r.dtype).toBe(torch.float32);
    }
  });
});

/** loss = sum((x W - y)^2) on fixed data, as a tiny training problem. */
function problem() {
  torch.manual_seed(5);
  const w = torch.randn([4, 2], { requires_grad: true });
  const x = torch.randn([6, 4]);
  const y = torch.randn([6, 2]);
  const loss = () => x.matmul(w).sub(y).pow(2).sum();
  return { w, loss };
}

describe('GradScaler', () => {
  test('scaled training takes the same steps as unscaled training', () => {
    const ref = problem();
    const refOpt = new torch.optim.SGD([ref.w], { lr: 0.01 });
    const amp = problem();
    const opt = new torch.optim.SGD([amp.w], { lr: 0.01 });
    const scaler = new torch.amp.GradScaler('cpu', { init_scale: 1024 });
    for (let i = 0; i < 5; i++) {
      refOpt.zero_grad();
      ref.loss().backward();
      refOpt.step();
      opt.zero_grad();
      const l = amp.loss();
      const scaled = scaler.scale(l);
      expect((scaled.item() as number) / (l.item() as number)).toBeCloseTo(1024, 3);
      scaled.backward();
      scaler.step(opt);
      scaler.update();
    }
    expect(amp.w.allclose(ref.w, { rtol: 1e-5, atol: 1e-6 })).toBe(true);
    expect(scaler.get_scale()).toBe(1024);
  });
  test('inf gradients skip the step and back the scale off; clean steps grow it', () => {
    const { w, loss } = problem();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const scaler = new torch.amp.GradScaler('cpu', { init_scale: 8, growth_interval: 2 });
    const before = w.clone();
    opt.zero_grad();
    scaler.scale(loss().mul(Infinity)).backward();
    scaler.step(opt);
    scaler.update();
    expect(w.equal(before)).toBe(true);
    expect(scaler.get_scale()).toBe(4);
    for (let i = 0; i < 2; i++) {
      opt.zero_grad();
      scaler.scale(loss()).backward();
      scaler.step(opt);
      scaler.update();
    }
    expect(scaler.get_scale()).toBe(8);
    expect(scaler.state_dict()).toEqual({
      scale: 8,
      growth_factor: 2,
      backoff_factor: 0.5,
      growth_interval: 2,
      _growth_tracker: 0,
    });
  });
  test('unscale_ before step (for gradient clipping) and misuse errors', () => {
    const { w, loss } = problem();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const scaler = new torch.amp.GradScaler('cpu', { init_scale: 16 });
    opt.zero_grad();
    loss().backward();
    const plain = (w.grad as torch.Tensor).clone();
    opt.zero_grad();
    scaler.scale(loss()).backward();
    scaler.unscale_(opt);
    expect((w.grad as torch.Tensor).allclose(plain)).toBe(true);
    expect(() => scaler.unscale_(opt)).toThrow(
      'unscale_() has already been called on this optimizer since the last update().',
    );
    scaler.step(opt);
    expect(() => scaler.step(opt)).toThrow('step() has already been called since the last update().');
    scaler.update();
  });
  test('torch.cuda.amp.GradScaler is disabled without CUDA, and then passes through', () => {
    if (torch.cuda.is_available()) return expect(new torch.cuda.amp.GradScaler().is_enabled()).toBe(true);
    const scaler = new torch.cuda.amp.GradScaler();
    expect(scaler.is_enabled()).toBe(false);
    const { w, loss } = problem();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    const l = loss();
    expect(scaler.scale(l)).toBe(l);
    l.backward();
    const before = w.clone();
    scaler.step(opt);
    expect(w.equal(before)).toBe(false);
    expect(scaler.state_dict()).toEqual({});
  });
});
