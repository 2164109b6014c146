/** Autograd: grad mode, torch.autograd.grad, hooks, retain/create graph — against Python PyTorch. */
import * as torch from '../lib';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

torch.manual_seed(3);
const x0 = torch.randn([3, 4]);
const w0 = torch.randn([4, 2]);

interface Case extends OracleCase {
  name: string;
  ts: () => unknown;
}
const leaf = (t: torch.Tensor) => t.clone().requires_grad_();

const cases: Case[] = [
  {
    name: 'backward accumulates into .grad',
    ts: () => {
      const x = leaf(x0);
      x.mul(x).sum().backward();
      x.mul(3).sum().backward();
      return x.grad;
    },
    py: '(lambda x: ((x * x).sum().backward(), (x * 3).sum().backward(), x.grad)[2])(x0.clone().requires_grad_())',
    inputs: { x0 },
  },
  {
    name: 'backward with gradient argument',
    ts: () => {
      const x = leaf(x0);
      x.matmul(w0).backward(torch.ones(3, 2).mul(0.5));
      return x.grad;
    },
    py: '(lambda x: ((x @ w0).backward(torch.ones(3, 2) * 0.5), x.grad)[1])(x0.clone().requires_grad_())',
    inputs: { x0, w0 },
  },
  {
    name: 'autograd.grad',
    ts: () => {
      const x = leaf(x0);
      const w = leaf(w0);
      return torch.autograd.grad(x.matmul(w).tanh().sum(), [x, w]);
    },
    py: '(lambda x, w: torch.autograd.grad((x @ w).tanh().sum(), [x, w]))(x0.clone().requires_grad_(), w0.clone().requires_grad_())',
    inputs: { x0, w0 },
  },
  {
    name: 'second derivative with create_graph',
    ts: () => {
      const x = leaf(x0);
      const [g] = torch.autograd.grad(x.pow(3).sum(), x, { create_graph: true });
      return torch.autograd.grad((g as torch.Tensor).sum(), x)[0];
    },
    py: '(lambda x: torch.autograd.grad(torch.autograd.grad((x ** 3).sum(), x, create_graph=True)[0].sum(), x)[0])(x0.clone().requires_grad_())',
    inputs: { x0 },
  },
  {
    name: 'hook replaces the gradient',
    ts: () => {
      const x = leaf(x0);
      const y = x.mul(2);
      y.register_hook((g) => g.mul(10));
      y.sum().backward();
      return x.grad;
    },
    py: '(lambda x: (lambda y: (y.register_hook(lambda g: g * 10), y.sum().backward(), x.grad)[2])(x * 2))(x0.clone().requires_grad_())',
    inputs: { x0 },
  },
  {
    name: 'retain_grad on a non-leaf',
    ts: () => {
      const x = leaf(x0);
      const y = x.exp();
      y.retain_grad();
      y.mul(y).sum().backward();
      return y.grad;
    },
    py: '(lambda x: (lambda y: (y.retain_grad(), (y * y).sum().backward(), y.grad)[2])(x.exp()))(x0.clone().requires_grad_())',
    inputs: { x0 },
  },
  {
    name: 'backward twice without retain_graph fails like Python',
    ts: () => {
      const x = leaf(x0);
      const y = x.exp().sum();
      y.backward();
      try {
        y.backward();
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    },
    py: '(lambda x: (lambda y: (y.backward(), (lambda: (y.backward(), "no error")[1]))[1])(x.exp().sum()))(x0.clone().requires_grad_())',
    setup: '',
    inputs: { x0 },
  },
];
// The last case needs Python's error message: evaluated separately below.
const pyCases = cases.slice(0, -1);

let results: PyResult[];
let retainMessage: string;
beforeAll(() => {
  results = runPython(pyCases);
  const r = runPython([
    {
      py: 'x.exp().sum()',
      setup:
        'x = x0.clone().requires_grad_(); y = x.exp().sum(); y.backward()\ntry:\n    y.backward()\nexcept RuntimeError as e:\n    msg = str(e)',
      inputs: { x0 },
    },
    {
      py: 'msg',
      setup:
        'x = x0.clone().requires_grad_(); y = x.exp().sum(); y.backward()\ntry:\n    y.backward()\nexcept RuntimeError as e:\n    msg = str(e)',
      inputs: { x0 },
    },
  ]);
  retainMessage = (r[1] as { value: string }).value;
});

describe('autograd matches Python', () => {
  test.each(pyCases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    expectMatches(pyCases[i].ts(), results[i], { rtol: 1e-5, atol: 1e-6 }, name);
  });
  test("backward twice without retain_graph fails with PyTorch's message", () => {
    expect(cases[cases.length - 1].ts()).toBe(retainMessage);
  });
});

describe('grad mode', () => {
  test('no_grad / enable_grad / set_grad_enabled', () => {
    const x = torch.ones(2, { requires_grad: true });
    expect(torch.is_grad_enabled()).toBe(true);
    const y = torch.no_grad(() => x.mul(2));
    expect(y.requires_grad).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
    const z = torch.no_grad(() => torch.enable_grad(() => x.mul(2)));
    expect(z.requires_grad).toBe(true);
    torch.set_grad_enabled(false);
    expect(x.mul(2).requires_grad).toBe(false);
    torch.set_grad_enabled(true);
    expect(x.mul(2).requires_grad).toBe(true);
  });
  test('no_grad restores the mode when the function throws', () => {
    expect(() =>
      torch.no_grad(() => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(torch.is_grad_enabled()).toBe(true);
  });
  test('no_grad keeps the mode until an async function settles', async () => {
    let inside = true;
    await torch.no_grad(async () => {
      await new Promise((r) => setTimeout(r, 5));
      inside = torch.is_grad_enabled();
    });
    expect(inside).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
  });
  test('a hook that throws propagates its error and backward can run again', () => {
    const x = torch.ones(2, { requires_grad: true });
    const y = x.mul(2);
    const h = y.register_hook(() => {
      throw new RangeError('from hook');
    });
    expect(() => y.sum().backward({} as never, { retain_graph: true })).toThrow();
    h.remove();
    const x2 = torch.ones(2, { requires_grad: true });
    const y2 = x2.mul(2);
    const hk = y2.register_hook(() => {
      throw new RangeError('from hook');
    });
    let err: unknown;
    try {
      y2.sum().backward();
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe('from hook');
    hk.remove();
  });
  test('an observing hook (returning nothing) leaves the gradient unchanged', () => {
    const x = torch.ones(3, { requires_grad: true });
    const y = x.mul(3);
    const seen: number[][] = [];
    y.register_hook((g) => {
      seen.push(g.tolist() as number[]);
    });
    x.register_hook(() => undefined);
    y.sum().backward();
    expect(seen).toEqual([[1, 1, 1]]);
    expect(x.grad?.tolist()).toEqual([3, 3, 3]);
  });
  test('removed hooks no longer run', () => {
    const x = torch.ones(2, { requires_grad: true });
    let calls = 0;
    const y = x.mul(2);
    const h = y.register_hook(() => {
      calls++;
    });
    h.remove();
    y.sum().backward();
    expect(calls).toBe(0);
    expect(x.grad?.tolist()).toEqual([2, 2]);
  });
  test('detach and detach_', () => {
    const x = torch.ones(2, { requires_grad: true });
    const y = x.mul(2);
    expect(y.detach().requires_grad).toBe(false);
    y.detach_();
    expect(y.requires_grad).toBe(false);
    expect(y.grad_fn).toBeNull();
  });
});
