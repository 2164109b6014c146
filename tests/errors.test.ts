/**
 * Bad input gets a clear JS error and the process survives: TypeError for wrong argument types,
 * TorchError with PyTorch's own message (checked against Python) and Python's exception type for
 * libtorch errors.
 */
import * as torch from '../lib';
import { N } from '../lib/native';
import * as F from '../lib/nn/functional';
import { OracleCase, PyResult, runPython } from './helpers/oracle';

const a = torch.randn([3, 4]);
const b = torch.randn([4]);
const d = torch.randn([3, 4], { dtype: torch.float64 });
const ia = torch.randint(0, 3, [3, 4]);

interface ErrCase extends OracleCase {
  name: string;
  ts: () => unknown;
}

// Errors raised by libtorch: same message and exception type as Python.
const libtorchErrors: ErrCase[] = [
  { name: 'broadcast mismatch', ts: () => a.add(torch.ones(5)), py: 'a + torch.ones(5)', inputs: { a } },
  { name: 'matmul shapes', ts: () => a.mm(a), py: 'a.mm(a)', inputs: { a } },
  { name: 'view size', ts: () => a.view(5), py: 'a.view(5)', inputs: { a } },
  { name: 'view incompatible stride', ts: () => a.t().view(12), py: 'a.t().view(12)', inputs: { a } },
  { name: 'cat dims', ts: () => torch.cat([a, b]), py: 'torch.cat([a, b])', inputs: { a, b } },
  {
    name: 'cat sizes',
    ts: () => torch.cat([a, torch.ones(2, 3)], 0),
    py: 'torch.cat([a, torch.ones(2, 3)], 0)',
    inputs: { a },
  },
  { name: 'sum dim out of range', ts: () => a.sum(5), py: 'a.sum(5)', inputs: { a } },
  { name: 'transpose dim out of range', ts: () => a.transpose(0, -3), py: 'a.transpose(0, -3)', inputs: { a } },
  { name: 'index out of bounds', ts: () => a.index(10), py: 'a[10]', inputs: { a } },
  { name: 'index too many', ts: () => a.index([0, 0, 0]), py: 'a[0, 0, 0]', inputs: { a } },
  { name: 'select out of range', ts: () => a.select(1, 9), py: 'a.select(1, 9)', inputs: { a } },
  {
    name: 'index_select out of range',
    ts: () => a.index_select(0, torch.tensor([5])),
    py: 'a.index_select(0, torch.tensor([5]))',
    inputs: { a },
  },
  { name: 'mm dtype mismatch', ts: () => a.mm(d.t()), py: 'a.mm(d.t())', inputs: { a, d } },
  { name: 'float index tensor', ts: () => a.index(a), py: 'a[a]', inputs: { a } },
  { name: 'in-place result type', ts: () => ia.clone().add_(a), py: 'ia.clone().add_(a)', inputs: { ia, a } },
  { name: 'masked_fill non-bool mask', ts: () => a.masked_fill(ia, 0), py: 'a.masked_fill(ia, 0)', inputs: { a, ia } },
  {
    name: 'requires_grad on int',
    ts: () => ia.clone().requires_grad_(),
    py: 'ia.clone().requires_grad_()',
    inputs: { ia },
  },
  { name: 'expand bad size', ts: () => b.expand(3, 5), py: 'b.expand(3, 5)', inputs: { b } },
  { name: 'item of many', ts: () => a.item(), py: 'a.item()', inputs: { a } },
  {
    name: 'backward non-scalar',
    ts: () => a.clone().requires_grad_().mul(2).backward(),
    py: 'a.clone().requires_grad_().mul(2).backward()',
    inputs: { a },
  },
  { name: 'squeeze dim out of range', ts: () => a.squeeze(3), py: 'a.squeeze(3)', inputs: { a } },
  { name: 'reshape size', ts: () => a.reshape([5, -1]), py: 'a.reshape(5, -1)', inputs: { a } },
  {
    name: 'gather index dims',
    ts: () => a.gather(1, torch.tensor([0, 1])),
    py: 'a.gather(1, torch.tensor([0, 1]))',
    inputs: { a },
  },
  {
    name: 'ATen type names printed as Python does',
    ts: () => F.embedding(torch.tensor([0.5]), a),
    py: 'torch.nn.functional.embedding(torch.tensor([0.5]), a)',
    inputs: { a },
  },
  { name: 'randint empty range', ts: () => torch.randint(5, 5, [2]), py: 'torch.randint(5, 5, (2,))' },
];

let results: PyResult[];
beforeAll(() => {
  results = runPython(libtorchErrors);
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('libtorch errors become TorchError with PyTorch message and type', () => {
  test.each(libtorchErrors.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const expected = results[i];
    if (expected.kind !== 'error') throw new Error(`python did not raise for ${name}`);
    const e = thrown(libtorchErrors[i].ts);
    expect(e).toBeInstanceOf(torch.TorchError);
    expect(e).toBeInstanceOf(Error);
    const err = e as torch.TorchError;
    expect(err.message).toBe(expected.message);
    expect(err.python_type).toBe(expected.type);
    expect(err.message).not.toMatch(/frame #|Exception raised from/);
  });
});

describe('wrong argument types are TypeErrors naming the argument', () => {
  const cases: [string, () => unknown, string][] = [
    ['add string', () => a.add('x' as never), "add(): argument 'other' must be Tensor or Number, not string"],
    ['mul object', () => a.mul({} as never), "mul(): argument 'other' must be Tensor or Number, not Object"],
    ['mm number', () => a.mm(3 as never), "mm(): argument 'mat2' must be Tensor, not number"],
    ['zeros string', () => torch.zeros('a' as never), "zeros(): argument 'size' must be tuple of ints, not string"],
    ['zeros float size', () => torch.zeros(2.5), "zeros(): argument 'size' must be tuple of ints, not number"],
    ['sum dim string', () => a.sum('x' as never), "sum(): argument 'dim' must be int or tuple of ints, not string"],
    ['view float', () => a.view(1.5), "view(): argument 'size' must be tuple of ints, not number"],
    ['transpose null', () => a.transpose(null as never, 1), "transpose(): argument 'dim0' must be int, not null"],
    ['cat non-tensor', () => torch.cat([a, 1 as never]), "cat(): argument 'tensors[1]' must be Tensor, not number"],
    ['cat non-array', () => torch.cat(a as never), "cat(): argument 'tensors' must be tuple of Tensors, not Tensor"],
    ['tensor bad element', () => torch.tensor([1, 'a' as never]), "tensor(): invalid data type 'string'"],
    ['tensor object', () => torch.tensor({} as never), 'tensor(): could not infer dtype of Object'],
    [
      'dtype option',
      () => torch.zeros([2], { dtype: 'float32' as never }),
      "zeros(): argument 'dtype' must be torch.dtype, not string",
    ],
    ['exp on non-tensor', () => torch.exp(3 as never), "exp(): argument 'input' must be Tensor, not number"],
    ['index float', () => a.index(1.5), 'index(): indices must be integers, got 1.5'],
    ['index bad string', () => a.index('a:b'), "index(): cannot parse 'a' in index string 'a:b'"],
    [
      'requires_grad_ non-bool',
      () => a.requires_grad_(1 as never),
      "requires_grad_(): argument 'requires_grad' must be bool, not number",
    ],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe(message);
  });
});

describe('other bad input', () => {
  test('ragged arrays are a ValueError like Python', () => {
    const py = runPython([{ py: 'torch.tensor([[1, 2], [3]])' }, { py: 'torch.tensor([[1, 2], 3])' }]);
    const e = thrown(() => torch.tensor([[1, 2], [3]])) as torch.TorchError;
    expect(e).toBeInstanceOf(torch.TorchError);
    expect(py[0]).toEqual({ kind: 'error', type: 'ValueError', message: e.message });
    expect(e.python_type).toBe('ValueError');
    const e2 = thrown(() => torch.tensor([[1, 2], 3 as never])) as torch.TorchError;
    expect(e2).toBeInstanceOf(torch.TorchError);
    expect(e2.python_type).toBe('ValueError');
  });
  test('a disposed tensor cannot be used, and disposing twice is harmless', () => {
    const x = torch.ones(3);
    x.dispose();
    x.dispose();
    const e = thrown(() => x.add(1)) as Error;
    expect(e).toBeInstanceOf(torch.TorchError);
    expect(e.message).toMatch(/disposed/);
    expect(thrown(() => a.add(x))).toBeInstanceOf(torch.TorchError);
    expect(thrown(() => x.shape)).toBeInstanceOf(torch.TorchError);
  });
  test('the addon rejects values it did not create without crashing', () => {
    // The addon's TypeErrors come from Node's realm, not Jest's sandbox: compare by name.
    const name = (fn: () => unknown) => (thrown(fn) as Error).name;
    for (const bad of [{}, [], 1, 'x', null, undefined, () => 0, new Float32Array(2), Symbol('s'), 10n]) {
      expect(name(() => N.add(bad, a._h, 1))).toBe('TypeError');
      expect(name(() => N.shape(bad))).toBe('TypeError');
    }
    // null/undefined must not reach ToObject (that would leave a pending V8 exception behind).
    for (const bad of [null, undefined])
      expect((thrown(() => N.shape(bad)) as Error).message).toBe('expected a Tensor');
    const fake = new (torch.Tensor as unknown as new (h: unknown) => torch.Tensor)({});
    expect(name(() => fake.sum())).toBe('TypeError');
    expect(thrown(() => N.zeros([2, -1], 0))).toBeInstanceOf(torch.TorchError);
    expect(name(() => N.fromTypedArray(new Float32Array(2), null, [3]))).toBe('TypeError');
    expect(name(() => N.fromBuffer(new Uint8Array(3), torch.float32.code, [1], 0))).toBe('TypeError');
  });
  test('getters that throw while converting arguments propagate their error', () => {
    const evil = [0, 1];
    Object.defineProperty(evil, 1, {
      get() {
        throw new RangeError('boom');
      },
    });
    expect(thrown(() => N.view(a._h, evil))).toBeInstanceOf(RangeError);
  });
  test('invalid device strings and dtypes', () => {
    expect(thrown(() => new torch.device('gpu'))).toBeInstanceOf(torch.TorchError);
    expect(thrown(() => torch.set_default_dtype(torch.int32))).toBeInstanceOf(TypeError);
  });
  test('numpy() refuses tensors that require grad', () => {
    const e = thrown(() => torch.ones(2, { requires_grad: true }).numpy()) as Error;
    expect(e.message).toBe("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  });
});
