/**
 * A short tour of the torchts Tensor API (what `npm start` runs until the training command lands).
 * Every line reads like the PyTorch it mirrors; the Python is in the comments.
 */
import * as torch from 'torchts';

torch.manual_seed(0); //                                   torch.manual_seed(0)
const device = torch.cuda.is_available() ? 'cuda' : 'cpu'; // 'cuda' if torch.cuda.is_available() else 'cpu'
console.log(`torchts ${torch.__version__} on libtorch ${torch.__libtorch_version__}, device: ${device}`);

const x = torch.randn([2, 3], { device }); //               x = torch.randn(2, 3, device=device)
console.log('x =', x);
console.log('x.sum(1, keepdim=True) =', x.sum(1, { keepdim: true }));

const w = torch.tensor(
  [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  { dtype: torch.float32, device },
);
console.log('x @ w =', x.matmul(w)); //                      x @ w

const [values, indices] = x.max(1); //                        values, indices = x.max(1)
console.log('max over dim 1:', values.tolist(), indices.tolist());

console.log('x[:, 1:3] =', x.index(':, 1:3')); //              x[:, 1:3]
console.log('x[x > 0] =', x.index(x.gt(0))); //                x[x > 0]

// Autograd basics: y = sum(w^2), dy/dw = 2w
const p = torch.tensor([1.0, -2.0, 3.5], { requires_grad: true });
const y = p.mul(p).sum();
y.backward();
console.log('y =', y, ' p.grad =', p.grad);

// Deterministic release: everything created in the scope except the result is freed now.
const before = torch.memory().tensors;
const total = torch.scope(() => torch.ones(1000).mul(2).add(1).sum());
console.log(`scope result ${total.item()}, tensors alive: ${torch.memory().tensors - before} new`);

try {
  x.add(torch.ones(4, { device })); //                         RuntimeError in Python
} catch (e) {
  console.log(`${(e as Error).name} (${(e as torch.TorchError).python_type}): ${(e as Error).message}`);
}
