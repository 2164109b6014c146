/**
 * torch.optim against Python PyTorch 1.13 (same libtorch): 20-step parameter trajectories for every
 * optimizer and option combination (loss and backward run on both sides, so gradients come through
 * autograd), zero_grad semantics, state_dict layout and round trips, step(closure), errors, and
 * the one-native-call-per-group cost model. All Python runs in one process.
 */
import * as torch from '../lib';
import * as optim from '../lib/optim';
import { N } from '../lib/native';
import { pyNum } from '../lib/optim/optimizer';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';

type T = torch.Tensor;
type Make = (ps: T[]) => optim.Optimizer;

torch.manual_seed(2024);
const W0 = torch.randn([3, 4]).mul(0.5);
const b0 = torch.randn([3]).mul(0.5);
const u0 = torch.randn([2]); // never used by the loss: its .grad stays null, so it is skipped
const x = torch.randn([4, 5]).mul(0.5);
const y = torch.randn([3, 5]);
const DATA = { W0, b0, u0, x, y };
const TOL = { atol: 1e-6, rtol: 0 };

// Python twin of trajectory(): same loss, same order of zero_grad / backward / step.
const PY_HELPERS = String.raw`
import json
def params(dtype=torch.float32):
    return [t.clone().to(dtype).requires_grad_() for t in (W0, b0, u0)]
def loss_of(ps):
    W, b, u = ps
    return ((W @ x.to(W.dtype) + b.unsqueeze(1) - y.to(W.dtype)) ** 2).sum()
def flat(ps):
    return torch.cat([p.detach().reshape(-1) for p in ps])
def traj(make, steps=20, dtype=torch.float32, set_to_none=False, closure=False):
    ps = params(dtype)
    opt = make(ps)
    out, losses = [], []
    for t in range(steps):
        if closure:
            def c():
                opt.zero_grad()
                l = loss_of(ps)
                l.backward()
                return l
            losses.append(opt.step(c).detach())
        else:
            opt.zero_grad(set_to_none=set_to_none)
            loss_of(ps).backward()
            opt.step()
        out.append(flat(ps))
    return [torch.stack(out), torch.stack(losses)] if closure else torch.stack(out)
def late(make, steps=8):
    ps = params()
    opt = make(ps)
    out = []
    for t in range(steps):
        opt.zero_grad()
        l = loss_of(ps)
        if t >= 3:
            l = l + (ps[2] ** 2).sum()
        l.backward()
        opt.step()
        out.append(flat(ps))
    return torch.stack(out)
def canon(v):
    if isinstance(v, torch.Tensor): return ['tensor', str(v.dtype).replace('torch.', ''), list(v.shape)]
    if v is None or isinstance(v, bool): return v
    if isinstance(v, (int, float)): return repr(v)
    if isinstance(v, (list, tuple)): return [canon(e) for e in v]
    if isinstance(v, dict): return [[k if isinstance(k, str) else canon(k), canon(e)] for k, e in v.items()]
    return repr(v)
def state_tensors(sd):
    return [e for s in sd['state'].values() for e in s.values() if isinstance(e, torch.Tensor)]
def layout(make, steps=3):
    ps = params()
    opt = make(ps)
    for _ in range(steps):
        opt.zero_grad()
        loss_of(ps).backward()
        opt.step()
    sd = opt.state_dict()
    return [json.dumps(canon(sd), separators=(',', ':')), state_tensors(sd)]
`;

interface TrajOptions {
  steps?: number;
  dtype?: torch.dtype;
  set_to_none?: boolean;
  /** Rebuild the parameters and optimizer at this step and continue from a loaded state_dict. */
  reloadAt?: number;
}

function makeParams(dtype: torch.dtype = torch.float32): T[] {
  return [W0, b0, u0].map((t) => t.clone().to(dtype).requires_grad_());
}

function lossOf(ps: T[]): T {
  const [W, b] = ps;
  return W.matmul(x.to(W.dtype)).add(b.unsqueeze(1)).sub(y.to(W.dtype)).pow(2).sum();
}

function flat(ps: T[]): T {
  return torch.cat(ps.map((p) => p.detach().reshape(-1)));
}

function trajectory(make: Make, o: TrajOptions = {}): T {
  let ps = makeParams(o.dtype);
  let opt = make(ps);
  const out: T[] = [];
  for (let t = 0; t < (o.steps ?? 20); t++) {
    if (t === o.reloadAt) {
      const sd = opt.state_dict();
      ps = ps.map((p) => p.detach().clone().requires_grad_());
      opt = make(ps);
      opt.load_state_dict(sd);
    }
    opt.zero_grad({ set_to_none: o.set_to_none ?? false });
    lossOf(ps).backward();
    opt.step();
    out.push(flat(ps));
  }
  return torch.stack(out);
}

/** Like trajectory(), but the third parameter first gets a gradient at step 3 (lazy state, partial lists). */
function late(make: Make, steps = 8): T {
  const ps = makeParams();
  const opt = make(ps);
  const out: T[] = [];
  for (let t = 0; t < steps; t++) {
    opt.zero_grad();
    let l = lossOf(ps);
    if (t >= 3) l = l.add(ps[2].pow(2).sum());
    l.backward();
    opt.step();
    out.push(flat(ps));
  }
  return torch.stack(out);
}

/** Python's key order, Python's number reprs, tensors as [dtype, shape]: compared as JSON text. */
function canon(v: unknown): unknown {
  if (v instanceof torch.Tensor) return ['tensor', v.dtype.name, v.shape];
  if (v === null || v === undefined || typeof v === 'boolean') return v ?? null;
  if (typeof v === 'number') return pyNum(v);
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof Map) return [...v].map(([k, e]) => [canon(k), canon(e)]);
  if (typeof v === 'object') return Object.entries(v as object).map(([k, e]) => [k, canon(e)]);
  return String(v);
}

function layout(make: Make, steps = 3): [string, T[]] {
  const ps = makeParams();
  const opt = make(ps);
  for (let i = 0; i < steps; i++) {
    opt.zero_grad();
    lossOf(ps).backward();
    opt.step();
  }
  const sd = opt.state_dict();
  const isTensor = (e: unknown): e is T => e instanceof torch.Tensor;
  const tensors = [...sd.state.values()].flatMap((s) => Object.values(s).filter(isTensor));
  return [JSON.stringify(canon(sd)), tensors];
}

// Each optimizer configuration: the TS constructor and the same Python constructor.
interface Config {
  name: string;
  ts: Make;
  py: string;
}

const configs: Config[] = [
  { name: 'SGD plain', ts: (ps) => new optim.SGD(ps, { lr: 0.01 }), py: 'torch.optim.SGD(ps, lr=0.01)' },
  { name: 'SGD positional lr', ts: (ps) => new optim.SGD(ps, 0.02), py: 'torch.optim.SGD(ps, 0.02)' },
  {
    name: 'SGD momentum',
    ts: (ps) => new optim.SGD(ps, 0.01, { momentum: 0.9 }),
    py: 'torch.optim.SGD(ps, 0.01, momentum=0.9)',
  },
  {
    name: 'SGD momentum dampening',
    ts: (ps) => new optim.SGD(ps, { lr: 0.01, momentum: 0.9, dampening: 0.5 }),
    py: 'torch.optim.SGD(ps, lr=0.01, momentum=0.9, dampening=0.5)',
  },
  {
    name: 'SGD nesterov',
    ts: (ps) => new optim.SGD(ps, { lr: 0.01, momentum: 0.8, nesterov: true }),
    py: 'torch.optim.SGD(ps, lr=0.01, momentum=0.8, nesterov=True)',
  },
  {
    name: 'SGD weight_decay',
    ts: (ps) => new optim.SGD(ps, { lr: 0.01, weight_decay: 0.1 }),
    py: 'torch.optim.SGD(ps, lr=0.01, weight_decay=0.1)',
  },
  {
    name: 'SGD momentum weight_decay nesterov',
    ts: (ps) => new optim.SGD(ps, { lr: 0.01, momentum: 0.9, weight_decay: 0.05, nesterov: true }),
    py: 'torch.optim.SGD(ps, lr=0.01, momentum=0.9, weight_decay=0.05, nesterov=True)',
  },
  {
    name: 'SGD maximize momentum',
    ts: (ps) => new optim.SGD(ps, { lr: 0.002, momentum: 0.5, maximize: true }),
    py: 'torch.optim.SGD(ps, lr=0.002, momentum=0.5, maximize=True)',
  },
  {
    name: 'SGD two groups',
    ts: ([W, b, u]) => new optim.SGD([{ params: [W], lr: 0.001 }, { params: [b, u] }], { lr: 0.02, momentum: 0.9 }),
    py: "torch.optim.SGD([{'params': [ps[0]], 'lr': 0.001}, {'params': ps[1:]}], lr=0.02, momentum=0.9)",
  },
  { name: 'Adam default', ts: (ps) => new optim.Adam(ps), py: 'torch.optim.Adam(ps)' },
  { name: 'Adam lr', ts: (ps) => new optim.Adam(ps, { lr: 0.05 }), py: 'torch.optim.Adam(ps, lr=0.05)' },
  {
    name: 'Adam amsgrad',
    ts: (ps) => new optim.Adam(ps, 0.05, { amsgrad: true }),
    py: 'torch.optim.Adam(ps, 0.05, amsgrad=True)',
  },
  {
    name: 'Adam weight_decay',
    ts: (ps) => new optim.Adam(ps, { lr: 0.05, weight_decay: 0.1 }),
    py: 'torch.optim.Adam(ps, lr=0.05, weight_decay=0.1)',
  },
  {
    name: 'Adam maximize',
    ts: (ps) => new optim.Adam(ps, { lr: 0.01, maximize: true }),
    py: 'torch.optim.Adam(ps, lr=0.01, maximize=True)',
  },
  {
    name: 'Adam amsgrad weight_decay maximize betas eps',
    ts: (ps) =>
      new optim.Adam(ps, { lr: 0.02, betas: [0.8, 0.9], eps: 1e-6, weight_decay: 0.05, amsgrad: true, maximize: true }),
    py: 'torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.05, amsgrad=True, maximize=True)',
  },
  {
    name: 'Adam two groups',
    ts: ([W, b, u]) => new optim.Adam([{ params: [W, u] }, { params: b, lr: 0.1, amsgrad: true }], { lr: 0.01 }),
    py: "torch.optim.Adam([{'params': [ps[0], ps[2]]}, {'params': ps[1], 'lr': 0.1, 'amsgrad': True}], lr=0.01)",
  },
  { name: 'AdamW default', ts: (ps) => new optim.AdamW(ps), py: 'torch.optim.AdamW(ps)' },
  {
    name: 'AdamW amsgrad',
    ts: (ps) => new optim.AdamW(ps, 0.05, { amsgrad: true }),
    py: 'torch.optim.AdamW(ps, 0.05, amsgrad=True)',
  },
  {
    name: 'AdamW weight_decay maximize',
    ts: (ps) => new optim.AdamW(ps, { lr: 0.01, weight_decay: 0.3, maximize: true }),
    py: 'torch.optim.AdamW(ps, lr=0.01, weight_decay=0.3, maximize=True)',
  },
  {
    name: 'AdamW no weight_decay amsgrad',
    ts: (ps) => new optim.AdamW(ps, { lr: 0.05, weight_decay: 0, amsgrad: true }),
    py: 'torch.optim.AdamW(ps, lr=0.05, weight_decay=0, amsgrad=True)',
  },
  { name: 'RMSprop default', ts: (ps) => new optim.RMSprop(ps), py: 'torch.optim.RMSprop(ps)' },
  {
    name: 'RMSprop centered',
    ts: (ps) => new optim.RMSprop(ps, { lr: 0.005, centered: true }),
    py: 'torch.optim.RMSprop(ps, lr=0.005, centered=True)',
  },
  {
    name: 'RMSprop momentum',
    ts: (ps) => new optim.RMSprop(ps, 0.005, { momentum: 0.9 }),
    py: 'torch.optim.RMSprop(ps, 0.005, momentum=0.9)',
  },
  {
    name: 'RMSprop centered momentum weight_decay',
    ts: (ps) => new optim.RMSprop(ps, { lr: 0.005, momentum: 0.5, centered: true, weight_decay: 0.1 }),
    py: 'torch.optim.RMSprop(ps, lr=0.005, momentum=0.5, centered=True, weight_decay=0.1)',
  },
  {
    name: 'RMSprop alpha eps maximize',
    ts: (ps) => new optim.RMSprop(ps, { lr: 0.001, alpha: 0.9, eps: 1e-6, maximize: true }),
    py: 'torch.optim.RMSprop(ps, lr=0.001, alpha=0.9, eps=1e-6, maximize=True)',
  },
  { name: 'Adagrad default', ts: (ps) => new optim.Adagrad(ps), py: 'torch.optim.Adagrad(ps)' },
  {
    name: 'Adagrad lr_decay',
    ts: (ps) => new optim.Adagrad(ps, { lr: 0.1, lr_decay: 0.05 }),
    py: 'torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.05)',
  },
  {
    name: 'Adagrad initial_accumulator_value',
    ts: (ps) => new optim.Adagrad(ps, 0.1, { initial_accumulator_value: 0.5 }),
    py: 'torch.optim.Adagrad(ps, 0.1, initial_accumulator_value=0.5)',
  },
  {
    name: 'Adagrad weight_decay maximize eps',
    ts: (ps) => new optim.Adagrad(ps, { lr: 0.01, weight_decay: 0.1, maximize: true, eps: 1e-6 }),
    py: 'torch.optim.Adagrad(ps, lr=0.01, weight_decay=0.1, maximize=True, eps=1e-6)',
  },
  {
    name: 'Adagrad two groups',
    ts: ([W, b, u]) =>
      new optim.Adagrad(
        [
          { params: [W], lr: 0.3 },
          { params: [b, u], lr_decay: 0.1 },
        ],
        { lr: 0.1 },
      ),
    py: "torch.optim.Adagrad([{'params': [ps[0]], 'lr': 0.3}, {'params': ps[1:], 'lr_decay': 0.1}], lr=0.1)",
  },
];
const byName = (name: string): Config => configs.find((c) => c.name === name) as Config;

interface Case extends OracleCase {
  name: string;
  ts: () => unknown;
  tol?: { atol?: number; rtol?: number };
}

const trajectoryCases: Case[] = [
  ...configs.map((c) => ({ name: c.name, ts: () => trajectory(c.ts), py: `traj(lambda ps: ${c.py})` })),
  {
    name: 'Adam float64',
    ts: () => trajectory(byName('Adam amsgrad').ts, { dtype: torch.float64 }),
    py: `traj(lambda ps: ${byName('Adam amsgrad').py}, dtype=torch.float64)`,
    tol: { atol: 1e-12 },
  },
  {
    name: 'SGD float64 nesterov',
    ts: () => trajectory(byName('SGD nesterov').ts, { dtype: torch.float64 }),
    py: `traj(lambda ps: ${byName('SGD nesterov').py}, dtype=torch.float64)`,
    tol: { atol: 1e-12 },
  },
  ...['SGD momentum', 'Adam amsgrad', 'RMSprop centered momentum weight_decay', 'Adagrad lr_decay'].map((n) => ({
    name: `${n}: a parameter gets its first gradient at step 3`,
    ts: () => late(byName(n).ts),
    py: `late(lambda ps: ${byName(n).py})`,
  })),
  {
    name: 'SGD momentum, zero_grad(set_to_none)',
    ts: () => trajectory(byName('SGD momentum').ts, { set_to_none: true }),
    py: `traj(lambda ps: ${byName('SGD momentum').py}, set_to_none=True)`,
  },
];

// load_state_dict into fresh parameters and a fresh optimizer at step 10: the continuation must be
// Python's uninterrupted trajectory.
const roundTripNames = [
  'SGD momentum dampening',
  'SGD two groups',
  'Adam amsgrad',
  'Adam two groups',
  'AdamW default',
  'RMSprop centered momentum weight_decay',
  'Adagrad lr_decay',
  'Adagrad two groups',
];
const roundTripCases: Case[] = roundTripNames.map((n) => ({
  name: `${n}: state_dict round trip at step 10`,
  ts: () => trajectory(byName(n).ts, { reloadAt: 10 }),
  py: `traj(lambda ps: ${byName(n).py})`,
}));

const layoutNames = [
  'SGD plain',
  'SGD momentum',
  'SGD two groups',
  'Adam default',
  'Adam amsgrad',
  'Adam two groups',
  'AdamW amsgrad',
  'RMSprop default',
  'RMSprop centered momentum weight_decay',
  'Adagrad default',
  'Adagrad two groups',
];
const layoutCases: Case[] = layoutNames.map((n) => ({
  name: `${n}: state_dict layout`,
  ts: () => layout(byName(n).ts),
  py: `layout(lambda ps: ${byName(n).py})`,
}));

function closureRun(): [T, T] {
  const ps = makeParams();
  const opt = new optim.RMSprop(ps, { lr: 0.01, momentum: 0.5 });
  const out: T[] = [];
  const losses: T[] = [];
  for (let t = 0; t < 20; t++) {
    const loss = opt.step(() => {
      opt.zero_grad();
      const l = lossOf(ps);
      l.backward();
      return l;
    }) as T;
    losses.push(loss.detach());
    out.push(flat(ps));
  }
  return [torch.stack(out), torch.stack(losses)];
}

// Zero gradients (zero_grad()) still move Adam's parameters through its moments; null gradients
// (set_to_none) skip the parameters: both as in Python.
function zeroVsNone(setToNone: boolean): T {
  const ps = makeParams();
  const opt = new optim.Adam(ps, { lr: 0.1 });
  const out: T[] = [];
  for (let t = 0; t < 6; t++) {
    opt.zero_grad({ set_to_none: setToNone });
    if (t < 3) lossOf(ps).backward();
    opt.step();
    out.push(flat(ps));
  }
  return torch.stack(out);
}
const PY_ZERO_VS_NONE = (s: boolean): string => String.raw`(lambda ps, opt: torch.stack([
    (opt.zero_grad(set_to_none=${s ? 'True' : 'False'}), loss_of(ps).backward() if t < 3 else None,
     opt.step(), flat(ps))[3]
    for t in range(6)]))(*(lambda ps: (ps, torch.optim.Adam(ps, lr=0.1)))(params()))`;

const behaviourCases: Case[] = [
  {
    name: 'step(closure) returns the loss (RMSprop momentum)',
    ts: closureRun,
    py: 'traj(lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5), closure=True)',
  },
  { name: 'Adam after zero_grad(): zero grads still step', ts: () => zeroVsNone(false), py: PY_ZERO_VS_NONE(false) },
  { name: 'Adam after zero_grad(set_to_none): params skipped', ts: () => zeroVsNone(true), py: PY_ZERO_VS_NONE(true) },
  {
    name: 'repr (Adam defaults)',
    ts: () => String(new optim.Adam(makeParams())),
    py: 'repr(torch.optim.Adam(params()))',
  },
  {
    name: 'repr (SGD two groups)',
    ts: () => String(byName('SGD two groups').ts(makeParams())),
    py: `repr(${byName('SGD two groups').py.replace(/\bps\b/g, 'params()')})`,
  },
];

// Constructor and load_state_dict errors: Python's exception type and message.
const p3 = (): T => torch.zeros([3], { requires_grad: true });
const errorCases: Case[] = [
  { name: 'SGD negative lr', ts: () => new optim.SGD([p3()], -1), py: 'torch.optim.SGD([p], lr=-1)' },
  {
    name: 'SGD negative momentum',
    ts: () => new optim.SGD([p3()], { lr: 0.1, momentum: -0.5 }),
    py: 'torch.optim.SGD([p], lr=0.1, momentum=-0.5)',
  },
  {
    name: 'SGD negative weight_decay',
    ts: () => new optim.SGD([p3()], { lr: 0.1, weight_decay: -1e-5 }),
    py: 'torch.optim.SGD([p], lr=0.1, weight_decay=-1e-5)',
  },
  {
    name: 'SGD nesterov without momentum',
    ts: () => new optim.SGD([p3()], { lr: 0.1, nesterov: true }),
    py: 'torch.optim.SGD([p], lr=0.1, nesterov=True)',
  },
  {
    name: 'SGD nesterov with dampening',
    ts: () => new optim.SGD([p3()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
    py: 'torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)',
  },
  { name: 'SGD without lr', ts: () => new optim.SGD([p3()]), py: 'torch.optim.SGD([p])' },
  {
    name: 'SGD unexpected option',
    ts: () => new optim.SGD([p3()], { lr: 0.1, momentun: 0.9 } as optim.SGDOptions),
    py: 'torch.optim.SGD([p], lr=0.1, momentun=0.9)',
  },
  {
    name: 'Adam negative lr',
    ts: () => new optim.Adam([p3()], { lr: -0.001 }),
    py: 'torch.optim.Adam([p], lr=-0.001)',
  },
  {
    name: 'Adam negative eps',
    ts: () => new optim.Adam([p3()], { eps: -1e-8 }),
    py: 'torch.optim.Adam([p], eps=-1e-8)',
  },
  {
    name: 'Adam beta 0',
    ts: () => new optim.Adam([p3()], { betas: [1.5, 0.999] }),
    py: 'torch.optim.Adam([p], betas=(1.5, 0.999))',
  },
  {
    name: 'Adam beta 1',
    ts: () => new optim.Adam([p3()], { betas: [0.9, -0.1] }),
    py: 'torch.optim.Adam([p], betas=(0.9, -0.1))',
  },
  { name: 'Adam nan lr', ts: () => new optim.Adam([p3()], { lr: NaN }), py: "torch.optim.Adam([p], lr=float('nan'))" },
  {
    name: 'Adam negative weight_decay',
    ts: () => new optim.Adam([p3()], { weight_decay: -1 }),
    py: 'torch.optim.Adam([p], weight_decay=-1)',
  },
  {
    name: 'Adam fused on CPU',
    ts: () => new optim.Adam([p3()], { fused: true }),
    py: 'torch.optim.Adam([p], fused=True)',
  },
  { name: 'AdamW negative lr', ts: () => new optim.AdamW([p3()], -0.5), py: 'torch.optim.AdamW([p], -0.5)' },
  {
    name: 'AdamW has no differentiable option',
    ts: () => new optim.AdamW([p3()], { differentiable: false } as optim.AdamWOptions),
    py: 'torch.optim.AdamW([p], differentiable=False)',
  },
  {
    name: 'RMSprop negative alpha',
    ts: () => new optim.RMSprop([p3()], { alpha: -0.5 }),
    py: 'torch.optim.RMSprop([p], alpha=-0.5)',
  },
  {
    name: 'RMSprop negative momentum',
    ts: () => new optim.RMSprop([p3()], { momentum: -1 }),
    py: 'torch.optim.RMSprop([p], momentum=-1)',
  },
  {
    name: 'RMSprop negative eps',
    ts: () => new optim.RMSprop([p3()], { eps: -0.25 }),
    py: 'torch.optim.RMSprop([p], eps=-0.25)',
  },
  {
    name: 'Adagrad negative lr_decay',
    ts: () => new optim.Adagrad([p3()], { lr_decay: -0.1 }),
    py: 'torch.optim.Adagrad([p], lr_decay=-0.1)',
  },
  {
    name: 'Adagrad negative initial_accumulator_value',
    ts: () => new optim.Adagrad([p3()], { initial_accumulator_value: -1 }),
    py: 'torch.optim.Adagrad([p], initial_accumulator_value=-1)',
  },
  {
    name: 'Adagrad negative eps',
    ts: () => new optim.Adagrad([p3()], { eps: -1e-10 }),
    py: 'torch.optim.Adagrad([p], eps=-1e-10)',
  },
  {
    name: 'params is a Tensor',
    ts: () => new optim.SGD(p3() as unknown as T[], 0.1),
    py: 'torch.optim.SGD(p, lr=0.1)',
  },
  { name: 'empty params', ts: () => new optim.SGD([], 0.1), py: 'torch.optim.SGD([], lr=0.1)' },
  { name: 'non-leaf param', ts: () => new optim.SGD([p3().mul(2)], 0.1), py: 'torch.optim.SGD([p * 2], lr=0.1)' },
  {
    name: 'param in two groups',
    ts: () => {
      const p = p3();
      return new optim.SGD([{ params: [p] }, { params: [p] }], 0.1);
    },
    py: "torch.optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)",
  },
  {
    name: 'add_param_group with a known param',
    ts: () => {
      const p = p3();
      new optim.SGD([p], 0.1).add_param_group({ params: [p] });
    },
    py: "torch.optim.SGD([p], lr=0.1).add_param_group({'params': [p]})",
  },
  {
    name: 'params in a Set',
    ts: () => new optim.SGD([{ params: new Set([p3()]) }], 0.1),
    py: "torch.optim.SGD([{'params': {p}}], lr=0.1)",
  },
  {
    name: 'load_state_dict: different number of groups',
    ts: () => {
      const [a, b] = [p3(), p3()];
      new optim.SGD([a, b], 0.1).load_state_dict(new optim.SGD([{ params: [a] }, { params: [b] }], 0.1).state_dict());
    },
    py:
      'torch.optim.SGD([p, q], lr=0.1).load_state_dict(' +
      "torch.optim.SGD([{'params': [p]}, {'params': [q]}], lr=0.1).state_dict())",
  },
  {
    name: 'load_state_dict: group size mismatch',
    ts: () => {
      const [a, b] = [p3(), p3()];
      new optim.SGD([a, b], 0.1).load_state_dict(new optim.SGD([a], 0.1).state_dict());
    },
    py: 'torch.optim.SGD([p, q], lr=0.1).load_state_dict(torch.optim.SGD([p], lr=0.1).state_dict())',
  },
].map((c) => ({ ...c, setup: 'p = torch.zeros(3, requires_grad=True); q = torch.zeros(3, requires_grad=True)' }));

const allCases: Case[] = [
  ...trajectoryCases.map((c) => ({ ...c, setup: PY_HELPERS })),
  ...roundTripCases.map((c) => ({ ...c, setup: PY_HELPERS })),
  ...layoutCases.map((c) => ({ ...c, setup: PY_HELPERS })),
  ...behaviourCases.map((c) => ({ ...c, setup: PY_HELPERS })),
  ...errorCases,
];

const results = new Map<string, PyResult>();
beforeAll(() => {
  const out = runPython(allCases.map((c) => ({ ...c, inputs: DATA })));
  allCases.forEach((c, i) => results.set(c.name, out[i]));
});
const resultOf = (c: Case): PyResult => results.get(c.name) as PyResult;

describe('trajectories match Python (20 steps, loss + backward on both sides)', () => {
  test.each(trajectoryCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectMatches(c.ts(), resultOf(c), c.tol ?? TOL, c.name);
  });
});

describe('state_dict', () => {
  test.each(roundTripCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectMatches(c.ts(), resultOf(c), TOL, c.name);
  });

  test.each(layoutCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = resultOf(c);
    if (r.kind !== 'list') throw new Error(`python: ${JSON.stringify(r)}`);
    const [text, tensors] = c.ts() as [string, T[]];
    expectMatches(text, r.items[0], {}, `${c.name} layout`);
    expectMatches(tensors, r.items[1], TOL, `${c.name} state tensors`);
  });

  test('state maps integer indices to the optimizer’s own state objects; params are listed last', () => {
    const ps = makeParams();
    const opt = new optim.SGD(ps, 0.1, { momentum: 0.9 });
    lossOf(ps).backward();
    opt.step();
    const sd = opt.state_dict();
    expect(sd.state).toBeInstanceOf(Map);
    expect([...sd.state.keys()]).toEqual([0, 1]);
    expect(sd.state.get(0) === opt.state.get(ps[0])).toBe(true);
    expect(Object.keys(sd.param_groups[0]).pop()).toBe('params');
    expect(sd.param_groups[0].params).toEqual([0, 1, 2]);
  });

  test('load_state_dict deep-copies, casts state to the parameters’ dtype, keeps step, applies group options', () => {
    const ps = makeParams();
    const opt = new optim.Adam(ps, { lr: 0.01 });
    lossOf(ps).backward();
    opt.step();
    const sd = opt.state_dict();
    sd.param_groups[0].lr = 0.5;
    const ps64 = makeParams(torch.float64);
    const opt64 = new optim.Adam(ps64);
    const ownList = opt64.param_groups[0].params;
    opt64.load_state_dict(sd);
    const s = opt64.state.get(ps64[0]) as optim.AdamState;
    expect(s.exp_avg.dtype).toBe(torch.float64);
    expect(s.step.dtype).toBe(torch.float32); // Python never casts 'step'
    expect(s.step.item()).toBe(1);
    expect(opt64.param_groups[0].lr).toBe(0.5);
    expect(opt64.param_groups[0].params === ownList).toBe(true); // the optimizer's own list, as update_group does
    expect(Object.keys(opt64.param_groups[0]).pop()).toBe('params');
    const before = s.exp_avg.clone();
    (sd.state.get(0) as optim.AdamState).exp_avg.add_(1);
    expect(torch.equal(s.exp_avg.to(torch.float64), before)).toBe(true);
  });

  test('load_state_dict accepts a JSON-style state object and an old integer step (converted to a tensor)', () => {
    const ps = makeParams();
    const opt = new optim.Adam(ps);
    const g = { ...opt.state_dict().param_groups[0] };
    const z = () => torch.zeros([3]);
    opt.load_state_dict({ state: { 1: { step: 4, exp_avg: z(), exp_avg_sq: z() } }, param_groups: [g] });
    const s = opt.state.get(ps[1]) as optim.AdamState;
    expect(s.step).toBeInstanceOf(torch.Tensor);
    expect(s.step.item()).toBe(4);
    expect(opt.defaults).toHaveProperty('differentiable', false);
  });
});

describe('step, zero_grad, param groups', () => {
  test.each(behaviourCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expectMatches(c.ts(), resultOf(c), TOL, c.name);
  });

  test('zero_grad() zeroes in place (1.13 default); set_to_none gives null; detaches graph-carrying grads', () => {
    const ps = makeParams();
    const opt = new optim.SGD(ps, 0.1);
    lossOf(ps).backward();
    // A gradient that carries a graph (as after backward(create_graph=True)) is detached, not just zeroed.
    ps[0].grad = torch.ones([3, 4], { requires_grad: true }).mul(2);
    expect((ps[0].grad as T).grad_fn).not.toBeNull();
    opt.zero_grad();
    expect(ps[0].grad).not.toBeNull();
    expect((ps[0].grad as T).grad_fn).toBeNull();
    expect((ps[0].grad as T).requires_grad).toBe(false);
    expect((ps[0].grad as T).abs().sum().item()).toBe(0);
    expect(ps[2].grad).toBeNull(); // never had one
    opt.zero_grad({ set_to_none: true });
    expect(ps[0].grad).toBeNull();
    lossOf(ps).backward();
    opt.zero_grad(true);
    expect(ps[1].grad).toBeNull();
    expect(() => opt.zero_grad({ set_to_none: 'yes' as unknown as boolean })).toThrow(TypeError);
  });

  test('step(closure) runs the closure with grad enabled and returns its value; null without one', () => {
    const ps = makeParams();
    const opt = new optim.SGD(ps, 0.1);
    N.set_grad_enabled(false); // as inside torch.no_grad()
    let loss: T | null;
    try {
      loss = opt.step(() => {
        opt.zero_grad();
        const l = lossOf(ps);
        expect(l.requires_grad).toBe(true);
        l.backward();
        return l;
      });
      expect(N.is_grad_enabled()).toBe(false); // restored
    } finally {
      N.set_grad_enabled(true);
    }
    expect(loss).toBeInstanceOf(torch.Tensor);
    expect(opt.step()).toBeNull();
    expect(() => opt.step(5 as unknown as () => number)).toThrow(TypeError);
  });

  test('add_param_group: defaults fill the missing options; the new group is stepped', () => {
    const [W, b, u] = makeParams();
    const opt = new optim.SGD([W], { lr: 0.1, momentum: 0.9 });
    opt.add_param_group({ params: b, lr: 0.01 });
    expect(Object.keys(opt.param_groups[1])).toEqual([
      'params',
      'lr',
      'momentum',
      'dampening',
      'weight_decay',
      'nesterov',
      'maximize',
      'foreach',
      'differentiable',
    ]);
    expect(opt.param_groups[1].momentum).toBe(0.9);
    expect(opt.param_groups[1].params.length === 1 && opt.param_groups[1].params[0] === b).toBe(true);
    const b1 = b.detach().clone();
    lossOf([W, b, u]).backward();
    opt.step();
    expect(torch.allclose(b.detach(), b1.sub((b.grad as T).mul(0.01)))).toBe(true);
    expect(opt.state.has(b)).toBe(true);
  });

  test('SGD groups may each give lr when the default is missing; defaults.lr is `required`', () => {
    const [W, b] = makeParams();
    const opt = new optim.SGD([
      { params: [W], lr: 0.1 },
      { params: [b], lr: 0.2 },
    ]);
    expect(opt.defaults.lr).toBe(optim.required);
    expect(opt.param_groups.map((g) => g.lr)).toEqual([0.1, 0.2]);
  });

  test('wrong JS types are TypeErrors', () => {
    const p = p3();
    expect(() => new optim.SGD([p], 'a' as unknown as number)).toThrow(TypeError);
    const badNesterov = { lr: 0.1, nesterov: 1 as unknown as boolean };
    expect(() => new optim.SGD([p], badNesterov)).toThrow(/argument 'nesterov' must be bool/);
    expect(() => new optim.Adam([p], { betas: 0.9 as unknown as [number, number] })).toThrow(TypeError);
    expect(() => new optim.SGD([p, 3 as unknown as T], 0.1)).toThrow(
      /optimizer can only optimize Tensors, but one of the params is number/,
    );
    expect(() => new optim.SGD(7 as unknown as T[], 0.1)).toThrow(TypeError);
  });

  test('state created inside torch.scope survives the scope', () => {
    const ps = makeParams();
    const opt = new optim.Adam(ps, { lr: 0.1 });
    torch.scope(() => {
      opt.zero_grad();
      lossOf(ps).backward();
      opt.step();
    });
    const s = opt.state.get(ps[0]) as optim.AdamState;
    expect(s.exp_avg.abs().sum().item()).toBeGreaterThan(0);
    torch.scope(() => {
      opt.zero_grad();
      lossOf(ps).backward();
      opt.step();
    });
    expect(s.step.item()).toBe(2);
  });

  test('a step makes two native calls per group (grad check + update), whatever the parameter count', () => {
    const ps = Array.from({ length: 60 }, () => torch.randn([4], { requires_grad: true }));
    const loss = () => torch.stack(ps.map((p) => p.sum())).sum();
    for (const opt of [
      new optim.SGD([{ params: ps.slice(0, 30) }, { params: ps.slice(30) }], { lr: 0.1, momentum: 0.9 }),
      new optim.Adam([{ params: ps.slice(0, 30) }, { params: ps.slice(30) }], { amsgrad: true }),
      new optim.RMSprop([{ params: ps.slice(0, 30) }, { params: ps.slice(30) }], { centered: true, momentum: 0.9 }),
      new optim.AdamW([{ params: ps.slice(0, 30) }, { params: ps.slice(30) }]),
      new optim.Adagrad([{ params: ps.slice(0, 30) }, { params: ps.slice(30) }]),
    ] as optim.Optimizer[]) {
      loss().backward();
      opt.step(); // first step: state initialization may call more
      const calls: string[] = [];
      const saved = { ...N };
      for (const k of Object.keys(N)) {
        const f = saved[k];
        N[k] = (...args: unknown[]) => {
          calls.push(k);
          return f(...args);
        };
      }
      try {
        opt.step();
        opt.zero_grad();
      } finally {
        Object.assign(N, saved);
      }
      expect(calls.filter((c) => c === 'optim_grad_indices')).toHaveLength(2);
      expect(calls.filter((c) => c.startsWith('optim_') && c.endsWith('_step'))).toHaveLength(2);
      expect(calls.filter((c) => c === 'optim_zero_grad')).toHaveLength(2);
      expect(calls).toHaveLength(6);
    }
  });
});

describe('errors match Python', () => {
  test.each(errorCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = resultOf(c);
    if (r.kind !== 'error') throw new Error(`Python did not raise: ${JSON.stringify(r)}`);
    let err: unknown = null;
    try {
      c.ts();
    } catch (e) {
      err = e;
    }
    expect(err).not.toBeNull();
    if (r.type === 'TypeError') {
      expect(err).toBeInstanceOf(TypeError);
    } else {
      expect(err).toBeInstanceOf(torch.TorchError);
      expect((err as torch.TorchError).python_type).toBe(r.type);
    }
    expect((err as Error).message).toBe(r.message);
  });
});
