/**
 * Classic LeNet-5 for 1x28x28 input (61,706 parameters at 10 classes): conv1 pads by 2 so the
 * 28x28 MNIST digits give LeNet's 32x32 geometry: 6@28x28 -> pool 6@14x14 -> conv 16@10x10 ->
 * pool 16@5x5 -> 120 -> 84 -> classes.
 */
import { nn, Tensor } from '../../index';

const F = nn.functional;

export interface LeNet5Options {
  /** 'max' (the common modern choice) or 'avg' (LeCun's subsampling without its trainable scale). */
  pool?: 'max' | 'avg';
  in_channels?: number;
}

export class LeNet5 extends nn.Module<(x: Tensor) => Tensor> {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;
  pool: nn.MaxPool2d | nn.AvgPool2d;

  constructor(num_classes = 10, opts: LeNet5Options = {}) {
    super();
    const { pool = 'max', in_channels = 1 } = opts;
    this.conv1 = new nn.Conv2d(in_channels, 6, { kernel_size: 5, padding: 2 });
    this.conv2 = new nn.Conv2d(6, 16, { kernel_size: 5 });
    this.fc1 = new nn.Linear(16 * 5 * 5, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, num_classes);
    this.pool = pool === 'max' ? new nn.MaxPool2d(2, 2) : new nn.AvgPool2d(2, 2);
  }

  forward(x: Tensor): Tensor {
    x = this.pool(F.relu(this.conv1(x)));
    x = this.pool(F.relu(this.conv2(x)));
    x = x.flatten(1);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}
