/**
 * Transfer learning: ImageNet-trained ResNet-50 (torchvision's ResNet50_Weights.IMAGENET1K_V2) with a
 * new 100-class head on CIFAR-100 (or your own ImageFolder): first feature extraction (backbone
 * frozen, only `fc` trains), then fine-tuning `layer4` with a 10x smaller learning rate.
 *
 * Weights: torchvision's file https://download.pytorch.org/models/resnet50-11ad3fa6.pth in
 * $TORCH_HOME/hub/checkpoints/ (default ~/.cache/torch/hub/checkpoints/, where Python's torchvision
 * caches it too); `--download` fetches it there first (sha256-checked, as torch.hub). Or pass
 * --weights /path/to/file.pth (or TORCHTS_RESNET50_WEIGHTS); `--weights none` starts from random weights.
 *
 *   node dist/examples/transfer_learning.js [--epochs 3] [--finetune-epochs 3] [--image-size 224]
 *        [--image-folder DIR]  (DIR/train/<class>/*.jpg and DIR/val/<class>/*.jpg)
 *
 * `--help` lists every knob (examples/_knobs.ts); --image-size 64 makes a CPU run practical.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchts';
import { datasets, models, transforms } from 'torchts/vision';
import { cifar, knobs } from './_knobs';

const { nn, optim } = torch;
const { freeze, unfreeze, replace_head, param_groups, trainable_parameters, count_parameters } = models;
type Tensor = torch.Tensor;

const args = knobs(
  'transfer_learning: ResNet-50 (ImageNet weights) fine-tuned on CIFAR-100 or an ImageFolder',
  { epochs: 3, batch_size: 64, lr: 0.01, workers: 2 },
  {
    weights: { type: 'string', env: 'TORCHTS_RESNET50_WEIGHTS', help: "checkpoint file, or 'none' (random init)" },
    download: { type: 'boolean', help: 'fetch the ImageNet checkpoint into the hub cache if missing' },
    'finetune-epochs': { type: 'string', env: 'TORCHTS_EXAMPLE_FINETUNE_EPOCHS', help: 'epochs of layer4 fine-tuning' },
    'image-size': { type: 'string', env: 'TORCHTS_EXAMPLE_IMAGE_SIZE', help: 'input side (default 224)' },
    'image-folder': { type: 'string', env: 'TORCHTS_EXAMPLE_IMAGE_FOLDER', help: 'ImageFolder root: train/, val/' },
  },
);
const device = torch.cuda.is_available() ? 'cuda' : 'cpu';
const image_size = Number(args.extra['image-size'] ?? 224);
const finetune_epochs = Number(args.extra['finetune-epochs'] ?? args.epochs);

/** ResNet-50 with ImageNet weights from the hub cache (fetched there with --download), a file, or none. */
async function pretrainedResnet50(): Promise<models.ResNet> {
  const weights = models.ResNet50_Weights.IMAGENET1K_V2;
  const file = args.extra.weights;
  if (file === 'none') {
    console.log('Weights: none (random initialisation)');
    return models.resnet50();
  }
  if (file !== undefined) {
    console.log(`Weights: ${file}`);
    const model = models.resnet50();
    model.load_state_dict(weights.get_state_dict({ file }));
    return model;
  }
  const cached = weights.checkpoint_path();
  if (!fs.existsSync(cached) && args.extra.download === 'true') {
    console.log(`Downloading ${weights} into ${cached}`);
    await weights.download(); // what torchvision's resnet50(weights=...) does on first use
  }
  if (!fs.existsSync(cached)) {
    console.error(
      `No ResNet-50 weights: download ${weights.url}\nand save it as ${cached}\n` +
        '(or run with --download, pass --weights FILE / set TORCHTS_RESNET50_WEIGHTS; --weights none trains ' +
        'from scratch).',
    );
    process.exit(1);
  }
  console.log(`Weights: ${weights} from ${cached}`);
  return models.resnet50({ weights }); // resnet50(weights=ResNet50_Weights.IMAGENET1K_V2)
}

type Sample = [unknown, unknown];
type Loader = torch.utils.data.DataLoader<Sample>;

async function loaders(): Promise<[Loader, Loader, number]> {
  // ImageNet statistics: the backbone was trained on inputs normalised this way.
  const normalize = new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
  // Resize + CenterCrop: square inputs of one size, whatever the images' aspect ratios.
  const resize = [new transforms.Resize(image_size), new transforms.CenterCrop(image_size)];
  const train_tf = new transforms.Compose([
    ...resize,
    new transforms.RandomHorizontalFlip(),
    new transforms.ToTensor(),
    normalize,
  ]);
  const val_tf = new transforms.Compose([...resize, new transforms.ToTensor(), normalize]);
  let trainset: torch.utils.data.Dataset<Sample>;
  let valset: torch.utils.data.Dataset<Sample>;
  let num_classes: number;
  const folder = args.extra['image-folder'];
  if (folder) {
    const train = new datasets.ImageFolder(path.join(folder, 'train'), { transform: train_tf });
    trainset = train;
    valset = new datasets.ImageFolder(path.join(folder, 'val'), { transform: val_tf });
    num_classes = train.classes.length;
  } else {
    const CIFAR100 = cifar(100, args.verify);
    trainset = await CIFAR100.create(args.data, { train: true, download: true, transform: train_tf });
    valset = await CIFAR100.create(args.data, { train: false, download: true, transform: val_tf });
    num_classes = 100;
  }
  const opts = { batch_size: args.batch_size, num_workers: args.workers };
  return [
    new torch.utils.data.DataLoader(trainset, { ...opts, shuffle: true }),
    new torch.utils.data.DataLoader(valset, { ...opts, shuffle: false }),
    num_classes,
  ];
}

async function main(): Promise<void> {
  const model = await pretrainedResnet50(); // first: a missing checkpoint fails before any download
  const [trainloader, valloader, num_classes] = await loaders();

  // Feature extraction: freeze the backbone, new head (trainable), train only the head.
  freeze(model); //                                 for p in model.parameters(): p.requires_grad = False
  replace_head(model, num_classes); //              model.fc = nn.Linear(model.fc.in_features, num_classes)
  model.to(device);
  const criterion = new nn.CrossEntropyLoss();
  let optimizer = new optim.SGD(trainable_parameters(model), { lr: args.lr, momentum: 0.9 });
  report('feature extraction', model);
  for (let epoch = 0; epoch < args.epochs; epoch++) {
    await trainEpoch(model, trainloader, criterion, optimizer, `head ${epoch + 1}/${args.epochs}`);
    await evaluate(model, valloader);
  }

  // Fine-tuning: unfreeze layer4; the backbone learns 10x slower than the head.
  unfreeze(model.layer4); //                        for p in model.layer4.parameters(): p.requires_grad = True
  optimizer = new optim.SGD(param_groups(model, { backbone_lr: args.lr / 10, head_lr: args.lr }), {
    lr: args.lr,
    momentum: 0.9,
    weight_decay: 1e-4,
  });
  const scheduler = new optim.lr_scheduler.CosineAnnealingLR(optimizer, { T_max: Math.max(1, finetune_epochs) });
  report('fine-tuning layer4 + fc', model);
  for (let epoch = 0; epoch < finetune_epochs; epoch++) {
    await trainEpoch(model, trainloader, criterion, optimizer, `finetune ${epoch + 1}/${finetune_epochs}`);
    await evaluate(model, valloader);
    scheduler.step();
  }

  // The penultimate features (2048 per image), e.g. for a linear probe or retrieval.
  for await (const [x] of valloader) {
    const feats = torch.no_grad(() => models.extract_features(model.eval(), (x as Tensor).to(device)));
    console.log(`features: ${JSON.stringify(feats.shape)}`);
    break;
  }
  torch.save(model.state_dict(), 'resnet50_finetuned.pt');
  console.log('Saved resnet50_finetuned.pt');
}

function report(phase: string, model: torch.nn.Module): void {
  const trainable = count_parameters(model, { trainable_only: true });
  console.log(`== ${phase}: ${trainable} of ${count_parameters(model)} parameters trainable, device ${device}`);
}

async function trainEpoch(
  model: torch.nn.Module<(x: Tensor) => Tensor>,
  loader: Loader,
  criterion: torch.nn.CrossEntropyLoss,
  optimizer: torch.optim.Optimizer,
  label: string,
): Promise<void> {
  model.train();
  let [running_loss, correct, total, batches] = [0, 0, 0, 0];
  for await (const [x, y] of loader) {
    if (args.batches && batches >= args.batches) break;
    const [inputs, targets] = [(x as Tensor).to(device), (y as Tensor).to(device)];
    optimizer.zero_grad();
    const outputs = model(inputs);
    const loss = criterion(outputs, targets);
    loss.backward();
    optimizer.step();
    running_loss += loss.item() as number;
    correct += outputs.argmax(1).eq(targets).sum().item() as number;
    total += targets.size(0);
    batches++;
  }
  const acc = ((100 * correct) / total).toFixed(2);
  console.log(`[${label}] loss ${(running_loss / batches).toFixed(4)} | train acc ${acc}% (${correct}/${total})`);
}

async function evaluate(model: torch.nn.Module<(x: Tensor) => Tensor>, loader: Loader): Promise<void> {
  model.eval();
  let [correct, total, batches] = [0, 0, 0];
  for await (const [x, y] of loader) {
    if (args.batches && batches >= args.batches) break;
    const targets = (y as Tensor).to(device);
    const outputs = torch.no_grad(() => model((x as Tensor).to(device)));
    correct += outputs.argmax(1).eq(targets).sum().item() as number;
    total += targets.size(0);
    batches++;
  }
  console.log(`[val] acc ${((100 * correct) / total).toFixed(2)}% (${correct}/${total})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
