/**
 * The seed's SimpleCNN on CIFAR-10, line for line as the Python seed (the Python is in the comments).
 * `node dist/examples/simple_cnn.js [--epochs N] [--data DIR]`; `--help` lists the knobs
 * (examples/_knobs.ts), e.g. TORCHTS_EXAMPLE_BATCHES=3 for a quick run.
 */
import * as torch from 'torchts';
import { transforms } from 'torchts/vision';
import { knobs, cifar } from './_knobs';

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

const args = knobs("simple_cnn: the seed's SimpleCNN on CIFAR-10", {
  epochs: 30,
  batch_size: 128,
  lr: 0.1,
  workers: 2,
});
const device = torch.cuda.is_available() ? 'cuda' : 'cpu'; // device = 'cuda' if torch.cuda.is_available() else 'cpu'

// class SimpleCNN(nn.Module):
class SimpleCNN extends nn.Module<(x: Tensor) => Tensor> {
  conv1 = new nn.Conv2d(3, 32, { kernel_size: 3, padding: 1 });
  bn1 = new nn.BatchNorm2d(32);
  conv2 = new nn.Conv2d(32, 64, { kernel_size: 3, padding: 1 });
  bn2 = new nn.BatchNorm2d(64);
  conv3 = new nn.Conv2d(64, 128, { kernel_size: 3, padding: 1 });
  bn3 = new nn.BatchNorm2d(128);
  pool = new nn.MaxPool2d(2, 2);
  dropout = new nn.Dropout(0.5);
  fc1 = new nn.Linear(128 * 4 * 4, 512);
  fc2: torch.nn.Linear;

  constructor(num_classes = 10) {
    super();
    this.fc2 = new nn.Linear(512, num_classes);
  }

  forward(x: Tensor): Tensor {
    x = this.pool(F.relu(this.bn1(this.conv1(x))));
    x = this.pool(F.relu(this.bn2(this.conv2(x))));
    x = this.pool(F.relu(this.bn3(this.conv3(x))));
    x = x.view(x.size(0), -1);
    x = this.dropout(F.relu(this.fc1(x)));
    return this.fc2(x);
  }
}

async function main(): Promise<void> {
  const normalize = new transforms.Normalize([0.4914, 0.4822, 0.4465], [0.2023, 0.1994, 0.201]);
  const transform_train = new transforms.Compose([
    new transforms.RandomCrop(32, { padding: 4 }),
    new transforms.RandomHorizontalFlip(),
    new transforms.ToTensor(),
    normalize,
  ]);
  const transform_test = new transforms.Compose([new transforms.ToTensor(), normalize]);

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

  const model = new SimpleCNN().to(device);
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: args.lr, momentum: 0.9, weight_decay: 5e-4 });
  const scheduler = new optim.lr_scheduler.CosineAnnealingLR(optimizer, { T_max: 200 });
  console.log(`SimpleCNN: ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters, device ${device}`);

  for (let epoch = 0; epoch < args.epochs; epoch++) {
    model.train();
    let running_loss = 0;
    let correct = 0;
    let total = 0;
    let batch_idx = 0;
    for (const [x, y] of trainloader) {
      if (args.batches && batch_idx >= args.batches) break;
      const inputs = (x as Tensor).to(device);
      const targets = (y as Tensor).to(device);
      optimizer.zero_grad();
      const outputs = model(inputs);
      const loss = criterion(outputs, targets);
      loss.backward();
      optimizer.step();
      running_loss += loss.item() as number;
      const [, predicted] = outputs.max(1);
      total += targets.size(0);
      correct += predicted.eq(targets).sum().item() as number;
      batch_idx++;
    }
    scheduler.step();

    model.eval();
    let test_correct = 0;
    let test_total = 0;
    let n = 0;
    torch.no_grad(() => {
      for (const [x, y] of testloader) {
        if (args.batches && n++ >= args.batches) break;
        const targets = (y as Tensor).to(device);
        const [, predicted] = model((x as Tensor).to(device)).max(1);
        test_total += targets.size(0);
        test_correct += predicted.eq(targets).sum().item() as number;
      }
    });
    const [train_acc, test_acc] = [(100 * correct) / total, (100 * test_correct) / test_total];
    console.log(
      `Epoch ${epoch + 1}/${args.epochs}: loss ${(running_loss / batch_idx).toFixed(4)} | ` +
        `train acc ${train_acc.toFixed(2)}% | test acc ${test_acc.toFixed(2)}% | ` +
        `lr ${scheduler.get_last_lr()[0].toPrecision(4)}`,
    );
  }
  torch.save(model.state_dict(), 'simple_cnn.pt');
  console.log('Saved simple_cnn.pt');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
