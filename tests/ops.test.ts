/**
 * Tensor ops against Python PyTorch (same libtorch): broadcasting, dtype promotion, indexing,
 * reductions with keepdim, in-place ops, shape ops, math. Each case is one test; all Python
 * evaluations run in one process.
 */
import * as torch from '../lib';
import { expectMatches, OracleCase, PyResult, runPython } from './helpers/oracle';
import { gc } from './helpers/gc';

interface Case extends OracleCase {
  name: string;
  ts: () => unknown;
  tol?: { rtol?: number; atol?: number };
}

torch.manual_seed(1234);
const a = torch.randn([3, 4]);
const b = torch.randn([4]);
const c = torch.randn([3, 1]);
const m = torch.randn([2, 3, 4]);
const pos = torch.rand([3, 4]).add(0.1);
const ia = torch.randint(-10, 10, [3, 4]);
const ib = torch.randint(1, 5, [4]);
const u8 = torch.tensor([1, 2, 250], { dtype: torch.uint8 });
const i8 = torch.tensor([1, -2, 3], { dtype: torch.int8 });
const bl = torch.tensor([true, false, true]);
const h = torch.randn([3, 4]).half();
const d = torch.randn([3, 4], { dtype: torch.float64 });
const mask = a.gt(0);
const idx = torch.tensor([2, 0, 1]);
const sq = torch.randn([4, 4]);
const bm1 = torch.randn([2, 3, 5]);
const bm2 = torch.randn([2, 5, 4]);
const gx = torch.randn([3], { requires_grad: true });

const cases: Case[] = [
  // creation
  { name: 'arange int', ts: () => torch.arange(5), py: 'torch.arange(5)' },
  { name: 'arange float step', ts: () => torch.arange(0, 1, 0.25), py: 'torch.arange(0, 1, 0.25)' },
  { name: 'arange start end', ts: () => torch.arange(-3, 7, 2), py: 'torch.arange(-3, 7, 2)' },
  { name: 'linspace', ts: () => torch.linspace(-1, 1, 7), py: 'torch.linspace(-1, 1, 7)' },
  { name: 'eye', ts: () => torch.eye(3, 4), py: 'torch.eye(3, 4)' },
  { name: 'full int', ts: () => torch.full([2, 2], 7), py: 'torch.full((2, 2), 7)' },
  { name: 'full float', ts: () => torch.full([2, 2], 0.5), py: 'torch.full((2, 2), 0.5)' },
  { name: 'full bool', ts: () => torch.full([2], true), py: 'torch.full((2,), True)' },
  {
    name: 'zeros f64',
    ts: () => torch.zeros([2, 3], { dtype: torch.float64 }),
    py: 'torch.zeros(2, 3, dtype=torch.float64)',
  },
  { name: 'ones varargs', ts: () => torch.ones(2, 3), py: 'torch.ones(2, 3)' },
  {
    name: 'tensor nested ints',
    ts: () =>
      torch.tensor([
        [1, 2],
        [3, 4],
      ]),
    py: 'torch.tensor([[1, 2], [3, 4]])',
  },
  { name: 'tensor floats', ts: () => torch.tensor([1.5, 2, -3.25]), py: 'torch.tensor([1.5, 2, -3.25])' },
  { name: 'tensor bools', ts: () => torch.tensor([true, false]), py: 'torch.tensor([True, False])' },
  { name: 'tensor scalar', ts: () => torch.tensor(3.5), py: 'torch.tensor(3.5)' },
  { name: 'tensor empty', ts: () => torch.tensor([]), py: 'torch.tensor([])' },
  {
    name: 'tensor Float64Array',
    ts: () => torch.tensor(new Float64Array([1, 2])),
    py: 'torch.tensor([1., 2.], dtype=torch.float64)',
  },
  {
    name: 'tensor Int32Array',
    ts: () => torch.tensor(new Int32Array([1, -2])),
    py: 'torch.tensor([1, -2], dtype=torch.int32)',
  },
  {
    name: 'tensor with dtype',
    ts: () => torch.tensor([1, 2], { dtype: torch.float32 }),
    py: 'torch.tensor([1, 2], dtype=torch.float32)',
  },
  {
    name: 'manual_seed randn matches python',
    ts: () => {
      torch.manual_seed(7);
      return torch.randn([5]);
    },
    py: '(torch.manual_seed(7), torch.randn(5))[1]',
  },
  {
    name: 'manual_seed rand matches python',
    ts: () => {
      torch.manual_seed(3);
      return torch.rand([2, 3]);
    },
    py: '(torch.manual_seed(3), torch.rand(2, 3))[1]',
  },
  {
    name: 'manual_seed randint matches python',
    ts: () => {
      torch.manual_seed(5);
      return torch.randint(0, 10, [6]);
    },
    py: '(torch.manual_seed(5), torch.randint(0, 10, (6,)))[1]',
  },
  {
    name: 'manual_seed randperm matches python',
    ts: () => {
      torch.manual_seed(5);
      return torch.randperm(8);
    },
    py: '(torch.manual_seed(5), torch.randperm(8))[1]',
  },
  // broadcasting and promotion
  { name: 'add broadcast row', ts: () => a.add(b), py: 'a + b', inputs: { a, b } },
  { name: 'add broadcast col', ts: () => a.add(c), py: 'a + c', inputs: { a, c } },
  { name: 'add alpha', ts: () => a.add(b, { alpha: 2 }), py: 'torch.add(a, b, alpha=2)', inputs: { a, b } },
  { name: 'sub scalar', ts: () => a.sub(1.5), py: 'a - 1.5', inputs: { a } },
  { name: 'rsub scalar', ts: () => a.rsub(2), py: '2 - a', inputs: { a } },
  { name: 'mul 3d broadcast', ts: () => m.mul(c.view(1, 3, 1)), py: 'm * c.view(1, 3, 1)', inputs: { m, c } },
  { name: 'int + float scalar -> float', ts: () => ia.add(0.5), py: 'ia + 0.5', inputs: { ia } },
  { name: 'int + int scalar stays int', ts: () => ia.add(3), py: 'ia + 3', inputs: { ia } },
  { name: 'int / int -> float', ts: () => ia.div(ib), py: 'ia / ib', inputs: { ia, ib } },
  {
    name: 'div floor',
    ts: () => ia.div(ib, { rounding_mode: 'floor' }),
    py: "torch.div(ia, ib, rounding_mode='floor')",
    inputs: { ia, ib },
  },
  {
    name: 'div trunc',
    ts: () => ia.div(3, { rounding_mode: 'trunc' }),
    py: "torch.div(ia, 3, rounding_mode='trunc')",
    inputs: { ia },
  },
  { name: 'int tensor + float tensor', ts: () => ia.add(a), py: 'ia + a', inputs: { ia, a } },
  { name: 'uint8 + int8 -> int16', ts: () => u8.add(i8), py: 'u8 + i8', inputs: { u8, i8 } },
  { name: 'bool + int', ts: () => bl.add(i8), py: 'bl + i8', inputs: { bl, i8 } },
  { name: 'half + float -> float', ts: () => h.add(a), py: 'h + a', inputs: { h, a }, tol: { atol: 1e-3 } },
  { name: 'double * float -> double', ts: () => d.mul(a), py: 'd * a', inputs: { d, a } },
  {
    name: 'float tensor * double 0-dim keeps float',
    ts: () => a.mul(torch.tensor(2, { dtype: torch.float64 })),
    py: 'a * torch.tensor(2., dtype=torch.float64)',
    inputs: { a },
  },
  { name: 'uint8 overflow wraps', ts: () => u8.add(10), py: 'u8 + 10', inputs: { u8 } },
  // math
  { name: 'pow scalar', ts: () => a.pow(2), py: 'a ** 2', inputs: { a } },
  { name: 'pow tensor', ts: () => pos.pow(b), py: 'pos ** b', inputs: { pos, b } },
  { name: 'rpow', ts: () => torch.pow(2, a), py: '2 ** a', inputs: { a } },
  { name: 'fmod negative', ts: () => ia.fmod(3), py: 'torch.fmod(ia, 3)', inputs: { ia } },
  { name: 'remainder negative', ts: () => ia.remainder(3), py: 'torch.remainder(ia, 3)', inputs: { ia } },
  { name: 'remainder float', ts: () => a.remainder(0.7), py: 'torch.remainder(a, 0.7)', inputs: { a } },
  { name: 'neg', ts: () => a.neg(), py: '-a', inputs: { a } },
  { name: 'abs', ts: () => ia.abs(), py: 'ia.abs()', inputs: { ia } },
  { name: 'exp', ts: () => a.exp(), py: 'a.exp()', inputs: { a } },
  { name: 'log', ts: () => pos.log(), py: 'pos.log()', inputs: { pos } },
  { name: 'log of negative is nan', ts: () => a.log(), py: 'a.log()', inputs: { a } },
  { name: 'log1p', ts: () => pos.log1p(), py: 'pos.log1p()', inputs: { pos } },
  { name: 'sqrt', ts: () => pos.sqrt(), py: 'pos.sqrt()', inputs: { pos } },
  { name: 'rsqrt', ts: () => pos.rsqrt(), py: 'pos.rsqrt()', inputs: { pos } },
  { name: 'sin cos', ts: () => a.sin().add(a.cos()), py: 'a.sin() + a.cos()', inputs: { a } },
  { name: 'tanh', ts: () => a.tanh(), py: 'a.tanh()', inputs: { a } },
  { name: 'sigmoid', ts: () => a.sigmoid(), py: 'a.sigmoid()', inputs: { a } },
  { name: 'relu', ts: () => a.relu(), py: 'a.relu()', inputs: { a } },
  { name: 'clamp both', ts: () => a.clamp(-0.5, 0.5), py: 'a.clamp(-0.5, 0.5)', inputs: { a } },
  { name: 'clamp min only', ts: () => a.clamp({ min: 0 }), py: 'a.clamp(min=0)', inputs: { a } },
  { name: 'clamp tensor bounds', ts: () => a.clamp(c, null), py: 'a.clamp(min=c)', inputs: { a, c } },
  {
    name: 'floor ceil round',
    ts: () => a.mul(3).floor().add(a.mul(3).ceil()).add(a.mul(3).round()),
    py: '(a*3).floor() + (a*3).ceil() + (a*3).round()',
    inputs: { a },
  },
  {
    name: 'round half to even',
    ts: () => torch.tensor([0.5, 1.5, 2.5, -0.5]).round(),
    py: 'torch.tensor([0.5, 1.5, 2.5, -0.5]).round()',
  },
  { name: 'round decimals', ts: () => a.round({ decimals: 2 }), py: 'a.round(decimals=2)', inputs: { a } },
  { name: 'sign', ts: () => a.sign(), py: 'a.sign()', inputs: { a } },
  {
    name: 'lerp scalar',
    ts: () => a.lerp(c.expand(3, 4), 0.3),
    py: 'torch.lerp(a, c.expand(3, 4), 0.3)',
    inputs: { a, c },
  },
  {
    name: 'lerp tensor weight',
    ts: () => a.lerp(d.float(), pos),
    py: 'torch.lerp(a, d.float(), pos)',
    inputs: { a, d, pos },
  },
  {
    name: 'addcmul',
    ts: () => a.addcmul(pos, c, { value: 0.5 }),
    py: 'torch.addcmul(a, pos, c, value=0.5)',
    inputs: { a, pos, c },
  },
  {
    name: 'addcdiv',
    ts: () => a.addcdiv(pos, pos.add(1), { value: 2 }),
    py: 'torch.addcdiv(a, pos, pos + 1, value=2)',
    inputs: { a, pos },
  },
  // comparison and logic
  { name: 'gt scalar', ts: () => a.gt(0), py: 'a > 0', inputs: { a } },
  { name: 'eq broadcast', ts: () => ia.eq(ib), py: 'ia == ib', inputs: { ia, ib } },
  { name: 'le tensor', ts: () => a.le(c), py: 'a <= c', inputs: { a, c } },
  { name: 'ne', ts: () => ia.ne(0), py: 'ia != 0', inputs: { ia } },
  {
    name: 'logical ops',
    ts: () => a.gt(0).logical_and(a.lt(1)).logical_or(a.lt(-1)).logical_not(),
    py: '~((a > 0) & (a < 1) | (a < -1))',
    inputs: { a },
  },
  {
    name: 'logical_xor',
    ts: () => torch.logical_xor(a.gt(0), c.gt(0)),
    py: 'torch.logical_xor(a > 0, c > 0)',
    inputs: { a, c },
  },
  { name: 'bitwise and', ts: () => ia.bitwise_and(6), py: 'ia & 6', inputs: { ia } },
  { name: 'maximum', ts: () => a.maximum(c), py: 'torch.maximum(a, c)', inputs: { a, c } },
  { name: 'where tensors', ts: () => torch.where(a.gt(0), a, c), py: 'torch.where(a > 0, a, c)', inputs: { a, c } },
  { name: 'where scalar', ts: () => torch.where(a.gt(0), a, 0), py: 'torch.where(a > 0, a, 0.)', inputs: { a } },
  { name: 'isclose', ts: () => a.isclose(a.add(1e-7)), py: 'torch.isclose(a, a + 1e-7)', inputs: { a } },
  { name: 'allclose', ts: () => a.allclose(a.add(1e-3)), py: 'torch.allclose(a, a + 1e-3)', inputs: { a } },
  { name: 'equal', ts: () => a.equal(a.clone()), py: 'torch.equal(a, a.clone())', inputs: { a } },
  // linear algebra
  { name: 'matmul 2d', ts: () => a.matmul(a.t()), py: 'a @ a.t()', inputs: { a } },
  { name: 'matmul vec', ts: () => a.matmul(b), py: 'a @ b', inputs: { a, b } },
  { name: 'matmul batched broadcast', ts: () => m.matmul(sq), py: 'm @ sq', inputs: { m, sq } },
  { name: 'mm', ts: () => a.mm(sq), py: 'a.mm(sq)', inputs: { a, sq } },
  { name: 'bmm', ts: () => bm1.bmm(bm2), py: 'bm1.bmm(bm2)', inputs: { bm1, bm2 } },
  {
    name: 'addmm',
    ts: () => b.addmm(a, sq, { beta: 0.5, alpha: 2 }),
    py: 'torch.addmm(b, a, sq, beta=0.5, alpha=2)',
    inputs: { a, b, sq },
  },
  { name: 'outer', ts: () => b.outer(b), py: 'torch.outer(b, b)', inputs: { b } },
  { name: 'dot', ts: () => b.dot(b), py: 'b.dot(b)', inputs: { b } },
  {
    name: 'einsum',
    ts: () => torch.einsum('ij,jk->ik', a, sq),
    py: "torch.einsum('ij,jk->ik', a, sq)",
    inputs: { a, sq },
  },
  { name: 'tril triu', ts: () => sq.tril(-1).add(sq.triu(1)), py: 'sq.tril(-1) + sq.triu(1)', inputs: { sq } },
  // reductions
  { name: 'sum all', ts: () => a.sum(), py: 'a.sum()', inputs: { a } },
  { name: 'sum dim', ts: () => a.sum(1), py: 'a.sum(1)', inputs: { a } },
  { name: 'sum keepdim', ts: () => m.sum(1, { keepdim: true }), py: 'm.sum(1, keepdim=True)', inputs: { m } },
  { name: 'sum dims list', ts: () => m.sum([0, 2]), py: 'm.sum((0, 2))', inputs: { m } },
  {
    name: 'sum options form',
    ts: () => m.sum({ dim: -1, keepdim: true }),
    py: 'm.sum(dim=-1, keepdim=True)',
    inputs: { m },
  },
  { name: 'sum int -> int64', ts: () => i8.sum(), py: 'i8.sum()', inputs: { i8 } },
  { name: 'sum bool', ts: () => bl.sum(), py: 'bl.sum()', inputs: { bl } },
  {
    name: 'sum dtype',
    ts: () => a.sum(0, { dtype: torch.float64 }),
    py: 'a.sum(0, dtype=torch.float64)',
    inputs: { a },
  },
  {
    name: 'mean dim keepdim',
    ts: () => m.mean([1, 2], { keepdim: true }),
    py: 'm.mean((1, 2), keepdim=True)',
    inputs: { m },
  },
  { name: 'std default unbiased', ts: () => a.std(), py: 'a.std()', inputs: { a } },
  { name: 'std dim biased', ts: () => a.std(1, { unbiased: false }), py: 'a.std(1, unbiased=False)', inputs: { a } },
  { name: 'var dim keepdim', ts: () => a.var(0, { keepdim: true }), py: 'a.var(0, keepdim=True)', inputs: { a } },
  {
    name: 'var correction 0',
    ts: () => a.var(null, { correction: 0 }),
    py: 'torch.var(a, None, correction=0)',
    inputs: { a },
  },
  { name: 'std_mean', ts: () => torch.std_mean(a, 1), py: 'torch.std_mean(a, 1)', inputs: { a } },
  { name: 'prod', ts: () => pos.prod(), py: 'pos.prod()', inputs: { pos } },
  {
    name: 'prod dim keepdim',
    ts: () => pos.prod(1, { keepdim: true }),
    py: 'pos.prod(1, keepdim=True)',
    inputs: { pos },
  },
  { name: 'max all', ts: () => a.max(), py: 'a.max()', inputs: { a } },
  { name: 'max dim tuple', ts: () => a.max(1), py: 'a.max(1)', inputs: { a } },
  {
    name: 'max dim values prop',
    ts: () => a.max(0, { keepdim: true }).values,
    py: 'a.max(0, keepdim=True).values',
    inputs: { a },
  },
  { name: 'min dim indices prop', ts: () => a.min(1).indices, py: 'a.min(1).indices', inputs: { a } },
  { name: 'max of two', ts: () => torch.max(a, c), py: 'torch.max(a, c)', inputs: { a, c } },
  { name: 'amax dims', ts: () => m.amax([0, 2]), py: 'm.amax((0, 2))', inputs: { m } },
  { name: 'amin keepdim', ts: () => m.amin(1, { keepdim: true }), py: 'm.amin(1, keepdim=True)', inputs: { m } },
  { name: 'argmax all', ts: () => a.argmax(), py: 'a.argmax()', inputs: { a } },
  {
    name: 'argmax dim keepdim',
    ts: () => a.argmax(1, { keepdim: true }),
    py: 'a.argmax(1, keepdim=True)',
    inputs: { a },
  },
  { name: 'argmin', ts: () => a.argmin(0), py: 'a.argmin(0)', inputs: { a } },
  {
    name: 'all any',
    ts: () => torch.stack([a.gt(-5).all(), a.gt(0).any(), a.gt(0).all()]),
    py: 'torch.stack([(a > -5).all(), (a > 0).any(), (a > 0).all()])',
    inputs: { a },
  },
  { name: 'any dim', ts: () => a.gt(1).any(1), py: '(a > 1).any(1)', inputs: { a } },
  { name: 'norm fro', ts: () => a.norm(), py: 'a.norm()', inputs: { a } },
  { name: 'norm p1 dim', ts: () => a.norm(1, 1), py: 'a.norm(1, 1)', inputs: { a } },
  {
    name: 'norm p2 dim keepdim',
    ts: () => a.norm(2, 0, { keepdim: true }),
    py: 'a.norm(2, 0, keepdim=True)',
    inputs: { a },
  },
  { name: 'logsumexp', ts: () => a.logsumexp(1), py: 'a.logsumexp(1)', inputs: { a } },
  {
    name: 'logsumexp keepdim',
    ts: () => m.logsumexp([1, 2], { keepdim: true }),
    py: 'm.logsumexp((1, 2), keepdim=True)',
    inputs: { m },
  },
  { name: 'cumsum', ts: () => a.cumsum(1), py: 'a.cumsum(1)', inputs: { a } },
  { name: 'cumsum int', ts: () => ia.cumsum(0), py: 'ia.cumsum(0)', inputs: { ia } },
  { name: 'topk', ts: () => a.topk(2), py: 'a.topk(2)', inputs: { a } },
  {
    name: 'topk smallest dim0',
    ts: () => a.topk(2, 0, { largest: false }),
    py: 'a.topk(2, 0, largest=False)',
    inputs: { a },
  },
  { name: 'sort', ts: () => a.sort(), py: 'a.sort()', inputs: { a } },
  {
    name: 'sort descending dim0',
    ts: () => a.sort(0, { descending: true }),
    py: 'a.sort(0, descending=True)',
    inputs: { a },
  },
  { name: 'argsort', ts: () => a.argsort(1, { descending: true }), py: 'a.argsort(1, descending=True)', inputs: { a } },
  { name: 'median dim', ts: () => a.median(1), py: 'a.median(1)', inputs: { a } },
  // shape
  { name: 'view', ts: () => a.view(4, 3), py: 'a.view(4, 3)', inputs: { a } },
  { name: 'view -1', ts: () => m.view(-1, 4), py: 'm.view(-1, 4)', inputs: { m } },
  { name: 'reshape noncontig', ts: () => a.t().reshape([12]), py: 'a.t().reshape(12)', inputs: { a } },
  { name: 'flatten', ts: () => m.flatten(1), py: 'm.flatten(1)', inputs: { m } },
  { name: 'unflatten', ts: () => a.unflatten(1, [2, 2]), py: 'a.unflatten(1, (2, 2))', inputs: { a } },
  { name: 'squeeze', ts: () => c.squeeze(), py: 'c.squeeze()', inputs: { c } },
  { name: 'squeeze dim', ts: () => c.squeeze(1), py: 'c.squeeze(1)', inputs: { c } },
  { name: 'unsqueeze', ts: () => b.unsqueeze(0).unsqueeze(-1), py: 'b.unsqueeze(0).unsqueeze(-1)', inputs: { b } },
  { name: 'permute', ts: () => m.permute(2, 0, 1), py: 'm.permute(2, 0, 1)', inputs: { m } },
  { name: 'transpose', ts: () => m.transpose(0, 2), py: 'm.transpose(0, 2)', inputs: { m } },
  { name: 'T', ts: () => m.T, py: 'm.permute(2, 1, 0)', inputs: { m } },
  { name: 'expand', ts: () => c.expand(3, 5), py: 'c.expand(3, 5)', inputs: { c } },
  { name: 'expand_as', ts: () => c.expand_as(a), py: 'c.expand_as(a)', inputs: { c, a } },
  { name: 'repeat', ts: () => b.repeat(2, 2), py: 'b.repeat(2, 2)', inputs: { b } },
  { name: 'cat', ts: () => torch.cat([a, a.mul(2)], 1), py: 'torch.cat([a, a * 2], 1)', inputs: { a } },
  { name: 'stack', ts: () => torch.stack([b, b.neg()], 1), py: 'torch.stack([b, -b], 1)', inputs: { b } },
  { name: 'split', ts: () => a.split(3, 1), py: 'a.split(3, 1)', inputs: { a } },
  { name: 'split sizes', ts: () => a.split([1, 3], 1), py: 'a.split([1, 3], 1)', inputs: { a } },
  { name: 'chunk', ts: () => m.chunk(3, 2), py: 'm.chunk(3, 2)', inputs: { m } },
  { name: 'narrow', ts: () => a.narrow(1, 1, 2), py: 'a.narrow(1, 1, 2)', inputs: { a } },
  { name: 'select', ts: () => m.select(1, -1), py: 'm.select(1, -1)', inputs: { m } },
  { name: 'index_select', ts: () => a.index_select(0, idx), py: 'a.index_select(0, idx)', inputs: { a, idx } },
  {
    name: 'gather',
    ts: () =>
      a.gather(
        1,
        torch.tensor([
          [0, 1],
          [3, 2],
          [1, 1],
        ]),
      ),
    py: 'a.gather(1, torch.tensor([[0, 1], [3, 2], [1, 1]]))',
    inputs: { a },
  },
  {
    name: 'scatter',
    ts: () => torch.zeros(3, 4).scatter(1, torch.tensor([[0], [3], [1]]), a),
    py: 'torch.zeros(3, 4).scatter(1, torch.tensor([[0], [3], [1]]), a)',
    inputs: { a },
  },
  {
    name: 'scatter value',
    ts: () => torch.zeros(3, 4).scatter(1, torch.tensor([[0], [3], [1]]), 5),
    py: 'torch.zeros(3, 4).scatter(1, torch.tensor([[0], [3], [1]]), 5.)',
  },
  { name: 'masked_fill', ts: () => a.masked_fill(mask, -1), py: 'a.masked_fill(mask, -1)', inputs: { a, mask } },
  { name: 'masked_select', ts: () => a.masked_select(mask), py: 'a.masked_select(mask)', inputs: { a, mask } },
  { name: 'flip', ts: () => a.flip(1), py: 'a.flip(1)', inputs: { a } },
  { name: 'roll', ts: () => a.roll(1, 1), py: 'a.roll(1, 1)', inputs: { a } },
  { name: 'nonzero', ts: () => mask.nonzero(), py: 'mask.nonzero()', inputs: { mask } },
  // indexing
  { name: 'index int', ts: () => a.index(1), py: 'a[1]', inputs: { a } },
  { name: 'index negative', ts: () => a.index([-1, -2]), py: 'a[-1, -2]', inputs: { a } },
  { name: 'index slice', ts: () => a.index([null, torch.slice(1, 3)]), py: 'a[None, 1:3]', inputs: { a } },
  { name: 'index string slices', ts: () => a.index(':, 1:3'), py: 'a[:, 1:3]', inputs: { a } },
  { name: 'index step', ts: () => a.index(':, ::2'), py: 'a[:, ::2]', inputs: { a } },
  { name: 'index negative slice', ts: () => a.index('-2:, :-1'), py: 'a[-2:, :-1]', inputs: { a } },
  { name: 'index ellipsis', ts: () => m.index(['...', 0]), py: 'm[..., 0]', inputs: { m } },
  { name: 'index ellipsis string', ts: () => m.index('..., 1:, None'), py: 'm[..., 1:, None]', inputs: { m } },
  { name: 'index bool mask', ts: () => a.index(mask), py: 'a[mask]', inputs: { a, mask } },
  { name: 'index int tensor', ts: () => a.index(idx), py: 'a[idx]', inputs: { a, idx } },
  {
    name: 'index int tensor dim1',
    ts: () => a.index([torch.slice(), torch.tensor([0, 3])]),
    py: 'a[:, torch.tensor([0, 3])]',
    inputs: { a },
  },
  {
    name: 'index two int tensors',
    ts: () => a.index([idx, torch.tensor([0, 3, 1])]),
    py: 'a[idx, torch.tensor([0, 3, 1])]',
    inputs: { a, idx },
  },
  {
    name: 'index row mask',
    ts: () => a.index(torch.tensor([true, false, true])),
    py: 'a[torch.tensor([True, False, True])]',
    inputs: { a },
  },
  // in-place
  {
    name: 'add_ tensor',
    ts: () => a.clone().add_(b, { alpha: 3 }),
    py: 'a.clone().add_(b, alpha=3)',
    inputs: { a, b },
  },
  { name: 'mul_ scalar', ts: () => a.clone().mul_(-2), py: 'a.clone().mul_(-2)', inputs: { a } },
  { name: 'div_ tensor', ts: () => a.clone().div_(pos), py: 'a.clone().div_(pos)', inputs: { a, pos } },
  { name: 'sub_ scalar', ts: () => a.clone().sub_(1), py: 'a.clone().sub_(1)', inputs: { a } },
  { name: 'pow_', ts: () => pos.clone().pow_(0.5), py: 'pos.clone().pow_(0.5)', inputs: { pos } },
  { name: 'exp_ relu_ chain', ts: () => a.clone().relu_().exp_(), py: 'a.clone().relu_().exp_()', inputs: { a } },
  { name: 'clamp_', ts: () => a.clone().clamp_(-0.1, 0.1), py: 'a.clone().clamp_(-0.1, 0.1)', inputs: { a } },
  {
    name: 'masked_fill_',
    ts: () => a.clone().masked_fill_(mask, 0),
    py: 'a.clone().masked_fill_(mask, 0)',
    inputs: { a, mask },
  },
  {
    name: 'index_put_ slice scalar',
    ts: () => a.clone().index_put_(':, 1:3', 7),
    py: '(lambda t: (t.__setitem__((slice(None), slice(1, 3)), 7), t)[1])(a.clone())',
    inputs: { a },
  },
  {
    name: 'index_put_ mask tensor',
    ts: () => a.clone().index_put_(mask, a.masked_select(mask).mul(10)),
    py: '(lambda t: (t.__setitem__(mask, a[mask] * 10), t)[1])(a.clone())',
    inputs: { a, mask },
  },
  {
    name: 'index_put_ broadcast row',
    ts: () => a.clone().index_put_(0, b),
    py: '(lambda t: (t.__setitem__(0, b), t)[1])(a.clone())',
    inputs: { a, b },
  },
  {
    name: 'in-place on view writes through',
    ts: () => {
      const x = a.clone();
      x.index(':, 0').fill_(9);
      return x;
    },
    py: '(lambda t: (t[:, 0].fill_(9), t)[1])(a.clone())',
    inputs: { a },
  },
  { name: 'int in-place add keeps int', ts: () => ia.clone().add_(2), py: 'ia.clone().add_(2)', inputs: { ia } },
  { name: 'copy_ broadcast', ts: () => torch.zeros(3, 4).copy_(b), py: 'torch.zeros(3, 4).copy_(b)', inputs: { b } },
  {
    name: 'zero_ fill_',
    ts: () => a.clone().zero_().add(a.clone().fill_(2)),
    py: 'a.clone().zero_() + a.clone().fill_(2)',
    inputs: { a },
  },
  // conversions
  { name: 'to float64', ts: () => a.to(torch.float64), py: 'a.to(torch.float64)', inputs: { a } },
  { name: 'to int truncates', ts: () => a.mul(3).to(torch.int32), py: '(a * 3).to(torch.int32)', inputs: { a } },
  { name: 'long()', ts: () => a.mul(3).long(), py: '(a * 3).long()', inputs: { a } },
  { name: 'bool()', ts: () => ia.bool(), py: 'ia.bool()', inputs: { ia } },
  { name: 'half() roundtrip', ts: () => a.half().float(), py: 'a.half().float()', inputs: { a } },
  { name: 'bfloat16 roundtrip', ts: () => a.bfloat16().float(), py: 'a.bfloat16().float()', inputs: { a } },
  { name: 'contiguous of transpose', ts: () => a.t().contiguous(), py: 'a.t().contiguous()', inputs: { a } },
  // autograd node names follow Python's overload choice (wrapped numbers for add/sub/mul/div)
  {
    name: 'grad_fn mul scalar',
    ts: () => gx.mul(2).grad_fn?.name(),
    py: '(x * 2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn add scalar',
    ts: () => gx.add(2).grad_fn?.name(),
    py: '(x + 2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn add alpha',
    ts: () => gx.add(2, { alpha: 3 }).grad_fn?.name(),
    py: 'x.add(2, alpha=3).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn sub scalar',
    ts: () => gx.sub(2).grad_fn?.name(),
    py: '(x - 2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn rsub',
    ts: () => gx.rsub(2).grad_fn?.name(),
    py: '(2 - x).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn div scalar',
    ts: () => gx.div(2).grad_fn?.name(),
    py: '(x / 2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn div floor',
    ts: () => gx.div(2, { rounding_mode: 'floor' }).grad_fn?.name(),
    py: "x.div(2, rounding_mode='floor').grad_fn.name()",
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn pow scalar',
    ts: () => gx.pow(2).grad_fn?.name(),
    py: '(x ** 2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn rpow',
    ts: () => torch.pow(2, gx).grad_fn?.name(),
    py: '(2 ** x).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn fmod',
    ts: () => gx.fmod(2).grad_fn?.name(),
    py: 'x.fmod(2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn remainder',
    ts: () => gx.remainder(2).grad_fn?.name(),
    py: 'x.remainder(2).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn clamp',
    ts: () => gx.clamp(0).grad_fn?.name(),
    py: 'x.clamp(0).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn masked_fill',
    ts: () => gx.masked_fill(gx.gt(0), 0).grad_fn?.name(),
    py: 'x.masked_fill(x > 0, 0).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn lerp',
    ts: () => gx.lerp(gx.mul(3), 0.5).grad_fn?.name(),
    py: 'x.lerp(x * 3, 0.5).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn where',
    ts: () => (torch.where(gx.gt(0), gx, 0) as torch.Tensor).grad_fn?.name(),
    py: 'torch.where(x > 0, x, 0.).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn sum',
    ts: () => gx.sum().grad_fn?.name(),
    py: 'x.sum().grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn sum dim',
    ts: () => gx.sum(0).grad_fn?.name(),
    py: 'x.sum(0).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn mean',
    ts: () => gx.mean().grad_fn?.name(),
    py: 'x.mean().grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn index slice',
    ts: () => gx.index('1:').grad_fn?.name(),
    py: 'x[1:].grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn view',
    ts: () => gx.view(3, 1).grad_fn?.name(),
    py: 'x.view(3, 1).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn max dim',
    ts: () => gx.max(0).values.grad_fn?.name(),
    py: 'x.max(0).values.grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  {
    name: 'grad_fn matmul',
    ts: () => gx.matmul(gx).grad_fn?.name(),
    py: '(x @ x).grad_fn.name()',
    inputs: { x: gx },
    setup: 'x.requires_grad_()',
  },
  // printing (repr) of real tensors
  { name: 'repr float 2d', ts: () => String(a), py: 'repr(a)', inputs: { a } },
  { name: 'repr int', ts: () => String(ia), py: 'repr(ia)', inputs: { ia } },
  { name: 'repr bool', ts: () => String(bl), py: 'repr(bl)', inputs: { bl } },
  { name: 'repr float64', ts: () => String(d), py: 'repr(d)', inputs: { d } },
  { name: 'repr scalar', ts: () => String(torch.tensor(2.5)), py: 'repr(torch.tensor(2.5))' },
  {
    name: 'repr large summarized',
    ts: () => String(torch.arange(2000).view(40, 50)),
    py: 'repr(torch.arange(2000).view(40, 50))',
  },
];

let results: PyResult[];
beforeAll(() => {
  results = runPython(cases);
});

describe('tensor ops match Python PyTorch', () => {
  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (name, i) => {
    const c = cases[i];
    expectMatches(c.ts(), results[i], c.tol ?? { rtol: 1e-5, atol: 1e-6 }, name);
  });
});

describe('semantics beyond values', () => {
  test('in-place ops return the same tensor object', () => {
    const x = torch.zeros(2);
    expect(x.add_(1)).toBe(x);
    expect(x.mul_(2).clamp_(0, 1)).toBe(x);
  });
  test('views share storage, clone does not', () => {
    const x = torch.zeros(2, 3);
    const v = x.view(6);
    v.index_put_(0, 5);
    expect(x.index([0, 0]).item()).toBe(5);
    const y = x.clone();
    y.fill_(1);
    expect(x.sum().item()).toBe(5);
  });
  test('max(dim) destructures and has values/indices', () => {
    const x = torch.tensor([
      [1, 5, 2],
      [7, 0, 3],
    ]);
    const [values, indices] = x.max(1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    const r = x.min(0);
    expect(r.values.tolist()).toEqual([1, 0, 2]);
    expect(r.indices.tolist()).toEqual([0, 1, 0]);
  });
  test('tolist / item types', () => {
    expect(
      torch
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .tolist(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(torch.tensor([true, false]).tolist()).toEqual([true, false]);
    expect(torch.tensor(2.5).item()).toBe(2.5);
    expect(torch.tensor(7).item()).toBe(7);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.tensor([9007199254740993n]).item()).toBe(9007199254740993n);
    expect(torch.tensor(3).tolist()).toBe(3);
  });
  test('typed-array export types', () => {
    // Typed arrays made by the addon belong to Node's realm, not Jest's sandbox: compare names.
    const kind = (t: torch.Tensor) => t.toTypedArray().constructor.name;
    expect(kind(torch.ones(2))).toBe('Float32Array');
    expect(kind(torch.ones(2, { dtype: torch.float64 }))).toBe('Float64Array');
    expect(kind(torch.ones(2, { dtype: torch.int64 }))).toBe('BigInt64Array');
    expect(kind(torch.ones(2, { dtype: torch.int32 }))).toBe('Int32Array');
    expect(kind(torch.ones(2, { dtype: torch.bool }))).toBe('Uint8Array');
    expect(kind(torch.ones(2, { dtype: torch.float16 }))).toBe('Float32Array');
    expect(Array.from(torch.arange(6).view(2, 3).t().toTypedArray() as BigInt64Array)).toEqual([
      0n,
      3n,
      1n,
      4n,
      2n,
      5n,
    ]);
  });
  test('toTypedArray is a copy; numpy() shares memory', () => {
    const x = torch.zeros(3);
    const copy = x.toTypedArray();
    const shared = x.numpy();
    x.fill_(2);
    expect(Array.from(copy as Float32Array)).toEqual([0, 0, 0]);
    expect(Array.from(shared as Float32Array)).toEqual([2, 2, 2]);
    shared[1] = 7;
    expect(x.tolist()).toEqual([2, 7, 2]);
  });
  test('from_numpy / frombuffer / as_tensor share the buffer', () => {
    const arr = new Float32Array([1, 2, 3, 4]);
    const t = torch.from_numpy(arr);
    arr[0] = 10;
    expect(t.index(0).item()).toBe(10);
    t.mul_(2);
    expect(Array.from(arr)).toEqual([20, 4, 6, 8]);
    const bytes = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    expect(torch.frombuffer(bytes, { dtype: torch.float32 }).tolist()).toEqual([1.5, -2]);
    expect(torch.frombuffer(bytes, { dtype: torch.float32, count: 1, offset: 4 }).tolist()).toEqual([-2]);
    const i = new Int32Array([1, 2]);
    const s = torch.as_tensor(i);
    i[1] = 5;
    expect(s.tolist()).toEqual([1, 5]);
    const conv = torch.as_tensor(i, { dtype: torch.float32 });
    i[0] = 9;
    expect(conv.tolist()).toEqual([1, 5]);
  });
  test('a view of a buffer-backed tensor keeps the buffer alive', () => {
    let v: torch.Tensor;
    {
      const t = torch.from_numpy(new Float64Array([1, 2, 3, 4]));
      v = t.index('1:3');
    }
    gc();
    expect(v.tolist()).toEqual([2, 3]);
  });
  test('properties', () => {
    const x = torch.zeros([2, 3, 4], { dtype: torch.float64 });
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
    expect(x.dtype).toBe(torch.float64);
    expect(String(x.device)).toBe('cpu');
    expect(x.element_size()).toBe(8);
    expect(x.is_contiguous()).toBe(true);
    expect(x.transpose(0, 2).is_contiguous()).toBe(false);
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.transpose(0, 2).stride()).toEqual([1, 4, 12]);
    expect(x.requires_grad).toBe(false);
    expect(x.is_leaf).toBe(true);
    expect(x.grad).toBeNull();
  });
  test('requires_grad, grad_fn and backward basics', () => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float32, requires_grad: true });
    const y = x.mul(x).sum();
    expect(y.grad_fn?.name()).toBe('SumBackward0');
    y.backward();
    expect(x.grad?.tolist()).toEqual([2, 4, 6]);
    expect(String(x.mul(2))).toBe('tensor([2., 4., 6.], grad_fn=<MulBackward0>)');
    expect(String(x)).toBe('tensor([1., 2., 3.], requires_grad=True)');
  });
  test('dtype and device objects print like PyTorch', () => {
    expect(String(torch.float32)).toBe('torch.float32');
    expect(torch.long).toBe(torch.int64);
    expect(String(new torch.device('cuda:1'))).toBe('cuda:1');
    expect(new torch.device('cuda', 0).index).toBe(0);
    expect(new torch.device('cpu').type).toBe('cpu');
    expect(String(torch.ones(1, { dtype: torch.int32 }))).toBe('tensor([1], dtype=torch.int32)');
  });
  test('iteration over the first dimension', () => {
    const rows = [...torch.arange(6).view(3, 2)].map((r) => r.tolist());
    expect(rows).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });
});
