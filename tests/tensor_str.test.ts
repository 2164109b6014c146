/**
 * Tensor printing against Python PyTorch as the oracle.
 *
 * Every case is a fake PrintableTensor (no native addon needed). All cases go to ONE
 * /usr/bin/python3 process, which builds the same tensor, returns `repr(t)` and the values the
 * tensor actually stores (float32 / float16 / bfloat16 rounding happens in torch), and the fake
 * tensor is built from those stored values. Inputs come from a seeded generator, so a failure
 * reproduces on every run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import {
  formatFixed,
  formatScientific,
  formatTensor,
  get_printoptions,
  PrintableTensor,
  PrintOptions,
  set_printoptions,
} from '../lib/_tensor_str';

type DtypeName =
  'float32' | 'float64' | 'float16' | 'bfloat16' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'bool';
type Scalar = number | bigint | boolean;
type OptionsArg = Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' };

const FLOAT_DTYPES: readonly DtypeName[] = ['float32', 'float64', 'float16', 'bfloat16'];
const ALL_DTYPES: readonly DtypeName[] = [...FLOAT_DTYPES, 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool'];

interface TensorCase {
  name: string;
  shape: number[];
  dtype: DtypeName;
  values: Scalar[];
  requiresGrad?: boolean;
  /** An op applied in Python after requires_grad_(), so the result has that grad_fn. */
  gradOp?: 'add' | 'mul';
  options?: OptionsArg;
  /** Hand values to the printer as a plain array (booleans for bool, numbers for int64) instead of a typed array. */
  plainValues?: boolean;
}

// ------------------------------------------------------------------ seeded inputs

/** mulberry32: a small deterministic PRNG. */
function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = makeRng(20240613);

function randn(): number {
  // Box-Muller; 1 - rand() avoids log(0).
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function randInt(lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function normals(shape: number[], scale = 1): number[] {
  return Array.from({ length: numel(shape) }, () => randn() * scale);
}

function ints(shape: number[], lo: number, hi: number): number[] {
  return Array.from({ length: numel(shape) }, () => randInt(lo, hi));
}

function bools(shape: number[]): boolean[] {
  return Array.from({ length: numel(shape) }, () => rand() < 0.5);
}

function arange(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Values that fit `dtype`, at a random magnitude, sometimes with nan / inf / zeros mixed in. */
function randomValues(dtype: DtypeName, shape: number[]): Scalar[] {
  const n = numel(shape);
  if (dtype === 'bool') return bools(shape);
  if (dtype === 'uint8') return ints(shape, 0, 255);
  if (dtype === 'int8') return ints(shape, -128, 127);
  if (dtype === 'int16') return ints(shape, -32768, 32767);
  if (dtype === 'int32') return ints(shape, -(2 ** 31), 2 ** 31 - 1);
  if (dtype === 'int64') {
    return Array.from({ length: n }, () => BigInt(randInt(-(2 ** 30), 2 ** 30)) * BigInt(randInt(1, 2 ** 30)));
  }
  const scale = 10 ** (rand() * 16 - 8);
  const integral = rand() < 0.3;
  const specials = rand() < 0.3;
  return Array.from({ length: n }, () => {
    if (specials && rand() < 0.2) return pick([NaN, Infinity, -Infinity, 0, -0]);
    const v = randn() * scale;
    return integral ? Math.round(v) : v;
  });
}

function randomOptions(): OptionsArg | undefined {
  if (rand() < 0.6) return undefined;
  return pick<OptionsArg>([
    { precision: randInt(0, 8) },
    { sci_mode: true },
    { sci_mode: false },
    { linewidth: randInt(20, 150) },
    { threshold: randInt(5, 50), edgeitems: randInt(1, 4) },
    { profile: 'short' },
  ]);
}

// ------------------------------------------------------------------ cases

/** A case in table form: name, dtype, shape, values, then the optional fields. */
function tc(
  name: string,
  dtype: DtypeName,
  shape: number[],
  values: Scalar[],
  extra: Omit<TensorCase, 'name' | 'dtype' | 'shape' | 'values'> = {},
): TensorCase {
  return { name, dtype, shape, values, ...extra };
}

function buildCases(): TensorCase[] {
  const cases: TensorCase[] = [
    // shapes and plain floats
    tc('randn 1-D', 'float32', [5], normals([5])),
    tc('randn 2-D', 'float32', [3, 4], normals([3, 4])),
    tc('randn 3-D', 'float32', [2, 3, 4], normals([2, 3, 4])),
    tc('randn 4-D', 'float32', [2, 2, 2, 3], normals([2, 2, 2, 3])),
    tc('randn 5-D', 'float32', [2, 1, 2, 1, 2], normals([2, 1, 2, 1, 2])),
    tc('size-1 dims', 'float32', [1, 1, 3], normals([1, 1, 3])),
    tc('randn x100', 'float32', [2, 3], normals([2, 3], 100)),
    tc('randn x1e7 (no sci below 1e8)', 'float64', [4], [1e7, 2.5e7, -3.25e7, 9.5e7]),
    // integral floats
    tc('ints in float', 'float32', [2], [1, 2]),
    tc('ints in float 2-D with negatives', 'float32', [2, 3], [-1, 20, 300, 4, -50, 6]),
    tc('ints in float ratio > 1000 -> sci', 'float32', [3], [1, 1000, 100000]),
    tc('ints in float > 1e8 -> sci', 'float64', [2], [123456789, 2]),
    tc('ints in float with nan/inf', 'float32', [5], [1, NaN, Infinity, -Infinity, -3]),
    tc('ints in float with -0', 'float32', [3], [-0, 1, 2]),
    // sci mode and magnitudes
    tc('mixed magnitudes -> sci', 'float32', [4], [1e-5, 1.5, 300.25, -2e3]),
    tc('tiny values -> sci', 'float64', [3], [1e-5, 2.5e-5, -3.75e-6]),
    tc('huge and tiny', 'float64', [3], [1e300, 1e-300, -5e-324]),
    tc('large non-integral > 1e8', 'float64', [2], [1.5e10, 2.25]),
    tc('fixed with -0.', 'float32', [3], [-0, 0.5, -1.25]),
    tc('values rounding to -0.0000', 'float64', [3], [-0.00001, 0.5, 1.5]),
    // nan / inf / zeros
    tc('nan and inf with floats', 'float32', [2, 3], [NaN, 1.5, Infinity, -Infinity, 0, -2.25]),
    tc('all nan', 'float32', [3], [NaN, NaN, NaN]),
    tc('only inf', 'float64', [2], [Infinity, -Infinity]),
    tc('zeros', 'float32', [2, 2], [0, 0, 0, 0]),
    tc('zeros and nan', 'float32', [3], [0, NaN, -0]),
    tc('nan with sci', 'float32', [3], [NaN, 1e-6, 12345]),
    // rounding edge cases (Python rounds half to even on the exact double)
    tc('exact ties', 'float64', [6], [0.125, 2.5, 0.03125, 0.00015625, 1.00005, 3.14159265]),
    tc('exact ties precision 2', 'float64', [4], [0.125, 0.375, 0.625, 2.5], { options: { precision: 2 } }),
    tc('precision 0', 'float64', [4], [0.5, 1.5, 2.5, 3.75], { options: { precision: 0 } }),
    tc('precision 0 sci', 'float64', [3], [2.5e-5, 1.5, 2.5e6], { options: { precision: 0 } }),
    tc('1e10 and 1e-5', 'float64', [2], [1e10, 1e-5]),
    tc('sci carry 9.99995', 'float64', [3], [9.99995e-5, 9.99995, 1]),
    // 0-dim
    tc('0-dim float', 'float32', [], [3.5]),
    tc('0-dim integral float', 'float32', [], [3]),
    tc('0-dim int64', 'int64', [], [BigInt(-7)]),
    tc('0-dim bool', 'bool', [], [true]),
    tc('0-dim nan', 'float32', [], [NaN]),
    tc('0-dim float64 tiny', 'float64', [], [1e-7]),
    tc('0-dim float16', 'float16', [], [0.1]),
    tc('0-dim int8', 'int8', [], [-5]),
    // empty
    tc('empty float', 'float32', [0], []),
    tc('empty (0, 3)', 'float32', [0, 3], []),
    tc('empty int64', 'int64', [0], []),
    tc('empty bool (2, 0, 4)', 'bool', [2, 0, 4], []),
    tc('empty float64 requires_grad', 'float64', [3, 0], [], { requiresGrad: true }),
    tc('empty float16', 'float16', [0], []),
    // integers and bools
    tc('int64 small', 'int64', [6], [0, -1, 2, 33, -444, 5].map(BigInt)),
    tc('int64 huge (bigint)', 'int64', [3], [2n ** 62n, -(2n ** 63n), 12n]),
    tc('int64 as numbers', 'int64', [2, 2], [1, -20, 300, 4], { plainValues: true }),
    tc('int32 2-D', 'int32', [3, 3], ints([3, 3], -1000, 1000)),
    tc('int16', 'int16', [4], [-32768, 0, 7, 32767]),
    tc('int8', 'int8', [2, 2], [-128, 127, 0, -1]),
    tc('uint8', 'uint8', [5], [0, 1, 128, 254, 255]),
    tc('bool 1-D', 'bool', [4], [true, false, false, true]),
    tc('bool 2-D as 0/1 typed', 'bool', [2, 3], bools([2, 3])),
    tc('bool 2-D as booleans', 'bool', [2, 2], bools([2, 2]), { plainValues: true }),
    // float dtypes
    tc('float64', 'float64', [2, 2], normals([2, 2])),
    tc('float16', 'float16', [5], normals([5], 10)),
    tc('float16 ints', 'float16', [3], [1, 2, 2048]),
    tc('bfloat16', 'bfloat16', [2, 3], normals([2, 3])),
    tc('bfloat16 sci', 'bfloat16', [3], [1e-6, 3, 1e20]),
    // summarization (numel > threshold)
    tc('summarized 1-D float', 'float32', [2000], normals([2000])),
    tc('summarized 1-D int', 'int64', [1500], arange(1500).map(BigInt)),
    tc('summarized 2-D', 'float32', [50, 50], normals([50, 50])),
    tc('summarized 3-D', 'float64', [20, 10, 10], normals([20, 10, 10])),
    tc('summarized 4-D', 'int32', [4, 5, 8, 9], ints([4, 5, 8, 9], -99, 99)),
    tc('summarized inner dim only', 'float32', [2, 600], normals([2, 600])),
    tc(
      'summarized: hidden values do not pick sci',
      'float32',
      [1200],
      [...normals([3]), ...Array<number>(1194).fill(1e-9), ...normals([3])],
    ),
    tc('summarized bool', 'bool', [10, 200], bools([10, 200])),
    // line wrapping
    tc('wrap 1-D float', 'float32', [30], normals([30])),
    tc('wrap 1-D sci', 'float64', [20], normals([20], 1e-6)),
    tc('wrap 1-D int', 'int64', [100], arange(100).map(BigInt)),
    tc('wrap 2-D rows', 'float32', [3, 25], normals([3, 25])),
    tc('wrap 3-D rows', 'float32', [2, 2, 20], normals([2, 2, 20])),
    // suffixes
    tc('requires_grad', 'float32', [3], normals([3]), { requiresGrad: true }),
    tc('0-dim requires_grad', 'float32', [], [2], { requiresGrad: true }),
    tc('grad_fn AddBackward0', 'float32', [2, 2], normals([2, 2]), { requiresGrad: true, gradOp: 'add' }),
    tc('grad_fn MulBackward0 float64', 'float64', [4], normals([4]), { requiresGrad: true, gradOp: 'mul' }),
    tc('suffix wraps after one-line tensor', 'float64', [8], normals([8]), { requiresGrad: true }),
    tc('suffix on last line of multi-line', 'float16', [4, 9], normals([4, 9]), { requiresGrad: true }),
    tc('suffixes wrap one by one', 'bfloat16', [7], normals([7], 1e5), { requiresGrad: true, gradOp: 'add' }),
    // print options
    tc('precision 2', 'float32', [4], normals([4]), { options: { precision: 2 } }),
    tc('precision 8 float64', 'float64', [3], normals([3]), { options: { precision: 8 } }),
    tc('precision 10 float32', 'float32', [3], normals([3]), { options: { precision: 10 } }),
    tc('sci_mode true', 'float32', [3], normals([3]), { options: { sci_mode: true } }),
    tc('sci_mode true ints', 'float32', [3], [1, 2, 3], { options: { sci_mode: true } }),
    tc('sci_mode true zeros (not applied)', 'float32', [2], [0, 0], { options: { sci_mode: true } }),
    tc('sci_mode false wide range', 'float64', [3], [1e-6, 1, 1e9], { options: { sci_mode: false } }),
    tc('sci_mode false ints wide range', 'float64', [3], [1, 1e5, 1e12], { options: { sci_mode: false } }),
    tc('sci_mode false 1e22', 'float64', [2], [1e22, 0.5], { options: { sci_mode: false } }),
    tc('profile short', 'float32', [10, 10], normals([10, 10]), { options: { profile: 'short', threshold: 50 } }),
    tc('profile full', 'int32', [1100], ints([1100], 0, 9), { options: { profile: 'full' } }),
    tc('linewidth 40', 'float32', [3, 8], normals([3, 8]), { options: { linewidth: 40 } }),
    tc('linewidth 150', 'float32', [40], normals([40]), { options: { linewidth: 150 } }),
    tc('linewidth 5 (one per line)', 'float64', [4], normals([4]), { options: { linewidth: 5 } }),
    tc('threshold 10 edgeitems 1', 'int16', [4, 5], ints([4, 5], -9, 9), { options: { threshold: 10, edgeitems: 1 } }),
    tc('threshold 0 0-dim', 'float32', [], [1.5], { options: { threshold: 0 } }),
    tc('edgeitems 0 1-D', 'float32', [12], normals([12]), { options: { threshold: 5, edgeitems: 0 } }),
    tc('edgeitems 5', 'float32', [4, 30], normals([4, 30]), { options: { threshold: 20, edgeitems: 5 } }),
  ];
  for (let i = 0; i < 60; i++) cases.push(randomCase(i));
  return cases;
}

function randomCase(i: number): TensorCase {
  const dtype = pick(ALL_DTYPES);
  const ndim = randInt(0, 4);
  const shape = Array.from({ length: ndim }, () => (rand() < 0.05 ? 0 : randInt(1, ndim <= 1 ? 40 : 7)));
  const floating = FLOAT_DTYPES.includes(dtype);
  const requiresGrad = floating && rand() < 0.2;
  return {
    name: `random #${i}: ${dtype} [${shape.join(', ')}]`,
    shape,
    dtype,
    values: randomValues(dtype, shape),
    requiresGrad,
    gradOp: requiresGrad && rand() < 0.5 ? 'add' : undefined,
    options: randomOptions(),
  };
}

/** Doubles for direct checks of the float formatting, with Python's precision to format them at. */
function buildFloatCases(): [number, number][] {
  const specials = [
    0,
    -0,
    0.5,
    1.5,
    2.5,
    -2.5,
    0.125,
    0.375,
    0.03125,
    1e-5,
    1e10,
    1e21,
    1e22,
    1e23,
    1e300,
    -1e308,
    5e-324,
    2.2250738585072014e-308,
    9.99995,
    0.00012345,
    123456789.5,
    0.1,
    0.7,
    1 / 3,
    2 ** 53 + 2,
    9.5,
    99.5,
    0.95,
    0.05,
  ];
  const out: [number, number][] = [];
  for (const v of specials) for (const p of [0, 1, 2, 4, 8, 17]) out.push([v, p]);
  // Dyadic rationals k / 2^n are exact ties at many precisions: the half-even cases.
  for (let i = 0; i < 300; i++) {
    const dyadic = randInt(-(2 ** 20), 2 ** 20) / 2 ** randInt(0, 14);
    out.push([dyadic * (rand() < 0.2 ? 1e6 : 1), randInt(0, 8)]);
  }
  // Arbitrary doubles over the whole exponent range.
  for (let i = 0; i < 300; i++) out.push([randomDouble(), randInt(0, 12)]);
  return out;
}

function randomDouble(): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, randInt(0, 0x7fefffff));
  view.setUint32(4, randInt(0, 0xffffffff));
  return view.getFloat64(0) * (rand() < 0.5 ? -1 : 1);
}

// ------------------------------------------------------------------ Python oracle

/** Python -> JS: floats come back as repr() strings, which round-trip exactly. */
function decodeFloat(s: string): number {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

/** JS -> Python: strings keep NaN / Infinity / -0 / big ints, which JSON numbers cannot carry. */
function encodeValue(v: Scalar): string | boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return String(v);
}

const ORACLE = String.raw`
import json, sys, torch
FLOATS = {'float16', 'bfloat16', 'float32', 'float64'}
def decode(v, dtype):
    if dtype in FLOATS: return float(v)
    if dtype == 'bool': return bool(v)
    return int(v)
def encode(v, dtype):
    if dtype in FLOATS: return repr(v)
    if dtype == 'bool': return v
    return str(v)
req = json.load(sys.stdin)
tensors = []
for c in req['tensors']:
    torch.set_printoptions(profile='default')
    if c.get('options'): torch.set_printoptions(**c['options'])
    t = torch.tensor([decode(v, c['dtype']) for v in c['values']], dtype=getattr(torch, c['dtype'])).reshape(c['shape'])
    if c.get('requiresGrad'): t.requires_grad_()
    if c.get('gradOp') == 'add': t = t + 0
    if c.get('gradOp') == 'mul': t = t * 1
    stored = [encode(v, c['dtype']) for v in t.detach().reshape(-1).tolist()]
    tensors.append({'repr': repr(t), 'values': stored})
floats = []
for v, p in req['floats']:
    floats.append({'fixed': '{:.{}f}'.format(float(v), p), 'sci': '{:.{}e}'.format(float(v), p)})
json.dump({'tensors': tensors, 'floats': floats}, sys.stdout)
`;

interface OracleReply {
  tensors: { repr: string; values: (string | boolean)[] }[];
  floats: { fixed: string; sci: string }[];
}

function runOracle(cases: TensorCase[], floatCases: [number, number][]): OracleReply {
  const python = process.env.TORCHTS_PYTHON ?? '/usr/bin/python3';
  if (!fs.existsSync(python)) throw new Error(`${python} not found: set TORCHTS_PYTHON to a Python that has torch`);
  const request = {
    tensors: cases.map((c) => ({ ...c, values: c.values.map(encodeValue) })),
    floats: floatCases.map(([v, p]) => [encodeValue(v), p]),
  };
  const r = spawnSync(python, ['-c', ORACLE], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python oracle failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as OracleReply;
}

// ------------------------------------------------------------------ fake tensors

/** The typed array the native addon hands out for each dtype (half types widen to float32). */
function toTypedValues(dtype: DtypeName, values: Scalar[]): ArrayLike<number | bigint> {
  const nums = (): number[] => values.map((v) => Number(v));
  switch (dtype) {
    case 'float64':
      return Float64Array.from(nums());
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return Float32Array.from(nums());
    case 'int64':
      return BigInt64Array.from(values.map((v) => BigInt(v)));
    case 'int32':
      return Int32Array.from(nums());
    case 'int16':
      return Int16Array.from(nums());
    case 'int8':
      return Int8Array.from(nums());
    case 'uint8':
    case 'bool':
      return Uint8Array.from(nums());
  }
}

/** Python's stored values, decoded into what the addon would give for this dtype. */
function storedValues(c: TensorCase, fromPython: (string | boolean)[]): ArrayLike<Scalar> {
  const decoded: Scalar[] = fromPython.map((v) => {
    if (typeof v === 'boolean') return v;
    if (FLOAT_DTYPES.includes(c.dtype)) return decodeFloat(v);
    return c.dtype === 'int64' && !c.plainValues ? BigInt(v) : Number(v);
  });
  return c.plainValues ? decoded : toTypedValues(c.dtype, decoded);
}

function gradFnNameOf(c: TensorCase): string | null {
  if (c.gradOp === 'add') return 'AddBackward0';
  if (c.gradOp === 'mul') return 'MulBackward0';
  return null;
}

function fakeTensor(
  shape: number[],
  dtypeName: string,
  values: ArrayLike<Scalar>,
  extra: Partial<Omit<PrintableTensor, 'values' | 'shape' | 'dtypeName'>> = {},
): PrintableTensor {
  return {
    shape,
    dtypeName,
    deviceStr: extra.deviceStr ?? 'cpu',
    requiresGrad: extra.requiresGrad ?? false,
    gradFnName: extra.gradFnName ?? null,
    values: () => values,
  };
}

function withOptions<T>(options: OptionsArg | undefined, body: () => T): T {
  set_printoptions({ profile: 'default' });
  if (options) set_printoptions(options);
  try {
    return body();
  } finally {
    set_printoptions({ profile: 'default' });
  }
}

// ------------------------------------------------------------------ tests

const CASES = buildCases();
const FLOAT_CASES = buildFloatCases();
let oracle: OracleReply;

beforeAll(() => {
  oracle = runOracle(CASES, FLOAT_CASES);
});

afterEach(() => set_printoptions({ profile: 'default' }));

describe('formatTensor matches Python repr(tensor)', () => {
  test.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = CASES[i];
    const expected = oracle.tensors[i];
    const t = fakeTensor(c.shape, c.dtype, storedValues(c, expected.values), {
      requiresGrad: c.requiresGrad ?? false,
      gradFnName: gradFnNameOf(c),
    });
    expect(withOptions(c.options, () => formatTensor(t))).toBe(expected.repr);
  });

  test('covers every dtype', () => {
    expect(new Set(CASES.map((c) => c.dtype))).toEqual(new Set(ALL_DTYPES));
  });
});

describe('float formatting matches Python format()', () => {
  test(`'{:.Nf}' and '{:.Ne}' for ${FLOAT_CASES.length} doubles`, () => {
    const mismatches = FLOAT_CASES.flatMap(([v, p], i) => {
      const want = oracle.floats[i];
      const got = { fixed: formatFixed(v, p), sci: formatScientific(v, p) };
      return got.fixed === want.fixed && got.sci === want.sci ? [] : [{ value: v, precision: p, got, want }];
    });
    expect(mismatches).toEqual([]);
  });

  test('rounds exact ties half to even, unlike toFixed / toExponential', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect((0.125).toFixed(2)).toBe('0.13');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(-2.5, 0)).toBe('-2');
    expect(formatScientific(0.125, 1)).toBe('1.2e-01');
    expect(formatScientific(9.99995, 4)).toBe('1.0000e+01');
    expect(formatFixed(1e22, 1)).toBe('10000000000000000000000.0');
    expect(formatScientific(5e-324, 4)).toBe('4.9407e-324');
    expect(formatFixed(NaN, 4)).toBe('nan');
    expect(formatScientific(-Infinity, 4)).toBe('-inf');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
  });
});

/** Python on a CPU-only machine cannot make CUDA tensors: these follow `_str_intern` by hand. */
describe('device and grad_fn suffixes (hand-written from _tensor_str.py)', () => {
  test('device suffix for a non-CPU device', () => {
    const t = fakeTensor([3], 'float32', Float32Array.from([1, 2, 3]), { deviceStr: 'cuda:0' });
    expect(formatTensor(t)).toBe("tensor([1., 2., 3.], device='cuda:0')");
  });

  test('device comes before dtype and requires_grad', () => {
    const t = fakeTensor([2], 'float64', Float64Array.from([0.5, -1.25]), { deviceStr: 'cuda:1', requiresGrad: true });
    // 27 + 17 + 21 = 65 columns after dtype; ', requires_grad=True' (20) would pass 80.
    expect(formatTensor(t)).toBe(
      "tensor([ 0.5000, -1.2500], device='cuda:1', dtype=torch.float64,\n" + '       requires_grad=True)',
    );
  });

  test('device and size on an empty tensor', () => {
    const t = fakeTensor([0, 3], 'int64', new BigInt64Array(0), { deviceStr: 'cuda:0' });
    expect(formatTensor(t)).toBe("tensor([], device='cuda:0', size=(0, 3), dtype=torch.int64)");
  });

  test('suffixes move to a new line past linewidth', () => {
    const t = fakeTensor([6], 'float16', Float32Array.from([1.5, 2, 3, 4, 5, 6]), {
      deviceStr: 'cuda:0',
      requiresGrad: true,
      gradFnName: 'MulBackward0',
    });
    // "tensor([1.5000, ..., 6.0000]" is 55 chars, which Python counts as 57; ", device='cuda:0'" (17) fits
    // at 74, then ", dtype=torch.float16" (21) would reach 95 > 80, so it starts a new line indented by 7.
    expect(formatTensor(t)).toBe(
      "tensor([1.5000, 2.0000, 3.0000, 4.0000, 5.0000, 6.0000], device='cuda:0',\n" +
        '       dtype=torch.float16, grad_fn=<MulBackward0>)',
    );
  });

  test('grad_fn takes precedence over requires_grad', () => {
    const t = fakeTensor([], 'float32', Float32Array.from([2]), { requiresGrad: true, gradFnName: 'SumBackward0' });
    expect(formatTensor(t)).toBe('tensor(2., grad_fn=<SumBackward0>)');
  });

  test("namespaced C++ node names print like Python's type name", () => {
    const t = fakeTensor([1], 'float32', Float32Array.from([5]), {
      requiresGrad: true,
      gradFnName: 'torch::autograd::CopySlices',
    });
    expect(formatTensor(t)).toBe('tensor([5.], grad_fn=<CopySlices>)');
  });
});

describe('set_printoptions / get_printoptions', () => {
  test('defaults', () => {
    expect(get_printoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null });
  });

  test('profiles, overrides, and sci_mode resetting like Python', () => {
    set_printoptions({ profile: 'short', precision: 3, sci_mode: true });
    expect(get_printoptions()).toEqual({ precision: 3, threshold: 1000, edgeitems: 2, linewidth: 80, sci_mode: true });
    // Python assigns sci_mode on every call, so leaving it out goes back to auto.
    set_printoptions({ linewidth: 100 });
    expect(get_printoptions()).toEqual({ precision: 3, threshold: 1000, edgeitems: 2, linewidth: 100, sci_mode: null });
    set_printoptions({ profile: 'full' });
    expect(get_printoptions().threshold).toBe(Infinity);
    set_printoptions({ profile: 'default' });
    expect(get_printoptions()).toEqual({ precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: null });
  });

  test('get_printoptions returns a copy', () => {
    get_printoptions().precision = 9;
    expect(get_printoptions().precision).toBe(4);
  });
});
