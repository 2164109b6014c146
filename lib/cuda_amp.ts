/** torch.cuda.amp.autocast / GradScaler (CUDA defaults). */
import {
  autocast as genericAutocast,
  AutocastOptions,
  GradScaler as GenericGradScaler,
  GradScalerOptions,
} from './amp';

/** `torch.cuda.amp.autocast(fn)` / `torch.cuda.amp.autocast({ dtype, enabled }, fn)`. */
export function autocast<T>(optsOrFn: AutocastOptions | (() => T), maybeFn?: () => T): T {
  return genericAutocast('cuda', optsOrFn, maybeFn);
}

/** torch.cuda.amp.GradScaler: disabled (with a warning) when CUDA is not available, as in PyTorch. */
export class GradScaler extends GenericGradScaler {
  constructor(opts: GradScalerOptions = {}) {
    super('cuda', opts);
  }
}
