/** Packs tensor-factory keyword arguments into the one integer the addon decodes. */
import { device, DeviceLike, toDevice } from './device';
import { dtype } from './dtype';
import { argError } from './errors';

/** Keyword arguments shared by factories: `torch.zeros([2, 3], { dtype, device, requires_grad })`. */
export interface FactoryOptions {
  dtype?: dtype | null;
  device?: DeviceLike | null;
  requires_grad?: boolean;
  pin_memory?: boolean;
}

/**
 * bits 0-7 dtype code + 1 (0 = default), bits 8-23 device code, bit 24 requires_grad,
 * bit 25 pin_memory (native/convert.cc DecodeFactoryOptions).
 */
export function packOptions(fn: string, o: FactoryOptions | undefined, defaultDtype?: dtype): number {
  if (o === undefined) return defaultDtype ? defaultDtype.code + 1 : 0;
  if (typeof o !== 'object' || o === null) throw argError(fn, 'options', 'an options object', o);
  let packed = 0;
  const d = o.dtype ?? defaultDtype;
  if (d != null) {
    if (!(d instanceof dtype)) throw argError(fn, 'dtype', 'torch.dtype', d);
    packed |= d.code + 1;
  }
  if (o.device != null) packed |= (o.device instanceof device ? o.device : toDevice(o.device, fn)).code << 8;
  if (o.requires_grad) packed |= 1 << 24;
  if (o.pin_memory) packed |= 1 << 25;
  return packed;
}
