/**
 * torch.save / torch.load / safetensors against Python PyTorch: Python writes checkpoints that
 * torchts loads, torchts writes checkpoints that Python loads (torch.load with and without
 * weights_only; what 1.13's weights_only unpickler refuses, via tests/helpers/weights_only.py), round
 * trips, hostile and damaged files, atomic saves. Python runs twice for the whole file: once to write
 * its files, once to read torchts's.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { N } from '../lib/native';
import { save, load, safetensors } from '../lib/serialization';
import { saveWith } from '../lib/serialization/torch_save';
import { ZipWriter } from '../lib/serialization/zip_writer';
import { ZipReader } from '../lib/serialization/zip_reader';
import { BufferSource, FileSink } from '../lib/serialization/byte_io';
import { crc32, crc32Portable } from '../lib/serialization/crc32';
import { PickleWriter, encodeLong } from '../lib/serialization/pickler';
import { findPython } from './helpers/oracle';
import { gc } from './helpers/gc';

// The real module object (not an import-star copy): jest.spyOn must replace what lib/ calls.

const fs: typeof import('fs') = require('fs');

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------- Python side

/** Python's view of a value, enough to compare exactly (see enc() below). */
type PyEnc =
  | {
      kind: 'tensor';
      shape: number[];
      dtype: string;
      stride: number[];
      offset: number;
      requires_grad: boolean;
      param: boolean;
      storage: number;
      data: (number | string | boolean)[];
    }
  | { kind: 'dict'; ordered: boolean; items: [PyEnc, PyEnc][]; metadata: PyEnc | null }
  | { kind: 'list' | 'tuple'; items: PyEnc[] }
  | { kind: 'int' | 'float' | 'str' | 'bytes' | 'dtype' | 'device'; v: string }
  | { kind: 'bool'; v: boolean }
  | { kind: 'none' }
  | { kind: 'cycle' }
  | { kind: 'error'; type: string; message: string };

const PY_COMMON = String.raw`
import json, math, os, struct, sys, zipfile, pickletools, io
from collections import OrderedDict
import torch
d = sys.argv[1]
P = lambda name: os.path.join(d, name)
def scalar(v):
    if isinstance(v, bool): return v
    if isinstance(v, float) and not math.isfinite(v): return repr(v)
    if isinstance(v, int) and abs(v) > 2**53: return str(v)
    if isinstance(v, float) and v == 0 and math.copysign(1, v) < 0: return '-0.0'
    return v
def enc(o, sids, active=None):
    active = set() if active is None else active
    if isinstance(o, (dict, list, tuple)):
        if id(o) in active:
            return {'kind': 'cycle'}
        active.add(id(o))
        try:
            return enc_container(o, sids, active)
        finally:
            active.discard(id(o))
    if isinstance(o, torch.Tensor):
        t = o.detach()
        flat = t.reshape(-1)
        vals = flat.double().tolist() if t.is_floating_point() else flat.tolist()
        ptr = t.storage().data_ptr()
        sid = sids.setdefault(ptr if ptr != 0 else ('empty', len(sids)), len(sids))
        return {'kind': 'tensor', 'shape': list(t.shape), 'dtype': str(t.dtype)[6:], 'stride': list(t.stride()),
                'offset': t.storage_offset(), 'requires_grad': o.requires_grad,
                'param': isinstance(o, torch.nn.Parameter), 'storage': sid, 'data': [scalar(v) for v in vals]}
    if isinstance(o, bool): return {'kind': 'bool', 'v': o}
    if isinstance(o, int): return {'kind': 'int', 'v': str(o)}
    if isinstance(o, float): return {'kind': 'float', 'v': repr(o)}
    if isinstance(o, str): return {'kind': 'str', 'v': o}
    if o is None: return {'kind': 'none'}
    if isinstance(o, bytes): return {'kind': 'bytes', 'v': o.hex()}
    if isinstance(o, torch.dtype): return {'kind': 'dtype', 'v': str(o)[6:]}
    if isinstance(o, torch.device): return {'kind': 'device', 'v': str(o)}
    raise TypeError('cannot encode %r' % type(o))
def enc_container(o, sids, active):
    if isinstance(o, dict):
        md = getattr(o, '_metadata', None)
        return {'kind': 'dict', 'ordered': isinstance(o, OrderedDict), 'items': [[enc(k, sids, active), enc(v, sids, active)] for k, v in o.items()],
                'metadata': None if md is None else enc(md, sids, active)}
    if isinstance(o, list): return {'kind': 'list', 'items': [enc(x, sids, active) for x in o]}
    return {'kind': 'tuple', 'items': [enc(x, sids, active) for x in o]}
def attempt(fn):
    try:
        return fn()
    except Exception as e:
        return {'kind': 'error', 'type': type(e).__name__, 'message': str(e)}
`;

/** Python writes these files; `expected` is what torch.load gives back in Python. */
const PY_WRITE = String.raw`
torch.manual_seed(0)
files = {}
def put(name, obj, **kw):
    torch.save(obj, P(name), **kw)
    files[name] = enc(torch.load(P(name)), {})

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
model.train()
for _ in range(3):
    model(torch.randn(5, 4))
put('py_model.pt', model.state_dict())
named = torch.nn.Module()
named.enc = torch.nn.Linear(4, 3)
named.bn = torch.nn.BatchNorm1d(3)
named.head = torch.nn.Sequential(torch.nn.Linear(3, 2))
put('py_named.pt', named.state_dict())

put('py_nested.pt', {'a': [1, 2.5, 'x', None, True, (1, 2), (1, 2, 3, 4), []], 'b': {'c': torch.ones(2, 2), 'd': {'e': 2**70, 'f': -3, 'g': -2**70}},
                     'ints': [0, 255, 256, 65535, 65536, -1, -2**31, 2**31 - 1, 2**31, 2**53 - 1, 2**53 + 1, -128, -129, -2**63],
                     'floats': [0.1, -0.0, float('nan'), float('inf'), -float('inf'), 1e300, 5e-324],
                     'text': 'héllo ✓ \u0000', 'empty_dict': {}, 'empty_list': [], 'empty_tuple': (), 'int_keys': {1: 'a', 2: 'b'},
                     'mixed_keys': {1: 'int', 'k': 'str', (1, 2): 'tuple', None: 'none'}})

put('py_dtypes.pt', {
    'float32': torch.tensor([1.5, -0.0, float('nan'), float('inf'), -float('inf'), 3.4e38]),
    'float64': torch.tensor([1e-300, -2.5, float('nan'), 1 / 3], dtype=torch.float64),
    'float16': torch.tensor([1.5, -2.0, 65504, float('inf'), 6e-8], dtype=torch.float16),
    'bfloat16': torch.tensor([1.5, -2.0, 3e38, float('nan')], dtype=torch.bfloat16),
    'int8': torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
    'int16': torch.tensor([-32768, 32767, 5], dtype=torch.int16),
    'int32': torch.tensor([-2**31, 2**31 - 1, 7], dtype=torch.int32),
    'int64': torch.tensor([-2**63, 2**63 - 1, 2**53 + 1, -5], dtype=torch.int64),
    'uint8': torch.tensor([0, 255, 128], dtype=torch.uint8),
    'bool': torch.tensor([[True, False], [False, True]]),
})

base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
put('py_views.pt', {'base': base, 't': base.t(), 'row': base[1], 'col': base[:, 2], 'strided': base[::2, 1::3],
                    'narrow': base.narrow(1, 2, 3), 'expand': base[0:1].expand(3, 6), 'other': torch.ones(2)})
put('py_slice.pt', torch.arange(100.)[10:20])

m = torch.nn.Linear(3, 2)
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
for _ in range(2):
    opt.zero_grad()
    m(torch.randn(4, 3)).sum().backward()
    opt.step()
put('py_optim.pt', opt.state_dict())

put('py_scalars.pt', {'zero_dim': torch.tensor(3.5), 'long0': torch.tensor(7), 'empty': torch.empty(0, 3), 'empty_long': torch.zeros(0, dtype=torch.long)})
put('py_param.pt', {'p': torch.nn.Parameter(torch.randn(2, 2)), 'g': torch.randn(3, requires_grad=True),
                    'frozen': torch.nn.Parameter(torch.randn(2), requires_grad=False)})
x = torch.randn(3)
put('py_shared.pt', [x, x, {'again': x}])
put('py_tensor.pt', torch.arange(6).reshape(2, 3))
put('py_misc.pt', {'dev': torch.device('cpu'), 'dev1': torch.device('cuda', 1), 'dt': torch.float16, 'size': torch.Size([2, 3]), 'bytes': b'\x00\xffab'})
torch.save(torch.ones(3), P('py_legacy.pt'), _use_new_zipfile_serialization=False)

class EvilSystem:
    def __reduce__(self):
        return (os.system, ('touch ' + P('pwned_system'),))
class EvilEval:
    def __reduce__(self):
        return (eval, ("open(%r, 'w').close()" % P('pwned_eval'),))
torch.save({'x': EvilSystem()}, P('evil_system.pt'))
torch.save({'w': torch.ones(2), 'x': EvilEval()}, P('evil_eval.pt'))

# safetensors, by the spec (the Python package is not installed): dtype-descending, then name.
def st_file(name, tensors, metadata=None, order=None):
    codes = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int8: 'I8',
             torch.int16: 'I16', torch.int32: 'I32', torch.int64: 'I64', torch.uint8: 'U8', torch.bool: 'BOOL'}
    header, blobs, pos = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for k in order:
        t = tensors[k].contiguous()
        b = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b''
        header[k] = {'dtype': codes[t.dtype], 'shape': list(t.shape), 'data_offsets': [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(P(name), 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
st = {'a': torch.randn(2, 3), 'b': torch.arange(5, dtype=torch.int64), 'c': torch.tensor([True, False]),
      'd': torch.randn(3, dtype=torch.float64).to(torch.bfloat16), 'e': torch.tensor(2.5, dtype=torch.float16), 'f': torch.zeros(0, 2)}
st_file('py.safetensors', st, {'format': 'pt', 'note': 'é'}, ['b', 'a', 'f', 'd', 'e', 'c'])
files['py.safetensors'] = enc(st, {})
print(json.dumps(files))
`;

/** Python reads the files torchts wrote. */
const PY_READ = String.raw`
sys.path.insert(0, ${JSON.stringify(path.join(__dirname, 'helpers'))})
from weights_only import WO_OPCODES, wo_audit, wo_load_binfloat
out = {'wo_lacks': sorted({'BINFLOAT', 'LONG4'} - WO_OPCODES)}
for name in sorted(os.listdir(d)):
    if not name.startswith('ts_') or not name.endswith('.pt'):
        continue
    z = zipfile.ZipFile(P(name))
    raw = open(P(name), 'rb').read()
    offsets = []
    for i in z.infolist():
        n, e = struct.unpack('<HH', raw[i.header_offset + 26:i.header_offset + 30])
        offsets.append(i.header_offset + 30 + n + e)
    pkl = [i.filename for i in z.infolist() if i.filename.endswith('/data.pkl')][0]
    dis = io.StringIO()
    pickletools.dis(z.read(pkl), out=dis)
    out[name] = {
        'names': [i.filename for i in z.infolist()],
        'stored': all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()),
        'aligned': all(o % 64 == 0 for o in offsets),
        'crc_ok': z.testzip() is None,
        'version': z.read('archive/version').decode(),
        'protocol': 'highest protocol among opcodes = 2' in dis.getvalue(),
        'load': attempt(lambda: enc(torch.load(P(name)), {})),
        'weights_only': attempt(lambda: enc(torch.load(P(name), weights_only=True), {})),
        'wo_rejects': wo_audit(P(name)),
        'wo_bridged': attempt(lambda: enc(wo_load_binfloat(P(name)), {})),
    }

# Python's own files that its weights_only unpickler reads, as it reads them (torchts must read them too).
out['py_weights_only'] = {}
for name in sorted(os.listdir(d)):
    if name.startswith('py_') and name.endswith('.pt') and name != 'py_legacy.pt':
        out['py_weights_only'][name] = attempt(lambda: enc(torch.load(P(name), weights_only=True), {}))
# The bridge keeps every other restriction of the weights_only unpickler.
out['bridged_evil'] = [attempt(lambda: enc(wo_load_binfloat(P(n)), {})) for n in ('evil_system.pt', 'evil_eval.pt')]

def load_model():
    sd = torch.load(P('ts_state_dict.pt'), weights_only=True)
    m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    r = m.load_state_dict(sd, strict=True)
    return {'type': type(sd).__name__, 'metadata': enc(sd._metadata, {}), 'missing': r.missing_keys,
            'unexpected': r.unexpected_keys, 'weight': m[0].weight.detach().reshape(-1).tolist(),
            'tracked': int(m[1].num_batches_tracked)}
out['model'] = attempt(load_model)

def identical():
    def records(name):
        z = zipfile.ZipFile(P(name))
        prefix = z.infolist()[0].filename.split('/')[0]
        return {i.filename[len(prefix) + 1:]: z.read(i.filename) for i in z.infolist()}
    a, b = records('py_named.pt'), records('ts_resaved.pt')
    return {'pickle': a['data.pkl'] == b['data.pkl'], 'records': sorted(a) == sorted(b) and all(a[k] == b[k] for k in a)}
out['identical'] = attempt(identical)

def load_optim():
    p1, p2 = torch.nn.Parameter(torch.zeros(2, 3)), torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.Adam([p1, p2])
    opt.load_state_dict(torch.load(P('ts_optim.pt')))
    p1.grad, p2.grad = torch.ones(2, 3), torch.ones(2)
    opt.step()
    return {'step': float(opt.state[p1]['step']), 'lr': opt.param_groups[0]['lr'], 'betas': list(opt.param_groups[0]['betas'])}
out['optim'] = attempt(load_optim)

def views():
    o = torch.load(P('ts_views.pt'))
    return {'shared': [o[k].storage().data_ptr() == o['base'].storage().data_ptr() for k in ['t', 'row', 'strided', 'narrow']],
            'other_shared': o['other'].storage().data_ptr() == o['base'].storage().data_ptr()}
out['views'] = attempt(views)

def misc_identity():
    o = torch.load(P('ts_misc.pt'))
    return {'same_list': o['shared1'] is o['shared2'], 'same_tensor': o['t1'] is o['t2'],
            'cycle': o['cycle'][0] is o['cycle']}
out['identity'] = attempt(misc_identity)

def safet():
    raw = open(P('ts.safetensors'), 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    text = raw[8:8 + n].decode()
    header = json.loads(text)
    data = raw[8 + n:]
    dts = {'F32': torch.float32, 'F64': torch.float64, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I8': torch.int8,
           'I16': torch.int16, 'I32': torch.int32, 'I64': torch.int64, 'U8': torch.uint8, 'BOOL': torch.bool}
    rank = ['BOOL', 'U8', 'I8', 'I16', 'F16', 'BF16', 'I32', 'F32', 'F64', 'I64']
    tensors = {}
    entries = [(k, v) for k, v in header.items() if k != '__metadata__']
    for k, v in entries:
        s, e = v['data_offsets']
        b = bytearray(data[s:e])
        t = torch.frombuffer(b, dtype=dts[v['dtype']]) if len(b) else torch.zeros(0, dtype=dts[v['dtype']])
        tensors[k] = t.reshape(v['shape'])
    by_offset = [k for k, v in sorted(entries, key=lambda kv: kv[1]['data_offsets'][0])]
    spec_order = [k for k, v in sorted(entries, key=lambda kv: (-rank.index(kv[1]['dtype']), kv[0]))]
    return {'tensors': enc(tensors, {}), 'metadata': header.get('__metadata__'), 'padded': n % 8 == 0,
            'pad_is_space': text.rstrip(' ').endswith('}'),
            'order_ok': by_offset == spec_order, 'first_key': next(iter(header)),
            'covers': sum(v['data_offsets'][1] - v['data_offsets'][0] for k, v in entries) == len(data)}
out['safetensors'] = attempt(safet)
print(json.dumps(out))
`;

function runPython(script: string, dir: string): unknown {
  const r = spawnSync(findPython(), ['-c', PY_COMMON + script, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------- comparison with Python

function decodeScalar(v: number | string | boolean): number | bigint | boolean {
  if (typeof v !== 'string') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === '-0.0') return -0;
  return BigInt(v);
}

function sameNumber(a: number | bigint | boolean, e: number | bigint | boolean): boolean {
  if (typeof e === 'bigint' || typeof a === 'bigint') {
    return BigInt(a as number | bigint) === BigInt(e as number | bigint);
  }
  if (typeof e === 'boolean') return a === (e ? 1 : 0) || a === e;
  return Object.is(a, e) || (Number.isNaN(a as number) && Number.isNaN(e));
}

/** Asserts that a torchts value is what Python's torch.load gives (exactly: bits, strides, sharing). */
function expectPy(actual: unknown, e: PyEnc, where = '$', storages = new Map<number, torch.Tensor>()): void {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  switch (e.kind) {
    case 'tensor': {
      if (!(actual instanceof torch.Tensor)) return fail(`expected a Tensor, got ${typeof actual}`);
      const got = {
        where,
        shape: actual.shape,
        dtype: actual.dtype.name,
        stride: actual.stride(),
        offset: actual.storage_offset(),
      };
      expect(got).toEqual({ where, shape: e.shape, dtype: e.dtype, stride: e.stride, offset: e.offset });
      if (actual.requires_grad !== e.requires_grad) fail(`requires_grad ${actual.requires_grad} != ${e.requires_grad}`);
      const flat = Array.from(actual.detach().toTypedArray() as ArrayLike<number | bigint>);
      if (flat.length !== e.data.length) fail(`${flat.length} elements != ${e.data.length}`);
      e.data.forEach((v, i) => {
        if (!sameNumber(flat[i], decodeScalar(v))) fail(`element ${i}: ${String(flat[i])} != python ${String(v)}`);
      });
      const first = storages.get(e.storage);
      if (first === undefined) {
        for (const other of storages.values()) {
          const shared = actual.numel() > 0 && other.numel() > 0 && N.same_storage(actual._h, other._h);
          if (shared) fail('shares a storage Python does not share');
        }
        storages.set(e.storage, actual);
      } else if (actual.numel() > 0 && !N.same_storage(actual._h, first._h)) {
        fail('does not share its storage as in Python');
      }
      return;
    }
    case 'dict': {
      const keys = e.items.map(([k]) => k);
      // A str-keyed dict is a plain object; a Map is fine for the others (and for {} saved from a Map).
      const strKeys = keys.every((k) => k.kind === 'str');
      if (strKeys && !(actual instanceof Map && keys.length === 0)) {
        if (actual === null || typeof actual !== 'object' || actual instanceof Map || Array.isArray(actual)) {
          fail('expected a plain object');
        }
        const o = actual as Obj;
        // Python's order, as a JS object can hold it (integer-like keys such as '0' always come first in JS).
        const order = Object.keys(Object.fromEntries(keys.map((k) => [(k as { v: string }).v, 0])));
        expect(Object.keys(o)).toEqual(order);
        for (const [k, v] of e.items) {
          const key = (k as { v: string }).v;
          expectPy(o[key], v, `${where}.${key}`, storages);
        }
      } else {
        if (!(actual instanceof Map)) return fail('expected a Map (non-str keys)');
        const entries = [...actual.entries()];
        expect(entries.length).toBe(e.items.length);
        e.items.forEach(([k, v], i) => {
          expectPy(entries[i][0], k, `${where}.key${i}`, storages);
          expectPy(entries[i][1], v, `${where}[${i}]`, storages);
        });
      }
      const desc = Object.getOwnPropertyDescriptor(actual, '_metadata');
      if (e.metadata) {
        if (!desc) return fail('missing _metadata');
        expect(desc.enumerable).toBe(false);
        expectPy(desc.value, e.metadata, `${where}._metadata`, storages);
      } else if (desc) {
        fail('unexpected _metadata');
      }
      return;
    }
    case 'list':
    case 'tuple': {
      if (!Array.isArray(actual)) return fail(`expected an array, got ${typeof actual}`);
      expect(actual.length).toBe(e.items.length);
      e.items.forEach((x, i) => expectPy(actual[i], x, `${where}[${i}]`, storages));
      return;
    }
    case 'int':
      if (typeof actual !== 'number' && typeof actual !== 'bigint') {
        return fail(`expected an int, got ${typeof actual}`);
      }
      if (typeof actual === 'number' && !Number.isSafeInteger(actual)) fail(`int ${actual} is not exact`);
      if (BigInt(actual) !== BigInt(e.v)) fail(`${String(actual)} != ${e.v}`);
      if (typeof actual === 'bigint' && Number.isSafeInteger(Number(actual))) fail('a safe int must be a number');
      return;
    case 'float': {
      const ev = e.v === 'nan' ? NaN : e.v === 'inf' ? Infinity : e.v === '-inf' ? -Infinity : Number(e.v);
      if (typeof actual !== 'number' || !sameNumber(actual, ev)) fail(`${String(actual)} != ${e.v}`);
      return;
    }
    case 'str':
      if (actual !== e.v) fail(`${JSON.stringify(actual)} != ${JSON.stringify(e.v)}`);
      return;
    case 'bool':
      if (actual !== e.v) fail(`${String(actual)} != ${e.v}`);
      return;
    case 'none':
      if (actual !== null) fail(`${String(actual)} != None`);
      return;
    case 'bytes':
      if (!(actual instanceof Uint8Array) || Buffer.from(actual).toString('hex') !== e.v) fail('bytes differ');
      return;
    case 'dtype':
      if (!(actual instanceof torch.dtype) || actual.name !== e.v) fail(`dtype ${String(actual)} != ${e.v}`);
      return;
    case 'device':
      if (!(actual instanceof torch.device) || String(actual) !== e.v) fail(`device ${String(actual)} != ${e.v}`);
      return;
    case 'cycle':
      // A container that contains itself: identity is checked separately.
      if (actual === null || typeof actual !== 'object') fail('expected a container (cycle)');
      return;
    case 'error':
      fail(`Python raised ${e.type}: ${e.message}`);
  }
}

// ---------------------------------------------------------------- fixtures

let dir: string;
let fromPython: Record<string, PyEnc>;
let readByPython: Record<string, unknown>;
/** What torchts saved, by file name, to compare with what Python read. */
const tsSaved: Record<string, unknown> = {};

function f(name: string): string {
  return path.join(dir, name);
}

function withMetadata<T extends object>(o: T, metadata: unknown): T {
  Object.defineProperty(o, '_metadata', { value: metadata, enumerable: false, writable: true, configurable: true });
  return o;
}

function tsStateDict(): Record<string, torch.Tensor> {
  torch.manual_seed(1);
  return withMetadata(
    {
      '0.weight': torch.randn(3, 4),
      '0.bias': torch.randn(3),
      '1.weight': torch.rand(3),
      '1.bias': torch.randn(3),
      '1.running_mean': torch.randn(3),
      '1.running_var': torch.rand(3),
      '1.num_batches_tracked': torch.tensor(5),
    },
    { '': { version: 1 }, '0': { version: 1 }, '1': { version: 2 } },
  );
}

function tsDtypes(): Record<string, torch.Tensor> {
  return {
    float32: torch.tensor(new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 3.4e38])),
    float64: torch.tensor(new Float64Array([1e-300, -2.5, NaN, 1 / 3])),
    float16: torch.tensor([1.5, -2, 65504, Infinity, 6e-8], { dtype: torch.float16 }),
    bfloat16: torch.tensor([1.5, -2, 3e38, NaN], { dtype: torch.bfloat16 }),
    int8: torch.tensor([-128, 127, 0, -1], { dtype: torch.int8 }),
    int16: torch.tensor([-32768, 32767, 5], { dtype: torch.int16 }),
    int32: torch.tensor([-(2 ** 31), 2 ** 31 - 1, 7], { dtype: torch.int32 }),
    int64: torch.tensor(new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -5n])),
    uint8: torch.tensor([0, 255, 128], { dtype: torch.uint8 }),
    bool: torch.tensor([
      [true, false],
      [false, true],
    ]),
    zero_dim: torch.tensor(3.5),
    empty: torch.zeros([0, 3]),
  };
}

function tsViews(): Record<string, torch.Tensor> {
  const base = torch.arange(24, { dtype: torch.float32 }).reshape(4, 6);
  return {
    base,
    t: base.t(),
    row: base.select(0, 1),
    strided: base.index('::2, 1::3'),
    narrow: base.narrow(1, 2, 3),
    expand: base.narrow(0, 0, 1).expand(3, 6),
    other: torch.ones(2),
  };
}

function tsMisc(): Obj {
  const shared = [1, 2];
  const t = torch.arange(3);
  const cycle: unknown[] = [];
  cycle.push(cycle);
  return {
    ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -128, -129],
    bigints: [2n ** 70n, -(2n ** 70n), -(2n ** 63n), 2n ** 2100n],
    floats: [0.5, -0, NaN, Infinity, -Infinity, 1e300, 5e-324, 2 ** 60],
    text: 'héllo ✓ \u0000 𝄞',
    flags: [true, false, null],
    nested: { a: [1, [2, [3, { deep: 'x' }]]] },
    int_keys: new Map<unknown, unknown>([
      [0, 'a'],
      [1, 'b'],
    ]),
    odd_keys: new Map<unknown, unknown>([
      [[1, 2], 'tuple'],
      [null, 'none'],
      ['s', 'str'],
      [2.5, 'float'],
      [10n ** 30n, 'big'],
    ]),
    dtype: torch.float16,
    device: new torch.device('cpu'),
    device1: new torch.device('cuda:1'),
    shared1: shared,
    shared2: shared,
    t1: t,
    t2: t,
    cycle,
    grad: torch.tensor([1.5, 2], { requires_grad: true }),
    proto: JSON.parse('{"__proto__": "kept", "constructor": 1}'),
    empty: { list: [], dict: {}, map: new Map() },
  };
}

/** No floats anywhere in the pickle: PyTorch 1.13's weights_only unpickler has no BINFLOAT. */
function tsPlain(): Obj {
  return {
    ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1],
    big: 2n ** 70n,
    text: ['a', 'héllo'],
    flags: [true, false, null],
    nested: { a: [1, [2, [3]]], m: new Map([[3, 'x']]) },
    w: torch.ones(2, 2),
  };
}

function tsOptim(): Obj {
  return {
    state: new Map<number, Obj>([
      [0, { step: torch.tensor(3, { dtype: torch.float32 }), exp_avg: torch.ones(2, 3), exp_avg_sq: torch.ones(2, 3) }],
      [1, { step: torch.tensor(3, { dtype: torch.float32 }), exp_avg: torch.zeros(2), exp_avg_sq: torch.ones(2) }],
    ]),
    param_groups: [
      {
        lr: 0.01,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weight_decay: 0,
        amsgrad: false,
        maximize: false,
        foreach: null,
        capturable: false,
        differentiable: false,
        fused: false,
        params: [0, 1],
      },
    ],
  };
}

/** A training checkpoint's mix: state dicts, optimizer state, floats, ints, strings, nested containers. */
function tsCheckpoint(): Obj {
  const shared = [0.5, 'shared'];
  return {
    epoch: 3,
    model: tsStateDict(),
    optimizer: tsOptim(),
    metrics: [
      { loss: 2.2700434080759684, acc: 0.18 },
      { loss: 0.5, acc: 0.875 },
    ],
    floats: [0.1, -0, NaN, Infinity, -Infinity, 1e300, 5e-324, 2 ** 60],
    ints: [0, 255, 65536, -(2 ** 31), 2 ** 53 - 1, 2n ** 70n, 2n ** 2100n],
    nested: { a: [1, [2.5, 'x', [null, true, 'héllo']]], shared1: shared, shared2: shared },
    float_keys: new Map<unknown, unknown>([
      [2.5, 'float'],
      [1, 'int'],
    ]),
    rng_state: torch.arange(16, { dtype: torch.uint8 }),
  };
}

function tsSafetensors(): Record<string, torch.Tensor> {
  torch.manual_seed(3);
  return {
    ...tsDtypes(),
    noncontig: torch.arange(12, { dtype: torch.int32 }).reshape(3, 4).t(),
    b_first: torch.randn(2),
  };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchts-serialization-'));
  fromPython = runPython(PY_WRITE, dir) as Record<string, PyEnc>;
  const writes: Record<string, () => unknown> = {
    'ts_state_dict.pt': tsStateDict,
    'ts_dtypes.pt': tsDtypes,
    'ts_views.pt': tsViews,
    'ts_misc.pt': tsMisc,
    'ts_plain.pt': tsPlain,
    'ts_optim.pt': tsOptim,
    'ts_checkpoint.pt': tsCheckpoint,
    'ts_tensor.pt': () => torch.arange(10, { dtype: torch.float64 }).narrow(0, 2, 5),
  };
  for (const [name, make] of Object.entries(writes)) {
    tsSaved[name] = make();
    save(tsSaved[name], f(name));
  }
  // A Python state dict loaded and saved again by torchts.
  tsSaved['ts_resaved.pt'] = load(f('py_named.pt'));
  save(tsSaved['ts_resaved.pt'], f('ts_resaved.pt'));
  tsSaved['ts_zip64.pt'] = tsViews();
  saveWith(tsSaved['ts_zip64.pt'], f('ts_zip64.pt'), { forceZip64: true });
  tsSaved['ts.safetensors'] = tsSafetensors();
  const st = tsSaved['ts.safetensors'] as Record<string, torch.Tensor>;
  safetensors.save_file(st, f('ts.safetensors'), { format: 'pt', k: 'é' });
  readByPython = runPython(PY_READ, dir) as Record<string, unknown>;
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- Python -> torchts

describe('load: checkpoints written by Python torch.save', () => {
  const cases = [
    'py_model.pt',
    'py_named.pt',
    'py_nested.pt',
    'py_dtypes.pt',
    'py_views.pt',
    'py_slice.pt',
    'py_optim.pt',
    'py_scalars.pt',
    'py_param.pt',
    'py_shared.pt',
    'py_tensor.pt',
    'py_misc.pt',
  ];
  test.each(cases)('%s loads exactly as in Python', (name) => {
    expectPy(load(f(name)), fromPython[name]);
  });

  test("files Python's weights_only unpickler reads load the same in torchts", () => {
    const wo = readByPython.py_weights_only as Record<string, PyEnc>;
    const safe = Object.keys(wo).filter((name) => wo[name].kind !== 'error');
    // Floats (optimizer hyperparameters, py_nested), bytes and torch.device are what 1.13 refuses.
    expect(safe).toEqual(cases.filter((c) => !['py_nested.pt', 'py_optim.pt', 'py_misc.pt'].includes(c)).sort());
    for (const name of safe) expectPy(load(f(name)), wo[name], name);
  });

  test('a state dict is a plain object with non-enumerable _metadata', () => {
    const sd = load(f('py_model.pt')) as Record<string, torch.Tensor> & { _metadata: Obj };
    expect(Object.keys(sd)).toContain('1.num_batches_tracked');
    expect(sd['1.num_batches_tracked'].dtype).toBe(torch.int64);
    expect(sd._metadata['1']).toEqual({ version: 2 });
    expect(Object.keys(sd)).not.toContain('_metadata');
    expect(JSON.stringify(Object.keys(sd))).not.toMatch(/_metadata/);
  });

  test('optimizer state with int keys is a Map', () => {
    const o = load(f('py_optim.pt')) as { state: Map<number, Obj>; param_groups: Obj[] };
    expect(o.state).toBeInstanceOf(Map);
    expect([...o.state.keys()]).toEqual([0, 1]);
    expect((o.state.get(0) as { step: torch.Tensor }).step.item()).toBe(2);
    expect(o.param_groups[0].betas).toEqual([0.9, 0.999]);
    expect(o.param_groups[0].params).toEqual([0, 1]);
  });

  test('views share memory as in Python (a write shows through)', () => {
    const o = load(f('py_views.pt')) as Record<string, torch.Tensor>;
    o.base.index_put_('1, 2', torch.tensor(100, { dtype: torch.float32 }));
    expect(o.t.index('2, 1').item()).toBe(100);
    expect(o.row.index('2').item()).toBe(100);
    expect(o.col.index('1').item()).toBe(100);
    expect(o.other.index('0').item()).toBe(1);
  });

  test('the same tensor twice is one Tensor object', () => {
    const o = load(f('py_shared.pt')) as [torch.Tensor, torch.Tensor, { again: torch.Tensor }];
    expect(o[0]).toBe(o[1]);
    expect(o[2].again).toBe(o[0]);
  });

  test('Parameters load as tensors that require grad (or not, as saved)', () => {
    const o = load(f('py_param.pt')) as Record<string, torch.Tensor>;
    expect(o.p.requires_grad).toBe(true);
    expect(o.p.is_leaf).toBe(true);
    expect(o.g.requires_grad).toBe(true);
    expect(o.frozen.requires_grad).toBe(false);
  });

  test('load from bytes in memory', () => {
    expectPy(load(fs.readFileSync(f('py_model.pt'))), fromPython['py_model.pt']);
  });

  test('map_location: str, device, dict and function', () => {
    for (const m of ['cpu', new torch.device('cpu'), { cpu: 'cpu' }]) {
      expectPy(load(f('py_views.pt'), { map_location: m }), fromPython['py_views.pt']);
    }
    const seen: string[] = [];
    const o = load(f('py_views.pt'), {
      map_location: (storage, location) => {
        seen.push(`${location}:${storage.dtype.name}:${storage.numel()}`);
        return storage.clone();
      },
    });
    expectPy(o, fromPython['py_views.pt']);
    expect(seen).toEqual(['cpu:float32:24', 'cpu:float32:2']);
    expect(() => load(f('py_views.pt'), { map_location: () => torch.zeros(3) })).toThrow(
      /map_location function must return/,
    );
    expect(() => load(f('py_views.pt'), { map_location: 42 as unknown as string })).toThrow(TypeError);
    expect(() => load(f('py_views.pt'), { map_location: 'tpu' })).toThrow(torch.TorchError);
  });

  test('legacy (non-zip) checkpoints get a clear error', () => {
    expect(() => load(f('py_legacy.pt'))).toThrow(/legacy checkpoint/);
  });
});

// ---------------------------------------------------------------- torchts -> Python

describe('save: files Python reads', () => {
  interface FileReport {
    names: string[];
    stored: boolean;
    aligned: boolean;
    crc_ok: boolean;
    version: string;
    protocol: boolean;
    load: PyEnc;
    weights_only: PyEnc;
    /** Opcodes / globals of data.pkl that Python's weights_only unpickler rejects, with counts. */
    wo_rejects: Record<string, number>;
    /** The weights_only unpickler's result with BINFLOAT and LONG4 bridged (tests/helpers/weights_only.py). */
    wo_bridged: PyEnc;
  }
  const report = (name: string): FileReport => readByPython[name] as FileReport;
  /** Of BINFLOAT and LONG4, the ones Python's weights_only unpickler lacks (both in PyTorch 1.13). */
  const lacks = (): string[] => readByPython.wo_lacks as string[];
  /** What that unpickler should reject in a file holding these opcodes, and nothing else. */
  const rejects = (counts: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(counts).filter(([op]) => lacks().includes(op)));

  test.each([
    'ts_state_dict.pt',
    'ts_dtypes.pt',
    'ts_views.pt',
    'ts_plain.pt',
    'ts_tensor.pt',
    'ts_zip64.pt',
    'ts_resaved.pt',
  ])('%s: torch.load and torch.load(weights_only=True) read the same values', (name) => {
    const r = report(name);
    expect(r.stored && r.aligned && r.crc_ok && r.protocol).toBe(true);
    expect(r.version).toBe('3\n');
    expect(r.names[0]).toBe('archive/data.pkl');
    expect(r.names[r.names.length - 1]).toBe('archive/version');
    expectPy(tsSaved[name], r.load, name);
    expectPy(tsSaved[name], r.weights_only, name);
    expect(r.wo_rejects).toEqual({});
  });

  test('floats, bigints, Maps, dtypes and devices: torch.load reads them', () => {
    const r = report('ts_misc.pt');
    // Python must see -0 and non-integers as floats, array keys as tuples, bigints as ints.
    expectPy(tsSaved['ts_misc.pt'], r.load);
    // PyTorch 1.13's weights_only unpickler has no BINFLOAT (71) nor LONG4 (139): it rejects Python's own
    // files with floats or ints beyond 2^2040 too (newer PyTorch reads BINFLOAT), and torch.device, as
    // in Python's py_misc.pt.
    expect(r.wo_rejects).toEqual({ ...rejects({ BINFLOAT: 9, LONG4: 1 }), 'GLOBAL torch.device': 1 });
    if (r.weights_only.kind === 'error') expect(r.weights_only.message).toMatch(/Unsupported operand (71|139)/);
    expect(readByPython.identity).toEqual({ same_list: true, same_tensor: true, cycle: true });
  });

  test.each([
    ['ts_optim.pt', { BINFLOAT: 4 }], // lr, betas, eps
    ['ts_checkpoint.pt', { BINFLOAT: 4 + 4 + 8 + 3, LONG4: 1 }], // optimizer, metrics, floats, nested and key
  ])("%s: floats are all that Python's weights_only unpickler rejects; bridged, it reads every value", (name, ops) => {
    const r = report(name);
    expectPy(tsSaved[name], r.load, name);
    expect(r.wo_rejects).toEqual(rejects(ops));
    if (lacks().length > 0) {
      expect(r.weights_only).toMatchObject({ kind: 'error', message: expect.stringMatching(/Unsupported operand/) });
    } else {
      expectPy(tsSaved[name], r.weights_only, name);
    }
    expectPy(tsSaved[name], r.wo_bridged, name);
  });

  test('the bridge keeps the weights_only restrictions: code in a pickle is still refused', () => {
    expect(readByPython.bridged_evil).toEqual([
      expect.objectContaining({ kind: 'error', message: 'Unsupported class posix.system' }),
      expect.objectContaining({ kind: 'error', message: 'Unsupported class __builtin__.eval' }),
    ]);
  });

  test('a state dict is an OrderedDict with _metadata; load_state_dict(strict=True) accepts it', () => {
    const m = readByPython.model as {
      type: string;
      metadata: PyEnc;
      missing: string[];
      unexpected: string[];
      weight: number[];
      tracked: number;
    };
    expect(m.type).toBe('OrderedDict');
    expectPy({ '': { version: 1 }, '0': { version: 1 }, '1': { version: 2 } }, m.metadata);
    expect(m.missing).toEqual([]);
    expect(m.unexpected).toEqual([]);
    expect(m.tracked).toBe(5);
    const sd = tsSaved['ts_state_dict.pt'] as Record<string, torch.Tensor>;
    expect(m.weight).toEqual(Array.from(sd['0.weight'].toTypedArray() as Float32Array));
  });

  test('a Python state dict saved again by torchts has the same data.pkl and records, byte for byte', () => {
    expect(readByPython.identical).toEqual({ pickle: true, records: true });
  });

  test('views keep sharing one storage in Python', () => {
    expect(readByPython.views).toEqual({ shared: [true, true, true, true], other_shared: false });
  });

  test('an optimizer state dict drives a real torch.optim.Adam', () => {
    expect(readByPython.optim).toEqual({ step: 4, lr: 0.01, betas: [0.9, 0.999] });
  });
});

// ---------------------------------------------------------------- torchts -> torchts

describe('round trip', () => {
  test('every dtype, views, 0-dim and empty tensors', () => {
    const src = { ...tsDtypes(), ...tsViews() };
    const p = f('rt_all.pt');
    save(src, p);
    const back = load(p) as Record<string, torch.Tensor>;
    expect(Object.keys(back)).toEqual(Object.keys(src));
    for (const [k, t] of Object.entries(src)) {
      const b = back[k];
      const layout = (x: torch.Tensor): unknown[] => [k, x.dtype, x.shape, x.stride(), x.storage_offset()];
      expect(layout(b)).toEqual(layout(t));
      const ta = Array.from(t.toTypedArray() as ArrayLike<number | bigint>);
      const ba = Array.from(b.toTypedArray() as ArrayLike<number | bigint>);
      ba.forEach((v, i) => expect(sameNumber(v, ta[i])).toBe(true));
    }
    for (const k of ['t', 'strided', 'narrow', 'expand']) expect(N.same_storage(back[k]._h, back.base._h)).toBe(true);
    expect(N.same_storage(back.other._h, back.base._h)).toBe(false);
  });

  test('raw bytes survive for float16/bfloat16/bool (no widening)', () => {
    const bits = torch.tensor(new Int16Array([0x7e01, -1, 0x0001, 0x7c00, -32768]));
    // Separate storages: one storage saved as two dtypes is an error, as in Python.
    const half = bits.clone().view(torch.float16);
    const bf = bits.clone().view(torch.bfloat16);
    const p = f('rt_bits.pt');
    save({ half, bf }, p);
    const back = load(p) as Record<string, torch.Tensor>;
    const int16s = (t: torch.Tensor): number[] => Array.from(t.toTypedArray() as Int16Array);
    expect(int16s(back.half.view(torch.int16))).toEqual(int16s(bits));
    expect(int16s(back.bf.view(torch.int16))).toEqual(int16s(bits));
  });

  test('containers, numbers, Maps, identity and cycles', () => {
    const src = tsMisc();
    const p = f('rt_misc.pt');
    save(src, p);
    const back = load(p) as Obj;
    expect(back.ints).toEqual(src.ints);
    expect(back.bigints).toEqual(src.bigints);
    save([5n, -(2n ** 40n)], p);
    expect(load(p)).toEqual([5, -(2 ** 40)]);
    expect(back.floats).toEqual(src.floats);
    expect(Object.is((back.floats as number[])[1], -0)).toBe(true);
    expect(back.text).toBe(src.text);
    expect(back.nested).toEqual(src.nested);
    expect(back.int_keys).toEqual(src.int_keys);
    expect([...(back.odd_keys as Map<unknown, unknown>).entries()]).toEqual([
      [[1, 2], 'tuple'],
      [null, 'none'],
      ['s', 'str'],
      [2.5, 'float'],
      [10n ** 30n, 'big'],
    ]);
    expect(back.dtype).toBe(torch.float16);
    expect(String(back.device1)).toBe('cuda:1');
    expect(back.shared1).toBe(back.shared2);
    expect(back.t1).toBe(back.t2);
    const cycle = back.cycle as unknown[];
    expect(cycle[0]).toBe(cycle);
    expect((back.grad as torch.Tensor).requires_grad).toBe(true);
    expect(Object.keys(back.proto as Obj)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back.proto)).toBe(Object.prototype);
    expect(back.empty).toEqual({ list: [], dict: {}, map: {} });
  });

  test('state dict metadata stays non-enumerable', () => {
    const p = f('rt_sd.pt');
    save(tsStateDict(), p);
    const back = load(p) as Record<string, torch.Tensor>;
    const d = Object.getOwnPropertyDescriptor(back, '_metadata');
    expect(d?.enumerable).toBe(false);
    expect(d?.value).toEqual({ '': { version: 1 }, '0': { version: 1 }, '1': { version: 2 } });
  });

  test('a tensor alone, and views of a larger storage (the whole storage is saved, as in Python)', () => {
    const big = torch.arange(100, { dtype: torch.float32 });
    const p = f('rt_view.pt');
    save(big.narrow(0, 10, 5), p);
    const back = load(p) as torch.Tensor;
    expect(back.tolist()).toEqual([10, 11, 12, 13, 14]);
    expect(back.storage_offset()).toBe(10);
    expect(N.storage_nbytes(back._h)).toBe(400);
  });

  test('load keeps no handles but the result (storages are released once the views exist)', () => {
    const p = f('rt_handles.pt');
    const base = torch.arange(12, { dtype: torch.float32 });
    save({ a: base.reshape(3, 4), b: base.narrow(0, 2, 3), c: torch.ones(2, { dtype: torch.float16 }) }, p);
    gc();
    const before = torch.memory().tensors;
    const back = load(p) as Record<string, torch.Tensor>;
    expect(torch.memory().tensors - before).toBe(3);
    expect(back.b.tolist()).toEqual([2, 3, 4]);
  });

  test('ZIP64 archives', () => {
    const back = load(f('ts_zip64.pt')) as Record<string, torch.Tensor>;
    expect(back.t.tolist()).toEqual((tsSaved['ts_zip64.pt'] as Record<string, torch.Tensor>).t.tolist());
  });

  test('what cannot be serialized is a TypeError naming where it is', () => {
    expect(() => save({ a: [1, { f: () => 1 }] }, f('bad.pt'))).toThrow(
      /cannot serialize a value of type function \(at \["a"\]\[1\]\["f"\]\)/,
    );
    expect(() => save({ u: undefined }, f('bad.pt'))).toThrow(TypeError);
    expect(() => save(new Set([1]), f('bad.pt'))).toThrow(/Set/);
    expect(() => save(new Map([[{}, 1]]), f('bad.pt'))).toThrow(/hashable/);
    expect(() => save(1, 42 as unknown as string)).toThrow(TypeError);
    const base = torch.arange(4, { dtype: torch.int32 });
    expect(() => save([base, base.view(torch.float32)], f('bad.pt'))).toThrow(/view the same data as different types/);
    expect(fs.existsSync(f('bad.pt'))).toBe(false);
  });
});

// ---------------------------------------------------------------- hostile and damaged files

/** A zip checkpoint with the given data.pkl and records (CRCs valid: only the pickle is hostile). */
function archive(
  name: string,
  pkl: Uint8Array,
  records: Record<string, Uint8Array> = {},
  version: string | null = '3\n',
): string {
  const file = f(name);
  const fd = fs.openSync(file, 'w');
  try {
    const zip = new ZipWriter(new FileSink(fd));
    zip.writeRecord('archive/data.pkl', pkl);
    for (const [k, v] of Object.entries(records)) zip.writeRecord(`archive/data/${k}`, v);
    if (version !== null) zip.writeRecord('archive/version', Buffer.from(version));
    zip.finish();
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Pickle bytes from latin1 text and byte arrays. */
function pk(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

function binunicode(s: string): Uint8Array {
  const b = Buffer.from(s, 'utf8');
  return pk('X', u32(b.length), b);
}

/** A pickle of one float32 tensor view, written with PickleWriter (for hand-made variants). */
interface TensorPickleOptions {
  location?: string;
  numel?: number;
  size?: number[];
  stride?: number[];
  offset?: number;
  key?: string;
}

function tensorPickle(opts: TensorPickleOptions): Uint8Array {
  const w = new PickleWriter();
  w.proto(2);
  w.global('torch._utils', '_rebuild_tensor_v2');
  w.op(0x28);
  w.op(0x28);
  w.str('storage');
  w.global('torch', 'FloatStorage');
  w.str(opts.key ?? '0');
  w.str(opts.location ?? 'cpu');
  w.int(opts.numel ?? 4);
  w.op(0x74);
  w.op(0x51);
  w.int(opts.offset ?? 0);
  for (const xs of [opts.size ?? [4], opts.stride ?? [1]]) {
    w.op(0x28);
    for (const x of xs) w.int(x);
    w.op(0x74);
  }
  w.bool(false);
  w.global('collections', 'OrderedDict');
  w.op(0x29);
  w.op(0x52);
  w.op(0x74);
  w.op(0x52);
  return w.result();
}

const FOUR_FLOATS = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);

describe('load rejects hostile pickles without running them', () => {
  const marker = (): string => f('pwned');
  const cases: [string, () => Uint8Array, RegExp][] = [
    [
      'GLOBAL os.system + REDUCE',
      () => pk('\x80\x02cos\nsystem\n', binunicode(`touch ${marker()}`), '\x85R.'),
      /Unsupported global: GLOBAL os\.system/,
    ],
    [
      'GLOBAL posix.system',
      () => pk('\x80\x02cposix\nsystem\n', binunicode(`touch ${marker()}`), '\x85R.'),
      /GLOBAL posix\.system/,
    ],
    [
      'builtins.eval REDUCE',
      () => pk('\x80\x02cbuiltins\neval\n', binunicode(`open('${marker()}','w')`), '\x85R.'),
      /GLOBAL builtins\.eval/,
    ],
    [
      '__builtin__.eval (Python 2)',
      () => pk('\x80\x02c__builtin__\neval\n', binunicode('1'), '\x85R.'),
      /GLOBAL __builtin__\.eval/,
    ],
    ['builtins.getattr', () => pk('\x80\x02cbuiltins\ngetattr\n.'), /GLOBAL builtins\.getattr/],
    ['torch.load itself', () => pk('\x80\x02ctorch\nload\n.'), /GLOBAL torch\.load/],
    [
      'STACK_GLOBAL os.system',
      () => pk('\x80\x04', binunicode('os'), binunicode('system'), [0x93], binunicode('id'), '\x85R.'),
      /GLOBAL os\.system/,
    ],
    [
      'REDUCE on a storage class',
      () => pk('\x80\x02ctorch\nFloatStorage\n)R.'),
      /reduce for unrecognized function torch\.FloatStorage/,
    ],
    ['REDUCE on a dtype', () => pk('\x80\x02ctorch\nfloat32\n)R.'), /reduce for unrecognized function/],
    ['BUILD on a plain dict', () => pk('\x80\x02}}b.'), /Can only build OrderedDict/],
    ['BUILD on a list', () => pk('\x80\x02]}b.'), /Can only build OrderedDict/],
    ['NEWOBJ', () => pk('\x80\x02ccollections\nOrderedDict\n)\x81.'), /NEWOBJ/],
    ['INST (protocol 0)', () => pk('(ios\nsystem\nS"id"\n.'), /Unsupported operand 105/],
    ['OBJ', () => pk('\x80\x02(ccollections\nOrderedDict\no.'), /Unsupported operand 111 \(OBJ\)/],
    ['EXT1', () => pk('\x80\x02\x82\x01.'), /EXT1/],
    [
      'persistent id that is not a storage',
      () => pk('\x80\x02', binunicode('module'), '\x85Q.'),
      /Only persistent_load of storage/,
    ],
    ['APPEND to a dict', () => pk('\x80\x02}K\x01a.'), /Can only append to lists/],
    ['SETITEM on a list', () => pk('\x80\x02]K\x01K\x02s.'), /Can only set items of dicts/],
    ['unhashable dict key', () => pk('\x80\x02}]K\x01s.'), /unhashable type: 'list'/],
    ['memo miss', () => pk('\x80\x02h\x05.'), /Memo value not found at index 5/],
    ['stack underflow', () => pk('\x80\x02R.'), /stack underflow/],
    ['MARK missing', () => pk('\x80\x02t.'), /could not find MARK/],
    ['no STOP', () => pk('\x80\x02K\x01'), /truncated/],
    ['huge BINUNICODE length', () => pk('\x80\x02X\xff\xff\xff\xff.'), /truncated/],
    [
      'huge BINUNICODE8 length',
      () => pk('\x80\x04\x8d', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], '.'),
      /truncated/,
    ],
    ['huge LONG4 length', () => pk('\x80\x02\x8b\xff\xff\xff\x7f.'), /truncated/],
    ['protocol 6', () => pk('\x80\x06N.'), /unsupported pickle protocol: 6/],
    [
      'backward hooks',
      () => pk('\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(NK\x00)))\x89}K\x01K\x02stR.'),
      /expected a storage|backward hooks/,
    ],
  ];

  test.each(cases)('%s', (_label, make, message) => {
    const file = archive('hostile.pt', make());
    let err: unknown;
    try {
      load(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(torch.TorchError);
    expect(String((err as Error).message)).toMatch(message);
    expect(fs.existsSync(marker())).toBe(false);
  });

  test('real malicious checkpoints made by Python (os.system, eval) are rejected, nothing runs', () => {
    expect(() => load(f('evil_system.pt'))).toThrow(
      /Unsupported global: GLOBAL posix\.system was not an allowed global/,
    );
    // Protocol 2 names builtins by their Python 2 module.
    expect(() => load(f('evil_eval.pt'))).toThrow(/Unsupported global: GLOBAL __builtin__\.eval/);
    expect(fs.existsSync(f('pwned_system'))).toBe(false);
    expect(fs.existsSync(f('pwned_eval'))).toBe(false);
  });

  test('deep nesting is an error, not a stack overflow', () => {
    const depth = 200000;
    const file = archive('deep.pt', pk('\x80\x02', ']'.repeat(depth), 'a'.repeat(depth - 1), '.'));
    expect(() => load(file)).toThrow(/nested more than/);
  });

  test('views outside their storage, wrong record sizes, missing records', () => {
    const cases: [Uint8Array, Record<string, Uint8Array>, RegExp][] = [
      [tensorPickle({ size: [5] }), { '0': FOUR_FLOATS }, /does not fit in its storage/],
      [tensorPickle({ size: [2], stride: [3], offset: 1 }), { '0': FOUR_FLOATS }, /does not fit in its storage/],
      [tensorPickle({ offset: 2 ** 40 }), { '0': FOUR_FLOATS }, /does not fit/],
      [tensorPickle({ numel: 5 }), { '0': FOUR_FLOATS }, /has 16 bytes, but its storage needs 20/],
      [tensorPickle({ numel: 2 ** 50 }), { '0': FOUR_FLOATS }, /but its storage needs/],
      [tensorPickle({}), {}, /failed locating file archive\/data\/0: file not found/],
      [tensorPickle({ key: '../../etc/passwd' }), { '0': FOUR_FLOATS }, /file not found/],
      [tensorPickle({ location: 'cuda:0' }), { '0': FOUR_FLOATS }, /CUDA/],
      [tensorPickle({ location: 'nowhere' }), { '0': FOUR_FLOATS }, /don't know how to restore/],
    ];
    for (const [pkl, records, message] of cases) {
      const file = archive('bad_view.pt', pkl, records);
      expect(() => load(file)).toThrow(message);
    }
    // The same file loads with a map_location that puts CUDA storages on the CPU.
    const cudaFile = archive('cuda.pt', tensorPickle({ location: 'cuda:0' }), { '0': FOUR_FLOATS });
    if (!torch.cuda.is_available()) expect(() => load(cudaFile)).toThrow(/torch\.cuda\.is_available\(\) is False/);
    expect((load(cudaFile, { map_location: 'cpu' }) as torch.Tensor).tolist()).toEqual([1, 2, 3, 4]);
    expect((load(cudaFile, { map_location: { 'cuda:0': 'cpu' } }) as torch.Tensor).tolist()).toEqual([1, 2, 3, 4]);
    expect((load(archive('ok.pt', tensorPickle({}), { '0': FOUR_FLOATS })) as torch.Tensor).tolist()).toEqual([
      1, 2, 3, 4,
    ]);
  });

  test('unsupported storage types and archive versions', () => {
    const complex = pk('\x80\x02ctorch\nComplexFloatStorage\n.');
    expect(() => load(archive('c.pt', complex))).toThrow(/ComplexFloatStorage \(complex64\)/);
    expect(() => load(archive('v.pt', pk('\x80\x02N.'), {}, '99\n'))).toThrow(/version 99/);
    expect(() => load(archive('v.pt', pk('\x80\x02N.'), {}, null))).toThrow(/version/);
    expect(load(archive('v.pt', pk('\x80\x02N.'), {}, '3\n'))).toBeNull();
  });

  test('fuzz: mutated pickles give a result or a TorchError, never anything else', () => {
    const zip = new ZipReader(new BufferSource(fs.readFileSync(f('py_model.pt'))));
    const prefix = [...zip.entries.keys()][0].split('/')[0];
    const pkl = zip.read(`${prefix}/data.pkl`);
    const records: Record<string, Uint8Array> = {};
    for (const name of zip.entries.keys()) {
      if (name.startsWith(`${prefix}/data/`)) records[name.slice(prefix.length + 6)] = zip.read(name);
    }
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let loaded = 0;
    for (let i = 0; i < 300; i++) {
      const m = Uint8Array.from(pkl);
      const kind = i % 3;
      if (kind === 0) for (let k = 0; k < 1 + rand(4); k++) m[rand(m.length)] = rand(256);
      // Mutated bytes, a truncated pickle, or random bytes.
      const noise = (): Uint8Array => Uint8Array.from({ length: 64 }, () => rand(256));
      const bytes = kind === 1 ? m.subarray(0, rand(m.length)) : kind === 2 ? noise() : m;
      const file = archive('fuzz.pt', bytes, records);
      try {
        load(file);
        loaded++;
      } catch (e) {
        if (!(e instanceof torch.TorchError)) throw new Error(`iteration ${i}: ${String(e)}`);
      }
    }
    expect(loaded).toBeLessThan(300);
  });
});

describe('load rejects damaged files', () => {
  test('truncated at any point', () => {
    const bytes = fs.readFileSync(f('py_model.pt'));
    for (const n of [0, 1, 4, 21, 22, 100, bytes.length >> 1, bytes.length - 23, bytes.length - 22, bytes.length - 1]) {
      expect(() => load(bytes.subarray(0, n))).toThrow(torch.TorchError);
    }
    fs.writeFileSync(f('trunc.pt'), bytes.subarray(0, bytes.length - 100));
    expect(() => load(f('trunc.pt'))).toThrow(/PytorchStreamReader failed reading zip archive/);
  });

  test('a flipped byte in a storage fails its CRC', () => {
    const bytes = Buffer.from(fs.readFileSync(f('ts_views.pt')));
    const zip = new ZipReader(new BufferSource(bytes));
    const entry = zip.get('archive/data/0');
    const at = entry.localHeaderOffset + 30 + 14 + bytes.readUInt16LE(entry.localHeaderOffset + 28) + 8;
    bytes[at] ^= 0x40;
    expect(() => load(bytes)).toThrow(/invalid CRC-32 in record archive\/data\/0/);
  });

  test('every single-byte corruption of the zip structure is a TorchError or a correct load', () => {
    const good = fs.readFileSync(f('ts_plain.pt'));
    const cdStart = good.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), good.length - 22);
    expect(cdStart).toBeGreaterThan(0);
    const headerPositions = [...Array(60).keys()].map((i) => i);
    const positions = [...headerPositions, ...[...Array(good.length - cdStart).keys()].map((i) => cdStart + i)];
    for (const p of positions) {
      for (const v of [0x00, 0xff, good[p] ^ 0x01]) {
        const bad = Buffer.from(good);
        bad[p] = v;
        try {
          load(bad);
        } catch (e) {
          if (!(e instanceof torch.TorchError)) throw new Error(`byte ${p} = ${v}: ${String(e)}`);
        }
      }
    }
  });

  test('not a checkpoint at all', () => {
    expect(() => load(Buffer.from('hello world, definitely not a zip file'))).toThrow(
      /failed finding central directory/,
    );
    expect(() => load(new Uint8Array(0))).toThrow(/empty/);
    expect(() => load(Buffer.from([0x80, 0x02, 0x8a, 0x0a]))).toThrow(/legacy/);
    expect(() => load(f('does_not_exist.pt'))).toThrow(/ENOENT/);
    expect(() => load(dir)).toThrow();
    expect(() => load(42 as unknown as string)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------- atomic save

describe('save is atomic', () => {
  const tmpFiles = (): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

  test('a save that fails while pickling leaves the previous file', () => {
    const p = f('atomic.pt');
    save({ w: torch.ones(3) }, p);
    expect(() => save({ w: torch.zeros(3), bad: Symbol('x') }, p)).toThrow(TypeError);
    expect((load(p) as { w: torch.Tensor }).w.tolist()).toEqual([1, 1, 1]);
    expect(tmpFiles()).toEqual([]);
  });

  test('a save that fails midway through writing (disk full) leaves the previous file', () => {
    const p = f('atomic2.pt');
    save({ w: torch.ones(3) }, p);
    const original = fs.writeSync;
    let calls = 0;
    const spy = jest.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls > 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (original as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    try {
      expect(() => save({ w: torch.zeros(1000), v: torch.zeros(5) }, p)).toThrow(/ENOSPC/);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBeGreaterThan(3);
    expect((load(p) as { w: torch.Tensor }).w.tolist()).toEqual([1, 1, 1]);
    expect(tmpFiles()).toEqual([]);
  });

  test('saving into a missing directory fails cleanly', () => {
    expect(() => save(1, f('no/such/dir/x.pt'))).toThrow(/ENOENT/);
  });

  test('a save replaces the file a symlink points to', () => {
    const target = f('real.pt');
    const link = f('link.pt');
    save(1, target);
    fs.symlinkSync(target, link);
    save(2, link);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(load(target)).toBe(2);
  });
});

// ---------------------------------------------------------------- safetensors

describe('safetensors', () => {
  test('files built by the spec (in Python) load', () => {
    const o = safetensors.load_file(f('py.safetensors'));
    expect(Object.keys(o)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const e = fromPython['py.safetensors'] as Extract<PyEnc, { kind: 'dict' }>;
    for (const [k, v] of e.items) {
      const t = o[(k as { v: string }).v];
      expectPy(t.contiguous(), v, (k as { v: string }).v);
    }
    expect(safetensors.metadata(f('py.safetensors'))).toEqual({ format: 'pt', note: 'é' });
  });

  test('files written by torchts follow the spec (parsed by hand in Python)', () => {
    const r = readByPython.safetensors as {
      tensors: PyEnc;
      metadata: Record<string, string>;
      padded: boolean;
      pad_is_space: boolean;
      order_ok: boolean;
      first_key: string;
      covers: boolean;
    };
    expect(r).toMatchObject({
      padded: true,
      pad_is_space: true,
      order_ok: true,
      first_key: '__metadata__',
      covers: true,
    });
    expect(r.metadata).toEqual({ format: 'pt', k: 'é' });
    const src = tsSaved['ts.safetensors'] as Record<string, torch.Tensor>;
    const py = r.tensors as Extract<PyEnc, { kind: 'dict' }>;
    for (const [k, v] of py.items) {
      const t = src[(k as { v: string }).v];
      expectPy(t.contiguous(), v, (k as { v: string }).v);
    }
  });

  test('round trip (file and bytes) keeps dtypes, shapes and bits', () => {
    const src = tsSafetensors();
    const fromFile = safetensors.load_file(f('ts.safetensors'));
    const fromBytes = safetensors.load(safetensors.save(src, { a: 'b' }));
    for (const back of [fromFile, fromBytes]) {
      expect(Object.keys(back).sort()).toEqual(Object.keys(src).sort());
      for (const [k, t] of Object.entries(src)) {
        expect([k, back[k].dtype, back[k].shape]).toEqual([k, t.dtype, t.shape]);
        expect(back[k].is_contiguous()).toBe(true);
        const a = Array.from(back[k].toTypedArray() as ArrayLike<number | bigint>);
        const b = Array.from(t.contiguous().toTypedArray() as ArrayLike<number | bigint>);
        a.forEach((v, i) => expect(sameNumber(v, b[i])).toBe(true));
      }
    }
    expect(safetensors.metadata(safetensors.save({ x: torch.ones(1) }))).toBeNull();
  });

  test('rejects overlapping, out-of-range and malformed headers', () => {
    const file = (header: unknown, data: number, raw?: string): Uint8Array => {
      const h = Buffer.from(raw ?? JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return Buffer.concat([len, h, Buffer.alloc(data)]);
    };
    const t = (offsets: number[], shape = [2], dtype = 'F32'): unknown => ({ dtype, shape, data_offsets: offsets });
    expect(Object.keys(safetensors.load(file({ a: t([0, 8]), b: t([8, 16]) }, 16)))).toEqual(['a', 'b']);
    const bad: [Uint8Array, RegExp][] = [
      [file({ a: t([0, 8]), b: t([4, 12]) }, 16), /InvalidOffset/],
      [file({ a: t([0, 8]), b: t([16, 24]) }, 24), /InvalidOffset/],
      [file({ a: t([0, 8]) }, 4), /TensorInvalidInfo|MetadataIncompleteBuffer/],
      [file({ a: t([0, 8]) }, 16), /MetadataIncompleteBuffer/],
      [file({ a: t([0, 12]) }, 12), /TensorInvalidInfo/],
      [file({ a: t([8, 0]) }, 8), /InvalidOffset/],
      [file({ a: t([0, 8], [2], 'F99') }, 8), /unknown dtype/],
      [file({ a: t([0, 8], [2], 'U16') }, 8), /not support/],
      [file({ a: t([0, 8], [-2]) }, 8), /bad shape/],
      [file({ a: t([0, 8], [2 ** 40, 2 ** 40]) }, 8), /TensorInvalidInfo/],
      [file({ a: { dtype: 'F32', shape: [2] } }, 8), /bad data_offsets/],
      [file({ __metadata__: { a: 1 } }, 0), /__metadata__/],
      [file(null, 0, '[1, 2]'), /InvalidHeaderStart/],
      [file(null, 0, '{"a": '), /InvalidHeaderDeserialization/],
      [Buffer.from([1, 2, 3]), /HeaderTooSmall/],
      [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7b]), /HeaderTooLarge/],
      [Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0x7b]), /InvalidHeaderLength/],
    ];
    for (const [bytes, message] of bad) expect(() => safetensors.load(bytes)).toThrow(message);
    expect(() => safetensors.save_file({ x: 1 as unknown as torch.Tensor }, f('x.safetensors'))).toThrow(TypeError);
    expect(() =>
      safetensors.save_file({ x: torch.ones(1) }, f('x.safetensors'), { k: 1 as unknown as string }),
    ).toThrow(TypeError);
    expect(() => safetensors.save_file({ __metadata__: torch.ones(1) }, f('x.safetensors'))).toThrow(/reserved/);
  });

  test('truncated safetensors files are rejected', () => {
    const bytes = fs.readFileSync(f('ts.safetensors'));
    for (const n of [0, 7, 8, 20, bytes.length - 1])
      expect(() => safetensors.load(bytes.subarray(0, n))).toThrow(torch.TorchError);
  });
});

// ---------------------------------------------------------------- building blocks

describe('building blocks', () => {
  test('CRC-32: check value, chaining, and zlib agreement', () => {
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = Uint8Array.from({ length: 100003 }, (_, i) => (i * 7919) & 0xff);
    expect(crc32Portable(data.subarray(5000), crc32Portable(data.subarray(0, 5000)))).toBe(crc32(data));
    expect(crc32Portable(data)).toBe(crc32(data));
  });

  test("encodeLong matches Python's encode_long", () => {
    const hex = (x: bigint): string => Buffer.from(encodeLong(x)).toString('hex');
    expect(hex(0n)).toBe('');
    expect(hex(255n)).toBe('ff00');
    expect(hex(-128n)).toBe('80');
    expect(hex(-129n)).toBe('7fff');
    expect(hex(-256n)).toBe('00ff');
    expect(hex(-1n)).toBe('ff');
    expect(hex(2n ** 63n)).toBe('000000000000008000');
  });
});
