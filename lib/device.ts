/** torch.device: 'cpu', 'cuda', 'cuda:1', ... with the compact code the addon uses. */
import { inspect } from 'util';
import { TorchError } from './errors';

// c10::DeviceType values.
const TYPE_CODES: Record<string, number> = { cpu: 0, cuda: 1, mkldnn: 2, xla: 9, mps: 13, meta: 14 };
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(TYPE_CODES).map(([k, v]) => [v, k]));

export class device {
  readonly type: string;
  /** null for a device without an index ('cuda' means the current CUDA device). */
  readonly index: number | null;
  /** @internal (DeviceType + 1) * 256 + (index + 1), as native/convert.cc decodes it. */
  readonly code: number;

  constructor(spec: string | device, index?: number) {
    if (spec instanceof device) {
      this.type = spec.type;
      this.index = spec.index;
    } else if (typeof spec === 'string') {
      const m = /^([a-z]+)(?::(\d+))?$/.exec(spec);
      if (!m || !(m[1] in TYPE_CODES)) {
        throw new TorchError(
          `Expected one of cpu, cuda, mkldnn, xla, mps, meta device type at start of device string: ${spec}`,
        );
      }
      this.type = m[1];
      if (m[2] !== undefined && index !== undefined) {
        throw new TorchError('type (string) must not include an index because index was passed explicitly: ' + spec);
      }
      this.index = m[2] !== undefined ? Number(m[2]) : (index ?? null);
    } else {
      throw new TypeError(`device(): argument 'type' must be str, not ${typeof spec}`);
    }
    if (this.index !== null && (!Number.isInteger(this.index) || this.index < 0 || this.index > 254)) {
      throw new TorchError(`Device index must not be negative`);
    }
    if (this.type === 'cpu' && this.index !== null && this.index !== 0) {
      throw new TorchError(`CPU device index must be -1 or zero, got ${this.index}`);
    }
    this.code = (TYPE_CODES[this.type] + 1) * 256 + (this.index === null ? 0 : this.index + 1);
  }

  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  [inspect.custom](): string {
    return `device(type='${this.type}'${this.index === null ? '' : `, index=${this.index}`})`;
  }
}

export type DeviceLike = device | string;

const byCode = new Map<number, device>();

/** The device for a code returned by the addon (cached: devices are immutable). */
export function deviceFromCode(code: number): device {
  let d = byCode.get(code);
  if (!d) {
    const type = TYPE_NAMES[Math.floor(code / 256) - 1] ?? `device${Math.floor(code / 256) - 1}`;
    const index = (code % 256) - 1;
    d = Object.create(device.prototype) as device;
    Object.assign(d, { type, index: index < 0 ? null : index, code });
    byCode.set(code, d);
  }
  return d;
}

export function toDevice(d: DeviceLike | number, fn = 'to'): device {
  if (d instanceof device) return d;
  if (typeof d === 'string') return new device(d);
  if (typeof d === 'number') return new device('cuda', d);
  throw new TypeError(`${fn}(): argument 'device' must be torch.device or str, not ${typeof d}`);
}
