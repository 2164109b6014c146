/**
 * nn.Module core: callable instances, auto-registration, traversal, state_dict /
 * load_state_dict (keys, metadata and error messages as Python's), hooks, modes, conversion.
 * Uses modules built from Parameters only, mirrored in Python.
 */
import * as torch from '../lib';
import { expectMatches, runPython } from './helpers/oracle';

const { nn } = torch;
type T = torch.Tensor;

class Affine extends nn.Module<(x: T) => T> {
  weight: torch.nn.Parameter;
  bias: torch.nn.Parameter;
  constructor(
    readonly inF: number,
    readonly outF: number,
  ) {
    super();
    this.weight = new nn.Parameter(torch.randn(outF, inF));
    this.bias = new nn.Parameter(torch.zeros(outF));
  }
  forward(x: T): T {
    return x.matmul(this.weight.t()).add(this.bias);
  }
  extra_repr(): string {
    return `in_features=${this.inF}, out_features=${this.outF}`;
  }
}

class Block extends nn.Module<(x: T) => T> {
  declare scale: T; // a buffer: registered by register_buffer, declared for TypeScript
  fc = new Affine(4, 4);
  constructor() {
    super();
    this.register_buffer('scale', torch.ones(1));
    this.register_buffer('cache', torch.zeros(1), false);
  }
  forward(x: T): T {
    return this.fc(x).relu().mul(this.scale);
  }
}

class Net extends nn.Module<(x: T) => T> {
  block = new Block();
  head = new Affine(4, 2);
  forward(x: T): T {
    return this.head(this.block(x));
  }
}

const PY_MODELS = `
import json
import torch.nn as nn
class Affine(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(o, i))
        self.bias = nn.Parameter(torch.zeros(o))
        self.i, self.o = i, o
    def forward(self, x):
        return x @ self.weight.t() + self.bias
    def extra_repr(self):
        return f'in_features={self.i}, out_features={self.o}'
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = Affine(4, 4)
        self.register_buffer('scale', torch.ones(1))
        self.register_buffer('cache', torch.zeros(1), persistent=False)
    def forward(self, x):
        return self.fc(x).relu() * self.scale
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = Affine(4, 2)
    def forward(self, x):
        return self.head(self.block(x))
net = Net()
def err(f):
    try:
        f()
        return 'no error'
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)
`;

function thrownMessage(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    const err = e as torch.TorchError;
    return `${err.python_type ?? err.name}: ${err.message}`;
  }
}

let py: {
  keys: string[];
  metadata: string;
  repr: string;
  params: string[];
  buffers: string[];
  modules: string[];
  errMissing: string;
  errUnexpected: string;
  errSize: string;
  out: number[];
};

beforeAll(() => {
  const r = runPython([
    {
      setup: PY_MODELS,
      py: `json.dumps({
        'keys': list(net.state_dict().keys()),
        'metadata': repr(dict(net.state_dict()._metadata)),
        'repr': repr(net),
        'params': [n for n, _ in net.named_parameters()],
        'buffers': [n for n, _ in net.named_buffers()],
        'modules': [n for n, _ in net.named_modules()],
        'errMissing': err(lambda: net.load_state_dict({k: v for k, v in net.state_dict().items() if k != 'head.bias'})),
        'errUnexpected': err(lambda: net.load_state_dict({**net.state_dict(), 'head.extra': torch.ones(1), 'other': torch.ones(1)})),
        'errSize': err(lambda: net.load_state_dict({**net.state_dict(), 'head.weight': torch.ones(3, 4)})),
      })`,
    },
  ]);
  py = JSON.parse((r[0] as { value: string }).value);
});

describe('registration and traversal', () => {
  const net = new Net();
  test('state_dict keys in Python order (params, persistent buffers, children)', () => {
    expect(Object.keys(net.state_dict())).toEqual(py.keys);
  });
  test('state_dict _metadata versions like Python', () => {
    const md = nn.metadataOf(net.state_dict()) as Record<string, Record<string, number>>;
    const asPy = `{${Object.entries(md)
      .map(([k, v]) => `'${k}': {'version': ${v.version}}`)
      .join(', ')}}`;
    expect(asPy).toBe(py.metadata);
    expect(Object.keys(net.state_dict())).not.toContain('_metadata');
  });
  test('repr equals Python', () => {
    expect(String(net)).toBe(py.repr);
  });
  test('named_parameters / named_buffers / named_modules', () => {
    expect([...net.named_parameters()].map(([n]) => n)).toEqual(py.params);
    expect([...net.named_buffers()].map(([n]) => n)).toEqual(py.buffers);
    expect([...net.named_modules()].map(([n]) => n)).toEqual(py.modules);
    expect(net.parameters().every((p) => p instanceof nn.Parameter)).toBe(true);
    expect([...net.children()].length).toBe(2);
    expect(net.get_submodule('block.fc')).toBe(net.block.fc);
    expect(net.get_parameter('block.fc.bias')).toBe(net.block.fc.bias);
  });
  test('instances are callable functions of their class', () => {
    expect(typeof net).toBe('function');
    expect(net).toBeInstanceOf(Net);
    expect(net).toBeInstanceOf(nn.Module);
    const y = net(torch.randn(3, 4));
    expect(y.shape).toEqual([3, 2]);
  });
  test('replacing a submodule re-registers it (model.fc = new ...)', () => {
    const m = new Net();
    const old = m.head;
    m.head = new Affine(4, 7);
    expect(m(torch.randn(2, 4)).shape).toEqual([2, 7]);
    expect(m.parameters()).not.toContain(old.weight);
    expect(Object.keys(m.state_dict())).toContain('head.weight');
  });
  test('assigning a non-module to a module field is a TypeError like Python', () => {
    const m = new Net();
    expect(() => {
      (m as unknown as Record<string, unknown>).head = 3;
    }).toThrow("cannot assign 'number' as child module 'head' (torch.nn.Module or None expected)");
    expect(() => {
      (m.head as unknown as Record<string, unknown>).weight = torch.ones(2);
    }).toThrow("cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
  });
  test('shared submodules and parameters are listed once', () => {
    class Tied extends nn.Module {
      a = new Affine(2, 2);
      b = this.a;
    }
    const t = new Tied();
    expect(t.parameters().length).toBe(2);
    expect([...t.named_modules()].length).toBe(2);
  });
});

describe('load_state_dict', () => {
  test('round trip copies values', () => {
    const a = new Net();
    const b = new Net();
    const r = b.load_state_dict(a.state_dict());
    expect(r).toEqual({ missing_keys: [], unexpected_keys: [] });
    expect(b.head.weight.equal(a.head.weight)).toBe(true);
    expect(b.block.fc.bias.equal(a.block.fc.bias)).toBe(true);
  });
  test('missing key error text equals Python', () => {
    const net = new Net();
    const sd = net.state_dict();
    delete sd['head.bias'];
    expect(thrownMessage(() => net.load_state_dict(sd))).toBe(py.errMissing);
  });
  test('unexpected key error text equals Python', () => {
    const net = new Net();
    const sd = { ...net.state_dict(), 'head.extra': torch.ones(1), other: torch.ones(1) };
    expect(thrownMessage(() => net.load_state_dict(sd))).toBe(py.errUnexpected);
  });
  test('size mismatch error text equals Python', () => {
    const net = new Net();
    const sd = { ...net.state_dict(), 'head.weight': torch.ones(3, 4) };
    expect(thrownMessage(() => net.load_state_dict(sd))).toBe(py.errSize);
  });
  test('strict: false reports instead of throwing', () => {
    const net = new Net();
    const sd: Record<string, T> = { ...net.state_dict(), extra: torch.ones(1) };
    delete sd['head.bias'];
    expect(net.load_state_dict(sd, { strict: false })).toEqual({
      missing_keys: ['head.bias'],
      unexpected_keys: ['extra'],
    });
  });
});

describe('modes, hooks, grads and conversion', () => {
  test('train / eval propagate', () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.block.fc.training).toBe(true);
  });
  test('forward pre-hooks and hooks can replace input and output; handles remove them', () => {
    const net = new Affine(2, 2);
    const seen: number[][] = [];
    const h1 = net.register_forward_pre_hook((_m, args) => [(args[0] as T).mul(0)]);
    const h2 = net.register_forward_hook((_m, _args, out) => {
      seen.push((out as T).shape);
      return (out as T).add(1);
    });
    const y = net(torch.ones(3, 2));
    expect(seen).toEqual([[3, 2]]);
    expect(y.sub(net.bias.add(1)).abs().max().item()).toBe(0);
    h1.remove();
    h2.remove();
    expect(net(torch.zeros(1, 2)).equal(net.bias.unsqueeze(0))).toBe(true);
  });
  test('zero_grad zeroes (1.13 default) or sets to null', () => {
    const net = new Net();
    net(torch.randn(2, 4)).sum().backward();
    expect(net.head.weight.grad).not.toBeNull();
    net.zero_grad();
    expect(net.head.weight.grad?.abs().sum().item()).toBe(0);
    net.zero_grad(true);
    expect(net.head.weight.grad).toBeNull();
  });
  test('requires_grad_ and apply', () => {
    const net = new Net();
    net.requires_grad_(false);
    expect(net.parameters().some((p) => p.requires_grad)).toBe(false);
    let count = 0;
    net.apply(() => count++);
    expect(count).toBe(4);
  });
  test('double() converts in place, keeping Parameter objects', () => {
    const net = new Net();
    const w = net.head.weight;
    net.double();
    expect(net.head.weight).toBe(w);
    expect(w.dtype).toBe(torch.float64);
    expect(net.block.scale.dtype).toBe(torch.float64);
    expect(net(torch.randn(1, 4, { dtype: torch.float64 })).dtype).toBe(torch.float64);
  });
  test('modules built inside a scope keep their parameters and buffers', () => {
    const net = torch.scope(() => new Net());
    expect(net(torch.ones(1, 4)).shape).toEqual([1, 2]);
  });
  test('full backward hooks see grad_input / grad_output like Python and can replace grad_input', () => {
    torch.manual_seed(4);
    const lin = new torch.nn.Linear(3, 2);
    const x = torch.randn([4, 3], { requires_grad: true });
    const seen: { gi: (T | null)[]; go: (T | null)[] }[] = [];
    const h = lin.register_full_backward_hook((_m, gi, go) => {
      seen.push({ gi, go });
      return [(gi[0] as T).mul(2)];
    });
    lin(x).pow(2).sum().backward();
    h.remove();
    const r = runPython([
      {
        setup: `lin = torch.nn.Linear(3, 2)
lin.load_state_dict({'weight': w, 'bias': b})
x = x0.clone().requires_grad_()
seen = []
def hook(m, gi, go):
    seen.append((gi[0].clone(), go[0].clone()))
    return (gi[0] * 2,)
lin.register_full_backward_hook(hook)
lin(x).pow(2).sum().backward()`,
        py: '[seen[0][0], seen[0][1], x.grad, len(seen)]',
        inputs: { w: lin.weight.detach(), b: (lin.bias as T).detach(), x0: x.detach() },
      },
    ])[0];
    if (r.kind !== 'list') throw new Error(JSON.stringify(r));
    expect(seen.length).toBe(1);
    expectMatches(seen[0].gi[0], r.items[0]);
    expectMatches(seen[0].go[0], r.items[1]);
    expectMatches(x.grad, r.items[2]);
    expectMatches(seen.length, r.items[3]);
  });
  test("registration errors are Python's KeyErrors", () => {
    const m = new nn.Module();
    expect(thrownMessage(() => m.add_module('train', new Affine(1, 1)))).toBe(
      'KeyError: "attribute \'train\' already exists"',
    );
    expect(thrownMessage(() => m.add_module('a.b', new Affine(1, 1)))).toBe(
      "KeyError: 'module name can\\'t contain \".\", got: a.b'",
    );
    expect(thrownMessage(() => m.register_buffer('x.y', null))).toBe("KeyError: 'buffer name can\\'t contain \".\"'");
    expect([...new Net()._modules.keys()]).toEqual(['block', 'head']);
  });
  test('a Module without forward raises NotImplementedError', () => {
    const m = new nn.Module();
    expect(thrownMessage(() => m())).toBe(
      'NotImplementedError: Module [Module] is missing the required "forward" function',
    );
  });
});
