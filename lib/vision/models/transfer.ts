/**
 * Transfer-learning helpers: the usual PyTorch recipes (freeze the backbone, swap the classifier
 * head, give the head its own learning rate, take penultimate-layer features) as functions.
 * Each is a few lines of plain PyTorch-style code, which keeps working as well:
 *
 * ```ts
 * import * as torch from 'torchts';
 * import { models } from 'torchts/vision';
 * const { freeze, unfreeze, replace_head, param_groups, extract_features } = models;
 *
 * const model = models.resnet50({ weights: models.ResNet50_Weights.IMAGENET1K_V2 });
 * freeze(model);                                  // for p in model.parameters(): p.requires_grad = False
 * replace_head(model, 100);                       // model.fc = nn.Linear(model.fc.in_features, 100)
 * let opt = new torch.optim.SGD(models.trainable_parameters(model), { lr: 0.01, momentum: 0.9 });
 * // ... train the head, then fine-tune layer4 with a smaller learning rate:
 * unfreeze(model.layer4);
 * opt = new torch.optim.SGD(param_groups(model, { backbone_lr: 1e-3, head_lr: 1e-2 }), { lr: 1e-2, momentum: 0.9 });
 * const feats = torch.no_grad(() => extract_features(model.eval(), x)); // N x 2048
 * ```
 *
 * The head is the model's last `nn.Linear` in registration order: `fc` for torchvision's ResNet,
 * `classifier.6` for VGG and AlexNet, `linear` for the seed's CIFAR ResNet, `fc2` for SimpleCNN,
 * `fc3` for LeNet5. Pass `{ head: 'name' }` where a model's classifier is something else.
 */
import { nn, optim, Tensor, TorchError } from '../../index';

type Module = nn.Module;

export interface HeadOptions {
  /** The head's dotted module name (`'fc'`, `'classifier.6'`); default: the last `nn.Linear`. */
  head?: string;
}

/** Sets `requires_grad = false` on every parameter of `module` (a frozen backbone); returns `module`. */
export function freeze<M extends Module>(module: M): M {
  checkModule('freeze', module);
  return module.requires_grad_(false);
}

/** Sets `requires_grad = true` on every parameter of `module`; returns `module`. */
export function unfreeze<M extends Module>(module: M): M {
  checkModule('unfreeze', module);
  return module.requires_grad_(true);
}

/** The dotted name of the model's classifier head (see the file comment for the rule). */
export function head_name(model: Module, opts: HeadOptions = {}): string {
  checkModule('head_name', model);
  if (opts.head !== undefined) {
    model.get_submodule(opts.head); // a clear AttributeError for a wrong name
    return opts.head;
  }
  let found: string | null = null;
  for (const [name, m] of model.named_modules()) if (m instanceof nn.Linear && name !== '') found = name;
  if (found === null) {
    throw new TorchError(
      `${model._get_name()} has no nn.Linear head: pass { head: '<module name>' } to name its classifier`,
      'ValueError',
    );
  }
  return found;
}

/** The model's head module (`model.fc`, `model.classifier[6]`, ...). */
export function get_head(model: Module, opts: HeadOptions = {}): Module {
  return model.get_submodule(head_name(model, opts));
}

/**
 * Replaces the classifier head with a new `nn.Linear(in_features, num_classes)` on the old head's
 * device and dtype (built as Python's `nn.Linear(...)` then moved, so the same seed gives Python's
 * weights), trainable, in the model's train/eval mode. Returns the model.
 */
export function replace_head<M extends Module>(model: M, num_classes: number, opts: HeadOptions = {}): M {
  if (!Number.isInteger(num_classes) || num_classes <= 0) {
    throw new TypeError(`replace_head(): num_classes must be a positive integer, got ${String(num_classes)}`);
  }
  const name = head_name(model, opts);
  const old = model.get_submodule(name);
  if (!(old instanceof nn.Linear)) {
    throw new TorchError(`replace_head(): ${name} is a ${old._get_name()}, not an nn.Linear`, 'TypeError');
  }
  const head = new nn.Linear(old.in_features, num_classes, { bias: old.bias !== null });
  const w = old.weight;
  if (w.device.code !== head.weight.device.code || w.dtype !== head.weight.dtype) head.to(w.device, w.dtype);
  head.train(model.training);
  const dot = name.lastIndexOf('.');
  const parent = dot < 0 ? model : model.get_submodule(name.slice(0, dot));
  // An assignment, as `model.fc = ...` / `model.classifier[6] = ...`: the Module proxy registers it.
  (parent as unknown as Record<string, Module>)[name.slice(dot + 1)] = head;
  return model;
}

/** The parameters with `requires_grad` (what an optimizer should get after freezing). */
export function trainable_parameters(model: Module): nn.Parameter[] {
  checkModule('trainable_parameters', model);
  return model.parameters().filter((p) => p.requires_grad);
}

/** `sum(p.numel() for p in model.parameters() [if p.requires_grad])`. */
export function count_parameters(model: Module, opts: { trainable_only?: boolean } = {}): number {
  checkModule('count_parameters', model);
  const params = opts.trainable_only ? trainable_parameters(model) : model.parameters();
  return params.reduce((n, p) => n + p.numel(), 0);
}

export interface ParamGroupsOptions extends HeadOptions {
  /** lr of the backbone group; default: the optimizer's lr. */
  backbone_lr?: number;
  /** lr of the head group; default: the optimizer's lr. */
  head_lr?: number;
}

/**
 * Optimizer parameter groups `[{ params: backbone, lr: backbone_lr }, { params: head, lr: head_lr }]`
 * holding only trainable parameters (a group with none is left out, so a frozen backbone gives one
 * group). Python: `[{'params': [p for n, p in model.named_parameters() if ... and p.requires_grad], ...}]`.
 */
export function param_groups(model: Module, opts: ParamGroupsOptions = {}): optim.ParamGroupInput[] {
  const head = get_head(model, opts);
  const headParams = new Set<Tensor>(head.parameters());
  const backbone: Tensor[] = [];
  const top: Tensor[] = [];
  for (const p of trainable_parameters(model)) (headParams.has(p) ? top : backbone).push(p);
  const groups: optim.ParamGroupInput[] = [];
  const group = (params: Tensor[], lr: number | undefined): optim.ParamGroupInput =>
    lr === undefined ? { params } : { params, lr };
  if (backbone.length) groups.push(group(backbone, opts.backbone_lr));
  if (top.length) groups.push(group(top, opts.head_lr));
  return groups;
}

/**
 * The penultimate-layer features of a classifier: what its head receives (ResNet: after avgpool
 * and flatten, 2048 values for resnet50; VGG/AlexNet: the classifier up to its last Linear).
 * Wraps the model (so `.eval()`, `.to()` reach it) without changing it: `model(x)` still gives
 * logits. The head's input is taken with a forward pre-hook that exists only during the call, so
 * the head can be replaced later.
 */
export class FeatureExtractor extends nn.Module<(x: Tensor) => Tensor> {
  model: Module;
  head: string;

  constructor(model: Module, opts: HeadOptions = {}) {
    super();
    this.head = head_name(model, opts);
    this.model = model;
  }

  forward(x: Tensor): Tensor {
    let features: Tensor | null = null;
    const handle = this.model.get_submodule(this.head).register_forward_pre_hook((_m, args) => {
      features = args[0] as Tensor;
    });
    try {
      this.model(x);
    } finally {
      handle.remove();
    }
    if (features === null) {
      throw new TorchError(`${this.model._get_name()}.forward did not call its head ${this.head}`, 'RuntimeError');
    }
    return features;
  }

  extra_repr(): string {
    return `head=${this.head}`;
  }
}

/** `new FeatureExtractor(model, opts)(x)`: the features the head would receive for `x`. */
export function extract_features(model: Module, x: Tensor, opts: HeadOptions = {}): Tensor {
  return new FeatureExtractor(model, opts)(x);
}

function checkModule(fn: string, m: unknown): void {
  if (!(m instanceof nn.Module)) {
    const what = m === null ? 'None' : typeof m === 'object' ? (m as object).constructor.name : typeof m;
    throw new TypeError(`${fn}(): argument 'module' must be nn.Module, not ${what}`);
  }
}
