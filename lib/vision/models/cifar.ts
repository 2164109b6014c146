/**
 * The seed's models, line for line as the PyTorch originals (tests/helpers/seed_models.py):
 * SimpleCNN (CIFAR-10, 1,147,914 parameters), ResidualBlock and the CIFAR ResNet with ResNet18
 * (11,173,962) and ResNet34 (21,282,122). SimpleCNN also takes `in_channels` / `input_size`, so
 * `new SimpleCNN(10, { in_channels: 1, input_size: 28 })` is the Fashion-MNIST variant.
 */
import { nn, Tensor } from '../../index';

const F = nn.functional;

export interface SimpleCNNOptions {
  /** Image channels (3 for CIFAR, 1 for (Fashion-)MNIST). */
  in_channels?: number;
  /** Square input side; three 2x2 max-pools floor it to `input_size / 8` before fc1. */
  input_size?: number;
}

export class SimpleCNN extends nn.Module<(x: Tensor) => Tensor> {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  conv3: nn.Conv2d;
  bn3: nn.BatchNorm2d;
  pool: nn.MaxPool2d;
  dropout: nn.Dropout;
  fc1: nn.Linear;
  fc2: nn.Linear;

  constructor(num_classes = 10, opts: SimpleCNNOptions = {}) {
    super();
    const { in_channels = 3, input_size = 32 } = opts;
    // Registration order is the seed's (conv1, bn1, ..., fc2): it fixes state_dict keys and RNG order.
    this.conv1 = new nn.Conv2d(in_channels, 32, { kernel_size: 3, padding: 1 });
    this.bn1 = new nn.BatchNorm2d(32);
    this.conv2 = new nn.Conv2d(32, 64, { kernel_size: 3, padding: 1 });
    this.bn2 = new nn.BatchNorm2d(64);
    this.conv3 = new nn.Conv2d(64, 128, { kernel_size: 3, padding: 1 });
    this.bn3 = new nn.BatchNorm2d(128);
    this.pool = new nn.MaxPool2d(2, 2);
    this.dropout = new nn.Dropout(0.5);
    const side = Math.floor(Math.floor(Math.floor(input_size / 2) / 2) / 2);
    this.fc1 = new nn.Linear(128 * side * side, 512);
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

export class ResidualBlock extends nn.Module<(x: Tensor) => Tensor> {
  static expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  shortcut: nn.Sequential;

  constructor(in_planes: number, planes: number, stride = 1) {
    super();
    this.conv1 = new nn.Conv2d(in_planes, planes, { kernel_size: 3, stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = new nn.Conv2d(planes, planes, { kernel_size: 3, stride: 1, padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(planes);
    this.shortcut = new nn.Sequential();
    if (stride !== 1 || in_planes !== ResidualBlock.expansion * planes) {
      this.shortcut = new nn.Sequential(
        new nn.Conv2d(in_planes, ResidualBlock.expansion * planes, { kernel_size: 1, stride, bias: false }),
        new nn.BatchNorm2d(ResidualBlock.expansion * planes),
      );
    }
  }

  forward(x: Tensor): Tensor {
    let out = F.relu(this.bn1(this.conv1(x)));
    out = this.bn2(this.conv2(out));
    out = out.add(this.shortcut(x));
    return F.relu(out);
  }
}

export class ResNet extends nn.Module<(x: Tensor) => Tensor> {
  in_planes = 64;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  layer4: nn.Sequential;
  linear: nn.Linear;

  constructor(block: typeof ResidualBlock, num_blocks: readonly number[], num_classes = 10) {
    super();
    this.conv1 = new nn.Conv2d(3, 64, { kernel_size: 3, stride: 1, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(64);
    this.layer1 = this._make_layer(block, 64, num_blocks[0], 1);
    this.layer2 = this._make_layer(block, 128, num_blocks[1], 2);
    this.layer3 = this._make_layer(block, 256, num_blocks[2], 2);
    this.layer4 = this._make_layer(block, 512, num_blocks[3], 2);
    this.linear = new nn.Linear(512 * block.expansion, num_classes);
  }

  _make_layer(block: typeof ResidualBlock, planes: number, num_blocks: number, stride: number): nn.Sequential {
    const strides = [stride, ...Array<number>(num_blocks - 1).fill(1)];
    const layers: nn.Module[] = [];
    for (const s of strides) {
      layers.push(new block(this.in_planes, planes, s));
      this.in_planes = planes * block.expansion;
    }
    return new nn.Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    let out = F.relu(this.bn1(this.conv1(x)));
    out = this.layer4(this.layer3(this.layer2(this.layer1(out))));
    out = F.avg_pool2d(out, 4);
    out = out.view(out.size(0), -1);
    return this.linear(out);
  }
}

export function ResNet18(num_classes = 10): ResNet {
  return new ResNet(ResidualBlock, [2, 2, 2, 2], num_classes);
}

export function ResNet34(num_classes = 10): ResNet {
  return new ResNet(ResidualBlock, [3, 4, 6, 3], num_classes);
}
