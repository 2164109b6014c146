/**
 * The seed's training program: ResNet18 (the seed's CIFAR ResNet) on CIFAR-10 with augmentation,
 * SGD + cosine annealing, train(epoch) / test(epoch), and the best checkpoint saved to
 * ./checkpoint/ckpt.pth (a file Python's torch.load reads). The Python is in the comments.
 *
 *   node dist/examples/resnet_cifar10.js [--lr 0.1] [--resume] [--epochs 200] [--data ./data]
 *
 * `--help` lists the knobs (examples/_knobs.ts); TORCHTS_EXAMPLE_BATCHES=3 --epochs 1 is a smoke run.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchts';
import { models, transforms } from 'torchts/vision';
import { cifar, knobs } from './_knobs';

const { nn, optim } = torch;
type Tensor = torch.Tensor;

const args = knobs(
  'resnet_cifar10: PyTorch CIFAR10 Training (the seed)',
  { epochs: 200, batch_size: 128, lr: 0.1, workers: 2 },
  {
    resume: { type: 'boolean', short: 'r', help: 'resume from checkpoint' },
    checkpoint: { type: 'string', env: 'TORCHTS_EXAMPLE_CHECKPOINT', help: 'checkpoint folder (default ./checkpoint)' },
  },
);
const device = torch.cuda.is_available() ? 'cuda' : 'cpu';
const ckptDir = args.extra.checkpoint ?? './checkpoint';
const ckptFile = path.join(ckptDir, 'ckpt.pth');
let best_acc = 0; // best test accuracy
let start_epoch = 0; // start from epoch 0 or last checkpoint epoch

interface Checkpoint {
  net: Record<string, Tensor>;
  acc: number;
  epoch: number;
}

async function main(): Promise<void> {
  // Data
  console.log('==> Preparing data..');
  const transform_train = new transforms.Compose([
    new transforms.RandomCrop(32, { padding: 4 }),
    new transforms.RandomHorizontalFlip(),
    new transforms.ToTensor(),
    new transforms.Normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.201]),
  ]);
  const transform_test = new transforms.Compose([
    new transforms.ToTensor(),
    new transforms.Normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.201]),
  ]);

  const CIFAR10 = cifar(10, args.verify); // torchvision.datasets.CIFAR10 (unless --no-verify)
  const trainset = new CIFAR10({ root: args.data, train: true, download: true, transform: transform_train });
  const trainloader = new torch.utils.data.DataLoader(trainset, {
    batch_size: args.batch_size,
    shuffle: true,
    num_workers: args.workers,
  });
  const testset = new CIFAR10({ root: args.data, train: false, download: true, transform: transform_test });
  const testloader = new torch.utils.data.DataLoader(testset, {
    batch_size: 100,
    shuffle: false,
    num_workers: args.workers,
  });

  // Model
  console.log('==> Building model..');
  const net = models.ResNet18().to(device);

  if (args.extra.resume === 'true') {
    // Load checkpoint.
    console.log('==> Resuming from checkpoint..');
    if (!fs.existsSync(ckptFile)) throw new Error(`Error: no checkpoint found at ${ckptFile}!`);
    const checkpoint = torch.load(ckptFile) as Checkpoint;
    net.load_state_dict(checkpoint.net);
    best_acc = checkpoint.acc;
    start_epoch = checkpoint.epoch + 1;
  }

  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: args.lr, momentum: 0.9, weight_decay: 5e-4 });
  const scheduler = new optim.lr_scheduler.CosineAnnealingLR(optimizer, { T_max: 200 });

  // Training
  function train(epoch: number): void {
    console.log(`\nEpoch: ${epoch}`);
    net.train();
    let train_loss = 0;
    let correct = 0;
    let total = 0;
    let batch_idx = 0;
    for (const [x, y] of trainloader) {
      if (args.batches && batch_idx >= args.batches) break;
      const [inputs, targets] = [(x as Tensor).to(device), (y as Tensor).to(device)];
      optimizer.zero_grad();
      const outputs = net(inputs);
      const loss = criterion(outputs, targets);
      loss.backward();
      optimizer.step();

      train_loss += loss.item() as number;
      const [, predicted] = outputs.max(1);
      total += targets.size(0);
      correct += predicted.eq(targets).sum().item() as number;
      batch_idx++;
      progress('train', batch_idx, trainloader.length, train_loss, correct, total);
    }
  }

  function test(epoch: number): void {
    net.eval();
    let test_loss = 0;
    let correct = 0;
    let total = 0;
    let batch_idx = 0;
    torch.no_grad(() => {
      for (const [x, y] of testloader) {
        if (args.batches && batch_idx >= args.batches) break;
        const [inputs, targets] = [(x as Tensor).to(device), (y as Tensor).to(device)];
        const outputs = net(inputs);
        const loss = criterion(outputs, targets);

        test_loss += loss.item() as number;
        const [, predicted] = outputs.max(1);
        total += targets.size(0);
        correct += predicted.eq(targets).sum().item() as number;
        batch_idx++;
        progress('test', batch_idx, testloader.length, test_loss, correct, total);
      }
    });

    // Save checkpoint.
    const acc = (100 * correct) / total;
    if (acc > best_acc) {
      console.log('Saving..');
      const state: Checkpoint = { net: net.state_dict(), acc, epoch };
      fs.mkdirSync(ckptDir, { recursive: true });
      torch.save(state, ckptFile);
      best_acc = acc;
    }
  }

  for (let epoch = start_epoch; epoch < start_epoch + args.epochs; epoch++) {
    train(epoch);
    test(epoch);
    scheduler.step();
  }
  console.log(`Best test accuracy: ${best_acc.toFixed(3)}%`);
}

/** The seed's progress_bar message, one line per batch (every 20th on long epochs). */
function progress(phase: string, batch: number, of: number, loss: number, correct: number, total: number): void {
  const last = batch === of || batch === args.batches;
  if (!last && batch % 20 !== 0) return;
  const acc = ((100 * correct) / total).toFixed(3);
  console.log(`[${phase}] ${batch}/${of} Loss: ${(loss / batch).toFixed(3)} | Acc: ${acc}% (${correct}/${total})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
