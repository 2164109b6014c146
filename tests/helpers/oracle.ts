/**
 * Python PyTorch as the test oracle. A test file collects cases (TS code + the same Python
 * expression), runs them all in ONE /usr/bin/python3 process (importing torch costs ~1 s),
 * and compares values, shapes and dtypes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as torch from '../../lib';

/** A Python interpreter that can import torch: $TORCHTS_PYTHON, /usr/bin/python3, python3. */
export function findPython(): string {
  const candidates = [process.env.TORCHTS_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[];
  for (const py of candidates) {
    if (py.startsWith('/') && !fs.existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  throw new Error('no Python with torch found: install python3-torch (npm run setup does) or set TORCHTS_PYTHON');
}

export interface EncodedTensor {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}

/** Non-finite floats travel as strings: JSON has no NaN / Infinity. */
function encodeValue(v: number | bigint | boolean): number | string | boolean {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

export function encodeTensor(t: torch.Tensor): EncodedTensor {
  const flat = Array.from(t.detach().toTypedArray() as ArrayLike<number | bigint>, encodeValue);
  return { shape: t.shape, dtype: t.dtype.name, data: t.dtype === torch.bool ? flat.map((v) => v !== 0) : flat };
}

export type PyResult =
  | { kind: 'tensor'; shape: number[]; dtype: string; data: (number | string | boolean)[] }
  | { kind: 'list'; items: PyResult[] }
  | { kind: 'scalar'; value: number | string | boolean }
  | { kind: 'error'; type: string; message: string };

const PRELUDE = String.raw`
import json, math, sys, torch
def dec(v):
    if isinstance(v, str):
        return float(v) if v in ('nan', 'inf', '-inf', 'NaN', 'Infinity', '-Infinity') else int(v)
    return v
def mk(e):
    dt = getattr(torch, e['dtype'])
    data = [dec(v) for v in e['data']]
    return torch.tensor(data, dtype=torch.float64 if dt.is_floating_point else dt).to(dt).reshape(e['shape'])
def enc_scalar(v):
    if isinstance(v, bool): return v
    if isinstance(v, float) and not math.isfinite(v): return repr(v)
    if isinstance(v, int) and abs(v) > 2**53: return str(v)
    return v
def enc(r):
    if isinstance(r, torch.Tensor):
        r = r.detach().cpu()
        flat = r.reshape(-1)
        vals = flat.double().tolist() if r.is_floating_point() else flat.tolist()
        return {'kind': 'tensor', 'shape': list(r.shape), 'dtype': str(r.dtype).replace('torch.', ''), 'data': [enc_scalar(v) for v in vals]}
    if isinstance(r, (tuple, list)):
        return {'kind': 'list', 'items': [enc(x) for x in r]}
    return {'kind': 'scalar', 'value': enc_scalar(r)}
cases = json.load(sys.stdin)
out = []
for c in cases:
    env = {'torch': torch, 'math': math}
    for k, e in c['inputs'].items():
        env[k] = mk(e)
    try:
        exec(c.get('setup', ''), env)
        out.append(enc(eval(c['py'], env)))
    except Exception as ex:
        out.append({'kind': 'error', 'type': type(ex).__name__, 'message': str(ex)})
print(json.dumps(out))
`;

export interface OracleCase {
  py: string;
  inputs?: Record<string, torch.Tensor>;
  setup?: string;
}

/** Evaluates each case's Python expression with the given tensors bound to names. */
export function runPython(cases: OracleCase[]): PyResult[] {
  const payload = cases.map((c) => ({
    py: c.py,
    setup: c.setup ?? '',
    inputs: Object.fromEntries(Object.entries(c.inputs ?? {}).map(([k, v]) => [k, encodeTensor(v)])),
  }));
  const r = spawnSync(findPython(), ['-c', PRELUDE], {
    input: JSON.stringify(payload),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult[];
}

function decode(v: number | string | boolean): number | boolean {
  if (typeof v === 'string') return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
  return v;
}

/** Asserts a torchts result equals Python's (shape, dtype, values within rtol/atol). */
export function expectMatches(
  actual: unknown,
  expected: PyResult,
  tol: { rtol?: number; atol?: number } = {},
  label = '',
): void {
  const where = label ? ` [${label}]` : '';
  if (expected.kind === 'error') {
    throw new Error(`Python raised ${expected.type}: ${expected.message}${where}`);
  }
  if (expected.kind === 'list') {
    const items = actual as unknown[];
    if (!Array.isArray(items) || items.length !== expected.items.length) {
      throw new Error(`expected a tuple of ${expected.items.length}${where}`);
    }
    expected.items.forEach((e, i) => expectMatches(items[i], e, tol, `${label}[${i}]`));
    return;
  }
  if (expected.kind === 'scalar') {
    if (typeof expected.value === 'string' && typeof actual === 'string') {
      if (actual !== expected.value)
        throw new Error(`expected ${JSON.stringify(expected.value)}, got ${JSON.stringify(actual)}${where}`);
      return;
    }
    const v = actual instanceof torch.Tensor ? actual.item() : actual;
    const e = decode(expected.value);
    if (typeof e === 'boolean') {
      if (v !== e) throw new Error(`expected ${e}, got ${String(v)}${where}`);
    } else if (!close(Number(v), e, tol)) {
      throw new Error(`expected ${e}, got ${String(v)}${where}`);
    }
    return;
  }
  if (!(actual instanceof torch.Tensor)) throw new Error(`expected a Tensor, got ${typeof actual}${where}`);
  const shape = actual.shape;
  if (JSON.stringify(shape) !== JSON.stringify(expected.shape)) {
    throw new Error(`shape ${JSON.stringify(shape)} != python ${JSON.stringify(expected.shape)}${where}`);
  }
  if (actual.dtype.name !== expected.dtype)
    throw new Error(`dtype ${actual.dtype.name} != python ${expected.dtype}${where}`);
  const flat = Array.from(actual.detach().toTypedArray() as ArrayLike<number | bigint>, Number);
  expected.data.forEach((ev, i) => {
    const e = decode(ev);
    const a = flat[i];
    const ok = typeof e === 'boolean' ? (a !== 0) === e : close(a, e, tol);
    if (!ok) throw new Error(`element ${i}: ${a} != python ${e}${where}`);
  });
}

function close(a: number, e: number, tol: { rtol?: number; atol?: number }): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= (tol.atol ?? 1e-6) + (tol.rtol ?? 1e-5) * Math.abs(e);
}
