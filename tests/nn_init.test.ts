/**
 * nn.init against Python PyTorch: after the same torch.manual_seed every function fills a tensor
 * with exactly Python's numbers (same arithmetic, same RNG calls in the same order), gains and
 * fans are Python's, the identity-like inits are exact, statistics are as documented, and the
 * errors are Python's.
 */
import * as torch from '../lib';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

const { nn } = torch;
const init = nn.init;
type Tensor = torch.Tensor;

const exact = { rtol: 0, atol: 0 };

interface InitCase {
  name: string;
  shape: number[];
  dtype?: torch.dtype;
  ts: (t: Tensor) => Tensor;
  /** The Python call on `t`. */
  py: string;
}

const cases: InitCase[] = [
  { name: 'uniform_ default', shape: [3, 4], ts: (t) => init.uniform_(t), py: 'init.uniform_(t)' },
  { name: 'uniform_ a b', shape: [5], ts: (t) => init.uniform_(t, -2, 0.5), py: 'init.uniform_(t, -2, 0.5)' },
  { name: 'uniform_ keyword b', shape: [5], ts: (t) => init.uniform_(t, { b: 3 }), py: 'init.uniform_(t, b=3)' },
  { name: 'normal_ default', shape: [3, 4], ts: (t) => init.normal_(t), py: 'init.normal_(t)' },
  {
    name: 'normal_ mean std',
    shape: [2, 2, 3],
    ts: (t) => init.normal_(t, { mean: 1, std: 0.02 }),
    py: 'init.normal_(t, mean=1, std=0.02)',
  },
  {
    name: 'normal_ float64',
    shape: [6],
    dtype: torch.float64,
    ts: (t) => init.normal_(t, 0.5, 2),
    py: 'init.normal_(t, 0.5, 2)',
  },
  { name: 'trunc_normal_ default', shape: [50], ts: (t) => init.trunc_normal_(t), py: 'init.trunc_normal_(t)' },
  {
    name: 'trunc_normal_ std a b',
    shape: [4, 6],
    ts: (t) => init.trunc_normal_(t, { std: 0.5, a: -1, b: 0.75 }),
    py: 'init.trunc_normal_(t, std=0.5, a=-1, b=0.75)',
  },
  {
    name: 'trunc_normal_ mean positional',
    shape: [30],
    ts: (t) => init.trunc_normal_(t, 1, 0.02, 0.97, 1.03),
    py: 'init.trunc_normal_(t, 1, 0.02, 0.97, 1.03)',
  },
  {
    name: 'trunc_normal_ float64',
    shape: [20],
    dtype: torch.float64,
    ts: (t) => init.trunc_normal_(t, { std: 0.02 }),
    py: 'init.trunc_normal_(t, std=0.02)',
  },
  { name: 'constant_', shape: [2, 3], ts: (t) => init.constant_(t, 0.3), py: 'init.constant_(t, 0.3)' },
  { name: 'constant_ keyword', shape: [2], ts: (t) => init.constant_(t, { val: -7 }), py: 'init.constant_(t, val=-7)' },
  { name: 'ones_', shape: [2, 3], ts: (t) => init.ones_(t), py: 'init.ones_(t)' },
  { name: 'zeros_', shape: [2, 3], ts: (t) => init.zeros_(t), py: 'init.zeros_(t)' },
  { name: 'eye_ square', shape: [3, 3], ts: (t) => init.eye_(t), py: 'init.eye_(t)' },
  { name: 'eye_ wide', shape: [2, 5], ts: (t) => init.eye_(t), py: 'init.eye_(t)' },
  { name: 'eye_ tall', shape: [4, 2], ts: (t) => init.eye_(t), py: 'init.eye_(t)' },
  { name: 'dirac_ 3-D', shape: [4, 2, 3], ts: (t) => init.dirac_(t), py: 'init.dirac_(t)' },
  { name: 'dirac_ 4-D', shape: [3, 5, 3, 4], ts: (t) => init.dirac_(t), py: 'init.dirac_(t)' },
  { name: 'dirac_ 5-D groups', shape: [6, 2, 3, 3, 3], ts: (t) => init.dirac_(t, 3), py: 'init.dirac_(t, 3)' },
  {
    name: 'dirac_ 4-D groups keyword',
    shape: [4, 3, 3, 3],
    ts: (t) => init.dirac_(t, { groups: 2 }),
    py: 'init.dirac_(t, groups=2)',
  },
  { name: 'xavier_uniform_', shape: [7, 5], ts: (t) => init.xavier_uniform_(t), py: 'init.xavier_uniform_(t)' },
  {
    name: 'xavier_uniform_ gain relu conv',
    shape: [8, 3, 3, 3],
    ts: (t) => init.xavier_uniform_(t, { gain: init.calculate_gain('relu') }),
    py: "init.xavier_uniform_(t, gain=init.calculate_gain('relu'))",
  },
  { name: 'xavier_normal_', shape: [7, 5], ts: (t) => init.xavier_normal_(t), py: 'init.xavier_normal_(t)' },
  {
    name: 'xavier_normal_ gain',
    shape: [4, 6, 2],
    ts: (t) => init.xavier_normal_(t, 0.5),
    py: 'init.xavier_normal_(t, 0.5)',
  },
  {
    name: 'kaiming_uniform_ default',
    shape: [6, 4],
    ts: (t) => init.kaiming_uniform_(t),
    py: 'init.kaiming_uniform_(t)',
  },
  {
    name: 'kaiming_uniform_ a=sqrt(5)',
    shape: [16, 3, 3, 3],
    ts: (t) => init.kaiming_uniform_(t, { a: Math.sqrt(5) }),
    py: 'init.kaiming_uniform_(t, a=math.sqrt(5))',
  },
  {
    name: 'kaiming_uniform_ fan_out relu',
    shape: [16, 3, 3, 3],
    ts: (t) => init.kaiming_uniform_(t, { mode: 'fan_out', nonlinearity: 'relu' }),
    py: "init.kaiming_uniform_(t, mode='fan_out', nonlinearity='relu')",
  },
  {
    name: 'kaiming_uniform_ positional',
    shape: [5, 5],
    ts: (t) => init.kaiming_uniform_(t, 0.2, 'fan_in', 'leaky_relu'),
    py: "init.kaiming_uniform_(t, 0.2, 'fan_in', 'leaky_relu')",
  },
  { name: 'kaiming_normal_ default', shape: [6, 4], ts: (t) => init.kaiming_normal_(t), py: 'init.kaiming_normal_(t)' },
  {
    name: 'kaiming_normal_ fan_out relu',
    shape: [8, 4, 3, 3],
    ts: (t) => init.kaiming_normal_(t, { mode: 'fan_out', nonlinearity: 'relu' }),
    py: "init.kaiming_normal_(t, mode='fan_out', nonlinearity='relu')",
  },
  {
    name: 'kaiming_normal_ FAN_IN tanh',
    shape: [3, 7],
    ts: (t) => init.kaiming_normal_(t, { mode: 'FAN_IN' as 'fan_in', nonlinearity: 'tanh' }),
    py: "init.kaiming_normal_(t, mode='FAN_IN', nonlinearity='tanh')",
  },
  { name: 'orthogonal_ tall', shape: [6, 3], ts: (t) => init.orthogonal_(t), py: 'init.orthogonal_(t)' },
  { name: 'orthogonal_ wide', shape: [3, 6], ts: (t) => init.orthogonal_(t), py: 'init.orthogonal_(t)' },
  {
    name: 'orthogonal_ conv weight gain',
    shape: [4, 2, 3, 3],
    ts: (t) => init.orthogonal_(t, 2),
    py: 'init.orthogonal_(t, 2)',
  },
  {
    name: 'orthogonal_ float64',
    shape: [5, 5],
    dtype: torch.float64,
    ts: (t) => init.orthogonal_(t, { gain: 0.5 }),
    py: 'init.orthogonal_(t, gain=0.5)',
  },
  { name: 'sparse_', shape: [10, 4], ts: (t) => init.sparse_(t, 0.3), py: 'init.sparse_(t, 0.3)' },
  {
    name: 'sparse_ std',
    shape: [5, 3],
    ts: (t) => init.sparse_(t, { sparsity: 0.5, std: 1 }),
    py: 'init.sparse_(t, sparsity=0.5, std=1)',
  },
];

function pyCase(c: InitCase): OracleCase {
  const dt = c.dtype ? `, dtype=torch.${c.dtype.name}` : '';
  return {
    setup: `from torch.nn import init\ntorch.manual_seed(0)\nt = torch.empty(${c.shape.join(', ')}${dt})\nr = ${c.py}\n`,
    py: '[t, r is t]',
  };
}

function runTs(c: InitCase): [Tensor, boolean] {
  torch.manual_seed(0);
  const t = torch.empty(c.shape, { dtype: c.dtype ?? torch.float32 });
  const r = c.ts(t);
  return [t, r === t];
}

// ------------------------------------------------------------------ gains, fans, statistics, errors

const NONLINEARITIES = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
] as const;
const FAN_SHAPES = [
  [3, 4],
  [8, 3, 5],
  [16, 3, 3, 3],
  [2, 4, 2, 3, 5],
];

const miscCases: OracleCase[] = [
  { setup: 'from torch.nn import init', py: `[init.calculate_gain(n) for n in ${JSON.stringify(NONLINEARITIES)}]` },
  {
    setup: 'from torch.nn import init',
    py: "[init.calculate_gain('leaky_relu', 0.2), init.calculate_gain('leaky_relu', 0), init.calculate_gain('leaky_relu', math.sqrt(5))]",
  },
  {
    setup: 'from torch.nn import init',
    py: `[list(init._calculate_fan_in_and_fan_out(torch.empty(s))) for s in ${JSON.stringify(FAN_SHAPES)}]`,
  },
  {
    setup:
      'from torch.nn import init\ntorch.manual_seed(0)\nw = init.kaiming_normal_(torch.empty(256, 128, 3, 3), mode="fan_out", nonlinearity="relu")\n',
    py: '[w.std(), w.mean()]',
  },
];

interface ErrorCase {
  name: string;
  ts: () => unknown;
  py: string;
}

const errorCases: ErrorCase[] = [
  { name: 'eye_ on a 3-D tensor', ts: () => init.eye_(torch.empty(2, 2, 2)), py: 'init.eye_(torch.empty(2, 2, 2))' },
  { name: 'dirac_ on a 2-D tensor', ts: () => init.dirac_(torch.empty(2, 2)), py: 'init.dirac_(torch.empty(2, 2))' },
  {
    name: 'dirac_ groups not dividing dim 0',
    ts: () => init.dirac_(torch.empty(5, 2, 3), 2),
    py: 'init.dirac_(torch.empty(5, 2, 3), 2)',
  },
  {
    name: 'fan of a 1-D tensor',
    ts: () => init.xavier_uniform_(torch.empty(5)),
    py: 'init.xavier_uniform_(torch.empty(5))',
  },
  {
    name: 'kaiming bad mode',
    ts: () => init.kaiming_uniform_(torch.empty(3, 3), { mode: 'fan_avg' as 'fan_in' }),
    py: "init.kaiming_uniform_(torch.empty(3, 3), mode='fan_avg')",
  },
  {
    name: 'unsupported nonlinearity',
    ts: () => init.calculate_gain('softplus' as 'relu'),
    py: "init.calculate_gain('softplus')",
  },
  {
    name: 'leaky_relu slope not a number',
    ts: () => init.calculate_gain('leaky_relu', true as unknown as number),
    py: "init.calculate_gain('leaky_relu', True)",
  },
  {
    name: 'orthogonal_ on a 1-D tensor',
    ts: () => init.orthogonal_(torch.empty(4)),
    py: 'init.orthogonal_(torch.empty(4))',
  },
  {
    name: 'sparse_ on a 3-D tensor',
    ts: () => init.sparse_(torch.empty(2, 2, 2), 0.1),
    py: 'init.sparse_(torch.empty(2, 2, 2), 0.1)',
  },
  {
    name: 'constant_ without val',
    ts: () => (init.constant_ as (...a: unknown[]) => Tensor)(torch.empty(2)),
    py: 'init.constant_(torch.empty(2))',
  },
  {
    name: 'normal_ unexpected keyword',
    ts: () => init.normal_(torch.empty(2), { sd: 1 } as unknown as { std: number }),
    py: 'init.normal_(torch.empty(2), sd=1)',
  },
];

let pyInit: PyResult[];
let pyMisc: PyResult[];
let pyErrors: PyResult[];

beforeAll(() => {
  const errs = errorCases.map((c) => ({ setup: 'from torch.nn import init', py: c.py }));
  const all = runPython([...cases.map(pyCase), ...miscCases, ...errs]);
  pyInit = all.slice(0, cases.length);
  pyMisc = all.slice(cases.length, cases.length + miscCases.length);
  pyErrors = all.slice(cases.length + miscCases.length);
});

function items(r: PyResult): PyResult[] {
  if (r.kind === 'error') throw new Error(`Python raised ${r.type}: ${r.message}`);
  if (r.kind !== 'list') throw new Error(`expected a list from Python, got ${r.kind}`);
  return r.items;
}

describe('same seed, same numbers as Python (bit for bit), filled in place', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const [t, same] = runTs(cases[i]);
    const [expected, pySame] = items(pyInit[i]);
    expectMatches(t, expected, exact);
    expectMatches(same, pySame);
  });
});

describe('gains, fans and statistics', () => {
  test('calculate_gain for every nonlinearity', () => {
    expectMatches(
      NONLINEARITIES.map((n) => init.calculate_gain(n)),
      pyMisc[0],
      exact,
    );
  });
  test('calculate_gain leaky_relu slopes', () => {
    const gains = [
      init.calculate_gain('leaky_relu', 0.2),
      init.calculate_gain('leaky_relu', 0),
      init.calculate_gain('leaky_relu', Math.sqrt(5)),
    ];
    expectMatches(gains, pyMisc[1], exact);
  });
  test('_calculate_fan_in_and_fan_out', () => {
    expectMatches(
      FAN_SHAPES.map((s) => init._calculate_fan_in_and_fan_out(torch.empty(s))),
      pyMisc[2],
      exact,
    );
  });
  test('kaiming_normal_ has std gain / sqrt(fan) and mean 0 (and matches Python)', () => {
    torch.manual_seed(0);
    const w = init.kaiming_normal_(torch.empty(256, 128, 3, 3), { mode: 'fan_out', nonlinearity: 'relu' });
    const [std, mean] = [w.std(), w.mean()];
    expectMatches([std, mean], pyMisc[3], { rtol: 1e-6, atol: 1e-7 });
    expect(Math.abs((std.item() as number) - Math.sqrt(2 / (256 * 9)))).toBeLessThan(1e-3);
    expect(Math.abs(mean.item() as number)).toBeLessThan(1e-3);
  });
  test('uniform bounds: xavier_uniform_ and kaiming_uniform_ stay within their bound', () => {
    const x = init.xavier_uniform_(torch.empty(64, 32));
    expect(x.abs().max().item() as number).toBeLessThanOrEqual(Math.sqrt(6 / 96));
    const k = init.kaiming_uniform_(torch.empty(64, 32), { a: Math.sqrt(5) });
    expect(k.abs().max().item() as number).toBeLessThanOrEqual(1 / Math.sqrt(32));
  });
  test('trunc_normal_ stays within [a, b]', () => {
    const t = init.trunc_normal_(torch.empty(10000), { mean: 0.5, std: 1, a: -0.25, b: 1 });
    expect(t.min().item() as number).toBeGreaterThanOrEqual(-0.25);
    expect(t.max().item() as number).toBeLessThanOrEqual(1);
  });
  test('orthogonal_ gives orthonormal rows (wide) and columns (tall)', () => {
    const wide = init.orthogonal_(torch.empty(3, 8));
    expect(wide.mm(wide.t()).allclose(torch.eye(3), { atol: 1e-5 })).toBe(true);
    const tall = init.orthogonal_(torch.empty(8, 3), 2);
    expect(tall.t().mm(tall).allclose(torch.eye(3).mul(4), { atol: 1e-5 })).toBe(true);
  });
  test('dirac_ makes a convolution the identity', () => {
    const w = init.dirac_(torch.empty(3, 3, 3, 3));
    const x = torch.randn(1, 3, 5, 5);
    expect(nn.functional.conv2d(x, w, null, 1, 1).allclose(x)).toBe(true);
  });
  test('parameters are filled under no_grad: no graph, requires_grad kept', () => {
    const p = new nn.Parameter(torch.empty(3, 4));
    for (const fn of [
      init.uniform_,
      init.normal_,
      init.xavier_uniform_,
      init.kaiming_normal_,
      init.trunc_normal_,
      init.orthogonal_,
    ]) {
      const r = (fn as (t: Tensor) => Tensor)(p);
      expect(r).toBe(p);
      expect(p.requires_grad).toBe(true);
      expect(p.grad_fn).toBeNull();
    }
    init.eye_(p);
    init.constant_(p, 2);
    expect(p.is_leaf).toBe(true);
  });
  test('zero-element tensors are a no-op for kaiming (with a warning)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const t = torch.empty(0, 3);
      expect(init.kaiming_uniform_(t)).toBe(t);
      expect(warn).toHaveBeenCalledWith('Initializing zero-element tensors is a no-op', 'UserWarning');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('errors match Python (type and message)', () => {
  test.each(errorCases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const expected = pyErrors[i];
    if (expected.kind !== 'error') throw new Error(`Python did not raise for ${name}`);
    let err: unknown;
    try {
      errorCases[i].ts();
    } catch (e) {
      err = e;
    }
    if (err === undefined) throw new Error(`torchts did not raise for ${name}`);
    const e = err as Error & { python_type?: string };
    expect(`${e.python_type ?? e.name}: ${e.message}`).toBe(`${expected.type}: ${expected.message}`);
  });
});
